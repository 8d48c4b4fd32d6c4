"""The Elasticsearch backend as data (mapping, query bodies, bulk actions, response parsing)
and, where ELASTICSEARCH_URL points at a cluster, live."""

import os
import uuid

import pytest

from search.backends import SearchQuery
from search.backends import elasticsearch as es
from search.index import FACET_NAMES


def test_english_fields_stem_and_chinese_fields_use_cjk_bigrams():
    body = es.index_body()
    properties = body["mappings"]["properties"]
    analyzer = body["settings"]["analysis"]["analyzer"]["zhizao_english"]
    filters = body["settings"]["analysis"]["filter"]
    assert properties["title_en"] == {"type": "text", "analyzer": "zhizao_english",
                                      "search_analyzer": "zhizao_english_search"}
    assert properties["title_zh"] == {"type": "text", "analyzer": "cjk",
                                      "search_analyzer": "zhizao_cjk_search"}
    assert [filters[name]["type"] for name in analyzer["filter"] if name in filters] == [
        "stemmer", "stop", "stemmer_override", "stemmer"
    ]
    assert filters[analyzer["filter"][-1]]["language"] == "english"


def test_fields_in_either_language_get_both_analyzers():
    vendor = es.index_body()["mappings"]["properties"]["vendor_name"]
    assert vendor["fields"]["en"]["analyzer"] == "zhizao_english"
    assert vendor["fields"]["zh"]["analyzer"] == "cjk"


def test_facets_are_keywords_and_the_mapping_is_strict():
    mappings = es.index_body()["mappings"]
    assert mappings["dynamic"] == "strict"
    assert {name: mappings["properties"][name]["type"] for name in FACET_NAMES} == {
        name: "keyword" for name in FACET_NAMES
    }


def test_every_document_key_is_mapped(publish):
    from search.index import build_documents

    [doc] = build_documents([publish().pk])
    assert set(doc) == set(es.index_body()["mappings"]["properties"])


def test_index_names_sit_behind_a_versioned_alias():
    backend = es.ElasticsearchBackend(client=None, prefix="zz", synonym_rules=lambda: [])
    assert backend.alias == "zz-solutions"
    assert backend._new_index_name(stamp=False) == f"zz-solutions-{es.schema_version()}"
    assert backend._new_index_name().startswith(f"zz-solutions-{es.schema_version()}-")


def test_query_weighs_fields_like_the_index_definition():
    body = es.build_search("idx", SearchQuery(text="预测性维护")).to_dict()
    match = body["query"]["multi_match"]
    assert match["query"] == "预测性维护"
    assert match["operator"] == "and"
    assert {"title_en^3", "title_zh^3", "summary_zh^2", "scenarios_en^2", "description_zh^1",
            "vendor_name.zh^1", "case_studies.en^1"} <= set(match["fields"])


def test_selected_facets_filter_hits_after_the_aggregations():
    query = SearchQuery(filters={"industry": ["machine-tools", "robots"],
                                 "stage": ["manufacturing"]})
    body = es.build_search("idx", query).to_dict()
    assert "query" not in body
    assert body["post_filter"] == {"bool": {"filter": [
        {"terms": {"industry": ["machine-tools", "robots"]}},
        {"terms": {"stage": ["manufacturing"]}},
    ]}}


def test_each_facet_aggregation_ignores_its_own_selection():
    query = SearchQuery(filters={"industry": ["machine-tools"], "stage": ["manufacturing"]})
    aggs = es.build_search("idx", query).to_dict()["aggs"]
    assert set(aggs) == set(FACET_NAMES)
    assert aggs["industry"]["filter"] == {"bool": {"filter": [
        {"terms": {"stage": ["manufacturing"]}}
    ]}}
    assert aggs["stage"]["filter"] == {"bool": {"filter": [
        {"terms": {"industry": ["machine-tools"]}}
    ]}}
    assert len(aggs["region"]["filter"]["bool"]["filter"]) == 2
    assert aggs["region"]["aggs"]["values"]["terms"]["field"] == "region"


def test_hits_only_queries_ask_for_no_aggregations():
    assert "aggs" not in es.build_search("idx", SearchQuery(with_facets=False)).to_dict()


