"""Changing a live listing through the pages: the vendor proposes a revision, follows it on
its page (diff, checks, feedback), submits or withdraws it; a reviewer approves it on the
revision decision page and only then does the live listing change."""

import pytest
from django.urls import reverse

from catalog import revisions
from catalog.models import ReviewEvent, RevisionStatus, Scenario, SolutionRevision
from catalog.models import SolutionStatus as S
from tests.factories import SolutionFactory

from .test_vendor_pages import form_data

pytestmark = pytest.mark.django_db
R = RevisionStatus


@pytest.fixture
def live(vendor):
    return SolutionFactory(vendor=vendor, status=S.PUBLISHED,
                           title_en="Spindle health monitoring")


def revision_url(name, revision):
    return reverse(name, args=[revision.solution_id, revision.number])


def propose(client, solution, **changes):
    return client.post(reverse("solution-edit", args=[solution.pk]), form_data(**changes))


def test_revision_flow_through_the_pages(as_user, client, vendor_user, reviewer, live,
                                         on_commit):
    vendor_client = as_user(vendor_user)
    response = propose(vendor_client, live, title_en="Spindle health monitoring with AI")

    revision = SolutionRevision.objects.get(solution=live)
    assert response.status_code == 302
    assert response.url == revision_url("revision-detail", revision)
    assert revision.status == R.DRAFT
    assert revision.data["title_en"] == "Spindle health monitoring with AI"

    page = vendor_client.get(response.url)
    html = page.content.decode()
    assert "<ins>with AI</ins>" in html.replace("<ins> ", " <ins>")  # the changed words
    assert any(row["field"] == "title_en" for row in page.context["changes"])

    client.logout()
    live_page = client.get(reverse("solution-detail", args=[live.pk])).content.decode()
    assert "Spindle health monitoring" in live_page and "with AI" not in live_page

    vendor_client = as_user(vendor_user)
    with on_commit():
        submitted = vendor_client.post(revision_url("revision-submit", revision))
    assert submitted.status_code == 302
    revision.refresh_from_db()
    assert revision.status == R.IN_REVIEW
    assert revision.reviewer == reviewer

    reviewer_client = as_user(reviewer)
    review_url = reverse("review-revision", args=[revision.pk])
    review_page = reviewer_client.get(review_url)
    assert review_page.status_code == 200
    assert "Change to a live listing · revision 1" in review_page.content.decode()
    with on_commit():
        approved = reviewer_client.post(review_url, {
            "decision": "approve", "comment": "OK",
            "submitted_at": review_page.context["form"]["submitted_at"].value()})
    assert approved.status_code == 302
    revision.refresh_from_db()
    assert revision.status == R.APPROVED and revision.applied_at is not None

    client.logout()
    live_page = client.get(reverse("solution-detail", args=[live.pk])).content.decode()
    assert "Spindle health monitoring with AI" in live_page


def test_edit_form_is_prefilled_from_the_open_revision(as_user, vendor_user, live):
    client = as_user(vendor_user)
    propose(client, live, title_en="Renamed", scenarios=[Scenario.objects.get(code="2025-01").pk])
    form = client.get(reverse("solution-edit", args=[live.pk])).context["form"]
    assert form["title_en"].value() == "Renamed"
    assert [int(pk) for pk in form["scenarios"].value()] == [
        Scenario.objects.get(code="2025-01").pk]
    live.refresh_from_db()
    assert live.title_en == "Spindle health monitoring"


def test_a_revision_in_review_cannot_be_edited(as_user, vendor_user, live):
    client = as_user(vendor_user)
    propose(client, live, title_en="Renamed")
    revision = SolutionRevision.objects.get(solution=live)
    SolutionRevision.objects.filter(pk=revision.pk).update(status=R.IN_REVIEW)
    response = client.get(reverse("solution-edit", args=[live.pk]))
    assert response.status_code == 302
    assert response.url == revision_url("revision-detail", revision)


def test_check_lists_what_stops_the_revision(as_user, vendor_user, live):
    client = as_user(vendor_user)
    propose(client, live, summary_en="", summary_zh="")
    revision = SolutionRevision.objects.get(solution=live)
    response = client.get(revision_url("revision-check", revision), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "Add a short summary." in html

    submitted = client.post(revision_url("revision-submit", revision))
    assert "Add a short summary." in submitted.content.decode()
    revision.refresh_from_db()
    assert revision.status == R.DRAFT


def test_vendor_withdraws_a_revision(as_user, vendor_user, live):
    client = as_user(vendor_user)
    propose(client, live, title_en="Renamed")
    revision = SolutionRevision.objects.get(solution=live)
    response = client.post(revision_url("revision-withdraw", revision), follow=True)
    revision.refresh_from_db()
    assert revision.status == R.WITHDRAWN
    assert "Revision withdrawn." in response.content.decode()
    live.refresh_from_db()
    assert live.title_en == "Spindle health monitoring"


def test_revision_page_shows_feedback_and_allows_editing_again(as_user, vendor_user,
                                                              reviewer, live):
    base = revisions.snapshot(live)
    revision = SolutionRevision.objects.create(
        solution=live, number=1, status=R.CHANGES_REQUESTED, base=base,
        data={**base, "title_en": "Renamed"})
    ReviewEvent.objects.create(solution=live, revision=revision, actor=reviewer,
                               from_status=R.IN_REVIEW, to_status=R.CHANGES_REQUESTED,
                               comment="Add the figures.", reason_codes=["incomplete-evidence"])
    response = as_user(vendor_user).get(revision_url("revision-detail", revision))
    html = response.content.decode()
    assert "Add the figures." in html and "Incomplete evidence" in html
    assert reverse("solution-edit", args=[live.pk]) in html
    assert response.context["can_submit"] and response.context["can_withdraw"]


def test_solution_page_tells_only_the_vendor_about_a_pending_change(as_user, client,
                                                                   vendor_user,
                                                                   other_vendor_user, live):
    propose(as_user(vendor_user), live, title_en="Renamed")
    revision = SolutionRevision.objects.get(solution=live)
    link = revision_url("revision-detail", revision)

    html = as_user(vendor_user).get(reverse("solution-detail", args=[live.pk])).content.decode()
    assert "A change to this listing is pending" in html and link in html

    html = as_user(other_vendor_user).get(
        reverse("solution-detail", args=[live.pk])).content.decode()
    assert "A change to this listing is pending" not in html and link not in html


@pytest.mark.parametrize("who", ["other_vendor_user", "enterprise_user"])
def test_revision_pages_are_hidden_from_others(request, as_user, vendor_user, who, live):
    propose(as_user(vendor_user), live, title_en="Renamed")
    revision = SolutionRevision.objects.get(solution=live)
    client = as_user(request.getfixturevalue(who))
    assert client.get(revision_url("revision-detail", revision)).status_code == 404
    assert client.get(revision_url("revision-check", revision)).status_code == 404
    assert client.post(revision_url("revision-submit", revision)).status_code == 404
    assert client.post(revision_url("revision-withdraw", revision)).status_code == 404
    revision.refresh_from_db()
    assert revision.status == R.DRAFT


def test_operator_staff_read_a_revision_without_vendor_buttons(as_user, vendor_user, reviewer,
                                                               live):
    propose(as_user(vendor_user), live, title_en="Renamed")
    revision = SolutionRevision.objects.get(solution=live)
    response = as_user(reviewer).get(revision_url("revision-detail", revision))
    assert response.status_code == 200
    assert not response.context["can_submit"]
    assert reverse("revision-withdraw", args=[live.pk, 1]) not in response.content.decode()
