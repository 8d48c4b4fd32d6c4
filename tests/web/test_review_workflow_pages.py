"""The review workflow's pages for reviewers and operators: the queue of listings and
revisions, the decision pages (checks, history, two approvals, reassignment), progress."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from catalog import revisions
from catalog.models import CheckResult, ReviewEvent, RevisionStatus, SolutionRevision
from catalog.models import SolutionStatus as S
from tests.factories import MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_reviewer(operator):
    return MembershipFactory(organization=operator, role=Membership.Role.MEMBER,
                             is_reviewer=True).user


@pytest.fixture
def operator_admin(operator):
    """Operator staff who manage the queue (an admin of the operator), not a reviewer."""
    return MembershipFactory(organization=operator, role=Membership.Role.ADMIN).user


def make_revision(solution, *, status=RevisionStatus.IN_REVIEW, reviewer=None, due=None,
                  **changes):
    base = revisions.snapshot(solution)
    return SolutionRevision.objects.create(
        solution=solution, number=solution.revisions.count() + 1, status=status,
        base=base, data={**base, **changes}, reviewer=reviewer, review_due_at=due,
        submitted_at=timezone.now() - timedelta(days=1),
    )


@pytest.fixture
def live(vendor):
    return SolutionFactory(vendor=vendor, status=S.PUBLISHED, title_en="Spindle monitoring",
                           scenarios=["2025-01"])


@pytest.fixture
def queue(vendor, reviewer, live):
    """A new listing due in two days and a change to a live listing overdue by five hours."""
    now = timezone.now()
    listing = SolutionFactory(vendor=vendor, status=S.IN_REVIEW, reviewer=reviewer,
                              title_en="Line-side quality gate",
                              submitted_at=now - timedelta(hours=4),
                              review_due_at=now + timedelta(days=2, hours=3, minutes=30))
    change = make_revision(live, reviewer=reviewer,
                           due=now - timedelta(hours=5, minutes=10),
                           title_en="Spindle monitoring with AI")
    return listing, change


def queue_page(client, **params):
    return client.get(reverse("review-queue"), params)


def test_queue_shows_listings_and_revisions_with_time_left(as_user, reviewer, queue):
    listing, change = queue
    response = queue_page(as_user(reviewer))
    assert response.status_code == 200
    html = response.content.decode()
    rows = list(response.context["page_obj"])
    assert [type(row) for row in rows] == [SolutionRevision, type(listing)]  # overdue first
    assert "New listing" in html
    assert "Change to a live listing · revision 1" in html
    assert reverse("review-revision", args=[change.pk]) in html
    assert reverse("review-decision", args=[listing.pk]) in html
    assert "2 days 3 h left" in html
    assert "overdue by 5 h" in html
    assert "chip--danger" in html and "chip--success" in html


def test_queue_filters_by_sla_status(as_user, reviewer, queue):
    listing, change = queue
    rows = list(queue_page(as_user(reviewer), sla="overdue").context["page_obj"])
    assert [(type(row), row.pk) for row in rows] == [(SolutionRevision, change.pk)]
    rows = list(queue_page(as_user(reviewer), sla="on_track").context["page_obj"])
    assert [row.pk for row in rows] == [listing.pk] and not rows[0].is_revision


def test_queue_filters_by_scenario_and_status(as_user, reviewer, queue):
    listing, change = queue
    client = as_user(reviewer)
    rows = list(queue_page(client, scenario="2025-01").context["page_obj"])
    assert [row.pk for row in rows] == [change.pk] and rows[0].is_revision
    SolutionRevision.objects.filter(pk=change.pk).update(status=RevisionStatus.SUBMITTED)
    rows = list(queue_page(client, status="in_review").context["page_obj"])
    assert [row.pk for row in rows] == [listing.pk] and not rows[0].is_revision


def test_queue_filters_by_assignee(as_user, reviewer, second_reviewer, vendor):
    mine = SolutionFactory(vendor=vendor, status=S.IN_REVIEW, reviewer=reviewer)
    theirs = SolutionFactory(vendor=vendor, status=S.IN_REVIEW, reviewer=second_reviewer)
    client = as_user(reviewer)

    def listed(**params):
        return {row.pk for row in queue_page(client, **params).context["page_obj"]}

    assert listed() == {mine.pk}  # a reviewer starts with their own
    assert listed(assignee="anyone") == {mine.pk, theirs.pk}
    assert listed(assignee=str(second_reviewer.pk)) == {theirs.pk}
    assert listed(scope="all") == {mine.pk, theirs.pk}  # the dashboard's link


def test_queue_is_paginated_keeping_the_filters(as_user, reviewer, vendor):
    for _ in range(26):
        SolutionFactory(vendor=vendor, status=S.IN_REVIEW, reviewer=reviewer)
    response = queue_page(as_user(reviewer), assignee="anyone")
    assert response.context["page_obj"].paginator.num_pages == 2
    assert "assignee=anyone&amp;page=2" in response.content.decode()
    second = queue_page(as_user(reviewer), assignee="anyone", page=2)
    assert len(second.context["page_obj"].object_list) == 1


def test_queue_explains_the_sla_in_business_days(as_user, reviewer, settings):
    settings.REVIEW_SLA_BUSINESS_DAYS = 7
    html = queue_page(as_user(reviewer)).content.decode()
    assert "within 7 business days" in html
    assert reverse("review-progress") in html


@pytest.mark.parametrize("who", ["vendor_user", "enterprise_user"])
def test_queue_is_refused_to_non_reviewers(request, as_user, who, queue):
    assert queue_page(as_user(request.getfixturevalue(who))).status_code == 403


def test_queue_speaks_chinese(compiled_translations, as_user, reviewer, queue):
    client = as_user(reviewer)
    client.cookies["django_language"] = "zh-hans"
    html = queue_page(client, assignee="anyone").content.decode()
    assert "审核队列" in html
    assert "新方案" in html and "在线方案的修改" in html
    assert "已超期" in html and "剩余" in html
    assert "Review queue" not in html and "New listing" not in html


def test_decision_page_shows_checks_with_their_details(as_user, reviewer, in_review, live):
    CheckResult.objects.create(solution=in_review, submission=1, code="completeness",
                               passed=False, severity="warning", score=0.42,
                               message="Items missing",
                               details={"missing": ["title_zh", "case_study"]})
    CheckResult.objects.create(
        solution=in_review, submission=1, code="near_duplicate", passed=False,
        severity="error", score=0.93,
        details={"closest": [{"id": live.pk, "title": "Spindle monitoring", "vendor": "V",
                              "similarity": 0.93}]})
    CheckResult.objects.create(
        solution=in_review, submission=1, code="links", passed=False, severity="error",
        details={"links": [{"url": "https://example.com/x", "message": "Not found"}]})
    response = as_user(reviewer).get(reverse("review-decision", args=[in_review.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "0.42" in html and "Chinese title" in html and "A case study" in html
    assert reverse("solution-detail", args=[live.pk]) in html and "93% similar" in html
    assert "Not found" in html and "https://example.com/x" in html
    assert "chip--warning" in html and "chip--danger" in html


def test_decision_page_history_shows_reasons_and_actor(as_user, reviewer, in_review):
    ReviewEvent.objects.create(solution=in_review, actor=reviewer, from_status=S.IN_REVIEW,
                               to_status=S.CHANGES_REQUESTED, comment="Add figures.",
                               reason_codes=["incomplete-evidence"])
    html = as_user(reviewer).get(reverse("review-decision", args=[in_review.pk])).content.decode()
    assert "Incomplete evidence" in html and "Add figures." in html
    assert "Changes requested" in html and reviewer.username in html


def test_request_changes_on_a_revision_needs_a_reason(as_user, reviewer, live):
    change = make_revision(live, reviewer=reviewer, title_en="New")
    response = as_user(reviewer).post(reverse("review-revision", args=[change.pk]),
                                      {"decision": "request_changes", "comment": "Why?"})
    assert response.status_code == 200
    assert "reason_codes" in response.context["form"].errors
    assert "Choose at least one reason." in response.content.decode()
    change.refresh_from_db()
    assert change.status == RevisionStatus.IN_REVIEW


def test_reject_only_reason_is_refused_for_request_changes(as_user, reviewer, in_review):
    response = as_user(reviewer).post(reverse("review-decision", args=[in_review.pk]), {
        "decision": "request_changes", "comment": "No.", "reason_codes": ["out-of-scope"]})
    assert "reason_codes" in response.context["form"].errors
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_deciding_on_a_revision_outside_review_is_a_409(as_user, reviewer, live):
    change = make_revision(live, status=RevisionStatus.DRAFT, title_en="New")
    response = as_user(reviewer).post(reverse("review-revision", args=[change.pk]),
                                      {"decision": "approve", "comment": "",
                                       "submitted_at": change.submitted_at.isoformat()})
    assert response.status_code == 409
    assert "only while in review" in response.content.decode()


def test_second_approval_needs_a_different_reviewer(as_user, reviewer, second_reviewer,
                                                    in_review):
    in_review.needs_second_approval = True
    in_review.save(update_fields=["needs_second_approval"])
    url = reverse("review-decision", args=[in_review.pk])
    client = as_user(reviewer)
    assert "Give the first approval" in client.get(url).content.decode()

    seen = in_review.submitted_at.isoformat()
    response = client.post(url, {"decision": "approve", "comment": "Fine by me.",
                                 "submitted_at": seen}, follow=True)
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW and in_review.first_approved_by == reviewer
    html = response.content.decode()
    name = reviewer.get_full_name() or reviewer.username
    assert f"Approved once by {name}; needs a second reviewer." in html
    assert "First of two approvals" in html  # in the history

    again = client.post(url, {"decision": "approve", "comment": "", "submitted_at": seen})
    assert again.status_code == 403
    assert "second, different reviewer" in again.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW

    final = as_user(second_reviewer).post(url, {"decision": "approve", "comment": "Agreed.",
                                                "submitted_at": seen})
    assert final.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.PUBLISHED


def test_operator_admin_reassigns_a_review(as_user, operator_admin, reviewer, second_reviewer,
                                           live):
    change = make_revision(live, reviewer=reviewer, title_en="New")
    client = as_user(operator_admin)
    page = client.get(reverse("review-revision", args=[change.pk]))
    choices = [str(pk) for pk, _ in page.context["reassign_form"].fields["reviewer"].choices
               if pk]
    assert str(second_reviewer.pk) in choices
    response = client.post(reverse("review-revision-reassign", args=[change.pk]),
                           {"reviewer": second_reviewer.pk})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.reviewer == second_reviewer


def test_plain_reviewer_cannot_reassign(as_user, reviewer, second_reviewer, in_review):
    client = as_user(reviewer)
    assert client.get(reverse("review-decision", args=[in_review.pk])).context[
        "reassign_form"] is None
    response = client.post(reverse("review-reassign", args=[in_review.pk]),
                           {"reviewer": second_reviewer.pk})
    assert response.status_code == 403
    assert "Only operator admins reassign reviews." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.reviewer == reviewer


def test_reassigning_to_a_vendor_member_is_refused(as_user, operator_admin, in_review, vendor,
                                                   second_reviewer):
    MembershipFactory(user=second_reviewer, organization=vendor)
    response = as_user(operator_admin).post(reverse("review-reassign", args=[in_review.pk]),
                                            {"reviewer": second_reviewer.pk})
    assert response.status_code == 400
    in_review.refresh_from_db()
    assert in_review.reviewer != second_reviewer


PROGRESS = {
    "target": {"code": "scenario-solutions", "year": 2027, "value": 200},
    "approved": 57,
    "published": 51,
    "share_of_target": 0.255,
    "by_stage": [{"code": "design", "name": "Design", "approved": 20, "published": 18}],
    "by_link": [{"code": "l1", "name": "R&D and design", "stage": "Design", "approved": 20,
                 "published": 18}],
    "by_scenario": [  # out of the promised order: the page still puts unserved first
        {"code": "2025-01", "name": "Served scenario", "link": "R&D and design",
         "stage": "Design", "approved": 12, "published": 11},
        {"code": "2025-07", "name": "Unserved scenario", "link": "Production",
         "stage": "Production", "approved": 0, "published": 0},
    ],
    "median_hours_to_decision": 31.5,
    "decisions_counted": 64,
}


@pytest.fixture
def progress_figures(monkeypatch):
    monkeypatch.setattr("catalog.progress.review_progress", lambda now=None: PROGRESS)
    return PROGRESS


@pytest.mark.parametrize("who", ["vendor_user", "enterprise_user"])
def test_progress_page_is_for_operator_staff_only(request, as_user, who, progress_figures):
    response = as_user(request.getfixturevalue(who)).get(reverse("review-progress"))
    assert response.status_code == 403


def test_progress_page_shows_the_figures(as_user, reviewer, progress_figures):
    response = as_user(reviewer).get(reverse("review-progress"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>51</strong> / 200" in html and "25.5%" in html  # published toward it
    assert "31.5 h" in html and ">57<" in html  # approved so far
    assert 'width="26%"' in html  # the target bar
    unserved = html.index("Unserved scenario")
    assert unserved < html.index("Served scenario")
    assert 'class="row-unserved"' in html[html.rfind("<tr", 0, unserved):unserved]
