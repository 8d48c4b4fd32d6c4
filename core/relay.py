"""The outbox relay: each pending event fans out into one delivery per consumer of its topic,
and each delivery runs in its own transaction, so a consumer that raises (the search cluster
down, say) neither rolls back nor holds back the others. A failed delivery is retried with
exponential backoff and, after settings.OUTBOX_MAX_ATTEMPTS, parked as a dead letter. An event
counts as dispatched once every delivery is delivered or dead (docs/operations.md)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .models import Delivery, OutboxEvent
from .registry import consumer_name, consumer_named, consumers_for

logger = logging.getLogger(__name__)

PENDING, DELIVERED, DEAD = Delivery.Status.PENDING, Delivery.Status.DELIVERED, Delivery.Status.DEAD


def backoff(attempts):
    """Seconds to wait after the `attempts`th failure: base × 2^(attempts-1), capped."""
    return min(
        settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1),
        settings.OUTBOX_RETRY_MAX_SECONDS,
    )


def dispatch_pending(limit=500):
    """Run the due deliveries of pending events, oldest event first. Returns how many events
    were dispatched (every delivery delivered or dead) by this run."""
    waiting = Delivery.objects.filter(event=OuterRef("pk"), status=PENDING)
    due = waiting.filter(next_attempt_at__lte=timezone.now())
    # New events (no deliveries yet), and events with a delivery due; not those whose only
    # pending deliveries are waiting out their backoff.
    pending = list(
        OutboxEvent.objects.filter(dispatched_at=None)
        .filter(Exists(due) | ~Exists(waiting))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(dispatch_event(event_id) for event_id in pending)


def dispatch_event(event_id):
    """Fan `event_id` out into its deliveries and run those that are due. Returns whether the
    event is dispatched now (and was not before)."""
    event = OutboxEvent.objects.filter(pk=event_id, dispatched_at=None).first()
    if event is None:
        return False
    _fan_out(event)
    due = list(
        event.deliveries.filter(status=PENDING, next_attempt_at__lte=timezone.now())
        .order_by("id")
        .values_list("id", flat=True)
    )
    errors = [error for error in map(_deliver, due) if error]
    finished = not event.deliveries.filter(status=PENDING).exists()
    return bool(
        OutboxEvent.objects.filter(pk=event.pk, dispatched_at=None).update(
            attempts=F("attempts") + 1,
            last_error="\n".join(errors)[:2000],
            dispatched_at=timezone.now() if finished else None,
        )
        and finished
    )


def _fan_out(event):
    # Also on a later pass: a consumer subscribed since then gets its delivery too.
    names = [consumer_name(consumer) for consumer in consumers_for(event.topic)]
    known = set(event.deliveries.values_list("consumer", flat=True))
    Delivery.objects.bulk_create(
        [Delivery(event=event, consumer=name) for name in names if name not in known],
        ignore_conflicts=True,
    )


def _deliver(delivery_id):
    """One attempt of one delivery, in its own transaction and at most once at a time (row
    lock on PostgreSQL). Returns the error it met, or None."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=delivery_id, status=PENDING)
            .first()
        )
        if delivery is None:
            return None
        event = delivery.event
        consumer = consumer_named(event.topic, delivery.consumer)
        delivery.attempts += 1
        try:
            if consumer is None:
                raise LookupError(f"{delivery.consumer} no longer consumes {event.topic}")
            with transaction.atomic():
                consumer(event)
        except Exception as exc:
            logger.warning("outbox consumer %s failed for %s (attempt %d)",
                           delivery.consumer, event, delivery.attempts, exc_info=True)
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                delivery.status = DEAD
                logger.error("outbox delivery parked as a dead letter after %d attempts: "
                             "%s for %s: %s", delivery.attempts, delivery.consumer, event,
                             delivery.last_error)
            else:
                delivery.next_attempt_at = timezone.now() + timedelta(
                    seconds=backoff(delivery.attempts))
            delivery.save()
            return f"{delivery.consumer}: {delivery.last_error}"
        delivery.status, delivery.delivered_at, delivery.last_error = DELIVERED, timezone.now(), ""
        delivery.save()
        return None
