from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """A fact written in the same transaction as the change it describes.

    After commit the relay delivers it to every consumer of its topic, one Delivery each; it
    stays pending until every delivery is delivered or dead. A rolled-back change takes its
    event with it, so nothing is ever announced that did not happen."""

    topic = models.CharField(max_length=100, db_index=True)
    aggregate_type = models.CharField(max_length=50)
    aggregate_id = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        # Born in the events app; the table keeps its name.
        db_table = "events_outboxevent"
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


class Delivery(models.Model):
    """One event for one consumer, delivered, retried and recorded on its own: a consumer that
    fails never holds back or rolls back another. After settings.OUTBOX_MAX_ATTEMPTS failures
    it is parked as a dead letter until an operator retries it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Dead letter")

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    # The consumer's stable name (core.registry.consumer_name): module and function.
    consumer = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "consumer"], name="delivery_once_per_consumer"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["status", "consumer"], name="delivery_status_consumer_idx"),
        ]

    def __str__(self):
        return f"{self.event_id} → {self.consumer} ({self.status})"
