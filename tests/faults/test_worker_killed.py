"""A worker killed with SIGKILL in the middle of a batch of submissions loses none of them:
once a worker runs again, every submission is checked (within 120 s of the restart, the
issue's target) and none is moved into review twice.

What the dead worker had taken and not acknowledged (run_prechecks and the relay are
acks_late) comes back after the visibility timeout, which the worker reads from the
environment: 10 s here instead of production's 60 s, to keep the test short; bench/faults.py
measures the production setting."""

import time

import pytest
from django.db.models import Count

from catalog import services
from catalog.models import ReviewEvent, Solution
from core.models import OutboxEvent
from tests.factories import SolutionFactory
from tests.worker import Worker, new_queue, requires_services, tasks_sent_to, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, requires_services]

SUBMISSIONS = 16
VISIBILITY_TIMEOUT_S = 10
TARGET_S = 120


def checked(ids):
    return Solution.objects.filter(pk__in=ids, status="in_review").count()


def test_a_worker_killed_mid_batch_loses_no_submission(vendor, vendor_user, reviewer,
                                                        record_recovery):
    drafts = [SolutionFactory(vendor=vendor) for _ in range(SUBMISSIONS)]
    ids = [draft.pk for draft in drafts]
    worker = Worker(new_queue(), beat=True,
                    env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S)})
    with tasks_sent_to(worker.queue):
        try:
            worker.start()
            for draft in drafts:
                services.submit_solution(actor=vendor_user, solution=draft)
            wait_for(lambda: checked(ids) >= 2, timeout=60, interval=0.05,
                     what="the worker to be into the batch")
            worker.kill()
            left = SUBMISSIONS - checked(ids)
            assert left > 0, "the worker finished the batch before it was killed"

            restarted = time.monotonic()  # the worker's start-up counts
            worker.start()
            wait_for(lambda: checked(ids) == SUBMISSIONS, timeout=TARGET_S, interval=0.2,
                     what="every submission to be checked after the restart")
            record_recovery("worker_kill_recovery_s", time.monotonic() - restarted)
            record_recovery("worker_kill_unchecked_at_kill", left, unit="")
        finally:
            worker.stop()

    into_review = (ReviewEvent.objects.filter(solution_id__in=ids, to_status="in_review")
                   .values("solution_id").annotate(n=Count("id")))
    assert sorted(row["n"] for row in into_review) == [1] * SUBMISSIONS
    assert not OutboxEvent.objects.filter(topic="solution.submitted",
                                          dispatched_at=None).exists()
