"""Which Elasticsearch errors count as "unavailable" (reads fall back to the database, writes
stay pending in the outbox) and which are our bug and are raised as they are.

No server: the real client runs over a fake node (elastic_transport's node interface), so its
own code turns each canned answer into the exception it would raise against a real cluster."""

import json

import pytest
from elastic_transport import (
    ApiResponseMeta,
    BaseNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
    TlsError,
)
from elastic_transport._node._base import NodeApiResponse
from elasticsearch import (
    ApiError,
    BadRequestError,
    Elasticsearch,
    UnsupportedProductError,
    helpers,
)

from search.backends import BackendUnavailable, SearchQuery
from search.backends import elasticsearch as es
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch_errors import unavailable
from search.backends.fallback import FallbackBackend, fallback_count
from search.index import build_documents

pytestmark = pytest.mark.django_db

ELASTIC = {"x-elastic-product": "Elasticsearch", "content-type": "application/json"}
# What an 8.x cluster answers the 9.x client (which asks for `compatible-with=9`).
MEDIA_TYPE_ERROR = {
    "error": {
        "root_cause": [{"type": "media_type_header_exception",
                        "reason": "Invalid media-type value on headers [Accept, Content-Type]"}],
        "type": "media_type_header_exception",
        "reason": "Invalid media-type value on headers [Accept, Content-Type]",
        "caused_by": {"type": "status_exception",
                      "reason": "A compatible version is required on both Content-Type and "
                                "Accept headers if either one has requested a compatible "
                                "version. Accept=null, Content-Type=application/"
                                "vnd.elasticsearch+json; compatible-with=9"},
    },
    "status": 400,
}
PARSING_ERROR = {
    "error": {"root_cause": [{"type": "parsing_exception", "reason": "unknown query [mach]"}],
              "type": "parsing_exception", "reason": "unknown query [mach]"},
    "status": 400,
}


def client_answering(answer):
    """An Elasticsearch client whose every request gets answer(method, target, body): a
    (status, headers, body) triple, or an exception raised as the network would."""

    class FakeNode(BaseNode):
        def perform_request(self, method, target, body=None, headers=None,
                            request_timeout=None):
            result = answer(method, target, body)
            if isinstance(result, Exception):
                raise result
            status, response_headers, response_body = result
            meta = ApiResponseMeta(status=status, http_version="1.1",
                                   headers=HttpHeaders(response_headers), duration=0.0,
                                   node=self.config)
            return NodeApiResponse(meta, json.dumps(response_body).encode())

    return Elasticsearch("http://127.0.0.1:9", node_class=FakeNode, max_retries=0)


def backend_answering(answer):
    return es.ElasticsearchBackend(client_answering(answer), prefix="fake")


def always(result):
    return backend_answering(lambda method, target, body: result)


@pytest.fixture
def solution(publish):
    return publish(neutral=True, title_zh="齿轮箱振动监测")


OUTAGES = {
    "connection refused": ConnectionError("Connection refused"),
    "timeout": ConnectionTimeout("Read timed out"),
    "tls": TlsError("certificate verify failed"),
    "8.x cluster, 9.x client": (400, ELASTIC, MEDIA_TYPE_ERROR),
    "7.x cluster, 9.x client": (406, {"content-type": "application/json"}, {
        "error": "Content-Type header [application/vnd.elasticsearch+json; compatible-with=9]"
                 " is not supported", "status": 406}),
    "not elasticsearch": (200, {"content-type": "application/json"}, {"hits": {}}),
    "server error": (503, ELASTIC, {"error": {"type": "cluster_block_exception",
                                              "reason": "blocked"}, "status": 503}),
}


@pytest.mark.parametrize("answer", OUTAGES.values(), ids=OUTAGES.keys())
def test_transport_and_compatibility_errors_make_search_fall_back(answer, solution):
    backend = FallbackBackend(always(answer), DatabaseBackend())
    results = backend.search(SearchQuery(text="齿轮"))
    assert results.backend == "database"
    assert [hit.id for hit in results.hits] == [solution.pk]
    assert fallback_count("search") == 1


