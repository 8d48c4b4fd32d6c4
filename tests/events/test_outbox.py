"""The transactional outbox: written with the change, delivered after commit, never lost."""

import pytest
from django.db import transaction

from accounts.models import Organization
from core import outbox, registry, relay
from core.models import OutboxEvent
from events import services
from events.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received():
    """A consumer for the test topic that records what it got."""
    seen = []

    def consumer(event):
        seen.append(event.pk)

    registry.subscribe("test.happened", consumer)
    yield seen
    registry._consumers["test.happened"].remove(consumer)


def make_org():
    return Organization.objects.create(kind="vendor", name="Outbox Test Vendor")


def test_event_is_delivered_after_commit(received):
    with transaction.atomic():
        event = outbox.emit("test.happened", make_org())
        assert received == []  # nothing leaves before the commit
    assert received == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None and event.attempts == 1


def test_event_written_in_a_rolled_back_transaction_is_never_delivered(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.emit("test.happened", make_org())
        raise RuntimeError("the change fails after the event was written")
    relay.dispatch_pending()
    assert received == []
    assert not OutboxEvent.objects.exists()


def test_failing_consumer_keeps_the_event_pending_and_the_sweep_retries(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # due again at once
    calls = []

    def flaky(event):
        calls.append(event.pk)
        if len(calls) == 1:
            raise ConnectionError("search cluster unreachable")

    registry.subscribe("test.flaky", flaky)
    try:
        with transaction.atomic():
            event = outbox.emit("test.flaky", make_org())
        event.refresh_from_db()
        assert event.is_pending and event.attempts == 1
        assert "unreachable" in event.last_error

        assert relay.dispatch_pending() == 1
        event.refresh_from_db()
        assert not event.is_pending and event.attempts == 2 and event.last_error == ""
    finally:
        registry._consumers["test.flaky"].remove(flaky)


def test_delivered_event_is_not_delivered_again(received):
    with transaction.atomic():
        event = outbox.emit("test.happened", make_org())
    assert relay.dispatch_event(event.pk) is False
    assert relay.dispatch_pending() == 0
    assert received == [event.pk]


def test_broker_outage_delays_but_does_not_drop(received, monkeypatch):
    from core import tasks

    def broker_down():
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.dispatch_outbox, "delay", broker_down)
    with transaction.atomic():
        event = outbox.emit("test.happened", make_org())
    assert received == []
    assert OutboxEvent.objects.get(pk=event.pk).is_pending

    monkeypatch.undo()
    relay.dispatch_pending()  # what the beat sweep does
    assert received == [event.pk]


def test_notifications_are_written_once_per_event_and_recipient(django_user_model):
    user = django_user_model.objects.create_user("reader", password="x-pass-word-1")
    event = OutboxEvent.objects.create(topic="t", aggregate_type="a", aggregate_id="1")
    services.notify([user], event=event, title="Hello")
    services.notify([user], event=event, title="Hello")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert services.mark_read(user) == 1
    assert not Notification.objects.filter(recipient=user, read_at=None).exists()


def test_one_transaction_with_many_events_schedules_one_dispatch(received, monkeypatch):
    from core import tasks

    scheduled = []
    monkeypatch.setattr(tasks.dispatch_outbox, "delay", lambda: scheduled.append(1))
    with transaction.atomic():
        for _ in range(5):
            outbox.emit("test.happened", make_org())
    assert scheduled == [1]


def test_dispatch_is_still_scheduled_after_a_rolled_back_savepoint(received):
    with transaction.atomic():
        try:
            with transaction.atomic():
                outbox.emit("test.happened", make_org())
                raise RuntimeError("inner part fails")
        except RuntimeError:
            pass
        kept = outbox.emit("test.happened", make_org())
    assert received == [kept.pk]


@pytest.mark.django_db
def test_each_commit_of_a_test_transaction_dispatches_again(
    django_capture_on_commit_callbacks, received
):
    # Captured callbacks stay in the test transaction's list after they ran; a later emit
    # must still schedule its own dispatch.
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.emit("test.happened", make_org())
    with django_capture_on_commit_callbacks(execute=True):
        second = outbox.emit("test.happened", make_org())
    assert received == [first.pk, second.pk]
