"""Monthly snapshots of the plan's national figures, for the trend charts."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.outbox import emit

from ..models import TargetSnapshot
from ..progress import snapshot_figures


def snapshot_month(now=None):
    """The first day of the month `now` falls in, in the site's time zone."""
    return timezone.localdate(now).replace(day=1)


@transaction.atomic
def take_monthly_snapshot(*, now=None):
    """Keep this month's figures, once: the first run of a month takes the snapshot, later
    runs (beat may fire daily, a task may be delivered twice) leave it as it is.
    Returns (snapshot, created). A system task: no actor, nothing to permit."""
    month = snapshot_month(now)
    existing = TargetSnapshot.objects.filter(month=month).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            snapshot = TargetSnapshot.objects.create(month=month,
                                                     figures=snapshot_figures(now))
    except IntegrityError:  # a concurrent run took it first
        return TargetSnapshot.objects.get(month=month), False
    emit("targets.snapshot_taken", snapshot, month=month.isoformat())
    return snapshot, True
