"""Writing events into the outbox, and asking a worker to relay them after commit."""

import logging

from django.db import transaction

from .models import OutboxEvent
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
