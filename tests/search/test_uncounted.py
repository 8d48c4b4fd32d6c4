"""A query asking for no total (SearchQuery.with_total False, as matching asks for a need's
text candidates): the same hits and scores as when counted. On PostgreSQL, when a word of it
is held by so many entries that the engine's ranking bounds the candidates anyway, the
matches are not found one by one; otherwise, and on SQLite, they are, and counted. Bounds
made small here, as in test_bounded_ranking."""

import pytest
from django.db import connection

from search.backends import SearchQuery, database, full_text

from .test_bounded_ranking import bounded, gearboxes, word  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def query(word, **fields):  # noqa: F811 - the fixture's name, as a parameter
    return SearchQuery(text=word, operator="or", with_facets=False, with_highlights=False,
                       **fields)


def hits(results):
    return [(hit.id, hit.score) for hit in results.hits]


@pytest.fixture
def counting(monkeypatch):
    """The calls that found every match, one by one."""
    calls = []
    for cls in (full_text.PostgresFullText, full_text.SqliteFullText):
        for name in ("matching_ids", "matching_ranked"):
            found = getattr(cls, name)

            def spy(self, *args, _found=found, **kwargs):
                calls.append(args)
                return _found(self, *args, **kwargs)

            monkeypatch.setattr(cls, name, spy)
    return calls


def test_the_same_hits_and_scores_as_a_counted_query(backend, bounded, gearboxes, word):  # noqa: F811
    counted = backend.search(query(word, page_size=2))
    uncounted = backend.search(query(word, page_size=2, with_total=False))
    assert hits(uncounted) == hits(counted)
    assert [pk for pk, _ in hits(uncounted)] == [gearboxes["best"].pk, gearboxes["second"].pk]
    assert counted.total == 5
    assert uncounted.total in (None, 5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's path")
# A word of English: its entries are counted (a Chinese word is a phrase of its bigrams,
# which the statistics do not count).
@pytest.mark.parametrize("word", ["gearbox"])
def test_postgresql_leaves_a_common_words_matches_unfound(backend, bounded, gearboxes,  # noqa: F811
                                                          word, counting):  # noqa: F811
    # "gearbox" is held by 5 entries, more than twice RESCORE_ALL (2): the engine's best
    # RESCORED (2) fill the page.
    results = backend.search(query(word, page_size=2, with_total=False))
    assert [pk for pk, _ in hits(results)] == [gearboxes["best"].pk, gearboxes["second"].pk]
    assert results.total is None
    assert counting == []


def test_a_page_the_ranking_cannot_fill_is_found_and_counted(backend, bounded, gearboxes,  # noqa: F811
                                                             word, counting):  # noqa: F811
    # Two entries hold the word in their titles, the only ones the engine ranks: the third
    # to fifth of the page are the newest other matches, which only finding them all tells.
    counted = backend.search(query(word, page_size=4))
    uncounted = backend.search(query(word, page_size=4, with_total=False))
    assert hits(uncounted) == hits(counted)
    assert uncounted.total == 5
    assert counting


@pytest.mark.parametrize("narrowed", [{"filters": {"region": ["CN-JS"]}},
                                      {"with_facets": True}, {"sort": "newest"}])
def test_a_selection_facets_or_another_order_are_always_counted(backend, bounded, gearboxes,  # noqa: F811
                                                                word, narrowed, counting):  # noqa: F811
    results = backend.search(SearchQuery(**{"text": word, "operator": "or", "page_size": 2,
                                            "with_facets": False, "with_total": False,
                                            **narrowed}))
    assert results.total is not None
    assert counting


def test_rarer_words_than_the_bound_are_all_found(backend, monkeypatch, gearboxes, word,  # noqa: F811
                                                  counting):
    # Held by 5 entries, no more than twice a bound of 3: every match is found and scored.
    monkeypatch.setattr(database, "RESCORE_ALL", 3)
    monkeypatch.setattr(database, "RESCORED", 2)
    results = backend.search(query(word, page_size=2, with_total=False))
    assert results.total == 5
    assert counting
