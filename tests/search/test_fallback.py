"""When Elasticsearch is unreachable, reads fall back to the database backend and writes
raise, so the cluster's delivery of the outbox event stays pending and is retried: nothing is
lost, and the database side is written meanwhile."""

import logging
import socket

import pytest
from django.utils import timezone
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, BadRequestError, Elasticsearch

from catalog import workflow
from core.models import Delivery, OutboxEvent
from core.relay import dispatch_pending
from search.backends import BackendUnavailable, SearchQuery, get_backend
from search.backends import elasticsearch as es
from search.backends.database import DatabaseBackend
from search.backends.fallback import FallbackBackend, fallback_count
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port():
    """A localhost port nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable(closed_port):
    client = Elasticsearch(f"http://127.0.0.1:{closed_port}", request_timeout=1, max_retries=0)
    return es.ElasticsearchBackend(client, prefix="unreachable")


def point_search_at(settings, port):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{port}"
    settings.ELASTICSEARCH_TIMEOUT = 1


@pytest.fixture
def elasticsearch_settings(settings, closed_port):
    point_search_at(settings, closed_port)
    return settings


def test_unreachable_cluster_raises_backend_unavailable(unreachable):
    with pytest.raises(BackendUnavailable):
        unreachable.search(SearchQuery(text="gear"))
    with pytest.raises(BackendUnavailable):
        unreachable.delete([1])
    assert unreachable.ping() is False


def test_search_falls_back_to_the_database_with_a_warning_and_a_count(
    unreachable, publish, caplog
):
    solution = publish(neutral=True, title_zh="齿轮箱振动监测")
    backend = FallbackBackend(unreachable, DatabaseBackend())
    with caplog.at_level(logging.WARNING, logger="search.backends.fallback"):
        results = backend.search(SearchQuery(text="齿轮"))
    assert [hit.id for hit in results.hits] == [solution.pk]
    assert results.backend == "database"
    assert fallback_count("search") == 1
    assert "unreachable" in caplog.text


def test_similar_solutions_fall_back_too(unreachable, publish):
    one = publish(neutral=True, title_en="Gearbox vibration monitoring")
    other = publish(neutral=True, title_en="Gearbox vibration analysis")
    backend = FallbackBackend(unreachable, DatabaseBackend())
    assert [hit.id for hit in backend.more_like_this(one.pk)] == [other.pk]
    assert fallback_count("more_like_this") == 1


def test_indexing_and_deleting_raise_so_the_caller_can_retry(unreachable, publish):
    from search.index import build_documents

    solution = SolutionFactory(status="published")
    backend = FallbackBackend(unreachable, DatabaseBackend())
    with pytest.raises(BackendUnavailable):
        backend.index(build_documents([solution.pk]))
    with pytest.raises(BackendUnavailable):
        backend.delete([solution.pk])
    assert fallback_count() == 0


def test_get_backend_wraps_elasticsearch_with_the_database(elasticsearch_settings):
    backend = get_backend()
    assert isinstance(backend, FallbackBackend)
    assert isinstance(backend.primary, es.ElasticsearchBackend)
    assert backend.primary.alias == "zhizao-solutions"
    assert isinstance(backend.fallback, DatabaseBackend)


def test_get_backend_is_the_database_by_default(settings):
    settings.SEARCH_BACKEND = "database"
    assert isinstance(get_backend(), DatabaseBackend)


def test_event_stays_pending_while_the_cluster_is_down_and_is_delivered_later(
    elasticsearch_settings, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(title_zh="齿轮箱振动监测")
    operator = MembershipFactory(organization=OperatorFactory()).user
    with django_capture_on_commit_callbacks(execute=True):
        workflow.record_import(solution, operator)
    event = OutboxEvent.objects.get(topic="solution.published")
    assert event.dispatched_at is None
    assert event.attempts == 1
    assert "BackendUnavailable" in event.last_error
    # Only the cluster's delivery failed: the database side (the fallback index) is written.
    assert DatabaseBackend().count() == 1

    elasticsearch_settings.SEARCH_BACKEND = "database"  # the index is reachable again
    Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    assert dispatch_pending() == 1, OutboxEvent.objects.values_list("last_error", flat=True)
    event.refresh_from_db()
    assert event.dispatched_at is not None
    hits = DatabaseBackend().search(SearchQuery(text="齿轮")).hits
    assert [hit.id for hit in hits] == [solution.pk]


def test_search_api_answers_from_the_database_when_the_cluster_is_down(
    settings, closed_port, publish, api
):
    solution = publish(neutral=True, title_zh="齿轮箱振动监测")  # indexed while it was up
    point_search_at(settings, closed_port)
    response = api.get("/api/v1/search/", {"q": "齿轮"})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [solution.pk]
    assert fallback_count("search") == 1


def _api_error(cls, status):
    meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(),
                           duration=0.0, node=NodeConfig("http", "localhost", 9200))
    return cls(message="error", meta=meta, body={"error": {"type": "x"}})


class Raising:
    def __init__(self, exc):
        self.exc = exc
        self.indices = self

    def search(self, *args, **kwargs):
        raise self.exc

    get_alias = search


def test_server_errors_count_as_unavailable_but_bad_requests_do_not(publish):
    backend = es.ElasticsearchBackend(Raising(_api_error(ApiError, 503)))
    with pytest.raises(BackendUnavailable):
        backend.search(SearchQuery())
    backend = es.ElasticsearchBackend(Raising(_api_error(BadRequestError, 400)))
    with pytest.raises(BadRequestError):
        FallbackBackend(backend, DatabaseBackend()).search(SearchQuery())
    assert fallback_count() == 0


class CountingUnreachable:
    name = "elasticsearch"

    def __init__(self):
        self.calls = 0

    def search(self, query):
        self.calls += 1
        raise BackendUnavailable("down")

    def index(self, docs):
        self.calls += 1


def test_after_a_failure_reads_skip_the_cluster_for_a_while(publish):
    primary = CountingUnreachable()
    backend = FallbackBackend(primary, DatabaseBackend())
    backend.search(SearchQuery())
    backend.search(SearchQuery())
    assert primary.calls == 1
    assert fallback_count("search") == 2
    backend.index([])  # a write that reaches the cluster closes the breaker again
    backend.search(SearchQuery())
    assert primary.calls == 3


def test_documents_are_read_from_the_database_without_asking_the_cluster(publish):
    from search.backends.base import SearchBackend
    from search.backends.database import DatabaseBackend
    from search.backends.fallback import FallbackBackend

    class Unreachable(SearchBackend):
        def documents(self, ids):
            raise AssertionError("the cluster was asked")

    solution = publish(neutral=True, title_en="Gearbox")
    docs = FallbackBackend(Unreachable(), DatabaseBackend()).documents([solution.pk])
    assert docs[solution.pk]["title_en"] == "Gearbox"
