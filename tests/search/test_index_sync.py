"""The index follows the catalog: outbox events from the workflow, the services that sync,
rebuild and update, and the documents they index."""

import importlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog import workflow
from catalog.models import CaseStudy, CaseStudyOutcome, SolutionStatus
from core.models import OutboxEvent
from core.outbox import emit
from search import services
from search.backends import SearchQuery
from search.index import TEXT_FIELDS, build_documents
from search.models import SearchEntry, SearchFacet
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory

pytestmark = pytest.mark.django_db


def found(backend, text):
    return {hit.id for hit in backend.search(SearchQuery(text=text)).hits}


@pytest.fixture
def operator_user(db):
    return MembershipFactory(organization=OperatorFactory()).user


def test_publishing_through_the_workflow_indexes_the_solution(
    backend, operator_user, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(title_zh="齿轮箱振动监测")
    assert found(backend, "齿轮") == set()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.record_import(solution, operator_user)
    assert found(backend, "齿轮") == {solution.pk}
    event = OutboxEvent.objects.get(topic="solution.published")
    assert event.dispatched_at is not None


# One workflow step per test: core.outbox schedules one dispatch per transaction, and a
# test's transaction never commits, so a second captured step in the same test would find
# the first step's callback still registered and schedule nothing.


def test_archiving_through_the_workflow_removes_the_solution(
    backend, publish, django_capture_on_commit_callbacks
):
    solution = publish(neutral=True, title_zh="齿轮箱振动监测")
    assert found(backend, "齿轮") == {solution.pk}
    vendor_user = MembershipFactory(organization=solution.vendor).user
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(solution, SolutionStatus.ARCHIVED, vendor_user)
    assert found(backend, "齿轮") == set()
    assert not SearchEntry.objects.filter(pk=solution.pk).exists()
    assert OutboxEvent.objects.get(topic="solution.archived").dispatched_at is not None


def test_republishing_an_archived_solution_brings_it_back(
    backend, operator_user, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(title_zh="齿轮箱振动监测", status=SolutionStatus.ARCHIVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(solution, SolutionStatus.PUBLISHED, operator_user)
    assert found(backend, "齿轮") == {solution.pk}


def test_an_updated_event_reindexes_the_new_text(
    backend, publish, django_capture_on_commit_callbacks
):
    solution = publish(neutral=True, title_zh="齿轮箱振动监测")
    solution.title_zh = "焊接机器人"
    solution.save()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emit("solution.updated", solution)
    assert found(backend, "焊接") == {solution.pk}
    assert found(backend, "齿轮") == set()


def test_sync_is_idempotent(backend, publish):
    solution = publish(scenarios=["2025-28"])
    facets = SearchFacet.objects.filter(entry_id=solution.pk).count()
    for _ in range(2):
        assert services.sync_solution(solution.pk) == {"indexed": 1, "removed": 0}
    assert SearchEntry.objects.filter(pk=solution.pk).count() == 1
    assert SearchFacet.objects.filter(entry_id=solution.pk).count() == facets
    assert backend.search(SearchQuery()).total == 1


def test_sync_of_an_unknown_or_unpublished_solution_removes_it(backend, publish):
    solution = publish()
    SolutionFactory._meta.model.objects.filter(pk=solution.pk).update(status="archived")
    assert services.sync_solution(solution.pk) == {"indexed": 0, "removed": 1}
    assert services.sync_solution(10**9) == {"indexed": 0, "removed": 1}
    assert backend.count() == 0


def test_deleting_a_solution_removes_it_from_full_text_search(backend, publish):
    solution = publish(neutral=True, title_zh="齿轮箱")
    keep = publish(neutral=True, title_zh="齿轮泵")
    solution.delete()
    assert found(backend, "齿轮") == {keep.pk}


def test_rebuild_indexes_every_published_solution_and_nothing_else(backend, publish):
    published = [publish() for _ in range(3)]
    draft = SolutionFactory()
    backend.clear()
    backend.index(build_documents([draft.pk]))  # a stray entry the rebuild must drop
    progress = []
    assert services.rebuild_index(batch_size=2, progress=progress.append) == 3
    assert progress == [2, 1]
    assert set(backend.indexed_versions()) == {s.pk for s in published}


def test_update_indexes_stale_and_missing_entries_and_removes_unpublished(backend, publish):
    changed, unchanged, withdrawn = publish(), publish(), publish()
    missing = SolutionFactory(status=SolutionStatus.PUBLISHED)  # published without an event
    changed.title_en = "Renamed"
    changed.save()
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(status=SolutionStatus.ARCHIVED)
    assert services.stale_entries() == (sorted([changed.pk, missing.pk]), [withdrawn.pk])
    assert services.update_index() == {"indexed": 2, "removed": 1}
    assert services.stale_entries() == ([], [])
    assert set(backend.indexed_versions()) == {changed.pk, unchanged.pk, missing.pk}


def test_documents_for_many_solutions_take_as_many_queries_as_for_one(publish):
    def queries_for(solutions):
        with CaptureQueriesContext(connection) as ctx:
            docs = build_documents([s.pk for s in solutions])
        assert len(docs) == len(solutions)
        return len(ctx.captured_queries)

    one = [publish()]
    many = [publish(scenarios=["2025-28", "2025-29"]) for _ in range(5)]
    for solution in one + many:
        study = CaseStudy.objects.create(solution=solution, client="Client")
        CaseStudyOutcome.objects.create(case_study=study, metric="OEE", before=60, after=70)
    assert queries_for(one) == queries_for(many)


def test_document_holds_facets_and_both_languages(publish):
    solution = publish(scenarios=["2025-28"], stages=["after-sales"], maturity_from=2,
                       maturity_to=3, description_en="Uses **AI** models")
    [doc] = build_documents([solution.pk])
    assert doc["stage"] == ["after-sales", "manufacturing"]
    assert doc["link"] == ["production-operations"]
    assert doc["maturity"] == ["2", "3"]
    assert doc["description_en"] == "Uses AI models"
    assert "预测性维护" in doc["scenarios_zh"] and "predictive maintenance" in doc["scenarios_en"]


def test_full_text_columns_match_the_index_definition():
    migration = importlib.import_module("search.migrations.0002_full_text")
    assert list(migration.COLUMNS) == [field.column for field in TEXT_FIELDS]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA table_info(search_fts)")
            assert [row[1] for row in cursor.fetchall()] == list(migration.COLUMNS)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'search_searchentry' AND column_name = 'search_vector'"
            )
            assert cursor.fetchone() == ("tsvector",)
