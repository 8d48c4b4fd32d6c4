"""The reviewer's pages: the queue and the decision page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import CheckResult, SolutionStatus

pytestmark = pytest.mark.django_db
S = SolutionStatus


def test_review_queue_lists_assigned_solutions_for_a_reviewer(as_user, reviewer, in_review,
                                                              draft):
    response = as_user(reviewer).get(reverse("review-queue"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["page_obj"]] == [in_review.pk]
    assert in_review.title_en in response.content.decode()


@pytest.mark.parametrize("who", ["vendor_user", "enterprise_user"])
def test_review_pages_are_refused_to_vendors_and_enterprises(request, as_user, who, in_review):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("review-queue")).status_code == 403
    assert client.get(reverse("review-decision", args=[in_review.pk])).status_code == 403


def test_review_pages_send_anonymous_visitors_to_sign_in(client, in_review):
    response = client.get(reverse("review-queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_decision_page_shows_content_checks_and_history(as_user, reviewer, in_review):
    CheckResult.objects.create(solution=in_review, submission=1, code="completeness",
                               passed=False, score=0.42, details={"missing": ["title_zh"]})
    response = as_user(reviewer).get(reverse("review-decision", args=[in_review.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "completeness" in html and "0.42" in html and "title_zh" in html
    assert response.context["decision_blocker"] is None


def test_reviewer_approves_through_the_decision_page(as_user, reviewer, in_review):
    response = as_user(reviewer).post(reverse("review-decision", args=[in_review.pk]),
                                      {"decision": "approve", "comment": "Clear and complete.",
                                       "submitted_at": in_review.submitted_at.isoformat()})
    assert response.status_code == 302
    assert response.url == reverse("review-queue")
    in_review.refresh_from_db()
    assert in_review.status == S.PUBLISHED
    assert in_review.review_events.filter(to_status=S.APPROVED, actor=reviewer,
                                          comment="Clear and complete.").exists()


def test_request_changes_needs_a_comment(as_user, reviewer, in_review):
    response = as_user(reviewer).post(reverse("review-decision", args=[in_review.pk]),
                                      {"decision": "request_changes", "comment": " "})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_request_changes_reaches_the_vendor_dashboard(as_user, reviewer, vendor_user,
                                                       in_review):
    as_user(reviewer).post(reverse("review-decision", args=[in_review.pk]),
                           {"decision": "request_changes", "comment": "Add a case study.",
                            "reason_codes": ["incomplete-evidence"],
                            "submitted_at": in_review.submitted_at.isoformat()})
    in_review.refresh_from_db()
    assert in_review.status == S.CHANGES_REQUESTED
    response = as_user(vendor_user).get(reverse("dashboard"))
    assert "Add a case study." in response.content.decode()


def test_reviewer_from_the_vendor_is_refused_with_a_message_not_an_error(
    as_user, reviewer_in_vendor, in_review
):
    response = as_user(reviewer_in_vendor).post(
        reverse("review-decision", args=[in_review.pk]),
        {"decision": "approve", "comment": "", "submitted_at": in_review.submitted_at.isoformat()},
    )
    assert response.status_code == 403
    assert response.context["problem"]
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_deciding_outside_review_is_refused_with_a_message(as_user, reviewer, vendor):
    from tests.factories import SolutionFactory

    # Decided from a page opened while it was in review (it names that submission).
    published = SolutionFactory(vendor=vendor, status=S.PUBLISHED, submitted_at=timezone.now())
    response = as_user(reviewer).post(reverse("review-decision", args=[published.pk]),
                                      {"decision": "reject", "comment": "Too late.",
                                       "reason_codes": ["duplicate"],
                                       "submitted_at": published.submitted_at.isoformat()})
    assert response.status_code == 409
    assert "only while in review" in response.content.decode()
    published.refresh_from_db()
    assert published.status == S.PUBLISHED


def test_request_changes_needs_a_reason(as_user, reviewer, in_review):
    response = as_user(reviewer).post(reverse("review-decision", args=[in_review.pk]),
                                      {"decision": "request_changes", "comment": "Add one."})
    assert response.status_code == 200
    assert "reason_codes" in response.context["form"].errors
    in_review.refresh_from_db()
    assert in_review.status == SolutionStatus.IN_REVIEW


def test_an_operator_admin_is_told_who_decides_and_how(as_user, operator, reviewer, in_review):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    reviewer.first_name, reviewer.last_name = "Wei", "Zhang"
    reviewer.save()
    admin = MembershipFactory(organization=operator, role=Membership.Role.OWNER).user
    response = as_user(admin).get(reverse("review-decision", args=[in_review.pk]))
    blocker = response.context["decision_blocker"]
    assert blocker.startswith("Only reviewers decide on solutions: ")
    assert reviewer.get_full_name() in blocker and "Reassign" in blocker
    assert response.context["reassign_form"] is not None  # the way it names is on the page


def test_operator_staff_are_told_who_the_reviewers_are(as_user, operator, reviewer, in_review):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    staff = MembershipFactory(organization=operator, role=Membership.Role.MEMBER).user
    blocker = as_user(staff).get(
        reverse("review-decision", args=[in_review.pk])).context["decision_blocker"]
    assert (reviewer.get_full_name() or reviewer.username) in blocker
    assert "operator administrator" in blocker