def test_sort_pagination_and_highlighting():
    relevance = es.build_search("idx", SearchQuery(text="gear", page=3, page_size=10)).to_dict()
    assert relevance["from"] == 20 and relevance["size"] == 10
    assert relevance["sort"][0] == "_score"
    assert relevance["highlight"]["encoder"] == "html"
    assert relevance["highlight"]["pre_tags"] == ["<mark>"]
    assert relevance["track_total_hits"] is True
    newest = es.build_search("idx", SearchQuery(text="gear", sort="newest")).to_dict()
    assert newest["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}


NOT_SEVEN = {"bool": {"must_not": [{"ids": {"values": ["7"]}}]}}


def test_excluded_ids_leave_the_query_and_so_the_counts():
    body = es.build_search("idx", SearchQuery(exclude_ids=(7,))).to_dict()
    assert body["query"] == {"bool": {"filter": [NOT_SEVEN]}}


def test_more_like_this_likes_the_document_and_excludes_it():
    body = es.build_more_like_this("idx", 7, 5).to_dict()
    mlt = body["query"]["bool"]["must"][0]["more_like_this"]
    assert mlt["like"] == [{"_index": "idx", "_id": "7"}]
    assert "title_zh" in mlt["fields"]
    assert body["query"]["bool"]["filter"] == [NOT_SEVEN]
    assert body["size"] == 5


def test_bulk_actions_index_and_delete_by_solution_id():
    docs = [{"id": 1, "title_en": "A"}, {"id": 2, "title_en": "B"}]
    assert es.index_actions("alias", docs) == [
        {"_op_type": "index", "_index": "alias", "_id": "1", "_source": docs[0]},
        {"_op_type": "index", "_index": "alias", "_id": "2", "_source": docs[1]},
    ]
    assert es.delete_actions("alias", [3]) == [
        {"_op_type": "delete", "_index": "alias", "_id": "3"}
    ]


def test_deleting_what_is_not_indexed_is_not_an_error(monkeypatch):
    calls = []
    monkeypatch.setattr(es.helpers, "bulk", lambda client, actions, **kw: calls.append(kw))
    backend = es.ElasticsearchBackend(client=None)
    backend._index_ready = True
    monkeypatch.setattr(backend, "_indices", lambda alias=None: [])  # no rebuild running
    backend.delete([3])
    assert calls == [{"refresh": False, "ignore_status": (404,)}]


def test_response_becomes_hits_total_and_facet_counts():
    query = SearchQuery(text="gear")
    response = {
        "hits": {
            "total": {"value": 12, "relation": "eq"},
            "hits": [{"_id": "5", "_score": 2.5,
                      "highlight": {"title_en": ["<mark>Gear</mark>box"]}}],
        },
        "aggregations": {
            "industry": {"doc_count": 12, "values": {"buckets": [
                {"key": "machine-tools", "doc_count": 9}, {"key": "robots", "doc_count": 3}
            ]}},
            "maturity": {"doc_count": 12, "values": {"buckets": [{"key": 2, "doc_count": 4}]}},
        },
    }
    results = es.parse_response(response, query)
    assert results.total == 12
    assert [(h.id, h.score, h.highlight) for h in results.hits] == [
        (5, 2.5, {"title_en": "<mark>Gear</mark>box"})
    ]
    assert results.facets["industry"] == {"machine-tools": 9, "robots": 3}
    assert results.facets["maturity"] == {"2": 4}
    assert results.facets["stage"] == {}


# Live: only where a cluster is given (CI may set ELASTICSEARCH_URL).

live = pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"),
                          reason="needs a live Elasticsearch (ELASTICSEARCH_URL)")


@pytest.fixture
def cluster():
    from elasticsearch import Elasticsearch

    client = Elasticsearch(os.environ["ELASTICSEARCH_URL"], request_timeout=10)
    backend = es.ElasticsearchBackend(client, prefix=f"test-{uuid.uuid4().hex[:8]}",
                                      refresh=True)
    yield backend
    for name in backend._indices():
        client.indices.delete(index=name, ignore_unavailable=True)


@live
@pytest.mark.elasticsearch
def test_live_cjk_stemming_and_facets(cluster, publish):
    from search.index import build_documents

    maintenance = publish(neutral=True, title_zh="数控机床预测性维护", industries=["robots"])
    scheduling = publish(neutral=True, title_en="Finite-capacity scheduling")
    cluster.index(build_documents([maintenance.pk, scheduling.pk]))

    def found(text, **kwargs):
        return {h.id for h in cluster.search(SearchQuery(text=text, **kwargs)).hits}

    assert found("维护") == {maintenance.pk}
    assert found("预测") == {maintenance.pk}
    assert found("schedule") == {scheduling.pk}
    results = cluster.search(SearchQuery(filters={"industry": ["robots"]}))
    assert {h.id for h in results.hits} == {maintenance.pk}
    assert results.facets["industry"]["robots"] == 1
    assert results.facets["industry"]["machine-tools"] == 1


@live
@pytest.mark.elasticsearch
def test_live_rebuild_swaps_the_alias_and_delete_removes(cluster, publish):
    from search.index import build_documents

    solution = publish(neutral=True, title_en="Gearbox")
    cluster.index(build_documents([solution.pk]))
    before = cluster._indices()
    assert cluster.rebuild([build_documents([solution.pk])]) == 1
    after = cluster._indices()
    assert len(after) == 1 and after != before
    assert cluster.indexed_versions() == {solution.pk: solution.updated_at.isoformat()}
    cluster.delete([solution.pk])
    assert cluster.count() == 0


def test_documents_are_fetched_in_one_request_and_missing_ones_left_out():
    calls = []

    class Client:
        def mget(self, index, ids):
            calls.append((index, ids))
            return {"docs": [{"_id": "7", "found": True, "_source": {"id": 7}},
                             {"_id": "8", "found": False}]}

    backend = es.ElasticsearchBackend(client=Client(), prefix="zz", synonym_rules=lambda: [])
    assert backend.documents([7, 8]) == {7: {"id": 7}}
    assert calls == [("zz-solutions", ["7", "8"])]
    assert backend.documents([]) == {}
