"""A rebuild replaces the index whole or not at all: on PostgreSQL it writes fresh tables and
swaps them in (search.backends.shadow), which must leave the tables as the migrations made
them; readers see the old index meanwhile."""

import threading

import psycopg
import pytest
from django import db
from django.db import connection

from search import services, signatures, suggestions
from search.backends.database import REBUILT_TABLES, DatabaseBackend
from search.models import SearchEntry, SearchFacet, SearchSuggestion, SearchTerm, SignatureBand
from search.services import sync_solution

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="the swap is PostgreSQL's")


def index_state():
    return {
        "entries": sorted(SearchEntry.objects.values_list("pk", "title_terms")),
        "facets": sorted(SearchFacet.objects.values_list("entry_id", "facet", "value")),
        "terms": sorted(SearchTerm.objects.values_list("term", "entries")),
        "suggestions": sorted(SearchSuggestion.objects.values_list("kind", "object_id")),
        "bands": sorted(SignatureBand.objects.values_list("bucket", "solution_id")),
    }


@pytest.mark.django_db
def test_a_failed_rebuild_leaves_the_old_index_whole(monkeypatch, publish):
    first = publish(title_zh="主轴监测")
    publish(title_zh="主轴维护")
    before = index_state()
    calls = []

    def fail_on_the_second_batch(rows):
        calls.append(rows)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        insert(rows)

    insert = signatures.fill
    monkeypatch.setattr(signatures, "fill", fail_on_the_second_batch)
    first.title_zh = "齿轮箱"
    first.save()
    with pytest.raises(RuntimeError, match="disk full"):
        services.rebuild_index(batch_size=1)

    assert index_state() == before
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regnamespace('search_rebuild')")
            assert cursor.fetchone()[0] is None


def schema_of(tables):
    """Indexes (definitions), constraints (definitions) and storage options of the tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes "
                       "WHERE tablename = ANY(%s) ORDER BY 1, 2", [list(tables)])
        indexes = cursor.fetchall()
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
                       [list(tables)])
        constraints = cursor.fetchall()
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) "
                       "AND relkind = 'r' ORDER BY 1", [list(tables)])
        options = cursor.fetchall()
    return indexes, constraints, options


@postgresql_only
@pytest.mark.django_db
def test_the_swapped_tables_are_the_migrations_tables(publish):
    publish(title_zh="主轴监测")
    before = schema_of(REBUILT_TABLES)
    assert ("search_searchentry", ["toast_tuple_target=256"]) in before[2]

    services.rebuild_index()

    assert schema_of(REBUILT_TABLES) == before
    with connection.cursor() as cursor:  # the generated vectors are filled and indexed
        cursor.execute("SELECT count(*) FROM search_searchentry "
                       "WHERE search_vector @@ '主轴'::tsquery AND head_vector @@ '主轴'::tsquery")
        assert cursor.fetchone()[0] == 1


@postgresql_only
@pytest.mark.django_db
def test_deleting_a_solution_after_a_rebuild_removes_its_rows(publish):
    # The foreign keys are made again on the new tables.
    solution = publish(title_zh="主轴监测")
    services.rebuild_index()
    solution.delete()
    assert not SearchEntry.objects.exists()
    assert not SearchFacet.objects.exists()


@pytest.mark.django_db
def test_text_rows_are_copied_as_written():
    from tests.factories import SolutionFactory

    solution = SolutionFactory()
    odd = "tab\there, back\\slash, new\nline, \\N"
    DatabaseBackend().index([{"id": solution.pk, "version": "1", "region": [odd, "plain"]}])
    assert set(SearchFacet.objects.values_list("value", flat=True)) == {odd, "plain"}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_readers_see_the_old_index_while_a_rebuild_runs(monkeypatch, publish):
    old = [publish(title_zh="主轴监测") for _ in range(3)]
    seen = []

    def read_meanwhile(docs):
        # Another connection, as a search would have: not kept waiting, the old index whole.
        settings = connection.settings_dict
        with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                             dbname=settings["NAME"], user=settings["USER"],
                             password=settings["PASSWORD"], autocommit=True) as reader:
            reader.execute("SET lock_timeout = '2s'")
            seen.append(sorted(reader.execute(
                "SELECT solution_id FROM search_searchentry "
                "WHERE search_vector @@ '主轴'::tsquery").fetchall()))
        fill(docs)

    fill = suggestions.fill
    monkeypatch.setattr(suggestions, "fill", read_meanwhile)
    type(old[0]).objects.filter(pk=old[0].pk).update(title_zh="齿轮箱")

    assert services.rebuild_index(batch_size=1) == 3

    assert seen == [sorted((s.pk,) for s in old)] * 3
    assert sorted(SearchEntry.objects.values_list("pk", flat=True)) == sorted(s.pk for s in old)
    assert "齿轮" in SearchEntry.objects.get(pk=old[0].pk).title_terms.split()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_solution_indexed_while_a_rebuild_runs_stays_indexed_as_it_now_is(monkeypatch,
                                                                            publish):
    changed, other = publish(title_zh="主轴监测"), publish(title_zh="主轴维护")
    renamed = []

    def change_meanwhile(docs):
        # An outbox consumer's write, committed on its own connection while the rebuild runs,
        # after the rebuild read the solution.
        if docs[0]["id"] == changed.pk and not renamed:
            renamed.append(changed.pk)
            thread = threading.Thread(target=rename)
            thread.start()
            thread.join()
        fill(docs)

    def rename():
        try:
            type(changed).objects.filter(pk=changed.pk).update(title_zh="齿轮箱")
            sync_solution(changed.pk)
        finally:
            db.connections.close_all()

    fill = suggestions.fill
    monkeypatch.setattr(suggestions, "fill", change_meanwhile)

    services.rebuild_index(batch_size=1)

    assert "齿轮" in SearchEntry.objects.get(pk=changed.pk).title_terms.split()
    assert "维护" in SearchEntry.objects.get(pk=other.pk).title_terms.split()
