"""The broker is unreachable when a vendor submits: the submission answers success, and the
pre-checks run within 30 s of the broker's return, with nothing lost.

The test process (the web) and the worker (with its beat) both reach Redis through a proxy;
cutting it closes the port for everyone, as a Redis restart would. The cache stays reachable:
only the broker is at fault here."""

import time

import pytest
from django.conf import settings

from catalog.models import CheckResult, Solution
from core.models import OutboxEvent
from tests.factories import SolutionFactory
from tests.faults.broker import broker_at, through
from tests.worker import Worker, new_queue, requires_services, tasks_sent_to, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, requires_services]

SUBMISSIONS = 4
TARGET_S = 30


def in_review(ids):
    return Solution.objects.filter(pk__in=ids, status="in_review").count() == len(ids)


def test_submissions_while_the_broker_is_down_succeed_and_are_checked_once_it_returns(
    api_as, vendor, vendor_user, reviewer, redis_proxy, record_recovery
):
    broker_url = through(redis_proxy, settings.CELERY_BROKER_URL)
    worker = Worker(new_queue(), beat=True,
                    env={"REDIS_URL": broker_url, "CACHE_URL": settings.CACHE_URL})
    api = api_as(vendor_user)
    with broker_at(broker_url), tasks_sent_to(worker.queue):
        try:
            worker.start()
            baseline = SolutionFactory(vendor=vendor)
            start = time.monotonic()
            assert api.post(f"/api/v1/solutions/{baseline.pk}/submit/").status_code == 200
            wait_for(lambda: in_review([baseline.pk]), timeout=TARGET_S,
                     what="the baseline submission's checks")
            record_recovery("broker_baseline_checks_s", time.monotonic() - start)

            redis_proxy.cut()
            drafts = [SolutionFactory(vendor=vendor) for _ in range(SUBMISSIONS)]
            for draft in drafts:
                response = api.post(f"/api/v1/solutions/{draft.pk}/submit/")
                assert response.status_code == 200, response.content
                assert response.json()["status"] == "submitted"
            ids = [draft.pk for draft in drafts]
            assert Solution.objects.filter(pk__in=ids, status="submitted").count() == SUBMISSIONS
            assert OutboxEvent.objects.filter(topic="solution.submitted", aggregate_id__in=[
                str(pk) for pk in ids], dispatched_at=None).count() == SUBMISSIONS

            redis_proxy.restore()
            back = time.monotonic()
            wait_for(lambda: in_review(ids), timeout=TARGET_S, interval=0.1,
                     what="the checks of what was submitted while the broker was down")
            record_recovery("broker_checks_after_return_s", time.monotonic() - back)
        finally:
            worker.stop()

    assert CheckResult.objects.filter(solution_id__in=ids, code="completeness").count() \
        == SUBMISSIONS
    assert not OutboxEvent.objects.filter(topic="solution.submitted",
                                          dispatched_at=None).exists()
