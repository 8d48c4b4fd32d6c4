from django.db import models


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
