"""GET /api/v1/search/ and /api/v1/search/similar/{id}/: public, read-only, constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/"


def test_search_returns_solution_summaries_with_score_and_highlight(api, publish):
    solution = publish(neutral=True, title_zh="数控机床预测性维护", title_en="CNC upkeep",
                       price_min_cny=Decimal("300000"))
    response = api.get(URL, {"q": "维护"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["relaxed"] is False
    [item] = body["results"]
    assert item["id"] == solution.pk
    assert item["title_zh"] == "数控机床预测性维护"
    assert item["vendor"] == {"id": solution.vendor_id, "name": solution.vendor.name,
                              "verified": True}
    assert item["scenarios"] == [{"code": "2025-17", "name": "Carbon asset lifecycle management"}]
    assert item["price_min_cny"] == "300000.00"
    assert item["score"] >= 0
    # An English reader gets the Chinese title highlighted: only it matched.
    assert item["highlight"] == {"title": "数控机床预测性<mark>维护</mark>", "summary": None}


def test_facets_list_values_with_labels_counts_and_selection(api, publish):
    publish(industries=["machine-tools"], scenarios=["2025-28"])
    publish(industries=["robots"], scenarios=["2025-28"])
    body = api.get(URL, {"industry": "robots"}).json()
    assert body["count"] == 1
    assert body["facets"]["industry"] == [
        {"value": "robots", "label": "Industrial and service robots", "count": 1,
         "selected": True},
        {"value": "machine-tools", "label": "Machine tools and tooling", "count": 1,
         "selected": False},
    ]
    assert body["facets"]["scenario"] == [
        {"value": "2025-28", "label": "2025-28 Equipment fault diagnosis and prediction",
         "count": 1, "selected": False},
    ]
    assert [o["value"] for o in body["facets"]["maturity"]] == ["1", "2", "3"]
    assert body["facets"]["maturity"][0]["label"] == "L1 Planning"


def test_facet_values_may_repeat_or_be_comma_separated(api, publish):
    a = publish(industries=["machine-tools"])
    b = publish(industries=["robots"])
    publish(industries=["molds-dies"])
    repeated = api.get(f"{URL}?industry=machine-tools&industry=robots").json()
    commas = api.get(URL, {"industry": "machine-tools,robots"}).json()
    assert {r["id"] for r in repeated["results"]} == {r["id"] for r in commas["results"]} == {
        a.pk, b.pk
    }


def test_selected_value_without_results_is_still_listed(api, publish):
    publish(deployment="cloud")
    body = api.get(URL, {"deployment": "on_premise"}).json()
    assert body["count"] == 0
    assert {"value": "on_premise", "label": "On premise", "count": 0,
            "selected": True} in body["facets"]["deployment"]


def test_labels_follow_the_readers_language(api, publish):
    publish(industries=["robots"])
    body = api.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["facets"]["industry"][0]["label"] == "机器人"
    assert body["facets"]["stage"][0]["label"] == "生产制造"


def test_pagination_links_and_page_out_of_range(api, publish):
    for _ in range(3):
        publish()
    first = api.get(URL, {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])
    assert api.get(URL, {"page_size": 2, "page": 3}).status_code == 404


@pytest.mark.parametrize(
    "params,field",
    [
        ({"maturity": "9"}, "maturity"),
        ({"price_band": "cheap"}, "price_band"),
        ({"page_size": "1000"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"sort": "price"}, "sort"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_when_no_solution_has_every_word_any_word_counts(api, publish):
    solution = publish(neutral=True, title_en="Gearbox vibration analysis")
    body = api.get(URL, {"q": "gearbox zeppelin"}).json()
    assert body["relaxed"] is True
    assert [r["id"] for r in body["results"]] == [solution.pk]


def test_drafts_are_never_returned(api, publish):
    SolutionFactory(title_zh="草稿方案")
    assert api.get(URL, {"q": "草稿"}).json()["count"] == 0


def _queries(api, params):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("q", ["", "predictive"])
def test_query_count_does_not_grow_with_the_page_size(api, publish, q,
                                                      django_assert_max_num_queries):
    for _ in range(12):
        publish(scenarios=["2025-28", "2025-29"], industries=["machine-tools", "robots"],
                regions=["CN-ZJ", "CN-JS", "CN-BJ"])
    params = {"q": q, "industry": "machine-tools", "region": "CN-ZJ"}
    api.get(URL, params)  # this process loads the facet bitmaps once, not per request
    small, small_results = _queries(api, {**params, "page_size": 2})
    large, large_results = _queries(api, {**params, "page_size": 12})
    assert (small_results, large_results) == (2, 12)
    assert small == large
    with django_assert_max_num_queries(small):
        api.get(URL, {**params, "page_size": 100})


def test_similar_solutions_are_like_it_and_never_it(api, publish):
    solution = publish(neutral=True, title_en="Gearbox vibration monitoring")
    similar = publish(neutral=True, title_en="Gearbox vibration analysis")
    publish(neutral=True, title_en="Paint shop energy")
    response = api.get(f"/api/v1/search/similar/{solution.pk}/")
    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["results"]]
    assert ids[0] == similar.pk
    assert solution.pk not in ids


def test_similar_of_an_unpublished_solution_is_404(api):
    draft = SolutionFactory()
    assert api.get(f"/api/v1/search/similar/{draft.pk}/").status_code == 404


def test_similar_limit_is_bounded(api, publish):
    solution = publish()
    assert api.get(f"/api/v1/search/similar/{solution.pk}/", {"limit": 50}).status_code == 400


def test_schema_documents_the_search_parameters(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert {"q", "sort", "page", "page_size", "stage", "scenario", "industry", "technology",
            "maturity", "region", "price_band", "deployment", "link"} <= parameters
    assert "/api/v1/search/similar/{solution_id}/" in schema["paths"]
