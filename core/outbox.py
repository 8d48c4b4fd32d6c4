"""Writing events into the outbox, asking a worker to relay them after commit, and putting
dead letters back in the queue."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import Delivery, OutboxEvent
from .tasks import dispatch_outbox

logger = logging.getLogger(__name__)


def emit(topic, instance, **payload):
    """Record that `topic` happened to `instance`, inside the caller's transaction.

    Call it last in a service's atomic block. The dispatcher is scheduled on commit; if the
    transaction rolls back, the event and the schedule vanish with it."""
    event = OutboxEvent.objects.create(
        topic=topic,
        aggregate_type=instance._meta.label_lower,
        aggregate_id=str(instance.pk),
        payload={"id": instance.pk, **payload},
    )
    _schedule_dispatch_once()
    return event


def _schedule_dispatch_once():
    # One dispatch per transaction is enough: it delivers every pending event, so a bulk
    # import of thousands of events queues one task, not thousands. The callback forgets
    # itself when it runs, and one dropped with a rolled-back savepoint is no longer pending.
    connection = transaction.get_connection()
    pending = getattr(connection, "outbox_dispatch_callback", None)
    if pending is not None and any(cb is pending for _, cb, _ in connection.run_on_commit):
        return

    def dispatch_after_commit():
        if getattr(connection, "outbox_dispatch_callback", None) is dispatch_after_commit:
            connection.outbox_dispatch_callback = None
        _schedule_dispatch()

    connection.outbox_dispatch_callback = dispatch_after_commit
    transaction.on_commit(dispatch_after_commit)


# Whether this process's last attempt to reach the broker failed: an outage is logged when
# it starts and when it ends, not once per request in between.
_broker_unreachable = False


def _schedule_dispatch():
    """Ask a worker to relay the pending events now. Runs after the request's commit, so it
    never raises: during a broker outage the events stay pending in the outbox, and beat's
    relay (settings.OUTBOX_RELAY_SECONDS) delivers them within seconds of the broker's return."""
    global _broker_unreachable

    try:
        dispatch_outbox.delay()
    except Exception as exc:  # kombu's OperationalError, or anything else a broker may raise
        if not _broker_unreachable:
            logger.warning("outbox relay could not be scheduled (%s: %s); events stay pending "
                           "until the periodic relay runs", type(exc).__name__, exc)
        _broker_unreachable = True
        return
    if _broker_unreachable:
        logger.info("outbox relay scheduled again; the broker is back")
    _broker_unreachable = False


@transaction.atomic
def retry(deliveries):
    """Put dead letters (a queryset of Delivery) back in the queue with a fresh retry budget,
    due now; their events count as pending again until they are delivered. Returns how many.
    Who may do it is the caller's check (the admin, the operators' page)."""
    ids = list(deliveries.filter(status=Delivery.Status.DEAD).values_list("pk", flat=True))
    if not ids:
        return 0
    Delivery.objects.filter(pk__in=ids).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    OutboxEvent.objects.filter(deliveries__pk__in=ids).update(dispatched_at=None)
    _schedule_dispatch_once()
    return len(ids)
