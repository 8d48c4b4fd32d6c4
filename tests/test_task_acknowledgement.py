"""Which tasks a dying worker hands back to the queue, and how soon Redis hands them out again.

A task safe to run twice is acknowledged only when it is done (acks_late) and re-queued when
its worker is killed (reject_on_worker_lost); any other task is acknowledged on receipt."""

import pytest
from django.conf import settings

from catalog import tasks as catalog_tasks
from config.celery import app
from core import tasks as core_tasks
from events import tasks as events_tasks
from events.webhooks import tasks as webhook_tasks
from marketplace import tasks as marketplace_tasks
from maturity import tasks as maturity_tasks

REPEAT_SAFE = [
    catalog_tasks.run_prechecks,
    catalog_tasks.send_review_reminders,
    catalog_tasks.escalate_overdue_reviews,
    catalog_tasks.requeue_stalled_submissions,
    core_tasks.dispatch_outbox,
    webhook_tasks.resend_stalled_webhooks,
    events_tasks.send_daily_digests,
    marketplace_tasks.expire_marketplace_items,
    maturity_tasks.take_monthly_snapshot,
    marketplace_tasks.rematch_open_needs,
]


@pytest.mark.parametrize("task", REPEAT_SAFE, ids=lambda task: task.name)
def test_repeat_safe_task_is_acknowledged_late_and_requeued_when_its_worker_dies(task):
    # The global default is early acknowledgement (next test), so this holds only for a task
    # whose decorator declares it.
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True


def test_every_project_task_says_whether_it_is_repeat_safe():
    """A new task is acknowledged on receipt until it is listed here (and declared)."""
    apps = {"core", "catalog", "events", "marketplace", "maturity", "search"}
    ours = {name for name in app.tasks if name.split(".", 1)[0] in apps}
    assert ours == {task.name for task in REPEAT_SAFE} | {webhook_tasks.deliver_webhook.name}
    assert settings.CELERY_TASK_ACKS_LATE is False


def test_webhook_attempt_is_acknowledged_on_receipt():
    # Its retries wait longer than the visibility timeout; resend_stalled_webhooks covers loss.
    assert webhook_tasks.deliver_webhook.acks_late is False
    assert settings.WEBHOOK_RETRY_BACKOFF_MAX > settings.CELERY_VISIBILITY_TIMEOUT


def test_redis_hands_out_a_dead_workers_tasks_within_the_visibility_timeout():
    options = app.conf.broker_transport_options
    assert options["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    # Longer than the longest late-acknowledged task (run_prechecks: its link and search
    # timeouts), short enough that a killed worker's checks return within two minutes.
    assert settings.LINK_CHECK_TIMEOUT * 3 + settings.ELASTICSEARCH_TIMEOUT \
        < settings.CELERY_VISIBILITY_TIMEOUT <= 90
    restore_every = options["unacked_restore_interval"] * options["unacked_restore_throttle"]
    assert settings.CELERY_VISIBILITY_TIMEOUT + restore_every <= 120


def test_prechecks_are_sent_again_when_the_database_connection_fails():
    # A failed task is acknowledged: without a retry, a connection killed under it would
    # leave the submission for requeue_stalled_submissions (tests/faults).
    from django.db import InterfaceError, OperationalError

    assert {ConnectionError, OperationalError, InterfaceError} <= set(
        catalog_tasks.run_prechecks.autoretry_for)
