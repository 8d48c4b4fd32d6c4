from celery import shared_task

from . import services


# Beat may run this daily: the first run of a month takes the snapshot, the rest find it
# taken; a failed run needs no retry, the next one catches up.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def take_monthly_snapshot():
    """Keep this month's national target figures (see maturity.services.snapshots)."""
    snapshot, created = services.take_monthly_snapshot()
    return {"month": snapshot.month.isoformat(), "created": created}
