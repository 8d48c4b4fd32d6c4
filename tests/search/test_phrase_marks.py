"""Phrase marks (search.marks): on PostgreSQL a rebuild marks every entry with the synonym
phrases of several terms it holds, and queries find those phrases by their marks, without
reading the words' positions. The same entries either way; SQLite keeps positions in FTS5 and
marks nothing."""

import dataclasses
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from search import analysis, bitmaps, services, synonyms
from search.backends import SearchQuery, database
from search.backends.full_text import PostgresFullText
from search.marks import Marker, mark_token
from search.models import SearchEntry, SearchMarkedPhrase

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="PostgreSQL's GIN keeps no positions")


def phrase(text):
    return tuple(analysis.terms(text).split())


PDM = phrase("predictive maintenance")
BENCH = phrase("gearbox test bench")


def marker(*phrases):
    return Marker({mark_token(p): p for p in phrases})


# Marking, on any database


def test_a_phrase_is_found_only_as_consecutive_terms():
    found = marker(PDM).found
    assert found(analysis.terms("Cloud predictive maintenance for pumps")) == {
        mark_token(PDM): 1}
    assert found(analysis.terms("Predictive models for maintenance")) == {}
    assert found(analysis.terms("maintenance predictive")) == {}
    assert found("") == {}


def test_a_chinese_phrase_is_the_run_of_its_bigrams():
    pdm = phrase("预测性维护")
    found = marker(pdm).found
    assert mark_token(pdm) in found(analysis.terms("基于振动的预测性维护平台"))
    # The same characters split by punctuation are two runs: not the phrase.
    assert found(analysis.terms("预测性，维护")) == {}


def test_head_marks_carry_the_weight_and_position_of_their_field():
    pdm = mark_token(PDM)
    columns = {"title_terms": analysis.terms("Pump predictive maintenance"),
               "summary_terms": analysis.terms("Vibration based predictive maintenance"),
               "description_terms": analysis.terms("Gearbox test bench")}
    marks, head = marker(PDM, BENCH).marks(columns, database.HEAD_COLUMNS)
    bench = mark_token(BENCH)
    assert marks == " ".join(sorted([pdm, bench]))
    # Title: pump predict mainten (2nd term); summary: vibrat base predict mainten, counted
    # on from the title's three terms.
    assert head == f"{pdm}:2A,6B"


def test_a_token_can_never_be_an_indexed_term():
    token = mark_token(PDM)
    assert token != token.lower()
    assert analysis.terms(token) == token.lower()


def test_the_marked_phrases_are_the_synonym_phrases_of_several_terms(db):
    marked = synonyms.marked_phrases()
    assert marked[mark_token(PDM)] == PDM
    assert marked[mark_token(phrase("预测性维护"))] == phrase("预测性维护")
    assert all(len(terms) > 1 for terms in marked.values())


# The index


@pytest.fixture
def pumps(publish):
    """Solutions holding the predictive-maintenance concept in different fields and
    languages, and ones holding only its words."""
    return {
        "title_en": publish(neutral=True, title_en="Predictive maintenance for pumps"),
        "title_zh": publish(neutral=True, title_zh="泵的预测性维护"),
        "synonym": publish(neutral=True, description_en="Condition monitoring of spindles"),
        "described": publish(neutral=True, description_zh="也可用于主轴的故障预测"),
        "words_only": publish(neutral=True, title_en="Predictive quality",
                              description_en="Maintenance contracts"),
        "other": publish(neutral=True, title_en="Paint shop energy"),
    }


def found(backend, text, **fields):
    return sorted(hit.id for hit in backend.search(SearchQuery(text=text, page_size=50,
                                                               **fields)).hits)


def without_marks(monkeypatch):
    """Queries read positions, as before any rebuild marked the index."""
    current = bitmaps.current
    monkeypatch.setattr(database.bitmaps, "current", lambda using="default": (
        dataclasses.replace(current(using), marked=frozenset())))


@postgresql_only
@pytest.mark.django_db
def test_a_rebuild_marks_every_entry_and_lists_the_phrases(backend, pumps):
    assert not SearchMarkedPhrase.objects.exists()  # nothing before a rebuild relies on marks
    services.rebuild_index()
    token = mark_token(PDM)
    assert SearchMarkedPhrase.objects.get(token=token).phrase == " ".join(PDM)
    marks = dict(SearchEntry.objects.values_list("pk", "marks"))
    assert token in marks[pumps["title_en"].pk].split()
    assert token not in marks[pumps["words_only"].pk].split()
    assert token not in marks[pumps["other"].pk].split()
    assert token in bitmaps.current().marked


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("text", ["predictive maintenance", "预测性维护", "状态监测",
                                  "maintenance", "pumps predictive maintenance"])
