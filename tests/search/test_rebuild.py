"""Rebuilding at scale: documents read ahead on a second connection, the most common words of
an any-word query kept from selecting."""

import pytest

from search.analysis import Clause
from search.backends.database import DatabaseBackend
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


class FakeFullText:
    def __init__(self, shares):
        self.shares = shares

    def frequencies(self, terms, total):
        if not self.shares:  # like a database without statistics
            return {}
        return {term: self.shares.get(term, 0.0) for term in terms}


def test_common_words_rank_but_do_not_select():
    clauses = [Clause(("设备",)), Clause(("主轴",)), Clause(("故障",)), Clause(("隐患",))]
    full_text = FakeFullText({"设备": 0.7, "故障": 0.08, "主轴": 0.01, "隐患": 0.03})
    selecting = DatabaseBackend._selecting(full_text, clauses, 100_000)
    assert selecting == [Clause(("主轴",)), Clause(("隐患",)), Clause(("故障",))]


def test_some_words_select_even_when_all_are_common():
    clauses = [Clause(("设备",)), Clause(("系统",)), Clause(("计划",))]
    full_text = FakeFullText({"设备": 0.7, "系统": 0.5, "计划": 0.34})
    assert DatabaseBackend._selecting(full_text, clauses, 100_000) == [
        Clause(("计划",)), Clause(("系统",))]


def test_without_statistics_every_word_selects():
    clauses = [Clause(("设备",)), Clause(("系统",))]
    assert DatabaseBackend._selecting(FakeFullText({}), clauses, 100_000) == clauses


@pytest.mark.django_db
def test_frequencies_come_from_the_database(publish):
    from search.backends import full_text
    from search.backends.full_text import full_text_for

    full_text._frequencies._entries.clear()  # another test may have looked them up
    publish(neutral=True, title_zh="主轴监测")
    publish(neutral=True, title_zh="主轴维护")
    frequencies = full_text_for().frequencies({"主轴", "监测"}, 2)
    from django.db import connection

    if connection.vendor == "sqlite":  # exact, from FTS5's vocabulary
        assert frequencies == {"主轴": 1.0, "监测": 0.5}
    else:  # the planner's statistics: nothing before ANALYZE
        assert frequencies in ({}, {"主轴": 1.0, "监测": 0.5})
