from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class ChangeCounter(models.Model):
    """The last sequence number handed to a change: one row. Writers lock it and keep the lock
    until they commit, so sequence numbers follow commit order and leave no gaps."""

    last_seq = models.BigIntegerField(default=0)

    def __str__(self):
        return f"last change {self.last_seq}"


class ChangeEntry(models.Model):
    """One change to a resource, as the change feed shows it.

    `seq` is given in commit order (see ChangeCounter): once a reader has seen seq N, no change
    with a smaller number can appear later, so a cursor never skips or repeats a change.
    `event_id` is the outbox event it came from; a re-dispatched event finds it and stops."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        VENDORS = "vendors", _("Every solution provider, and the organisations listed")
        ORGANIZATIONS = "organizations", _("Only the organisations listed")

    seq = models.BigIntegerField(unique=True)
    event_id = models.BigIntegerField(unique=True)
    resource_type = models.CharField(max_length=40)
    resource_id = models.CharField(max_length=50)
    action = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(db_index=True)
    audience = models.CharField(max_length=15, choices=Audience.choices)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "change entries"

    def __str__(self):
        return f"{self.seq}: {self.resource_type} {self.resource_id} {self.action}"
