"""Monthly snapshots of the national figures: one per month, whatever the number of runs,
and the trend the dashboards draw from them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalog.models import SolutionStatus
from core.models import OutboxEvent
from maturity import progress, services, tasks
from maturity.models import TargetSnapshot
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_the_first_run_of_a_month_takes_the_snapshot_and_later_runs_keep_it():
    SolutionFactory(status=SolutionStatus.PUBLISHED)
    first, created = services.take_monthly_snapshot(now=at(2026, 3, 1, 1, 0))
    SolutionFactory(status=SolutionStatus.PUBLISHED)
    again, created_again = services.take_monthly_snapshot(now=at(2026, 3, 20, 1, 0))
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert TargetSnapshot.objects.count() == 1
    again.refresh_from_db()
    assert again.figures["published_solutions"] == 1
    assert OutboxEvent.objects.filter(topic="targets.snapshot_taken").count() == 1


def test_the_month_is_the_site_time_zones_month():
    # 2026-03-31 17:00 UTC is already April in Shanghai.
    snapshot, _ = services.take_monthly_snapshot(
        now=datetime(2026, 3, 31, 17, 0, tzinfo=ZoneInfo("UTC")))
    assert snapshot.month.isoformat() == "2026-04-01"


def test_the_beat_task_is_idempotent_per_month():
    with time_machine.travel(at(2026, 5, 2, 1, 0), tick=False):
        assert tasks.take_monthly_snapshot.delay().get() == {"month": "2026-05-01",
                                                             "created": True}
        assert tasks.take_monthly_snapshot.delay().get()["created"] is False
    with time_machine.travel(at(2026, 6, 1, 1, 0), tick=False):
        tasks.take_monthly_snapshot.delay()
    assert [s.month.isoformat() for s in TargetSnapshot.objects.all()] == [
        "2026-05-01", "2026-06-01"]


def test_the_trend_is_the_snapshots_then_this_months_live_figures():
    services.take_monthly_snapshot(now=at(2026, 1, 15))
    SolutionFactory(status=SolutionStatus.PUBLISHED)
    services.take_monthly_snapshot(now=at(2026, 2, 15))
    SolutionFactory(status=SolutionStatus.PUBLISHED)
    trend = progress.summary_figures(now=at(2026, 2, 20))["trend"]
    # February's live figures replace February's snapshot.
    assert [(p["month"], p["published_solutions"], p["live"]) for p in trend] == [
        ("2026-01", 0, False), ("2026-02", 2, True)]
