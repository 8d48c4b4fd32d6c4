from django.conf import settings
from django.db import models

from .solution import Solution, SolutionStatus


class ReviewEvent(models.Model):
    """Append-only record of one status change: who, from, to, why, when."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="review_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=SolutionStatus.choices)
    to_status = models.CharField(max_length=20, choices=SolutionStatus.choices)
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


class CheckResult(models.Model):
    """The outcome of one automated pre-check for one submission of a solution."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="check_results")
    submission = models.PositiveIntegerField(help_text="Which submission of the solution (1, 2, …)")
    code = models.CharField(max_length=50)
    passed = models.BooleanField()
    score = models.FloatField(null=True, blank=True)
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
