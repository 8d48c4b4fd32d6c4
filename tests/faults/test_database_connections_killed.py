"""The worker's database connections are killed (pg_terminate_backend, as a failover or an
administrator would), again and again for two seconds, while submissions keep arriving: the
worker recovers on its own and every submission is checked, none twice.

The kills overlap work by construction, not by timing: a batch is queued before they start,
one more submission arrives every tenth of a second while they go on, and a last batch is
queued after they end, so the worker meets connections it kept (DATABASE_CONN_MAX_AGE, as
docker/compose.yml runs it) that were killed under it."""

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

BEFORE, AFTER = 8, 8
KILLING_S = 2
KILLING_AT_MOST_S = 20
SUBMIT_EVERY_S = 0.1
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
    ids = []

    def submit(count=1):
        for _ in range(count):
            draft = SolutionFactory(vendor=vendor)
            services.submit_solution(actor=vendor_user, solution=draft)
            ids.append(draft.pk)

    worker = Worker(new_queue(), beat=True, env={"DATABASE_CONN_MAX_AGE": "60"})
    with tasks_sent_to(worker.queue):
        try:
            worker.start()
            submit(BEFORE)
            wait_for(lambda: checked(ids) >= 2, timeout=60, interval=0.05,
                     what="the worker to be into the batch")
            # A flapping failover, tasks caught mid-run: it goes on for KILLING_S and until it
            # has caught at least one task in its transaction, with work arriving throughout.
            killed, started = 0, time.monotonic()
            next_submission = started
            while (time.monotonic() - started < KILLING_S or not killed) \
                    and time.monotonic() - started < KILLING_AT_MOST_S:
                killed += kill_busy_connections()
                if time.monotonic() >= next_submission:
                    submit()
                    next_submission += SUBMIT_EVERY_S
                time.sleep(0.02)
            killed_at = time.monotonic()
            assert killed >= 1, "no task was caught in its transaction"
            record_recovery("database_connections_killed", killed, unit="")
            submit(AFTER)  # the worker's kept connections were killed under it

            wait_for(lambda: checked(ids) == len(ids), timeout=TARGET_S, interval=0.2,
                     what="every submission to be checked after the connections were killed")
            record_recovery("database_kill_recovery_s", time.monotonic() - killed_at)
            assert worker.process.poll() is None, "the worker died"
        finally:
            worker.stop()

    into_review = (ReviewEvent.objects.filter(solution_id__in=ids, to_status="in_review")
                   .values("solution_id").annotate(n=Count("id")))
    assert sorted(row["n"] for row in into_review) == [1] * len(ids)
    assert not OutboxEvent.objects.filter(topic="solution.submitted",
                                          dispatched_at=None).exists()
