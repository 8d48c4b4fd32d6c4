"""The review workflow through its services: every transition, every refusal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog import services, workflow
from catalog.models import CheckResult, ReviewEvent, SolutionStatus
from core import workflow as core_workflow
from core.models import OutboxEvent
from tests.factories import MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus


@pytest.fixture
def draft(vendor):
    return SolutionFactory(vendor=vendor)


def submitted_and_checked(draft, vendor_user, on_commit):
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=draft)
    draft.refresh_from_db()
    return draft


def test_submit_runs_prechecks_and_moves_into_review_with_a_reviewer(
    draft, vendor_user, reviewer, on_commit
):
    solution = submitted_and_checked(draft, vendor_user, on_commit)

    assert solution.status == S.IN_REVIEW
    assert solution.reviewer == reviewer
    check = CheckResult.objects.get(solution=solution, code="completeness")
    assert check.submission == 1 and check.passed and 0 < check.score <= 1
    assert [(e.from_status, e.to_status) for e in solution.review_events.all()] == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.IN_REVIEW),
    ]
    assert {e.topic for e in OutboxEvent.objects.all()} >= {"solution.submitted",
                                                            "solution.in_review"}


def test_prechecks_are_idempotent_under_redelivery(draft, vendor_user, reviewer, on_commit):
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    events_before = ReviewEvent.objects.count()
    results_before = CheckResult.objects.filter(solution=solution).count()
    assert results_before >= 1

    services.run_prechecks("solution", solution.pk)  # the same task delivered again

    assert CheckResult.objects.filter(solution=solution).count() == results_before
    assert ReviewEvent.objects.count() == events_before


def test_reviewer_approves_and_the_solution_is_published(draft, vendor_user, reviewer, on_commit):
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    with on_commit():
        services.approve(actor=reviewer, subject=solution, comment="Solid evidence.")
    solution.refresh_from_db()
    assert solution.status == S.PUBLISHED
    assert solution.published_at is not None
    last_two = list(solution.review_events.order_by("-id")[:2])
    assert {e.to_status for e in last_two} == {S.APPROVED, S.PUBLISHED}
    assert all(e.actor == reviewer for e in last_two)


def test_incomplete_draft_cannot_be_submitted_and_stays_draft(vendor, vendor_user):
    solution = SolutionFactory(vendor=vendor, summary_en="", summary_zh="", industries=[])
    solution.industries.clear()
    with pytest.raises(ValidationError) as excinfo:
        services.submit_solution(actor=vendor_user, solution=solution)
    assert set(excinfo.value.message_dict) == {"summary", "industries"}
    solution.refresh_from_db()
    assert solution.status == S.DRAFT
    assert not solution.review_events.exists()


def test_vendor_cannot_submit_another_vendors_solution(draft, other_vendor_user):
    with pytest.raises(PermissionDenied):
        services.submit_solution(actor=other_vendor_user, solution=draft)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_vendor_cannot_approve_its_own_solution(draft, vendor_user, reviewer, on_commit):
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    with pytest.raises(PermissionDenied):
        services.approve(actor=vendor_user, subject=solution)
    solution.refresh_from_db()
    assert solution.status == S.IN_REVIEW


def test_enterprise_member_cannot_approve(draft, vendor_user, reviewer, enterprise_user,
                                          on_commit):
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    with pytest.raises(PermissionDenied):
        services.approve(actor=enterprise_user, subject=solution)


def test_reviewer_from_vendor_org_cannot_approve(draft, vendor, vendor_user, reviewer, operator,
                                                 on_commit):
    # A reviewer who is also a member of the vendor has a conflict of interest.
    MembershipFactory(user=reviewer, organization=vendor)
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    assert solution.reviewer != reviewer
    with pytest.raises(PermissionDenied):
        services.approve(actor=reviewer, subject=solution)


def test_assignment_skips_reviewers_of_the_vendor_and_prefers_the_least_loaded(
    vendor, vendor_user, operator, on_commit
):
    busy = MembershipFactory(organization=operator, is_reviewer=True).user
    idle = MembershipFactory(organization=operator, is_reviewer=True).user
    conflicted = MembershipFactory(organization=operator, is_reviewer=True).user
    MembershipFactory(user=conflicted, organization=vendor)
    SolutionFactory(status=S.IN_REVIEW, reviewer=busy)

    solution = submitted_and_checked(SolutionFactory(vendor=vendor), vendor_user, on_commit)

    assert solution.reviewer == idle


def test_illegal_transition_names_the_allowed_ones(draft, reviewer):
    with pytest.raises(workflow.TransitionNotAllowed) as excinfo:
        services.approve(actor=reviewer, subject=draft)
    assert excinfo.value.allowed == [S.SUBMITTED]
    assert isinstance(excinfo.value, core_workflow.TransitionNotAllowed)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_changes_requested_then_resubmitted(draft, vendor_user, reviewer, on_commit):
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    services.request_changes(actor=reviewer, subject=solution, comment="Add outcome figures.",
                             reason_codes=["incomplete-evidence"])
    solution.refresh_from_db()
    assert solution.status == S.CHANGES_REQUESTED
    services.update_solution(actor=vendor_user, solution=solution, data={"delivery_weeks": 10})
    solution = submitted_and_checked(solution, vendor_user, on_commit)
    assert solution.status == S.IN_REVIEW
    assert CheckResult.objects.filter(solution=solution, code="completeness").count() == 2


def test_reject_records_reason_codes(draft, vendor_user, reviewer, on_commit):
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    services.reject(actor=reviewer, subject=solution, comment="Duplicate listing.",
                             reason_codes=["duplicate"])
    event = solution.review_events.last()
    assert (event.to_status, event.reason_codes, event.actor) == (S.REJECTED, ["duplicate"],
                                                                  reviewer)


def test_published_solution_cannot_be_edited_in_place(vendor, vendor_user):
    solution = SolutionFactory(vendor=vendor, status=S.PUBLISHED)
    with pytest.raises(workflow.TransitionNotAllowed):
        services.update_solution(actor=vendor_user, solution=solution, data={"title_en": "New"})
    solution.refresh_from_db()
    assert solution.title_en != "New"


def test_review_events_are_append_only(draft, vendor_user, on_commit):
    solution = submitted_and_checked(draft, vendor_user, on_commit)
    event = solution.review_events.first()
    event.comment = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_archive_by_vendor_and_republish_only_by_operator(vendor, vendor_user, reviewer):
    solution = SolutionFactory(vendor=vendor, status=S.PUBLISHED)
    services.archive_solution(actor=vendor_user, solution=solution)
    with pytest.raises(PermissionDenied):
        workflow.transition(solution, S.PUBLISHED, vendor_user)
    workflow.transition(solution, S.PUBLISHED, reviewer)
    solution.refresh_from_db()
    assert solution.status == S.PUBLISHED


def test_only_operator_admins_reassign_reviews(draft, vendor_user, reviewer, operator,
                                               on_commit):
    from accounts.models import Membership

    solution = submitted_and_checked(draft, vendor_user, on_commit)
    colleague = MembershipFactory(organization=operator, is_reviewer=True,
                                  role=Membership.Role.MEMBER).user
    with pytest.raises(PermissionDenied):
        services.reassign_reviewer(actor=reviewer, subject=solution, reviewer=colleague)
    with pytest.raises(PermissionDenied):
        services.reassign_reviewer(actor=vendor_user, subject=solution, reviewer=colleague)
    boss = MembershipFactory(organization=operator, role=Membership.Role.ADMIN).user
    services.reassign_reviewer(actor=boss, subject=solution, reviewer=colleague)
    solution.refresh_from_db()
    assert solution.reviewer == colleague


def test_reassigning_to_a_reviewer_of_the_vendor_is_refused(draft, vendor, vendor_user, reviewer,
                                                            operator, on_commit):
    from accounts.models import Membership

    solution = submitted_and_checked(draft, vendor_user, on_commit)
    conflicted = MembershipFactory(organization=operator, is_reviewer=True).user
    MembershipFactory(user=conflicted, organization=vendor)
    boss = MembershipFactory(organization=operator, role=Membership.Role.ADMIN).user
    with pytest.raises(ValidationError):
        services.reassign_reviewer(actor=boss, subject=solution, reviewer=conflicted)
    solution.refresh_from_db()
    assert solution.reviewer == reviewer


def test_reassigned_reviewer_is_told(draft, vendor_user, reviewer, operator, on_commit):
    from accounts.models import Membership
    from events.models import Notification

    solution = submitted_and_checked(draft, vendor_user, on_commit)
    colleague = MembershipFactory(organization=operator, is_reviewer=True).user
    boss = MembershipFactory(organization=operator, role=Membership.Role.ADMIN).user
    with on_commit():
        services.reassign_reviewer(actor=boss, subject=solution, reviewer=colleague)
    assert Notification.objects.filter(recipient=colleague, topic="review.reassigned").exists()


def test_stalled_submission_is_sent_to_the_checks_again(draft, vendor_user, reviewer, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from catalog import tasks

    monkeypatch.setattr(tasks.run_prechecks, "delay", lambda *args: None)  # the broker lost it
    services.submit_solution(actor=vendor_user, solution=draft)
    monkeypatch.undo()
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert tasks.requeue_stalled_submissions() == 0  # too recent to call stalled
    later = timezone.now() + timedelta(minutes=11)
    assert tasks.requeue_stalled_submissions(now=later) == 1
    draft.refresh_from_db()
    assert draft.status == "in_review" and draft.reviewer == reviewer
