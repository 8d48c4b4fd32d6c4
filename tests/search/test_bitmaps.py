"""The facet bitmaps each process keeps: they count what the tables say, follow every write
(their own and other processes'), and reload when they cannot follow."""

import random

import pytest
from django.db import transaction
from django.db.models import Count

from search import bitmaps
from search.backends import SearchQuery
from search.index import FACET_NAMES, build_documents
from search.models import SearchFacet, SearchIndexChange

pytestmark = pytest.mark.django_db


def test_bitset_and_highest_positions():
    bits = bitmaps.bitset([0, 3, 9, 17], 20)
    assert bits == (1 << 0) | (1 << 3) | (1 << 9) | (1 << 17)
    assert bitmaps.highest_positions(bits, 2) == [17, 9]
    assert bitmaps.highest_positions(bits, 2, offset=2) == [3, 0]
    assert bitmaps.highest_positions(bits, 10, offset=3) == [0]
    assert bitmaps.highest_positions(0, 5) == []


@pytest.fixture
def catalog(publish):
    rng = random.Random(4)
    scenarios = ["2025-09", "2025-12", "2025-28", "2025-37"]
    industries = ["machine-tools", "robots", "molds-dies"]
    regions = ["CN-ZJ", "CN-JS", "CN-BJ"]
    return [
        publish(neutral=True, scenarios=rng.sample(scenarios, rng.randint(1, 2)),
                industries=rng.sample(industries, rng.randint(1, 2)),
                regions=rng.sample(regions, rng.randint(1, 3)),
                maturity_from=rng.randint(1, 3), maturity_to=rng.randint(3, 5))
        for _ in range(25)
    ]


def test_counts_are_what_the_facet_table_says(backend, catalog):
    results = backend.search(SearchQuery())
    expected = {name: {} for name in FACET_NAMES}
    for facet, value, n in (SearchFacet.objects.values_list("facet", "value")
                            .annotate(n=Count("pk")).order_by()):
        expected[facet][value] = n
    assert results.facets == expected
    assert results.total == len(catalog)


def test_selected_facets_count_over_the_other_selections(backend, catalog):
    query = SearchQuery(filters={"industry": ["robots"], "region": ["CN-ZJ", "CN-BJ"]})
    results = backend.search(query)
    docs = build_documents([s.pk for s in catalog])

    def matching(doc, skip=None):
        return all(set(doc[f]) & set(v) for f, v in query.filters.items() if f != skip)

    assert results.total == sum(matching(doc) for doc in docs)
    for facet in ("industry", "region", "scenario"):
        expected = {}
        for doc in docs:
            if matching(doc, skip=facet):
                for value in doc[facet]:
                    expected[value] = expected.get(value, 0) + 1
        assert results.facets[facet] == expected, facet


def test_a_write_is_followed_without_reloading_everything(backend, publish, monkeypatch):
    first = publish(neutral=True, industries=["robots"])
    backend.search(SearchQuery())  # loaded
    loads = []
    monkeypatch.setattr(bitmaps.FacetBitmaps, "load",
                        classmethod(lambda cls, using: loads.append(using)))
    second = publish(neutral=True, industries=["robots"])
    results = backend.search(SearchQuery(filters={"industry": ["robots"]}))
    assert [hit.id for hit in results.hits] == [second.pk, first.pk]
    assert loads == []
    backend.delete([first.pk])
    assert [hit.id for hit in backend.search(SearchQuery()).hits] == [second.pk]
    assert loads == []


def test_another_processs_write_is_seen(backend, publish):
    """Another process writes rows and records its change; this one has not written."""
    solution = publish(neutral=True, industries=["robots"])
    backend.search(SearchQuery())
    doc = {**build_documents([solution.pk])[0], "industry": ["molds-dies"]}
    from search.backends.database import FACET_COLUMNS, facet_rows, insert_rows

    with transaction.atomic():
        SearchFacet.objects.filter(entry_id=solution.pk, facet="industry").delete()
        insert_rows(SearchFacet, FACET_COLUMNS,
                    [row for row in facet_rows(doc) if row[1] == "industry"])
        SearchIndexChange.objects.create(token="elsewhere", solution_ids=[solution.pk])
    results = backend.search(SearchQuery(filters={"industry": ["molds-dies"]}))
    assert results.ids == [solution.pk]
    assert results.facets["industry"] == {"molds-dies": 1}


def test_a_solution_older_than_the_rest_keeps_the_order(backend, publish):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    newer = publish(neutral=True, published_at=now)
    backend.search(SearchQuery())
    older = publish(neutral=True, published_at=now - timedelta(days=30))
    assert backend.search(SearchQuery(sort="newest")).ids == [newer.pk, older.pk]


def test_a_rolled_back_write_is_not_believed(backend, publish):
    kept = publish(neutral=True)
    with transaction.atomic():
        gone = publish(neutral=True)
        assert set(backend.search(SearchQuery()).ids) == {kept.pk, gone.pk}
        transaction.set_rollback(True)
    assert backend.search(SearchQuery()).ids == [kept.pk]


def test_a_clear_reloads_everything(backend, publish):
    publish(neutral=True)
    backend.search(SearchQuery())
    backend.clear()
    results = backend.search(SearchQuery())
    assert results.total == 0 and results.facets["industry"] == {}


def test_writers_take_turns_and_old_changes_are_trimmed(backend, publish, monkeypatch):
    monkeypatch.setattr(bitmaps, "TRIM_EVERY", 1)
    monkeypatch.setattr(bitmaps, "KEEP_CHANGES", 2)
    solution = publish(neutral=True)
    for _ in range(4):
        backend.index(build_documents([solution.pk]))
    latest = SearchIndexChange.objects.order_by("-id").first()
    assert SearchIndexChange.objects.filter(id__lt=latest.id - 2).count() == 0
    assert backend.search(SearchQuery()).ids == [solution.pk]
