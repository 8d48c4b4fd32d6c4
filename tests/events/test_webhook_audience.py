"""A subscription receives only what its organisation may see, and nothing private of others."""

import pytest

from core import outbox
from core.models import OutboxEvent
from events.models import WebhookDelivery
from events.webhooks import services as webhooks
from marketplace import services as marketplace
from marketplace.models import Need
from tests.factories import EnterpriseFactory, MembershipFactory, NeedFactory, VendorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]


def subscribe(organization, *topics):
    admin = MembershipFactory(organization=organization).user
    sub, _ = webhooks.create_subscription(
        actor=admin, organization=organization, url="http://127.0.0.1:9/hook", topics=list(topics)
    )
    return sub


def received(event):
    """{organisation id: data} of the deliveries the event fans out to."""
    webhooks.fan_out(event)
    return {
        d.subscription.organization_id: d.payload["data"]
        for d in WebhookDelivery.objects.filter(event=event).select_related("subscription")
    }


@pytest.fixture
def parties():
    enterprise, v1, v2, v3 = (
        EnterpriseFactory(),
        VendorFactory(),
        VendorFactory(),
        VendorFactory(),
    )
    return enterprise, v1, v2, v3


def test_public_catalog_events_reach_every_subscriber(parties):
    enterprise, v1, v2, _ = parties
    for org in (enterprise, v1, v2):
        subscribe(org, "solution.published")
    event = outbox.emit("solution.published", v1, vendor_id=v1.pk, actor_id=1, reviewer_id=2)
    assert set(received(event)) == {enterprise.pk, v1.pk, v2.pk}


def test_only_subscribed_topics_are_delivered(parties):
    enterprise, v1, *_ = parties
    subscribe(enterprise, "quote.submitted")
    event = outbox.emit("solution.published", v1, vendor_id=v1.pk)
    assert received(event) == {}


def test_request_for_quotes_reaches_its_parties_and_hides_competitors(parties):
    enterprise, v1, v2, v3 = parties
    for org in parties:
        subscribe(org, "rfq.received")
    buyer = MembershipFactory(organization=enterprise).user
    request = marketplace.request_quotes(
        actor=buyer, enterprise=enterprise, vendors=[v1, v2], title="Predictive maintenance"
    )
    event = OutboxEvent.objects.get(topic="rfq.received")
    got = received(event)
    assert set(got) == {enterprise.pk, v1.pk, v2.pk}  # v3 was not asked
    assert got[enterprise.pk]["vendor_ids"] == [v1.pk, v2.pk]
    assert got[v1.pk]["vendor_ids"] == [v1.pk]  # never who else was asked
    assert got[v2.pk]["vendor_ids"] == [v2.pk]
    assert got[v1.pk]["id"] == request.pk


def test_quote_events_reach_the_enterprise_and_the_quoting_vendor_only(parties):
    enterprise, v1, v2, _ = parties
    for org in parties:
        subscribe(org, "quote.submitted", "quote.declined")
    quote_like = v1  # any row stands for the quote; the payload carries the parties
    event = outbox.emit(
        "quote.declined",
        quote_like,
        request_id=5,
        enterprise_id=enterprise.pk,
        vendor_id=v1.pk,
        reason="too expensive",
        actor_id=3,
    )
    got = received(event)
    assert set(got) == {enterprise.pk, v1.pk}
    assert "reason" not in got[v1.pk] and "actor_id" not in got[v1.pk]


def test_review_decisions_reach_the_solutions_vendor_only_as_review_decided(parties):
    _, v1, v2, _ = parties
    subscribe(v1, "review.decided")
    subscribe(v2, "review.decided")
    event = outbox.emit(
        "solution.changes_requested",
        v1,
        vendor_id=v1.pk,
        reviewer_id=99,
        actor_id=99,
        from_status="in_review",
        reason_codes=["no-case-study"],
    )
    got = received(event)
    assert set(got) == {v1.pk}
    assert got[v1.pk]["decision"] == "changes_requested"
    assert got[v1.pk]["reason_codes"] == ["no-case-study"]
    assert "reviewer_id" not in got[v1.pk]
    assert WebhookDelivery.objects.get(event=event).topic == "review.decided"


def test_private_need_reaches_the_enterprise_and_invited_vendors_only(parties):
    enterprise, v1, v2, _ = parties
    for org in parties:
        subscribe(org, "need.created")
    need = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PRIVATE)
    need.invited_vendors.set([v2])
    got = received(outbox.emit("need.created", need, enterprise_id=enterprise.pk))
    assert set(got) == {enterprise.pk, v2.pk}
    assert got[enterprise.pk]["enterprise_id"] == enterprise.pk


def test_public_need_reaches_every_vendor_without_naming_the_enterprise(parties):
    enterprise, v1, v2, v3 = parties
    other_enterprise = EnterpriseFactory()
    for org in (*parties, other_enterprise):
        subscribe(org, "need.created")
    need = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
    got = received(outbox.emit("need.created", need, enterprise_id=enterprise.pk))
    assert set(got) == {enterprise.pk, v1.pk, v2.pk, v3.pk}  # not the other enterprise
    assert got[v1.pk] == {"object": "marketplace.need", "id": need.pk}


def test_messages_reach_their_recipient_only(parties):
    enterprise, v1, v2, _ = parties
    for org in parties:
        subscribe(org, "message.posted")
    event = outbox.emit("message.posted", v1, thread_id=1, request_id=2, recipient_id=enterprise.pk)
    assert set(received(event)) == {enterprise.pk}


def test_internal_events_are_never_delivered(parties):
    enterprise, v1, *_ = parties
    subscribe(v1, "solution.published")
    event = outbox.emit("review.reminder_due", v1, vendor_id=v1.pk, reviewer_id=1)
    assert received(event) == {}