def test_marks_find_the_same_entries_as_positions(backend, pumps, monkeypatch, text):
    services.rebuild_index()
    with_marks = found(backend, text)
    with_marks_in_region = found(backend, text, filters={"region": ["CN-JS"]})
    without_marks(monkeypatch)
    assert with_marks == found(backend, text)
    assert with_marks_in_region == found(backend, text, filters={"region": ["CN-JS"]})


@postgresql_only
@pytest.mark.django_db
def test_the_concept_is_found_by_its_mark_and_never_by_its_words_alone(backend, pumps):
    services.rebuild_index()
    maps = bitmaps.current()
    clauses = synonyms.query_clauses("predictive maintenance")
    expression = PostgresFullText().expression(clauses, "and", maps.marked)
    assert mark_token(PDM) in expression
    assert " <-> " not in expression
    assert found(backend, "predictive maintenance") == sorted(
        pumps[name].pk for name in ("title_en", "title_zh", "synonym", "described"))


@postgresql_only
@pytest.mark.django_db
def test_a_phrase_outside_the_synonyms_is_still_checked_by_position(backend, publish):
    bench = publish(neutral=True, title_en="Gearbox test bench")
    publish(neutral=True, title_en="Bench for a gearbox test")
    services.rebuild_index()
    expression = PostgresFullText().expression(synonyms.query_clauses('"gearbox test bench"'),
                                               "and", bitmaps.current().marked)
    assert " <-> " in expression
    assert found(backend, '"gearbox test bench"') == [bench.pk]


@postgresql_only
@pytest.mark.django_db
def test_solutions_indexed_after_the_rebuild_are_marked_and_found(backend, pumps, publish):
    services.rebuild_index()
    later = publish(neutral=True, summary_zh="空压机预测性维护")
    assert mark_token(phrase("预测性维护")) in SearchEntry.objects.get(pk=later.pk).marks
    assert later.pk in found(backend, "predictive maintenance")


@postgresql_only
@pytest.mark.django_db
def test_a_phrase_the_rebuild_marked_stays_marked_when_the_synonyms_drop_it(
        backend, publish, monkeypatch):
    publish(neutral=True, title_en="Gearbox test bench for wind")
    token = mark_token(BENCH)
    # As if the synonyms had held it when the index was rebuilt, and no longer do.
    monkeypatch.setattr(synonyms, "marked_phrases",
                        lambda: {token: BENCH, mark_token(PDM): PDM})
    services.rebuild_index()
    monkeypatch.undo()
    assert token in bitmaps.current().marked
    later = publish(neutral=True, description_en="A new gearbox test bench")
    assert token in SearchEntry.objects.get(pk=later.pk).marks.split()
    assert later.pk in found(backend, '"gearbox test bench"')


@postgresql_only
@pytest.mark.django_db
def test_a_concept_in_a_title_ranks_before_one_in_a_description_when_bounded(
        backend, publish, monkeypatch):
    monkeypatch.setattr(database, "RESCORE_ALL", 2)
    monkeypatch.setattr(database, "RESCORED", 1)
    start = timezone.now() - timedelta(days=10)
    titled = publish(neutral=True, title_zh="预测性维护平台", published_at=start)
    described = [publish(neutral=True, description_zh="提供预测性维护",
                         published_at=start + timedelta(days=day + 1)) for day in range(3)]
    for _ in range(3):
        publish(neutral=True, title_zh="涂装车间能耗")
    services.rebuild_index()
    hits = backend.search(SearchQuery(text="预测性维护")).hits
    assert [hit.id for hit in hits] == [titled.pk] + [s.pk for s in reversed(described)]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's")
@pytest.mark.django_db
def test_sqlite_marks_nothing(backend, pumps):
    services.rebuild_index()
    assert not SearchMarkedPhrase.objects.exists()
    assert set(SearchEntry.objects.values_list("marks", "head_marks")) == {("", "")}
    assert found(backend, "predictive maintenance") == sorted(
        pumps[name].pk for name in ("title_en", "title_zh", "synonym", "described"))
