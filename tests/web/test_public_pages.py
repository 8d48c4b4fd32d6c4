"""Public pages: the scenario map, solution and vendor pages, search, sign-in."""

import pytest
from django.urls import reverse

from catalog.models import CaseStudy, CaseStudyOutcome, Scenario, SolutionStatus
from tests.factories import SolutionFactory, VendorFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus


def test_home_maps_every_scenario_with_its_published_count(client):
    SolutionFactory(status=S.PUBLISHED, scenarios=["2025-28"])
    SolutionFactory(status=S.PUBLISHED, scenarios=["2025-28", "2025-01"])
    SolutionFactory(status=S.DRAFT, scenarios=["2025-28"])  # not counted

    response = client.get(reverse("home"))

    assert response.status_code == 200
    scenarios = list(response.context["scenarios"])
    assert len(scenarios) == 40
    counts = {scenario.code: scenario.published_count for scenario in scenarios}
    assert counts["2025-28"] == 2
    assert counts["2025-01"] == 1
    assert counts["2025-02"] == 0
    assert len({scenario.link_id for scenario in scenarios}) == 8
    assert f'href="{reverse("scenario-detail", args=["2025-28"])}"' in response.content.decode()


def test_home_counts_scenarios_in_one_query_whatever_the_catalog_size(
    client, django_assert_max_num_queries
):
    for _ in range(5):
        SolutionFactory(status=S.PUBLISHED, scenarios=["2025-28", "2025-10"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_published_solution_page_shows_content_taxonomy_and_case_studies(client):
    solution = SolutionFactory(
        status=S.PUBLISHED,
        description_en="Sensors feed **AI models**.<script>alert(1)</script>",
        scenarios=["2025-28"],
    )
    case = CaseStudy.objects.create(solution=solution, client="Wuxi Spindle Works", year=2024)
    CaseStudyOutcome.objects.create(case_study=case, metric="Unplanned downtime", unit="h/month",
                                    before=40, after=10)

    response = client.get(reverse("solution-detail", args=[solution.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>AI models</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert Scenario.objects.get(code="2025-28").name_en in html
    assert "Wuxi Spindle Works" in html
    assert "Unplanned downtime" in html and "-75%" in html
    assert "¥300,000 – ¥1,200,000" in html
    assert solution.vendor.name in html


def test_draft_is_404_for_the_public_and_other_vendors_but_shown_to_its_vendor(
    client, draft, vendor_user, other_vendor_user
):
    url = reverse("solution-detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(other_vendor_user)
    assert client.get(url).status_code == 404
    client.force_login(vendor_user)
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("solution-edit", args=[draft.pk]) in response.content.decode()


def test_vendor_page_lists_published_solutions_only(client, vendor, published, draft):
    response = client.get(reverse("vendor-detail", args=[vendor.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert published.title_en in html
    assert draft.title_en not in html


def test_vendor_page_is_404_for_an_enterprise(client, enterprise):
    assert client.get(reverse("vendor-detail", args=[enterprise.pk])).status_code == 404


def test_search_page_finds_indexed_solutions_with_facet_counts(client):
    from search.backends import get_backend
    from search.index import build_documents

    wanted = SolutionFactory(status=S.PUBLISHED, title_en="Tribology wear analytics",
                             scenarios=["2025-28"])
    SolutionFactory(status=S.PUBLISHED, title_en="Warehouse slotting optimiser",
                    scenarios=["2025-14"])
    get_backend().index(build_documents())

    response = client.get(reverse("search"), {"q": "tribology"})

    assert response.status_code == 200
    assert [s.pk for s in response.context["solutions"]] == [wanted.pk]
    html = response.content.decode()
    assert "<mark>Tribology</mark>" in html
    scenario_facet = next(g for g in response.context["facet_groups"] if g["name"] == "scenario")
    assert {o["value"]: o["count"] for o in scenario_facet["options"]} == {"2025-28": 1}


def test_search_page_filters_by_facet(client):
    from search.backends import get_backend
    from search.index import build_documents

    SolutionFactory(status=S.PUBLISHED, scenarios=["2025-28"])
    wanted = SolutionFactory(status=S.PUBLISHED, scenarios=["2025-14"])
    get_backend().index(build_documents())

    response = client.get(reverse("search"), {"scenario": "2025-14"})

    assert response.status_code == 200
    assert [s.pk for s in response.context["solutions"]] == [wanted.pk]
    assert response.context["total"] == 1


def test_login_page_renders_and_signs_in(client, vendor_user):
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(reverse("account_login"), {"login": vendor_user.username,
                                                      "password": "pass-word-123"})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_logout_is_a_post_that_ends_the_session(client, vendor_user):
    client.force_login(vendor_user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_unknown_vendor_id_is_404(client):
    VendorFactory()
    assert client.get(reverse("vendor-detail", args=[999999])).status_code == 404


def test_search_page_survives_odd_input(client):
    for params in ({"page": "abc"}, {"scenario": "no-such-code"}, {"sort": "price"},
                   {"q": "\"unbalanced"}, {"page": "99999"}):
        response = client.get(reverse("search"), params)
        assert response.status_code == 200, params
        assert response.context["total"] == 0
