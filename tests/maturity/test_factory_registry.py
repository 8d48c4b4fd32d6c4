"""The smart-factory registry: a tier's minimum maturity level, registration with evidence,
verification by operators, and who may do what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import FactoryTier, Industry, Region
from core.models import OutboxEvent
from events.models import Notification
from maturity import services
from maturity.models import SmartFactory

from .factories import CompletedAssessmentFactory, FactoryEvidenceFactory, SmartFactoryFactory

pytestmark = pytest.mark.django_db


def tier(code):
    return FactoryTier.objects.get(code=code)


def register(actor, enterprise, tier_code, pdf=None, name="Suzhou gearbox plant"):
    return services.register_factory(
        actor=actor, enterprise=enterprise, name=name,
        region=Region.objects.get(code="CN-JS"),
        industry=Industry.objects.get(code="machine-tools"),
        tier=tier(tier_code), year=2025,
        evidence=[(pdf(), "Recognition letter")] if pdf else (),
    )


@pytest.mark.parametrize("code, level", [("basic", 2), ("advanced", 2), ("excellent", 3),
                                         ("leading", 3)])
def test_each_tier_needs_the_taxonomys_minimum_or_the_one_below_it(code, level):
    assert services.required_level(tier(code)) == level


def test_a_basic_factory_needs_a_completed_assessment(enterprise_user, enterprise):
    with pytest.raises(ValidationError, match="complete your self-assessment"):
        register(enterprise_user, enterprise, "basic")


def test_a_basic_factory_needs_level_two(enterprise_user, enterprise):
    CompletedAssessmentFactory(enterprise=enterprise, level=1)
    with pytest.raises(ValidationError, match="level 2 or above"):
        register(enterprise_user, enterprise, "basic")


def test_an_excellent_factory_needs_level_three(enterprise_user, enterprise):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    register(enterprise_user, enterprise, "basic", name="Basic plant")
    with pytest.raises(ValidationError, match="level 3 or above"):
        register(enterprise_user, enterprise, "excellent")


def test_only_the_latest_assessment_counts(enterprise_user, enterprise):
    CompletedAssessmentFactory(enterprise=enterprise, level=4, is_latest=False)
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    with pytest.raises(ValidationError):
        register(enterprise_user, enterprise, "excellent")


def test_registering_with_evidence_awaits_verification_and_tells_operators(
    enterprise_user, enterprise, operator_user, pdf, media_root, on_commit
):
    assessment = CompletedAssessmentFactory(enterprise=enterprise, level=3)
    with on_commit():
        factory = register(enterprise_user, enterprise, "excellent", pdf)
    assert factory.status == SmartFactory.Status.PENDING
    assert factory.assessment == assessment
    document = factory.evidence.get()
    assert (document.content_type, document.original_name) == ("application/pdf",
                                                               "recognition.pdf")
    assert OutboxEvent.objects.filter(topic="factory.registered").exists()
    assert Notification.objects.filter(recipient=operator_user).exists()


def test_a_factory_name_is_unique_within_the_enterprise(enterprise_user, enterprise):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    register(enterprise_user, enterprise, "basic")
    with pytest.raises(ValidationError) as raised:
        register(enterprise_user, enterprise, "basic")
    assert "name" in raised.value.message_dict


def test_evidence_must_be_a_document_by_its_bytes(enterprise_user, enterprise, media_root):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = register(enterprise_user, enterprise, "basic")
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 an executable", "application/pdf")
    with pytest.raises(ValidationError) as raised:
        services.add_evidence(actor=enterprise_user, factory=factory, upload=fake)
    assert "file" in raised.value.message_dict


def test_an_operator_verifies_a_factory_with_evidence(enterprise, enterprise_user, operator_user,
                                                      media_root, on_commit):
    CompletedAssessmentFactory(enterprise=enterprise, level=3)
    factory = SmartFactoryFactory(enterprise=enterprise, tier=tier("excellent"))
    FactoryEvidenceFactory(factory=factory)
    with on_commit():
        done = services.verify_factory(actor=operator_user, factory=factory, note="Checked.")
    assert done.status == SmartFactory.Status.VERIFIED
    assert done.decided_by == operator_user and done.decided_at is not None
    assert Notification.objects.filter(recipient=enterprise_user,
                                       topic="factory.verified").exists()


def test_verification_needs_evidence(enterprise, operator_user):
    CompletedAssessmentFactory(enterprise=enterprise, level=3)
    factory = SmartFactoryFactory(enterprise=enterprise)
    with pytest.raises(ValidationError, match="evidence"):
        services.verify_factory(actor=operator_user, factory=factory)


def test_verification_checks_the_tier_rule_again(enterprise, operator_user, media_root):
    """The enterprise's level dropped after it registered: the tier no longer holds."""
    CompletedAssessmentFactory(enterprise=enterprise, level=3, is_latest=False)
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = SmartFactoryFactory(enterprise=enterprise, tier=tier("excellent"))
    FactoryEvidenceFactory(factory=factory)
    with pytest.raises(ValidationError, match="level 3 or above"):
        services.verify_factory(actor=operator_user, factory=factory)
    factory.refresh_from_db()
    assert factory.status == SmartFactory.Status.PENDING


