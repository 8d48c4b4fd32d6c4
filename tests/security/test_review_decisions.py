"""A reviewer's decision is bound to the submission the reviewer read. The vendor can send a
listing or a revision back in (changed) between the reviewer opening it and deciding; a
decision naming an older submission is refused (409 on the API, the page shows the current
submission and asks again) and changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from catalog import services
from catalog.models import ReviewEvent, RevisionStatus, SolutionStatus
from tests.factories import MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus
SWAPPED_TITLE = "Swapped-in title 5d1e after the reviewer looked"


@pytest.fixture
def second_reviewer(operator):
    return MembershipFactory(organization=operator, role=Membership.Role.MEMBER,
                             is_reviewer=True).user


@pytest.fixture
def clock():
    """Time that moves on between steps, as it does between people's clicks."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield lambda: traveller.shift(timedelta(minutes=5))


@pytest.fixture
def in_review(vendor, vendor_user, on_commit):
    solution = SolutionFactory(vendor=vendor, title_en="What the reviewer read")
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    assert solution.status == S.IN_REVIEW and not solution.needs_second_approval
    return solution


def resubmit_changed(subject, vendor_user, second_reviewer, on_commit, clock):
    """Behind the first reviewer's back: another reviewer asks for changes, the vendor swaps
    the content and sends it in again; it is back in review."""
    clock()
    services.request_changes(actor=second_reviewer, subject=subject, comment="Tighten it.",
                             reason_codes=["other"])
    clock()
    with on_commit():
        if hasattr(subject, "base"):  # a revision of a live listing
            services.propose_change(actor=vendor_user, solution=subject.solution,
                                    data={"title_en": SWAPPED_TITLE})
            services.submit_revision(actor=vendor_user, revision=subject)
        else:
            services.update_solution(actor=vendor_user, solution=subject,
                                     data={"title_en": SWAPPED_TITLE})
            services.submit_solution(actor=vendor_user, solution=subject)
    subject.refresh_from_db()
    assert subject.status == S.IN_REVIEW


DECISIONS = {
    "approve": {"comment": "Looks right."},
    "request-changes": {"comment": "Add figures.", "reason_codes": ["incomplete-evidence"]},
    "reject": {"comment": "Out of scope.", "reason_codes": ["out-of-scope"]},
}


# The API


@pytest.mark.parametrize("decision", DECISIONS)
def test_a_decision_on_an_older_submission_is_refused_with_409(
    api_as, reviewer, second_reviewer, vendor_user, in_review, on_commit, clock, decision
):
    client = api_as(reviewer)
    seen = client.get(f"/api/v1/solutions/{in_review.pk}/").json()["review"]["submitted_at"]
    resubmit_changed(in_review, vendor_user, second_reviewer, on_commit, clock)
    events_before = ReviewEvent.objects.count()

    response = client.post(f"/api/v1/solutions/{in_review.pk}/{decision}/",
                           {**DECISIONS[decision], "submitted_at": seen}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "about:blank#stale-submission"
    assert body["current_status"] == "in_review" and body["submitted_at"] != seen
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW and in_review.title_en == SWAPPED_TITLE
    assert ReviewEvent.objects.count() == events_before


def test_the_decision_on_the_current_submission_goes_through(
    api_as, reviewer, second_reviewer, vendor_user, in_review, on_commit, clock
):
    client = api_as(reviewer)
    resubmit_changed(in_review, vendor_user, second_reviewer, on_commit, clock)
    current = client.get(f"/api/v1/solutions/{in_review.pk}/").json()["review"]["submitted_at"]
    response = client.post(f"/api/v1/solutions/{in_review.pk}/approve/",
                           {"comment": "Read the new one.", "submitted_at": current},
                           format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_a_stale_approval_of_a_revision_applies_nothing(
    api_as, reviewer, second_reviewer, vendor, vendor_user, on_commit, clock
):
    live = SolutionFactory(vendor=vendor, status=S.PUBLISHED, title_en="Live title")
    with on_commit():
        revision = services.propose_change(actor=vendor_user, solution=live,
                                           data={"title_en": "Modest new title"})
        services.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    client = api_as(reviewer)
    seen = client.get(f"/api/v1/revisions/{revision.pk}/").json()["review"]["submitted_at"]
    resubmit_changed(revision, vendor_user, second_reviewer, on_commit, clock)

    response = client.post(f"/api/v1/revisions/{revision.pk}/approve/",
                           {"comment": "The modest title is fine.", "submitted_at": seen},
                           format="json")

    assert response.status_code == 409
    revision.refresh_from_db()
    live.refresh_from_db()
    assert revision.status == RevisionStatus.IN_REVIEW
    assert live.title_en == "Live title"


@pytest.mark.parametrize("decision", DECISIONS)
def test_a_decision_without_the_submission_read_is_a_400_naming_the_field(
    api_as, reviewer, in_review, decision
):
    response = api_as(reviewer).post(f"/api/v1/solutions/{in_review.pk}/{decision}/",
                                     DECISIONS[decision], format="json")
    assert response.status_code == 400
    assert "submitted_at" in response.json()["errors"]
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_who_may_not_decide_is_refused_before_the_body_is_read(api_as, vendor_user, in_review):
    response = api_as(vendor_user).post(f"/api/v1/solutions/{in_review.pk}/approve/", {},
                                        format="json")
    assert response.status_code == 403


def test_a_stale_first_of_two_approvals_is_refused(
    api_as, reviewer, second_reviewer, vendor_user, in_review, on_commit, clock
):
    client = api_as(reviewer)
    seen = client.get(f"/api/v1/solutions/{in_review.pk}/").json()["review"]["submitted_at"]
    resubmit_changed(in_review, vendor_user, second_reviewer, on_commit, clock)
    type(in_review).objects.filter(pk=in_review.pk).update(needs_second_approval=True)
    response = client.post(f"/api/v1/solutions/{in_review.pk}/approve/",
                           {"submitted_at": seen}, format="json")
    assert response.status_code == 409
    in_review.refresh_from_db()
    assert in_review.first_approved_by is None


# The decision page


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _token(response):
    return response.context["form"]["submitted_at"].value()


def test_a_stale_decision_page_shows_the_current_submission_and_asks_again(
    as_user, reviewer, second_reviewer, vendor_user, in_review, on_commit, clock
):
    client = as_user(reviewer)
    url = reverse("review-decision", args=[in_review.pk])
    seen = _token(client.get(url))
    assert seen
    resubmit_changed(in_review, vendor_user, second_reviewer, on_commit, clock)

    response = client.post(url, {"decision": "approve", "comment": "Good.",
                                 "submitted_at": seen})

    assert response.status_code == 409
    html = response.content.decode()
    assert SWAPPED_TITLE in html
    assert "resubmitted this after you opened it" in html
    current = _token(response)
    assert current and current != seen
    assert response.context["form"]["comment"].value() == "Good."
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW

    again = client.post(url, {"decision": "approve", "comment": "Good.",
                              "submitted_at": current})
    assert again.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.PUBLISHED


def test_a_decision_page_post_without_the_submission_decides_nothing(as_user, reviewer,
                                                                     in_review):
    response = as_user(reviewer).post(reverse("review-decision", args=[in_review.pk]),
                                      {"decision": "approve", "comment": "Good."})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
