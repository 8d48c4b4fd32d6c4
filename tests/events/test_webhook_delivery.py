"""Webhook deliveries against a local server: signed, retried, recorded, disabled, redelivered."""

import json

import pytest

from accounts.models import Membership
from core import outbox, relay
from core.models import OutboxEvent
from events.models import Notification, WebhookDelivery, WebhookSubscription
from events.webhooks import attempts, verify_signature
from events.webhooks import services as webhooks
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]


@pytest.fixture
def subscription(vendor, vendor_user, receiver):
    sub, secret = webhooks.create_subscription(
        actor=vendor_user,
        organization=vendor,
        url=f"{receiver.url}/hooks",
        topics=["solution.published", "quote.submitted"],
    )
    sub.raw_secret = secret
    return sub


def publish(vendor, on_commit):
    """An outbox event every subscriber to solution.published may receive."""
    with on_commit():
        return outbox.emit(
            "solution.published", vendor, vendor_id=vendor.pk, actor_id=7, reviewer_id=9
        )


def test_delivery_is_signed_and_the_receiver_verifies_it(subscription, vendor, receiver, on_commit):
    event = publish(vendor, on_commit)
    [got] = receiver.received
    assert got.path == "/hooks"
    assert verify_signature(subscription.raw_secret, got.headers, got.body)
    delivery = WebhookDelivery.objects.get()
    assert got.headers["X-Zhizao-Event"] == "solution.published"
    assert got.headers["X-Zhizao-Delivery"] == str(delivery.uuid)
    body = json.loads(got.body)
    assert body["id"] == str(delivery.uuid) and body["type"] == "solution.published"
    assert body["data"] == {
        "object": "accounts.organization",
        "id": vendor.pk,
        "vendor_id": vendor.pk,
    }  # no actor or reviewer ids
    assert delivery.event_id == event.pk and delivery.status == "succeeded"
    [attempt] = delivery.attempts.all()
    assert attempt.succeeded and attempt.status_code == 200 and attempt.response_ms >= 0


def test_failed_attempt_is_retried_and_each_attempt_recorded(
    subscription, vendor, receiver, on_commit
):
    receiver.answer(500, 503)
    publish(vendor, on_commit)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded"
    codes = list(delivery.attempts.order_by("number").values_list("number", "status_code"))
    assert codes == [(1, 500), (2, 503), (3, 200)]
    ids = {got.headers["X-Zhizao-Delivery"] for got in receiver.received}
    assert ids == {str(delivery.uuid)}  # stable across retries: receivers deduplicate
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_backoff_grows_exponentially_and_is_capped(settings):
    settings.WEBHOOK_RETRY_BACKOFF = 30
    settings.WEBHOOK_RETRY_BACKOFF_MAX = 200
    assert [attempts.backoff(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 200]


def test_the_task_retries_with_the_backoff(subscription, vendor, receiver, monkeypatch):
    from events.webhooks import tasks

    receiver.answer(500)
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, topic="ping", payload={"id": "x"}
    )
    asked = {}

    def fake_retry(**kwargs):
        asked.update(kwargs)
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.deliver_webhook, "retry", fake_retry)
    with pytest.raises(RuntimeError):
        tasks.deliver_webhook.run(delivery.pk)
    assert asked == {"countdown": 1}
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.next_attempt_at is not None


def test_a_timeout_counts_as_a_failed_attempt(subscription, vendor, receiver, on_commit, settings):
    settings.WEBHOOK_TIMEOUT = 0.2
    receiver.answer(200, delay=0.6)
    publish(vendor, on_commit)
    delivery = WebhookDelivery.objects.get()
    first, second = delivery.attempts.order_by("number")
    assert not first.succeeded and first.status_code is None and "timed out" in first.error
    assert second.succeeded


def test_endpoint_is_disabled_after_repeated_failed_deliveries_and_admins_are_told(
    subscription, vendor, vendor_user, vendor_member, receiver, on_commit, mailoutbox
):
    receiver.script.default_status = 500
    publish(vendor, on_commit)
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 1
    assert WebhookDelivery.objects.get().status == "failed"
    assert len(receiver.received) == 3  # WEBHOOK_MAX_ATTEMPTS

    publish(vendor, on_commit)
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_reason == WebhookSubscription.DisabledReason.FAILURES
    notice = Notification.objects.get(topic="webhook.disabled")
    assert notice.recipient == vendor_user  # owners and admins, not plain members
    assert notice.body == subscription.url and notice.link == "/account/webhooks/"
    assert [m.to for m in mailoutbox] == [[vendor_user.email]]

    # Disabled: later events create no deliveries.
    publish(vendor, on_commit)
    assert WebhookDelivery.objects.count() == 2 and len(receiver.received) == 6


