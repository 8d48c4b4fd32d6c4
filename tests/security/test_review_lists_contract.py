"""`/solutions/{id}/history/` and `/checks/` (and a revision's `/checks/`) answer what the
OpenAPI schema promises: a page object like every other list, in a constant number of
queries whatever the page size."""

import pytest

from catalog import services
from catalog.models import CheckResult, ReviewEvent
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"count", "next", "previous", "results"}


@pytest.fixture
def many_rounds(vendor, vendor_user, reviewer, on_commit):
    """A listing sent back `rounds` times: many review events and check results."""

    def build(rounds):
        solution = SolutionFactory(vendor=vendor)
        for round_number in range(rounds):
            with on_commit():
                services.submit_solution(actor=vendor_user, solution=solution)
            solution.refresh_from_db()
            services.request_changes(actor=reviewer, subject=solution,
                                     comment=f"Round {round_number}: add evidence.",
                                     reason_codes=["incomplete-evidence"])
        return solution

    return build


def test_history_is_a_page_object(api_as, vendor_user, many_rounds):
    solution = many_rounds(3)
    response = api_as(vendor_user).get(f"/api/v1/solutions/{solution.pk}/history/?page_size=4")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["count"] == ReviewEvent.objects.filter(solution=solution).count() == 9
    assert len(body["results"]) == 4 and body["next"] and body["previous"] is None
    assert body["results"][0]["to_status"] == "submitted"  # oldest first


def test_checks_are_a_page_object(api_as, vendor_user, many_rounds):
    solution = many_rounds(2)
    response = api_as(vendor_user).get(f"/api/v1/solutions/{solution.pk}/checks/?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["count"] == CheckResult.objects.filter(solution=solution).count() > 2
    assert body["results"][0]["submission"] == 2  # the latest submission first


def test_a_revisions_checks_are_a_page_object(api_as, vendor, vendor_user, on_commit):
    published = SolutionFactory(vendor=vendor, status="published")
    with on_commit():
        revision = services.propose_change(actor=vendor_user, solution=published,
                                           data={"title_en": "Clearer title"})
        services.submit_revision(actor=vendor_user, revision=revision)
    body = api_as(vendor_user).get(f"/api/v1/revisions/{revision.pk}/checks/").json()
    assert set(body) == PAGE_KEYS and body["count"] >= 1
    assert {row["revision"] for row in body["results"]} == {revision.number}


@pytest.mark.parametrize("suffix", ["history", "checks"])
def test_review_lists_cost_the_same_queries_whatever_the_page_size(
    api_as, reviewer, many_rounds, django_assert_max_num_queries, suffix
):
    client = api_as(reviewer)
    small = many_rounds(1)
    large = many_rounds(6)
    with django_assert_max_num_queries(20) as small_queries:
        assert client.get(f"/api/v1/solutions/{small.pk}/{suffix}/").status_code == 200
    with django_assert_max_num_queries(len(small_queries)) as large_queries:
        response = client.get(f"/api/v1/solutions/{large.pk}/{suffix}/?page_size=100")
        assert response.status_code == 200
    assert len(response.json()["results"]) > 12
    assert len(large_queries) == len(small_queries)


def test_a_listings_revisions_are_a_page_object(api_as, vendor, vendor_user, reviewer,
                                               on_commit, django_assert_max_num_queries):
    published = SolutionFactory(vendor=vendor, status="published")
    for number in range(3):
        with on_commit():
            revision = services.propose_change(actor=vendor_user, solution=published,
                                               data={"delivery_weeks": 10 + number})
            services.withdraw_revision(actor=vendor_user, revision=revision)
    client = api_as(reviewer)
    with django_assert_max_num_queries(20):
        body = client.get(f"/api/v1/solutions/{published.pk}/revisions/?page_size=2").json()
    assert set(body) == PAGE_KEYS and body["count"] == 3
    assert [row["number"] for row in body["results"]] == [3, 2]
