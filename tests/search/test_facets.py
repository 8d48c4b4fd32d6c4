"""Facets: several values of one facet widen (OR), different facets narrow (AND), and each
facet's counts ignore its own selection. Pagination and sorting."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from search.backends import SearchQuery
from search.index import price_bands

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(publish):
    """Three solutions: two for machine tools, two in manufacturing, one in the supply chain."""
    return {
        "mt_manufacturing": publish(scenarios=["2025-28"], industries=["machine-tools"],
                                    regions=["CN-JS"]),
        "cm_manufacturing": publish(scenarios=["2025-09"],
                                    industries=["construction-machinery"], regions=["CN-ZJ"]),
        "mt_supply": publish(scenarios=["2025-37"], industries=["machine-tools"],
                             regions=["CN-BJ"]),
    }


def ids(results):
    return {hit.id for hit in results.hits}


def test_values_of_one_facet_are_ored(backend, catalog):
    results = backend.search(SearchQuery(
        filters={"industry": ["machine-tools", "construction-machinery"]}
    ))
    assert ids(results) == {s.pk for s in catalog.values()}
    assert results.total == 3


def test_different_facets_are_anded(backend, catalog):
    results = backend.search(SearchQuery(
        filters={"industry": ["machine-tools"], "stage": ["manufacturing"]}
    ))
    assert ids(results) == {catalog["mt_manufacturing"].pk}


def test_facet_counts_without_selection_count_everything(backend, catalog):
    facets = backend.search(SearchQuery()).facets
    assert facets["industry"] == {"machine-tools": 2, "construction-machinery": 1}
    assert facets["stage"] == {"manufacturing": 2, "supply-chain": 1}
    assert facets["scenario"] == {"2025-28": 1, "2025-09": 1, "2025-37": 1}


def test_a_facets_counts_ignore_its_own_selection(backend, catalog):
    facets = backend.search(SearchQuery(filters={"industry": ["machine-tools"]})).facets
    # The industry counts still offer construction machinery...
    assert facets["industry"] == {"machine-tools": 2, "construction-machinery": 1}
    # ...while the other facets count only machine-tools solutions.
    assert facets["stage"] == {"manufacturing": 1, "supply-chain": 1}
    assert facets["region"] == {"CN-JS": 1, "CN-BJ": 1}


def test_with_two_facets_selected_each_counts_under_the_other(backend, catalog):
    facets = backend.search(SearchQuery(
        filters={"industry": ["machine-tools"], "stage": ["manufacturing"]}
    )).facets
    assert facets["industry"] == {"machine-tools": 1, "construction-machinery": 1}
    assert facets["stage"] == {"manufacturing": 1, "supply-chain": 1}
    assert facets["region"] == {"CN-JS": 1}


def test_facet_counts_follow_the_text_query(backend, catalog, publish):
    gearbox = publish(neutral=True, title_en="Gearbox line", industries=["automotive-parts"])
    results = backend.search(SearchQuery(text="gearbox"))
    assert ids(results) == {gearbox.pk}
    assert results.facets["industry"] == {"automotive-parts": 1}


def test_stage_facet_combines_scenario_stages_and_explicit_stages(backend, publish):
    solution = publish(scenarios=["2025-28"], stages=["after-sales"])
    facets = backend.search(SearchQuery()).facets
    assert facets["stage"] == {"manufacturing": 1, "after-sales": 1}
    assert ids(backend.search(SearchQuery(filters={"stage": ["after-sales"]}))) == {solution.pk}


def test_maturity_facet_holds_every_level_covered(backend, publish):
    low = publish(maturity_from=1, maturity_to=2)
    high = publish(maturity_from=3, maturity_to=5)
    assert ids(backend.search(SearchQuery(filters={"maturity": ["2"]}))) == {low.pk}
    assert ids(backend.search(SearchQuery(filters={"maturity": ["4"]}))) == {high.pk}
    assert backend.search(SearchQuery()).facets["maturity"] == {
        "1": 1, "2": 1, "3": 1, "4": 1, "5": 1
    }


@pytest.mark.parametrize(
    "low,high,bands",
    [
        (Decimal("100000"), Decimal("200000"), ["under-300k"]),
        (Decimal("300000"), Decimal("1200000"), ["300k-1m", "1m-3m"]),
        (Decimal("299999"), Decimal("300000"), ["under-300k", "300k-1m"]),
        (Decimal("5000000"), None, ["over-3m"]),
        (None, Decimal("250000"), ["under-300k"]),
        (None, None, []),
    ],
)
def test_price_bands_cover_the_price_range(low, high, bands):
    assert price_bands(low, high) == bands


def test_price_band_and_deployment_filters(backend, publish):
    cheap = publish(price_min_cny=Decimal("50000"), price_max_cny=Decimal("200000"),
                    deployment="cloud")
    dear = publish(price_min_cny=Decimal("4000000"), price_max_cny=Decimal("6000000"),
                   deployment="on_premise")
    assert ids(backend.search(SearchQuery(filters={"price_band": ["under-300k"]}))) == {cheap.pk}
    assert ids(backend.search(SearchQuery(filters={"deployment": ["on_premise"]}))) == {dear.pk}


def test_unknown_facet_is_refused():
    with pytest.raises(ValueError, match="Unknown facets"):
        SearchQuery(filters={"colour": ["red"]})


def test_pages_partition_the_results(backend, publish):
    start = timezone.now()
    made = [publish(published_at=start - timedelta(days=i)) for i in range(5)]
    pages = [backend.search(SearchQuery(page=p, page_size=2)) for p in (1, 2, 3)]
    assert [len(page.hits) for page in pages] == [2, 2, 1]
    assert all(page.total == 5 for page in pages)
    assert [hit.id for page in pages for hit in page.hits] == [s.pk for s in made]


def test_pages_of_a_text_query_partition_its_results(backend, publish):
    made = {publish(neutral=True, title_en=f"Gearbox cell {i}").pk for i in range(5)}
    publish(neutral=True, title_en="Paint shop")
    seen = []
    for page in (1, 2, 3):
        results = backend.search(SearchQuery(text="gearbox", page=page, page_size=2))
        assert results.total == 5
        seen += [hit.id for hit in results.hits]
    assert sorted(seen) == sorted(made)


def test_newest_sort_orders_text_matches_by_publication(backend, publish):
    now = timezone.now()
    old = publish(neutral=True, title_en="Gearbox gearbox gearbox", published_at=now - timedelta(1))
    new = publish(neutral=True, description_en="gearbox", published_at=now)
    for _ in range(3):
        publish(neutral=True, title_en="Paint shop")
    relevance = backend.search(SearchQuery(text="gearbox"))
    newest = backend.search(SearchQuery(text="gearbox", sort="newest"))
    assert [h.id for h in relevance.hits] == [old.pk, new.pk]
    assert [h.id for h in newest.hits] == [new.pk, old.pk]


def test_excluded_ids_are_left_out_of_hits_and_counts(backend, catalog):
    skip = catalog["mt_supply"].pk
    results = backend.search(SearchQuery(exclude_ids=(skip,)))
    assert skip not in ids(results)
    assert results.facets["stage"] == {"manufacturing": 2}


def test_hits_only_queries_count_no_facets(backend, catalog, django_assert_max_num_queries):
    backend.search(SearchQuery())  # loads the facet bitmaps
    # Only the bitmaps' freshness check: the total and the page come from them.
    with django_assert_max_num_queries(1):
        results = backend.search(SearchQuery(with_facets=False, page_size=1))
    assert results.total == 3 and len(results.hits) == 1
    assert all(counts == {} for counts in results.facets.values())
