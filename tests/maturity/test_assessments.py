"""Self-assessment through the services: start or continue, progress saved as you go,
completion with the shipped model, the enterprise's latest level, and who may do what."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import OutboxEvent
from core.workflow import TransitionNotAllowed
from maturity import services
from maturity.models import Answer, Assessment, MaturityModel, SubDomain

from .conftest import statement_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(enterprise_user, enterprise):
    assessment, _created = services.start_assessment(actor=enterprise_user,
                                                     enterprise=enterprise)
    return assessment


def test_the_shipped_model_is_loaded_with_20_sub_domains_and_statements_per_level():
    model = MaturityModel.objects.get(is_current=True)
    assert model.standard == "GB/T 39116-2020"
    assert model.subdomains.count() == 20
    assert model.elements.count() == 4
    for subdomain in model.subdomains.prefetch_related("statements"):
        levels = {statement.level for statement in subdomain.statements.all()}
        assert levels == {1, 2, 3, 4, 5}, subdomain.code
        assert all(s.text_en and s.text_zh for s in subdomain.statements.all())
    assert model.subdomains.get(code="equipment-management").scenarios.filter(
        code="2025-28").exists()


def test_starting_uses_the_current_model_and_starting_again_continues_it(
    started, enterprise_user, enterprise
):
    assert started.model.is_current
    assert started.status == Assessment.Status.IN_PROGRESS
    again, created = services.start_assessment(actor=enterprise_user, enterprise=enterprise)
    assert (again.pk, created) == (started.pk, False)
    assert OutboxEvent.objects.filter(topic="assessment.started").count() == 1


def test_progress_is_saved_as_you_go_and_can_be_changed_or_cleared(started, enterprise_user):
    code = statement_codes(subdomains=["data"], levels=[1])[0]
    services.save_progress(actor=enterprise_user, assessment=started, answers={code: "0.5"})
    services.save_progress(actor=enterprise_user, assessment=started, answers={code: 0.8})
    assert Answer.objects.get(assessment=started).value == Decimal("0.80")
    services.save_progress(actor=enterprise_user, assessment=started, answers={code: None})
    assert not Answer.objects.filter(assessment=started).exists()


def test_sub_domains_can_be_marked_not_applicable_and_included_again(started, enterprise_user):
    services.save_progress(actor=enterprise_user, assessment=started,
                           not_applicable={"logistics": True, "sales": True})
    services.save_progress(actor=enterprise_user, assessment=started,
                           not_applicable={"sales": False})
    assert list(started.not_applicable.values_list("code", flat=True)) == ["logistics"]


@pytest.mark.parametrize("answers, field", [
    ({"data.1.1": "0.7"}, "answers"),
    ({"data.1.1": "lots"}, "answers"),
    ({"no-such.1.1": "1"}, "answers"),
])
def test_answers_off_the_scale_or_unknown_are_refused(started, enterprise_user, answers, field):
    with pytest.raises(ValidationError) as raised:
        services.save_progress(actor=enterprise_user, assessment=started, answers=answers)
    assert field in raised.value.message_dict
    assert not Answer.objects.exists()


def test_completion_needs_every_applicable_statement_answered(started, enterprise_user):
    codes = statement_codes(subdomains=["data"])
    services.save_progress(actor=enterprise_user, assessment=started,
                           answers=dict.fromkeys(codes, "1"))
    with pytest.raises(ValidationError, match="Answer every statement"):
        services.complete_assessment(actor=enterprise_user, assessment=started)


def test_completion_needs_at_least_one_applicable_sub_domain(started, enterprise_user):
    services.save_progress(actor=enterprise_user, assessment=started, not_applicable=dict.fromkeys(
        SubDomain.objects.filter(model=started.model).values_list("code", flat=True), True))
    with pytest.raises(ValidationError, match="at least one"):
        services.complete_assessment(actor=enterprise_user, assessment=started)


def test_completing_scores_with_the_rule_and_keeps_the_result(
    started, enterprise_user, answer_all, on_commit
):
    # Levels 1-2 fully met, level 3 mostly met (0.8: reached), level 4 partly, level 5 not.
    answer_all(enterprise_user, started, {1: "1", 2: "1", 3: "0.8", 4: "0.5", 5: "0"},
               not_applicable=["logistics"])
    with on_commit():
        done = services.complete_assessment(actor=enterprise_user, assessment=started)
    assert done.status == Assessment.Status.COMPLETED
    assert done.level == 3
    assert done.score == Decimal("3.50")
    assert done.is_latest
    assert done.result["level_scores"] == {"1": 1.0, "2": 1.0, "3": 0.8, "4": 0.5, "5": 0.0}
    assert done.result["not_applicable"] == ["logistics"]
    assert "logistics" not in done.result["subdomains"]
    assert done.result["subdomains"]["data"] == {
        "level": 3, "score": 3.5,
        "satisfaction": {"1": 1.0, "2": 1.0, "3": 0.8, "4": 0.5, "5": 0.0},
    }
    assert done.result["domains"]["manufacturing.logistics"] is None
    assert done.result["domains"]["manufacturing.production"] == 3.5
    event = OutboxEvent.objects.get(topic="assessment.completed")
    assert event.payload["level"] == 3


def test_a_completed_assessment_cannot_change(started, enterprise_user, answer_all):
    answer_all(enterprise_user, started)
    services.complete_assessment(actor=enterprise_user, assessment=started)
    with pytest.raises(ValidationError):
        services.save_progress(actor=enterprise_user, assessment=started,
                               answers={"data.1.1": "0"})
    with pytest.raises(TransitionNotAllowed):  # maturity.workflow: a 409
        services.complete_assessment(actor=enterprise_user, assessment=started)


def test_the_latest_completed_assessment_is_the_enterprises_level(
    enterprise_user, enterprise, answer_all
):
    first, _ = services.start_assessment(actor=enterprise_user, enterprise=enterprise)
    answer_all(enterprise_user, first)
    services.complete_assessment(actor=enterprise_user, assessment=first)
    second, created = services.start_assessment(actor=enterprise_user, enterprise=enterprise)
    assert created
    answer_all(enterprise_user, second, default="0.5")
    services.complete_assessment(actor=enterprise_user, assessment=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.level, first.is_latest) == (5, False)
    assert (second.level, second.is_latest) == (0, True)


def test_another_enterprise_cannot_start_answer_or_complete(started, other_enterprise_user,
                                                            enterprise):
    with pytest.raises(PermissionDenied):
        services.start_assessment(actor=other_enterprise_user, enterprise=enterprise)
    with pytest.raises(PermissionDenied):
        services.save_progress(actor=other_enterprise_user, assessment=started,
                               answers={"data.1.1": "1"})
    with pytest.raises(PermissionDenied):
        services.complete_assessment(actor=other_enterprise_user, assessment=started)


def test_a_vendor_or_an_operator_cannot_answer_for_an_enterprise(started, vendor_user,
                                                                 operator_user, vendor):
    for actor in (vendor_user, operator_user):
        with pytest.raises(PermissionDenied):
            services.save_progress(actor=actor, assessment=started, answers={"data.1.1": "1"})
    with pytest.raises(PermissionDenied):
        services.start_assessment(actor=vendor_user, enterprise=vendor)
