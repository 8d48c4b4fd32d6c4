from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.files import unguessable_name

from .revision import SolutionRevision
from .solution import Solution
from .taxonomy import in_reader_language


class ReviewEvent(models.Model):
    """Append-only record of one status change: who, from, to, why, when.

    `revision` is set when the change concerns a revision of a live solution."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="review_events")
    revision = models.ForeignKey(
        SolutionRevision, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A solution's or a revision's status (see catalog.workflow).
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    reason_codes = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.solution_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Review events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Review events are append-only.")


class ReviewReason(models.Model):
    """The maintained list of reasons a reviewer can give (operators edit it in the admin)."""

    class AppliesTo(models.TextChoices):
        CHANGES = "changes_requested", _("Request changes")
        REJECT = "rejected", _("Reject")
        BOTH = "both", _("Both")

    code = models.SlugField(max_length=50, unique=True)
    label_en = models.CharField(max_length=200)
    label_zh = models.CharField(max_length=200)
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices,
                                  default=AppliesTo.BOTH)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return in_reader_language(self.label_en, self.label_zh)


class CheckResult(models.Model):
    """The outcome of one automated pre-check for one submission of a solution.

    Submissions are numbered per solution across the listing and its revisions."""

    class Severity(models.TextChoices):
        OK = "ok", _("Passed")
        WARNING = "warning", _("Warning")
        ERROR = "error", _("Failed")

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="check_results")
    revision = models.ForeignKey(
        SolutionRevision, on_delete=models.CASCADE, null=True, blank=True,
        related_name="check_results",
    )
    submission = models.PositiveIntegerField(help_text="Which submission of the solution (1, 2, …)")
    code = models.CharField(max_length=50)
    passed = models.BooleanField()
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.OK)
    score = models.FloatField(null=True, blank=True)
    message = models.TextField(blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["solution", "submission", "code"]
        constraints = [
            # A re-delivered check task updates its result instead of adding another.
            models.UniqueConstraint(
                fields=["solution", "submission", "code"], name="checkresult_once_per_submission"
            ),
        ]

    def __str__(self):
        return f"{self.code} #{self.submission}: {'pass' if self.passed else 'fail'}"


def attachment_path(instance, filename):
    # Never the solution's id nor the upload's name (core.files); the caller names the
    # file after its detected type, and original_name keeps what the vendor called it.
    return unguessable_name("attachments", PurePath(filename).suffix)


class Attachment(models.Model):
    """A document a vendor attaches as evidence (brochure, case report, certificate)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    title = models.CharField(max_length=200, blank=True, default="")
    # Detected from the bytes, never from the name or the browser's claim.
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["solution", "created_at", "id"]

    def __str__(self):
        return self.title or self.original_name