def test_enabling_again_resets_the_failure_count(subscription, vendor_user):
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, consecutive_failures=4, disabled_reason="failures"
    )
    subscription.refresh_from_db()
    sub = webhooks.update_subscription(actor=vendor_user, subscription=subscription, is_active=True)
    assert sub.is_active and sub.consecutive_failures == 0 and sub.disabled_reason == ""


def test_410_gone_disables_at_once(subscription, vendor, receiver, on_commit):
    receiver.answer(410)
    publish(vendor, on_commit)
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_reason == "gone"
    assert len(receiver.received) == 1
    assert Notification.objects.filter(topic="webhook.disabled").exists()


def test_redelivery_starts_a_new_series_with_the_same_id(
    subscription, vendor, vendor_user, receiver, on_commit
):
    receiver.answer(500, 500, 500)
    publish(vendor, on_commit)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    with on_commit():
        webhooks.redeliver(actor=vendor_user, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.series == 2
    assert list(delivery.attempts.filter(series=2).values_list("number", "status_code")) == [
        (1, 200)
    ]
    assert receiver.received[-1].headers["X-Zhizao-Delivery"] == str(delivery.uuid)


def test_redelivery_of_a_pending_delivery_is_refused(subscription, vendor_user):
    from django.core.exceptions import ValidationError

    delivery = WebhookDelivery.objects.create(subscription=subscription, topic="ping")
    with pytest.raises(ValidationError) as refused:
        webhooks.redeliver(actor=vendor_user, delivery=delivery)
    assert "status" in refused.value.message_dict


def test_re_dispatched_event_creates_no_second_delivery(subscription, vendor, receiver, on_commit):
    event = publish(vendor, on_commit)
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    with on_commit():
        relay.dispatch_event(event.pk)
        webhooks.fan_out(OutboxEvent.objects.get(pk=event.pk))
    assert WebhookDelivery.objects.count() == 1 and len(receiver.received) == 1


def test_the_unique_constraint_guards_a_race(subscription, vendor, receiver, on_commit):
    from django.db import IntegrityError, transaction

    event = publish(vendor, on_commit)
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(
            subscription=subscription, event=event, topic="solution.published"
        )


def test_ping_sends_a_signed_test_event(subscription, vendor_user, receiver, on_commit):
    with on_commit():
        delivery = webhooks.ping(actor=vendor_user, subscription=subscription)
    [got] = receiver.received
    assert got.headers["X-Zhizao-Event"] == "ping"
    assert verify_signature(subscription.raw_secret, got.headers, got.body)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.event is None


def test_rotated_secret_signs_later_deliveries(subscription, vendor_user, receiver, on_commit):
    new = webhooks.rotate_secret(actor=vendor_user, subscription=subscription)
    assert new != subscription.raw_secret and new.startswith("whsec_")
    with on_commit():
        webhooks.ping(actor=vendor_user, subscription=subscription)
    got = receiver.received[-1]
    assert verify_signature(new, got.headers, got.body)


def test_address_is_checked_again_at_delivery_time(
    subscription, vendor, receiver, on_commit, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE = False  # e.g. the name now resolves to a private address
    publish(vendor, on_commit)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert all("non-public" in a.error for a in delivery.attempts.all())


def test_redirects_are_not_followed(subscription, vendor, receiver, on_commit):
    receiver.script.default_status = 302
    publish(vendor, on_commit)
    assert WebhookDelivery.objects.get().status == "failed"
    assert len(receiver.received) == 3


def test_broker_outage_leaves_deliveries_pending_for_the_sweep(
    subscription, vendor, receiver, on_commit, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from events.webhooks import tasks

    def broker_down(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_webhook, "delay", broker_down)
    publish(vendor, on_commit)
    assert receiver.received == []
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    monkeypatch.undo()
    with on_commit():
        assert tasks.resend_stalled() == 1
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_admin_of_the_org_may_manage_but_other_roles_may_not(subscription, vendor):
    from django.core.exceptions import PermissionDenied

    member = MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user
    with pytest.raises(PermissionDenied):
        webhooks.rotate_secret(actor=member, subscription=subscription)
    admin = MembershipFactory(organization=vendor, role=Membership.Role.ADMIN).user
    assert webhooks.rotate_secret(actor=admin, subscription=subscription)
