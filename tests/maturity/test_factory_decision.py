"""A rejected factory is never shown as verified: not in the API, not in the change feed, not
to webhook subscribers. The operator's decision is recorded as decided_by/decided_at, whichever
way it went."""

import pytest
from django.contrib.auth.models import AnonymousUser

from changes import consumers as feed
from changes.models import ChangeEntry
from changes.selectors import changes_visible_to
from core.models import OutboxEvent
from events.models import WebhookDelivery
from events.webhooks import services as webhooks
from maturity import services
from tests.factories import MembershipFactory, VendorFactory

from .factories import CompletedAssessmentFactory, FactoryEvidenceFactory, SmartFactoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhooks_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_ALLOW_HTTP = True


def rejected_factory(operator_user, enterprise):
    factory = SmartFactoryFactory(enterprise=enterprise)
    FactoryEvidenceFactory(factory=factory)
    return services.reject_factory(actor=operator_user, factory=factory, note="Letter unreadable.")


def test_a_rejection_is_recorded_as_a_decision_not_a_verification(operator_user, enterprise):
    factory = rejected_factory(operator_user, enterprise)
    factory.refresh_from_db()
    assert factory.decided_by == operator_user and factory.decided_at is not None
    assert factory.verified_at is None


def test_the_api_shows_no_verification_time_for_a_rejected_factory(
    api_as, operator_user, enterprise, enterprise_user
):
    factory = rejected_factory(operator_user, enterprise)
    shown = api_as(enterprise_user).get(f"/api/v1/factories/{factory.pk}/").json()
    assert (shown["status"], shown["verified_at"]) == ("rejected", None)


def test_the_api_shows_when_a_verified_factory_was_verified(
    api_as, operator_user, enterprise, enterprise_user
):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = SmartFactoryFactory(enterprise=enterprise)
    FactoryEvidenceFactory(factory=factory)
    done = api_as(operator_user).post(f"/api/v1/factories/{factory.pk}/verify/", {}, format="json")
    assert done.json()["status"] == "verified" and done.json()["verified_at"] is not None


def test_a_rejected_factory_stays_out_of_the_public_change_feed(
    operator_user, enterprise, enterprise_user, pdf
):
    factory = rejected_factory(operator_user, enterprise)
    # Evidence added after the rejection is a later change of the same factory.
    services.add_evidence(actor=enterprise_user, factory=factory, upload=pdf())
    for event in OutboxEvent.objects.filter(topic__startswith="factory."):
        feed.record_change(event)
    entries = ChangeEntry.objects.filter(resource_type="factory")
    assert set(entries.values_list("action", flat=True)) == {"rejected", "evidence_added"}
    assert not changes_visible_to(AnonymousUser()).filter(resource_type="factory").exists()
    assert not entries.filter(audience=ChangeEntry.Audience.PUBLIC).exists()


def test_a_verification_reaches_every_subscriber_and_a_rejection_only_its_enterprise(
    webhooks_allowed, operator_user, enterprise
):
    vendor = VendorFactory()
    for organization in (enterprise, vendor):
        webhooks.create_subscription(
            actor=MembershipFactory(organization=organization).user,
            organization=organization,
            url="http://127.0.0.1:9/hook",
            topics=["factory.verified", "factory.rejected"],
        )
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    verified = SmartFactoryFactory(enterprise=enterprise)
    FactoryEvidenceFactory(factory=verified)
    services.verify_factory(actor=operator_user, factory=verified)
    rejected_factory(operator_user, enterprise)
    for event in OutboxEvent.objects.filter(topic__in=["factory.verified", "factory.rejected"]):
        webhooks.fan_out(event)
    assert set(WebhookDelivery.objects.values_list("topic", "subscription__organization_id")) == {
        ("factory.verified", enterprise.pk),
        ("factory.verified", vendor.pk),
        ("factory.rejected", enterprise.pk),
    }
