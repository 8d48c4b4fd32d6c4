"""Review internals (history, pre-check results, reviewer names, comments and reasons) are
seen by the vendor's members, reviewers and operator staff only; everyone else sees the
status and the dates. One rule (catalog.selectors.may_see_review_internals), on the API and
on the pages alike."""

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import CheckResult, SolutionStatus
from tests.factories import MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus

LISTING_COMMENT = "Listing-feedback-7f3a: the outcome figures look invented."
REVISION_COMMENT = "Revision-feedback-91bc: the new title overstates the results."


@pytest.fixture
def reviewed(vendor, vendor_user, reviewer, on_commit):
    """A published listing that went through a round of changes, with a revision whose
    change the reviewer sent back: review events with comments, reasons and the reviewer's
    name on the listing and on the revision, and pre-check results for both."""
    solution = SolutionFactory(vendor=vendor)
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    services.request_changes(actor=reviewer, subject=solution, comment=LISTING_COMMENT,
                             reason_codes=["unverifiable-outcome"])
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    services.approve(actor=reviewer, subject=solution, comment="Fine now.")
    with on_commit():
        revision = services.propose_change(actor=vendor_user, solution=solution,
                                           data={"title_en": "Best spindle monitoring ever"})
        services.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    services.request_changes(actor=reviewer, subject=revision, comment=REVISION_COMMENT,
                             reason_codes=["misleading-claims"])
    solution.refresh_from_db()
    revision.refresh_from_db()
    assert solution.status == S.PUBLISHED
    assert CheckResult.objects.filter(solution=solution, revision=None).exists()
    assert CheckResult.objects.filter(revision=revision).exists()
    return solution, revision


@pytest.fixture
def outsiders(other_vendor_user, enterprise_user):
    return {"other vendor": other_vendor_user, "enterprise": enterprise_user}


@pytest.fixture
def insiders(vendor, vendor_user, reviewer, operator):
    return {
        "vendor owner": vendor_user,
        "vendor member": MembershipFactory(organization=vendor, role="member").user,
        "reviewer": reviewer,
        "operator member": MembershipFactory(organization=operator, role="member").user,
    }


def _clients(api, api_as, people):
    return {"anonymous": api, **{name: api_as(user) for name, user in people.items()}}


def _leaks(text, reviewer):
    return [secret for secret in (LISTING_COMMENT, REVISION_COMMENT, "unverifiable-outcome",
                                  "misleading-claims", reviewer.username) if secret in text]


# The API


def test_outsiders_cannot_read_the_history_of_a_published_solution(api, api_as, outsiders,
                                                                   reviewed, reviewer):
    solution, _ = reviewed
    for who, client in _clients(api, api_as, outsiders).items():
        response = client.get(f"/api/v1/solutions/{solution.pk}/history/")
        # Refused by role before any lookup (401 / 403), or not visible (404).
        assert response.status_code in (401, 403, 404), who
        assert response["Content-Type"].startswith("application/problem+json"), who
        assert _leaks(response.content.decode(), reviewer) == [], who


def test_outsiders_cannot_read_the_checks_of_a_published_solution(api, api_as, outsiders,
                                                                  reviewed, reviewer):
    solution, _ = reviewed
    for who, client in _clients(api, api_as, outsiders).items():
        response = client.get(f"/api/v1/solutions/{solution.pk}/checks/")
        assert response.status_code in (401, 403, 404), who
        assert "completeness" not in response.content.decode(), who


def test_outsiders_see_status_and_dates_but_no_reviewer_in_the_solution(api, api_as, outsiders,
                                                                        reviewed, reviewer):
    solution, _ = reviewed
    for who, client in _clients(api, api_as, outsiders).items():
        for path in (f"/api/v1/solutions/{solution.pk}/", "/api/v1/solutions/"):
            response = client.get(path)
            assert response.status_code == 200, (who, path)
            body = response.json()
            item = body if "id" in body else next(
                row for row in body["results"] if row["id"] == solution.pk)
            assert item["status"] == "published", (who, path)
            assert item["published_at"] and item["submitted_at"], (who, path)
            assert item["review"] is None, (who, path)
            assert _leaks(response.content.decode(), reviewer) == [], (who, path)


def test_outsiders_cannot_read_a_revision_or_its_history(api, api_as, outsiders, reviewed,
                                                         reviewer):
    _, revision = reviewed
    for who, client in _clients(api, api_as, outsiders).items():
        for suffix in ("", "checks/"):
            response = client.get(f"/api/v1/revisions/{revision.pk}/{suffix}")
            assert response.status_code in (401, 403, 404), (who, suffix)
            assert _leaks(response.content.decode(), reviewer) == [], (who, suffix)


def test_insiders_read_history_with_comments_on_the_listing_and_its_revisions(
    api, api_as, insiders, reviewed, reviewer
):
    solution, revision = reviewed
    for who, client in _clients(api, api_as, insiders).items():
        if who == "anonymous":
            continue
        response = client.get(f"/api/v1/solutions/{solution.pk}/history/?page_size=100")
        assert response.status_code == 200, who
        events = response.json()["results"]
        comments = {event["comment"] for event in events}
        assert {LISTING_COMMENT, REVISION_COMMENT} <= comments, who
        assert reviewer.username in {event["actor"] for event in events}, who
        assert any(event["revision"] == revision.number for event in events), who

        checks = client.get(f"/api/v1/solutions/{solution.pk}/checks/")
        assert checks.status_code == 200, who
        assert "completeness" in {row["code"] for row in checks.json()["results"]}, who

        body = client.get(f"/api/v1/solutions/{solution.pk}/").json()
        assert body["review"]["reviewer"] == reviewer.username, who


def test_insiders_read_a_revisions_checks(api_as, insiders, reviewed):
    _, revision = reviewed
    for who, user in insiders.items():
        response = api_as(user).get(f"/api/v1/revisions/{revision.pk}/checks/")
        assert response.status_code == 200, who
        assert response.json()["count"] >= 1, who


# The pages


def test_outsiders_see_no_review_internals_on_the_solution_page(client, outsiders, reviewed,
                                                                reviewer):
    solution, revision = reviewed
    url = reverse("solution-detail", args=[solution.pk])
    for who, user in {"anonymous": None, **outsiders}.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, who
        html = response.content.decode()
        assert _leaks(html, reviewer) == [], who
        assert "Review history" not in html, who
        revision_page = client.get(reverse("revision-detail",
                                           args=[solution.pk, revision.number]))
        assert revision_page.status_code in (302, 404), who


def test_insiders_see_the_review_history_on_the_solution_page(client, insiders, reviewed):
    solution, revision = reviewed
    for who, user in insiders.items():
        client.force_login(user)
        html = client.get(reverse("solution-detail", args=[solution.pk])).content.decode()
        assert "Review history" in html, who
        assert LISTING_COMMENT in html, who
        revision_page = client.get(reverse("revision-detail",
                                           args=[solution.pk, revision.number]))
        assert revision_page.status_code == 200, who
        assert REVISION_COMMENT in revision_page.content.decode(), who
