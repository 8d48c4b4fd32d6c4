"""Per-consumer delivery: each consumer gets each event on its own, a failing one is retried
with backoff and parked as a dead letter after the cap, and operators put it back."""

import logging
import socket
from html import escape

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from catalog import workflow
from catalog.models import SolutionStatus
from changes.models import ChangeEntry
from core import outbox, registry, relay
from core.models import Delivery, OutboxEvent
from events.models import Notification, WebhookDelivery
from search.backends.database import DatabaseBackend
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory

pytestmark = pytest.mark.django_db(transaction=True)

D = Delivery.Status


@pytest.fixture
def outbox_settings(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    settings.OUTBOX_RETRY_MAX_SECONDS = 25
    settings.OUTBOX_MAX_ATTEMPTS = 3
    return settings


@pytest.fixture
def consumers():
    """Two consumers of test.topic: `good` records what it got, `bad` raises while `broken`."""
    state = {"good": [], "bad": [], "broken": True}

    def good(event):
        state["good"].append(event.pk)

    def bad(event):
        state["bad"].append(event.pk)
        if state["broken"]:
            raise ConnectionError("search cluster unreachable")

    registry.subscribe("test.topic", bad)
    registry.subscribe("test.topic", good)
    state["names"] = {"good": registry.consumer_name(good), "bad": registry.consumer_name(bad)}
    yield state
    registry._consumers["test.topic"].remove(bad)
    registry._consumers["test.topic"].remove(good)


def emit_one():
    with transaction.atomic():
        return outbox.emit("test.topic", Organization.objects.create(kind="vendor", name="V"))


def delivery(state, which):
    return Delivery.objects.get(consumer=state["names"][which])


def come_due():
    """The backoff has passed."""
    Delivery.objects.filter(status=D.PENDING).update(next_attempt_at=timezone.now())


def test_a_failing_consumer_holds_back_no_other(outbox_settings, consumers):
    event = emit_one()
    assert consumers["good"] == [event.pk]  # delivered although `bad`, before it, raised
    good, bad = delivery(consumers, "good"), delivery(consumers, "bad")
    assert good.status == D.DELIVERED and good.attempts == 1 and good.delivered_at
    assert bad.status == D.PENDING and bad.attempts == 1
    assert "unreachable" in bad.last_error
    event.refresh_from_db()
    assert event.is_pending and "unreachable" in event.last_error


def test_a_failing_delivery_backs_off_then_becomes_a_dead_letter(
    outbox_settings, consumers, caplog
):
    event = emit_one()
    bad = delivery(consumers, "bad")
    wait = (bad.next_attempt_at - timezone.now()).total_seconds()
    assert 5 < wait <= 10  # base × 2^0
    assert relay.dispatch_pending() == 0  # not due yet: not tried again
    assert delivery(consumers, "bad").attempts == 1

    come_due()
    relay.dispatch_pending()
    bad = delivery(consumers, "bad")
    assert bad.attempts == 2 and bad.status == D.PENDING
    assert 15 < (bad.next_attempt_at - timezone.now()).total_seconds() <= 20  # base × 2^1
    assert relay.backoff(3) == 25  # capped by OUTBOX_RETRY_MAX_SECONDS

    come_due()
    with caplog.at_level(logging.ERROR, logger="core.relay"):
        assert relay.dispatch_pending() == 1  # the last pending delivery is now dead
    bad = delivery(consumers, "bad")
    assert bad.status == D.DEAD and bad.attempts == 3
    dead_logs = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(dead_logs) == 1 and "dead letter" in dead_logs[0].getMessage()
    # A dead letter does not hold back its event: every other delivery is done.
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert consumers["good"] == [event.pk]  # never delivered twice
    come_due()
    assert relay.dispatch_pending() == 0
    assert len(consumers["bad"]) == 3


def kill(state, outbox_settings):
    event = emit_one()
    for _ in range(outbox_settings.OUTBOX_MAX_ATTEMPTS - 1):
        come_due()
        relay.dispatch_pending()
    assert delivery(state, "bad").status == D.DEAD
    return event


def test_retry_from_the_admin_puts_a_dead_letter_back(outbox_settings, consumers, admin_client):
    event = kill(consumers, outbox_settings)
    consumers["broken"] = False
    bad = delivery(consumers, "bad")
    response = admin_client.post(
        reverse("admin:core_delivery_changelist"),
        {"action": "retry_now", "_selected_action": [bad.pk]},
    )
    assert response.status_code == 302
    # Queued again with a fresh budget, and the relay was kicked on commit.
    bad = delivery(consumers, "bad")
    assert bad.status == D.DELIVERED and bad.attempts == 1 and bad.last_error == ""
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert consumers["good"] == [event.pk]


def test_operator_retries_from_the_dead_letters_page(outbox_settings, consumers, client):
    event = kill(consumers, outbox_settings)
    operator = MembershipFactory(organization=OperatorFactory()).user
    client.force_login(operator)
    page = client.get(reverse("dead-letters"))
    assert page.status_code == 200
    body = page.content.decode()
    assert escape(consumers["names"]["bad"]) in body
    assert "test.topic" in body and "unreachable" in body
    assert "csrfmiddlewaretoken" in body

    consumers["broken"] = False
    response = client.post(reverse("dead-letter-retry"), {"consumer": consumers["names"]["bad"]})
    assert response.status_code == 302
    assert delivery(consumers, "bad").status == D.DELIVERED
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert "test.topic" not in client.get(reverse("dead-letters")).content.decode()


def test_retry_one_dead_letter_by_id(outbox_settings, consumers, client):
    kill(consumers, outbox_settings)
    client.force_login(MembershipFactory(organization=OperatorFactory()).user)
    response = client.post(reverse("dead-letter-retry"), {"id": delivery(consumers, "bad").pk})
    assert response.status_code == 302
    bad = delivery(consumers, "bad")
    # Still broken: retried at once with a fresh budget, and waiting again.
    assert bad.status == D.PENDING and bad.attempts == 1


def test_the_dead_letters_page_refuses_other_roles(outbox_settings, consumers, client, vendor_user):
    kill(consumers, outbox_settings)
    client.force_login(vendor_user)
    assert client.get(reverse("dead-letters")).status_code == 403
    response = client.post(reverse("dead-letter-retry"), {"consumer": consumers["names"]["bad"]})
    assert response.status_code == 403
    assert delivery(consumers, "bad").status == D.DEAD
    client.logout()
    assert client.get(reverse("dead-letters")).status_code == 302  # to sign in


@pytest.fixture
def cluster_down(settings):
    """Elasticsearch configured on a port nothing listens on: its writes raise."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{port}"
    settings.ELASTICSEARCH_TIMEOUT = 1
    return settings


def publish():
    solution = SolutionFactory(title_zh="齿轮箱振动监测", status=SolutionStatus.ARCHIVED)
    member = MembershipFactory(organization=solution.vendor).user
    operator = MembershipFactory(organization=OperatorFactory()).user
    workflow.transition(solution, SolutionStatus.PUBLISHED, operator)
    return solution, member, OutboxEvent.objects.get(topic="solution.published")


def test_with_the_search_cluster_down_everything_else_still_happens(cluster_down):
    solution, member, event = publish()
    deliveries = {d.consumer: d for d in event.deliveries.all()}
    cluster = deliveries.pop("search.consumers.reindex_solution_in_cluster")
    assert cluster.status == D.PENDING and "BackendUnavailable" in cluster.last_error
    assert {d.status for d in deliveries.values()} == {D.DELIVERED}
    assert "marketplace.matching.consumers.enqueue_rematch" in deliveries  # the re-match was queued
    assert ChangeEntry.objects.filter(event_id=event.pk).exists()
    assert Notification.objects.filter(event=event, recipient=member).exists()
    assert DatabaseBackend().count() == 1  # the database fallback index has it
    event.refresh_from_db()
    assert event.is_pending

    cluster_down.SEARCH_BACKEND = "database"  # the cluster is back (or gone)
    come_due()
    assert relay.dispatch_pending() == 1
    assert Delivery.objects.get(pk=cluster.pk).status == D.DELIVERED


def test_delivering_an_event_again_doubles_nothing():
    solution, member, event = publish()
    counts = lambda: (  # noqa: E731
        Notification.objects.filter(event=event).count(),
        ChangeEntry.objects.filter(event_id=event.pk).count(),
        WebhookDelivery.objects.filter(event=event).count(),
        DatabaseBackend().count(),
    )
    before = counts()
    assert before[0] >= 1 and before[1] == 1
    # As if every delivery had failed after its consumer's work and were retried.
    event.deliveries.update(status=D.PENDING, attempts=0, next_attempt_at=timezone.now())
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    assert relay.dispatch_pending() == 1
    assert counts() == before


def test_a_consumer_subscribed_later_gets_its_own_delivery(outbox_settings, consumers):
    event = emit_one()
    late = []

    def latecomer(event):
        late.append(event.pk)

    registry.subscribe("test.topic", latecomer)
    try:
        come_due()
        relay.dispatch_pending()
        assert late == [event.pk]
    finally:
        registry._consumers["test.topic"].remove(latecomer)


def test_backoff_is_exponential_and_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    assert [relay.backoff(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert relay.backoff(20) == 3600
