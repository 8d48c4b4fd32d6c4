"""The worker's database connections are killed (pg_terminate_backend, as a failover or an
administrator would), again and again for two seconds, in the middle of a batch of
submissions: the worker recovers on its own and every submission is checked, none twice.

The worker keeps its connections between tasks (DATABASE_CONN_MAX_AGE, as docker/compose.yml
runs it), so the kill finds connections it means to use again."""

import time

import pytest
from django.db import connection
from django.db.models import Count

from catalog import services
from catalog.models import ReviewEvent, Solution
from core.models import OutboxEvent
from tests.factories import SolutionFactory
from tests.worker import Worker, new_queue, requires_services, tasks_sent_to, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, requires_services]

SUBMISSIONS = 16
KILLING_S = 2
TARGET_S = 60


def checked(ids):
    return Solution.objects.filter(pk__in=ids, status="in_review").count()


def kill_busy_connections():
    """Terminate the connections to this database, but this process's own, that are in the
    middle of a transaction (a task's, on the worker)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                       "AND xact_start IS NOT NULL")
        return cursor.fetchone()[0]


def test_the_worker_recovers_from_killed_database_connections(vendor, vendor_user, reviewer,
                                                              record_recovery):
    drafts = [SolutionFactory(vendor=vendor) for _ in range(SUBMISSIONS)]
    ids = [draft.pk for draft in drafts]
    worker = Worker(new_queue(), beat=True, env={"DATABASE_CONN_MAX_AGE": "60"})
    with tasks_sent_to(worker.queue):
        try:
            worker.start()
            for draft in drafts:
                services.submit_solution(actor=vendor_user, solution=draft)
            wait_for(lambda: checked(ids) >= 2, timeout=60, interval=0.05,
                     what="the worker to be into the batch")
            killed, deadline = 0, time.monotonic() + KILLING_S
            while time.monotonic() < deadline:  # a flapping failover, tasks caught mid-run
                killed += kill_busy_connections()
                time.sleep(0.05)
            killed_at = time.monotonic()
            assert killed >= 1
            record_recovery("database_connections_killed", killed, unit="")
            assert checked(ids) < SUBMISSIONS, "the worker finished before the kills ended"

            wait_for(lambda: checked(ids) == SUBMISSIONS, timeout=TARGET_S, interval=0.2,
                     what="every submission to be checked after the connections were killed")
            record_recovery("database_kill_recovery_s", time.monotonic() - killed_at)
            assert worker.process.poll() is None, "the worker died"
        finally:
            worker.stop()

    into_review = (ReviewEvent.objects.filter(solution_id__in=ids, to_status="in_review")
                   .values("solution_id").annotate(n=Count("id")))
    assert sorted(row["n"] for row in into_review) == [1] * SUBMISSIONS
    assert not OutboxEvent.objects.filter(topic="solution.submitted",
                                          dispatched_at=None).exists()
