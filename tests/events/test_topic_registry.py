"""One topic registry: the change feed and partner webhooks show each event to the same
organisations, because both read the audience the emitting app declared (core.registry)."""

import pytest

from changes import consumers as feed
from changes.selectors import changes_visible_to
from core import outbox
from core.registry import audience_of
from events.models import WebhookDelivery
from events.webhooks import services as webhooks
from events.webhooks.topics import ALIASES, TOPICS, webhook_topic
from tests.factories import EnterpriseFactory, MembershipFactory, VendorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]

# Every outbox topic a partner can receive, read from the registry so a new one is covered.
WEBHOOK_TOPICS = sorted({name for name in TOPICS if name not in ALIASES.values()} | set(ALIASES))
# Partners receive these as webhooks, but they are not changes of a resource the feed lists.
NOT_IN_FEED = {"match.found"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organizations():
    """An enterprise, the vendor it deals with, a competing vendor, another enterprise."""
    return EnterpriseFactory(), VendorFactory(), VendorFactory(), EnterpriseFactory()


def emit_for(topic, organizations):
    enterprise, vendor, *_ = organizations
    # The payload every topic's rule may read: the parties by the names emitters use.
    return outbox.emit(
        topic,
        vendor,
        enterprise_id=enterprise.pk,
        vendor_id=vendor.pk,
        vendor_ids=[vendor.pk],
        recipient_id=enterprise.pk,
        kind=vendor.kind,
    )


def webhook_recipients(event, organizations):
    name = webhook_topic(event.topic).name
    for organization in organizations:
        admin = MembershipFactory(organization=organization).user
        webhooks.create_subscription(
            actor=admin, organization=organization, url="http://127.0.0.1:9/hook", topics=[name]
        )
    webhooks.fan_out(event)
    return set(
        WebhookDelivery.objects.filter(event=event).values_list(
            "subscription__organization_id", flat=True
        )
    )


def feed_readers(event, organizations):
    """The organisations whose members see the event's entry in the change feed, or None
    when the feed does not list the event."""
    feed.record_change(event)
    entry = feed.ChangeEntry.objects.filter(event_id=event.pk).first()
    if entry is None:
        return None
    return {
        organization.pk
        for organization in organizations
        if changes_visible_to(MembershipFactory(organization=organization).user)
        .filter(pk=entry.pk)
        .exists()
    }


@pytest.mark.parametrize("topic", WEBHOOK_TOPICS)
def test_the_change_feed_and_webhooks_show_each_topic_to_the_same_organisations(
    topic, organizations
):
    event = emit_for(topic, organizations)
    assert audience_of(event) is not None, f"{topic} declares no audience"
    readers = feed_readers(event, organizations)
    recipients = webhook_recipients(event, organizations)
    if topic in NOT_IN_FEED:
        assert readers is None
    else:
        assert readers == recipients
    assert recipients, f"{topic} reaches nobody"


def test_a_verified_factory_is_public_and_a_rejection_stays_with_its_enterprise(
    organizations,
):
    enterprise, vendor, competitor, other = organizations
    everyone = {o.pk for o in organizations}
    verified = emit_for("factory.verified", organizations)
    assert feed_readers(verified, organizations) == everyone
    assert webhook_recipients(verified, organizations) == everyone
    rejected = emit_for("factory.rejected", organizations)
    assert feed_readers(rejected, organizations) == {enterprise.pk}
    assert webhook_recipients(rejected, organizations) == {enterprise.pk}
