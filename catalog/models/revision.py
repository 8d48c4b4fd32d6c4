from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .solution import ReviewTracking, Solution


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved and live")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REVISION_STATUSES = [
    RevisionStatus.DRAFT,
    RevisionStatus.SUBMITTED,
    RevisionStatus.IN_REVIEW,
    RevisionStatus.CHANGES_REQUESTED,
]


class SolutionRevision(ReviewTracking):
    """A change to a published solution, reviewed while the live version stays as it is.

    `base` is the live content when the change began and `data` the proposed content, both
    as snapshots (catalog.revisions); approval applies `data` to the solution atomically."""

    Status = RevisionStatus

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT, db_index=True
    )
    base = models.JSONField()
    data = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["solution", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "number"], name="revision_unique_number"),
            models.UniqueConstraint(
                fields=["solution"],
                condition=Q(status__in=OPEN_REVISION_STATUSES),
                name="revision_one_open_per_solution",
            ),
        ]

    def __str__(self):
        return f"{self.solution} — revision {self.number}"

    @property
    def vendor(self):
        return self.solution.vendor

    @property
    def vendor_id(self):
        return self.solution.vendor_id

    @property
    def is_open(self):
        return self.status in OPEN_REVISION_STATUSES
