"""Rebuilding at scale: documents read ahead on a second connection, the most common words of
an any-word query kept from selecting, the term statistics kept with the entries."""

import pytest

from search.analysis import Clause
from search.backends.database import DatabaseBackend, selecting_clauses
from search.scoring import Statistics
from search.services import _read_ahead


def test_read_ahead_yields_everything_in_order():
    assert list(_read_ahead(iter(range(10)), depth=2)) == list(range(10))


def test_read_ahead_raises_what_the_reader_raised():
    def failing():
        yield 1
        raise ValueError("catalog unreadable")

    items = _read_ahead(failing())
    assert next(items) == 1
    with pytest.raises(ValueError, match="catalog unreadable"):
        next(items)


def stats(shares, entries=100_000):
    return Statistics(entries=entries, average_length=100.0,
                      frequencies={term: int(share * entries) for term, share in shares.items()})


def test_common_words_rank_but_do_not_select():
    clauses = [Clause(("设备",)), Clause(("主轴",)), Clause(("故障",)), Clause(("隐患",))]
    selecting = selecting_clauses(clauses, stats({"设备": 0.7, "故障": 0.08, "主轴": 0.01,
                                                  "隐患": 0.03}))
    assert selecting == [Clause(("主轴",)), Clause(("隐患",)), Clause(("故障",))]


def test_some_words_select_even_when_all_are_common():
    clauses = [Clause(("设备",)), Clause(("系统",)), Clause(("计划",))]
    assert selecting_clauses(clauses, stats({"设备": 0.7, "系统": 0.5, "计划": 0.34})) == [
        Clause(("计划",)), Clause(("系统",))]


@pytest.mark.django_db
def test_term_statistics_follow_the_index(publish):
    from search.models import SearchTerm

    first = publish(neutral=True, title_zh="主轴监测")
    publish(neutral=True, title_zh="主轴维护")
    held = dict(SearchTerm.objects.filter(term__in=["主轴", "监测", "维护"])
                .values_list("term", "entries"))
    assert held == {"主轴": 2, "监测": 1, "维护": 1}
    DatabaseBackend().delete([first.pk])
    held = dict(SearchTerm.objects.filter(term__in=["主轴", "监测", "维护"])
                .values_list("term", "entries"))
    assert held == {"主轴": 1, "维护": 1}  # a term no entry holds has no row


@pytest.mark.django_db
def test_a_rebuild_counts_the_terms_again(publish):
    from search.models import SearchEntry, SearchTerm
    from search.services import rebuild_index

    publish(neutral=True, title_zh="主轴监测")
    publish(neutral=True, title_zh="主轴维护")
    SearchTerm.objects.all().delete()
    SearchEntry.objects.update(length=0)
    rebuild_index()
    assert SearchTerm.objects.get(term="主轴").entries == 2
    assert SearchTerm.objects.get(term="监测").entries == 1
    assert all(SearchEntry.objects.values_list("length", flat=True))
