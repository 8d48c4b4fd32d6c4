"""Status changes in maturity go through its workflow on the kernel: an illegal move is a
409 naming the moves allowed, a wrong role a 403."""

import pytest
from django.core.exceptions import PermissionDenied

from core.workflow import TransitionNotAllowed
from maturity import services, workflow
from maturity.models import SmartFactory

from .factories import CompletedAssessmentFactory, FactoryEvidenceFactory, SmartFactoryFactory

pytestmark = pytest.mark.django_db
F = SmartFactory.Status


def test_the_tables_are_the_kernels():
    assert workflow.FACTORY_TRANSITIONS.allowed_from(F.PENDING) == [F.VERIFIED, F.REJECTED]
    assert workflow.FACTORY_TRANSITIONS.allowed_from(F.REJECTED) == [F.PENDING]
    assert workflow.FACTORY_TRANSITIONS.allowed_from(F.VERIFIED) == []


def test_deciding_a_verified_factory_again_is_not_allowed(enterprise, operator_user):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = SmartFactoryFactory(enterprise=enterprise, status=F.VERIFIED)
    for decide in (lambda: services.verify_factory(actor=operator_user, factory=factory),
                   lambda: services.reject_factory(actor=operator_user, factory=factory,
                                                   note="Late.")):
        with pytest.raises(TransitionNotAllowed) as caught:
            decide()
        assert caught.value.facts() == {"current_status": "verified", "allowed": []}


def test_resubmitting_a_pending_factory_is_not_allowed(enterprise, enterprise_user):
    factory = SmartFactoryFactory(enterprise=enterprise)
    with pytest.raises(TransitionNotAllowed) as caught:
        services.resubmit_factory(actor=enterprise_user, factory=factory)
    assert caught.value.allowed == [F.VERIFIED, F.REJECTED]


def test_a_wrong_role_is_refused_before_the_status(enterprise, enterprise_user):
    factory = SmartFactoryFactory(enterprise=enterprise, status=F.VERIFIED)
    with pytest.raises(PermissionDenied):
        services.verify_factory(actor=enterprise_user, factory=factory)


def test_the_api_answers_409_for_an_illegal_decision_and_403_for_a_wrong_role(
    api_as, enterprise, enterprise_user, operator_user
):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = SmartFactoryFactory(enterprise=enterprise)
    FactoryEvidenceFactory(factory=factory)
    url = f"/api/v1/factories/{factory.pk}/verify/"
    assert api_as(enterprise_user).post(url, {}, format="json").status_code == 403
    assert api_as(operator_user).post(url, {}, format="json").status_code == 200
    again = api_as(operator_user).post(url, {}, format="json")
    assert again.status_code == 409
    body = again.json()
    assert body["type"] == "about:blank#transition-not-allowed"
    assert (body["current_status"], body["allowed"]) == ("verified", [])
    resubmit = api_as(enterprise_user).post(f"/api/v1/factories/{factory.pk}/resubmit/", {},
                                            format="json")
    assert resubmit.status_code == 409 and resubmit.json()["allowed"] == []


def test_completing_a_completed_assessment_is_not_allowed(enterprise, enterprise_user):
    assessment = CompletedAssessmentFactory(enterprise=enterprise, level=2)
    with pytest.raises(TransitionNotAllowed) as caught:
        services.complete_assessment(actor=enterprise_user, assessment=assessment)
    assert caught.value.facts() == {"current_status": "completed", "allowed": []}
