"""A broker outage delays a submission's pre-checks; it never fails the submission.

These tests commit for real (transaction=True), so what runs after commit runs inside the
request, as it does in production: an error raised there would reach the client."""

import logging

import pytest
from celery.app.task import Task
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from catalog import services
from catalog.models import CheckResult, SolutionRevision
from core import outbox, relay
from core.models import Delivery, OutboxEvent
from core.tasks import dispatch_outbox
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def offline(settings, tmp_path):
    """No internet, a database search index; and no outage remembered from another test."""
    settings.SEARCH_BACKEND = "database"
    settings.LINK_CHECKER = "tests.catalog.test_checks_pipeline.WorkingLinks"
    settings.MEDIA_ROOT = tmp_path
    outbox._broker_unreachable = False
    yield
    outbox._broker_unreachable = False


@pytest.fixture
def broker_down(monkeypatch):
    """Every task sent fails as kombu fails when Redis refuses connections; `.undo()` is the
    broker's return."""
    sent = []

    def refuse(task, *args, **kwargs):
        sent.append(task.name)
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return monkeypatch, sent


def pending(topic, pk):
    return OutboxEvent.objects.get(topic=topic, aggregate_id=str(pk)).is_pending


def relay_runs():
    """What beat's relay does once the broker is back: one dispatch_outbox task."""
    dispatch_outbox.delay()


def test_api_submission_during_broker_outage_succeeds_and_is_checked_once_the_broker_returns(
    api_as, vendor, vendor_user, reviewer, broker_down
):
    monkeypatch, sent = broker_down
    draft = SolutionFactory(vendor=vendor)

    response = api_as(vendor_user).post(f"/api/v1/solutions/{draft.pk}/submit/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert sent == ["core.tasks.dispatch_outbox"]  # the relay kick, never the checks
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert pending("solution.submitted", draft.pk)
    assert not CheckResult.objects.filter(solution=draft).exists()

    monkeypatch.undo()
    relay_runs()

    draft.refresh_from_db()
    assert draft.status == "in_review" and draft.reviewer == reviewer
    assert not pending("solution.submitted", draft.pk)
    assert CheckResult.objects.filter(solution=draft, code="completeness").exists()


def test_web_submission_during_broker_outage_redirects_and_is_checked_once_the_broker_returns(
    client, vendor, vendor_user, reviewer, broker_down
):
    monkeypatch, _sent = broker_down
    draft = SolutionFactory(vendor=vendor)
    client.force_login(vendor_user)

    response = client.post(reverse("solution-submit", args=[draft.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("solution-detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert pending("solution.submitted", draft.pk)

    monkeypatch.undo()
    relay_runs()

    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert CheckResult.objects.filter(solution=draft).exists()


def test_revision_submitted_during_broker_outage_is_checked_once_the_broker_returns(
    vendor, vendor_user, reviewer, broker_down
):
    monkeypatch, _sent = broker_down
    live = SolutionFactory(vendor=vendor, status="published")
    revision = services.propose_change(actor=vendor_user, solution=live,
                                       data={"title_en": "Version two"})

    services.submit_revision(actor=vendor_user, revision=revision)

    revision.refresh_from_db()
    assert revision.status == "submitted"
    assert pending("revision.submitted", revision.pk)

    monkeypatch.undo()
    relay_runs()

    revision = SolutionRevision.objects.get(pk=revision.pk)
    assert revision.status == "in_review" and revision.reviewer == reviewer
    assert CheckResult.objects.filter(revision=revision).exists()


def test_a_relay_that_cannot_send_the_checks_keeps_the_event_pending(
    vendor, vendor_user, reviewer, broker_down
):
    """The relay ran (on a worker) but the broker went away before it could queue the
    checks: that delivery is not marked delivered, so a later relay sends them."""
    monkeypatch, _sent = broker_down
    draft = SolutionFactory(vendor=vendor)
    services.submit_solution(actor=vendor_user, solution=draft)

    relay.dispatch_pending()

    event = OutboxEvent.objects.get(topic="solution.submitted", aggregate_id=str(draft.pk))
    assert event.is_pending and "OperationalError" in event.last_error
    monkeypatch.undo()
    # Only that delivery waits, and it is tried again once its backoff has passed.
    Delivery.objects.filter(event=event, status="pending").update(next_attempt_at=timezone.now())
    relay_runs()
    draft.refresh_from_db()
    assert draft.status == "in_review"


def test_a_broker_outage_is_logged_once_not_per_request(vendor, vendor_user, broker_down,
                                                         caplog):
    monkeypatch, _sent = broker_down
    with caplog.at_level(logging.INFO, logger="core.outbox"):
        for _ in range(3):
            services.submit_solution(actor=vendor_user, solution=SolutionFactory(vendor=vendor))
        monkeypatch.undo()
        services.submit_solution(actor=vendor_user, solution=SolutionFactory(vendor=vendor))

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "OperationalError" in warnings[0].getMessage()
    assert any("broker is back" in r.getMessage() for r in caplog.records)


def test_the_outbox_relay_runs_every_few_seconds_and_expires_when_no_worker_takes_it():
    relay = next(entry for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
                 if entry["task"] == "core.tasks.dispatch_outbox")
    assert relay["schedule"].total_seconds() <= 5
    assert relay["options"]["expires"] <= relay["schedule"].total_seconds()