@pytest.mark.parametrize("answer", OUTAGES.values(), ids=OUTAGES.keys())
def test_transport_and_compatibility_errors_leave_writes_to_be_retried(answer, solution):
    # BackendUnavailable is what keeps the outbox event pending (test_fallback shows the
    # event delivered once the cluster answers again).
    backend = always(answer)
    backend._index_ready = True  # the write itself fails, not the index check before it
    with pytest.raises(BackendUnavailable):
        backend.index(build_documents([solution.pk]))
    with pytest.raises(BackendUnavailable):
        backend.delete([solution.pk])


def test_the_client_raises_the_media_type_error_as_a_bad_request():
    """The premise of the 8.x case above: the client gives no special class to it."""
    with pytest.raises(BadRequestError) as raised:
        client_answering(lambda *args: (400, ELASTIC, MEDIA_TYPE_ERROR)).search(index="x")
    assert raised.value.message == "media_type_header_exception"
    with pytest.raises(UnsupportedProductError):
        client_answering(lambda *args: OUTAGES["not elasticsearch"]).search(index="x")


def test_a_malformed_query_is_raised_not_answered_by_the_database(solution):
    backend = FallbackBackend(always((400, ELASTIC, PARSING_ERROR)), DatabaseBackend())
    with pytest.raises(BadRequestError):
        backend.search(SearchQuery(text="齿轮"))
    assert fallback_count() == 0


def bulk_answer(items):
    """A bulk request answered 200 with these per-document results."""

    def answer(method, target, body):
        if "_bulk" in target:
            return 200, ELASTIC, {"took": 1, "errors": True, "items": items}
        return 200, ELASTIC, {"acknowledged": True}

    return answer


def failed_item(pk, status, error_type):
    return {"index": {"_index": "fake-solutions-x", "_id": str(pk), "status": status,
                      "error": {"type": error_type, "reason": "…"}}}


def test_a_document_the_mapping_refuses_is_raised_as_our_bug(solution):
    backend = backend_answering(bulk_answer(
        [failed_item(solution.pk, 400, "strict_dynamic_mapping_exception")]))
    backend._index_ready = True
    with pytest.raises(helpers.BulkIndexError):
        backend.index(build_documents([solution.pk]))


def test_documents_refused_for_overload_are_unavailable(solution):
    backend = backend_answering(bulk_answer(
        [failed_item(solution.pk, 429, "es_rejected_execution_exception")]))
    backend._index_ready = True
    with pytest.raises(BackendUnavailable):
        backend.index(build_documents([solution.pk]))


def test_one_refused_document_among_overloaded_ones_is_still_our_bug(solution):
    items = [failed_item(solution.pk, 503, "unavailable_shards_exception"),
             failed_item(solution.pk + 1, 400, "mapper_parsing_exception")]
    backend = backend_answering(bulk_answer(items))
    backend._index_ready = True
    with pytest.raises(helpers.BulkIndexError):
        backend.index(build_documents([solution.pk]) * 2)


@pytest.mark.parametrize("status", [401, 403])
def test_a_cluster_refusing_our_credentials_is_unavailable(status):
    body = {"error": {"type": "security_exception", "reason": "unable to authenticate"},
            "status": status}
    with pytest.raises(BackendUnavailable):
        always((status, ELASTIC, body)).search(SearchQuery())


def test_api_error_classes_built_directly_classify_the_same():
    meta = ApiResponseMeta(status=400, http_version="1.1", headers=HttpHeaders(),
                           duration=0.0, node=NodeConfig("http", "localhost", 9200))
    assert unavailable(BadRequestError(message="media_type_header_exception", meta=meta,
                                           body=MEDIA_TYPE_ERROR))
    assert not unavailable(BadRequestError(message="parsing_exception", meta=meta,
                                               body=PARSING_ERROR))
    assert unavailable(UnsupportedProductError(message="not es", meta=meta, body={}))
    assert unavailable(ApiError(message="x", meta=meta.__class__(
        status=502, http_version="1.1", headers=HttpHeaders(), duration=0.0,
        node=meta.node), body={}))
