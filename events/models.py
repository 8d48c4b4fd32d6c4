from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """A fact written in the same transaction as the change it describes.

    It is delivered to every consumer of its topic after commit; until then, or when a consumer
    fails, it stays pending and the beat sweep tries again. A rolled-back change takes its event
    with it, so nothing is ever announced that did not happen."""

    topic = models.CharField(max_length=100, db_index=True)
    aggregate_type = models.CharField(max_length=50)
    aggregate_id = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], name="outbox_pending_idx", condition=models.Q(dispatched_at=None)
            ),
        ]

    def __str__(self):
        return f"{self.topic} {self.aggregate_type}:{self.aggregate_id}"

    @property
    def is_pending(self):
        return self.dispatched_at is None


class Notification(models.Model):
    """An entry in a person's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True, default="")
    link = models.CharField(max_length=500, blank=True, default="")
    event = models.ForeignKey(OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A re-dispatched event never notifies the same person twice.
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notification_once_per_event_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.title}"

    @property
    def is_unread(self):
        return self.read_at is None
