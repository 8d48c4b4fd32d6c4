"""Monthly snapshots of the plan's figures: the trend the dashboards draw."""

from django.db import models


class TargetSnapshot(models.Model):
    """The national figures as they stood in one month (taken once, on the first run of the
    month's beat task; see maturity.services.take_monthly_snapshot)."""

    month = models.DateField(unique=True, help_text="The first day of the month.")
    figures = models.JSONField(default=dict)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month"]

    def __str__(self):
        return self.month.strftime("%Y-%m")
