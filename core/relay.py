"""The outbox relay: delivering pending events to the consumers of their topics."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import OutboxEvent
from .registry import consumers_for

logger = logging.getLogger(__name__)


def dispatch_pending(limit=500):
    """Deliver pending events oldest first. Returns how many were delivered."""
    delivered = 0
    pending = list(
        OutboxEvent.objects.filter(dispatched_at=None)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for event_id in pending:
        if dispatch_event(event_id):
            delivered += 1
    return delivered


def dispatch_event(event_id):
    """Deliver one event to its consumers, at most once at a time (row lock on PostgreSQL)."""
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, dispatched_at=None)
            .first()
        )
        if event is None:
            return False
        try:
            with transaction.atomic():
                for consumer in consumers_for(event.topic):
                    consumer(event)
        except Exception as exc:
            logger.exception("outbox consumer failed for %s", event)
            event.attempts += 1
            event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            event.save(update_fields=["attempts", "last_error"])
            return False
        event.attempts += 1
        event.dispatched_at = timezone.now()
        event.last_error = ""
        event.save(update_fields=["attempts", "dispatched_at", "last_error"])
        return True