def test_rejection_needs_a_reason_and_the_enterprise_can_resubmit(
    enterprise, enterprise_user, operator_user
):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = SmartFactoryFactory(enterprise=enterprise)
    with pytest.raises(ValidationError):
        services.reject_factory(actor=operator_user, factory=factory, note=" ")
    services.reject_factory(actor=operator_user, factory=factory, note="Letter unreadable.")
    factory.refresh_from_db()
    assert (factory.status, factory.review_note) == ("rejected", "Letter unreadable.")
    services.resubmit_factory(actor=enterprise_user, factory=factory)
    factory.refresh_from_db()
    assert factory.status == SmartFactory.Status.PENDING


def test_the_enterprise_cannot_verify_its_own_factory(enterprise, enterprise_user, media_root):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = SmartFactoryFactory(enterprise=enterprise)
    FactoryEvidenceFactory(factory=factory)
    with pytest.raises(PermissionDenied):
        services.verify_factory(actor=enterprise_user, factory=factory)
    with pytest.raises(PermissionDenied):
        services.reject_factory(actor=enterprise_user, factory=factory, note="no")


def test_a_vendor_or_another_enterprise_cannot_register_or_add_evidence(
    enterprise, vendor_user, vendor, other_enterprise_user, pdf
):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    for actor in (vendor_user, other_enterprise_user):
        with pytest.raises(PermissionDenied):
            register(actor, enterprise, "basic")
    with pytest.raises(PermissionDenied):
        register(vendor_user, vendor, "basic")
    factory = SmartFactoryFactory(enterprise=enterprise)
    with pytest.raises(PermissionDenied):
        services.add_evidence(actor=other_enterprise_user, factory=factory, upload=pdf())


def test_a_vendor_or_another_enterprise_cannot_verify_or_reject(enterprise, vendor_user,
                                                               other_enterprise_user):
    factory = SmartFactoryFactory(enterprise=enterprise)
    for outsider in (vendor_user, other_enterprise_user):
        with pytest.raises(PermissionDenied):
            services.verify_factory(actor=outsider, factory=factory)
        with pytest.raises(PermissionDenied):
            services.reject_factory(actor=outsider, factory=factory, note="no")


def test_only_the_factorys_enterprise_can_resubmit(enterprise, operator_user,
                                                   other_enterprise_user, vendor_user):
    factory = SmartFactoryFactory(enterprise=enterprise, status=SmartFactory.Status.REJECTED)
    for outsider in (operator_user, other_enterprise_user, vendor_user):
        with pytest.raises(PermissionDenied):
            services.resubmit_factory(actor=outsider, factory=factory)
