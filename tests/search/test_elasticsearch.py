"""The Elasticsearch backend as data (mapping, query bodies, bulk actions, response parsing)
and, where ELASTICSEARCH_URL points at a cluster, live."""

import os
import uuid

import pytest

from search import analysis
from search.backends import SearchHit, SearchQuery
from search.backends import elasticsearch as es
from search.backends import elasticsearch_actions as esa
from search.backends import elasticsearch_query as esq
from search.index import FACET_NAMES, LONG_TEXT_SOURCES, TEXT_FIELDS
from search.synonyms import synonym_table

MES = analysis.SynonymTable([["MES", "制造执行系统", "manufacturing execution system"]])


def clauses(text, operator="and"):
    return analysis.parse_query(text, any_word=operator == "or", synonyms=MES)


def text_query(text, operator="and"):
    return esq.text_query(clauses(text, operator), operator)


def in_every_field(kind, value):
    """The queries of one phrase in every weighted field, boosted by the field's weight."""
    key = "value" if kind in ("term", "prefix") else "query"
    return [{kind: {field.column: {key: value, "boost": field.weight}}} for field in TEXT_FIELDS]


def any_of(*queries):
    return {"bool": {"should": [q for group in queries for q in group],
                     "minimum_should_match": 1}}


def test_terms_fields_only_split_on_whitespace_and_the_text_is_kept_unindexed():
    body = es.index_body()
    properties = body["mappings"]["properties"]
    for field in TEXT_FIELDS:
        assert properties[field.column] == {"type": "text", "analyzer": "whitespace"}
        for source in field.sources:
            assert properties[source] == {"type": "text", "index": False}
    # No analysis of the cluster's own: no stemmer, no cjk, no synonym filter.
    assert "analysis" not in body["settings"]


def test_facets_are_keywords_and_the_mapping_is_strict():
    mappings = es.index_body()["mappings"]
    assert mappings["dynamic"] == "strict"
    assert {name: mappings["properties"][name]["type"] for name in FACET_NAMES} == {
        name: "keyword" for name in FACET_NAMES
    }


def test_every_key_of_what_is_indexed_is_mapped(publish):
    from search.index import build_documents

    [doc] = build_documents([publish().pk])
    assert set(esa.indexed_source(doc)) == set(es.index_body()["mappings"]["properties"])


def test_index_names_sit_behind_a_versioned_alias():
    backend = es.ElasticsearchBackend(client=None, prefix="zz")
    assert backend.alias == "zz-solutions"
    assert backend._new_index_name(stamp=False) == f"zz-solutions-{es.schema_version()}"
    assert backend._new_index_name().startswith(f"zz-solutions-{es.schema_version()}-")


def test_the_bulk_actions_carry_the_python_terms_of_each_field():
    doc = {"id": 1, "title_en": "Predictive maintenance scheduling", "title_zh": "预测性维护",
           "summary_en": "", "vendor_name": "MES系统 Works"}
    [action] = es.index_actions("alias", [doc])
    source = action["_source"]
    assert source["title_terms"] == ["predict maintain schedul", "预测 测性 性维 维护"]
    assert source["vendor_terms"] == ["mes 系统 work"]
    assert source["summary_terms"] == source["case_studies_terms"] == []
    # The document itself is stored as built, for reading back and highlighting.
    assert {key: source[key] for key in doc} == doc
    assert source["title_terms"][0] == analysis.terms(doc["title_en"])


# Query bodies: the database backend's clauses, field by field


def test_english_words_are_terms_every_one_of_which_must_match():
    assert text_query("Predictive maintenance") == {"bool": {"must": [
        any_of(in_every_field("term", "predict")),
        any_of(in_every_field("term", "maintain")),
    ]}}


def test_a_chinese_run_is_the_phrase_of_its_bigrams():
    assert text_query("预测性维护") == {"bool": {"must": [
        any_of(in_every_field("match_phrase", "预测 测性 性维 维护")),
    ]}}


def test_a_synonym_matches_any_phrase_of_its_group():
    assert text_query("MES") == {"bool": {"must": [any_of(
        in_every_field("term", "mes"),
        in_every_field("match_phrase", "制造 造执 执行 行系 系统"),
        in_every_field("match_phrase", "manufactur execut system"),
    )]}}


def test_a_lone_chinese_character_is_a_prefix():
    assert text_query("维") == {"bool": {"must": [any_of(in_every_field("prefix", "维"))]}}
    assert esq.phrase_query("f", ("数控", "控机"), prefix=True, boost=2) == {
        "match_phrase_prefix": {"f": {"query": "数控 控机", "boost": 2}}}


def test_a_quoted_phrase_is_a_phrase_without_synonyms():
    assert text_query('"manufacturing execution system" gear') == {"bool": {"must": [
        any_of(in_every_field("match_phrase", "manufactur execut system")),
        any_of(in_every_field("term", "gear")),
    ]}}


def test_any_word_queries_match_any_clause():
    assert text_query("gearbox 振动", "or") == {"bool": {
        "should": [any_of(in_every_field("term", "gearbox")),
                   any_of(in_every_field("term", "振动"))],
        "minimum_should_match": 1,
    }}


def test_the_rarest_clauses_select_and_every_clause_scores():
    found = clauses("gearbox vibration monitoring", "or")
    gearbox, vibration, monitoring = found
    shares = {gearbox: 0.01, vibration: 0.02, monitoring: 0.4}
    selecting = esq.selecting_clauses(found, shares)
    assert selecting == [gearbox, vibration]
    assert esq.text_query(found, "or", selecting) == {"bool": {
        "filter": [{"bool": {"should": [esq.clause_query(gearbox), esq.clause_query(vibration)],
                             "minimum_should_match": 1}}],
        "should": [esq.clause_query(clause) for clause in found],
    }}


def test_clause_shares_count_each_clause_in_one_request_and_not_in_a_small_index():
    found = clauses("gearbox vibration monitoring", "or")
    body = esq.shares_body(found)
    assert body["size"] == 0 and body["track_total_hits"] is True
    assert body["aggs"]["clauses"]["filters"]["filters"] == {
        str(position): esq.clause_query(clause) for position, clause in enumerate(found)}

    def answer(total):
        buckets = {"0": {"doc_count": 10}, "1": {"doc_count": 20}, "2": {"doc_count": 4000}}
        return {"hits": {"total": {"value": total}},
                "aggregations": {"clauses": {"buckets": buckets}}}

    assert esq.clause_shares(answer(10_000), found) == dict(zip(found, [0.001, 0.002, 0.4],
                                                                strict=True))
    assert esq.clause_shares(answer(100), found) is None
    assert esq.selecting_clauses(found, None) == found


def test_query_of_clauses_goes_in_the_query_and_excluded_ids_beside_it():
    found = clauses("gear")
    body = es.build_search("idx", SearchQuery(text="gear", exclude_ids=(7,)), found).to_dict()
    assert body["query"] == {"bool": {"must": [esq.clause_query(found[0])], "filter": [
        {"bool": {"must_not": [{"ids": {"values": ["7"]}}]}}]}}
    assert body["_source"] is False


def test_relevance_asks_for_the_candidates_and_other_orders_for_the_page():
    found = clauses("gear")
    first = es.build_search("idx", SearchQuery(text="gear", page=3, page_size=10),
                            found).to_dict()
    assert (first.get("from", 0), first["size"]) == (0, esq.CANDIDATES)
    straddling = es.build_search("idx", SearchQuery(text="gear", page=17, page_size=30),
                                 found).to_dict()
    assert (straddling.get("from", 0), straddling["size"]) == (0, 510)
    beyond = es.build_search("idx", SearchQuery(text="gear", page=26, page_size=20),
                             found).to_dict()
    assert (beyond["from"], beyond["size"]) == (500, 20)
    for other in (SearchQuery(text="gear", sort="newest", page=3, page_size=10),
                  SearchQuery(text="gear", sort="rating", page=3, page_size=10)):
        body = es.build_search("idx", other, found).to_dict()
        assert (body["from"], body["size"]) == (20, 10)


def test_words_that_parse_to_nothing_search_like_no_words():
    body = es.build_search("idx", SearchQuery(text="the"), clauses("the")).to_dict()
    assert "query" not in body
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}


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


def test_sort_by_score_then_newest():
    found = clauses("gear")
    relevance = es.build_search("idx", SearchQuery(text="gear"), found).to_dict()
    assert relevance["sort"] == ["_score", {"published_at": {"order": "desc", "missing": "_last"}},
                                 {"id": "desc"}]
    assert relevance["track_total_hits"] is True
    assert "highlight" not in relevance  # drawn in Python from the page's text
    newest = es.build_search("idx", SearchQuery(text="gear", sort="newest"), found).to_dict()
    assert newest["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}


def test_a_query_asking_for_no_total_counts_nothing():
    found = clauses("gear vibration", "or")
    body = es.build_search("idx", SearchQuery(text="gear vibration", operator="or",
                                              with_total=False), found).to_dict()
    assert body["track_total_hits"] is False
    # The cluster then leaves the total out of its answer.
    response = {"hits": {"hits": [{"_id": "5", "_score": 2.5}]}}
    assert es.parse_response(response, SearchQuery(text="gear", with_total=False)).total is None


NOT_SEVEN = {"bool": {"must_not": [{"ids": {"values": ["7"]}}]}}


def test_excluded_ids_leave_the_query_and_so_the_counts():
    body = es.build_search("idx", SearchQuery(exclude_ids=(7,))).to_dict()
    assert body["query"] == {"bool": {"filter": [NOT_SEVEN]}}


def test_more_like_this_likes_the_document_and_excludes_it():
    body = es.build_more_like_this("idx", 7, 5).to_dict()
    mlt = body["query"]["bool"]["must"][0]["more_like_this"]
    assert mlt["like"] == [{"_index": "idx", "_id": "7"}]
    assert mlt["fields"] == [field.column for field in TEXT_FIELDS]
    assert body["query"]["bool"]["filter"] == [NOT_SEVEN]
    assert body["size"] == 5


def test_bulk_actions_index_and_delete_by_solution_id():
    docs = [{"id": 1, "title_en": "A"}, {"id": 2, "title_en": "B"}]
    assert es.index_actions(["alias", "new"], docs) == [
        {"_op_type": "index", "_index": index, "_id": str(doc["id"]),
         "_source": esa.indexed_source(doc)}
        for index in ("alias", "new") for doc in docs
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
            "hits": [{"_id": "5", "_score": 2.5}],
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
    assert [(h.id, h.score, h.highlight) for h in results.hits] == [(5, 2.5, {})]
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
def test_live_cluster_finds_what_the_database_backend_finds(cluster, publish):
    from search.backends.database import DatabaseBackend
    from search.index import build_documents

    maintenance = publish(neutral=True, title_zh="数控机床预测性维护", industries=["robots"])
    scheduling = publish(neutral=True, title_en="Finite-capacity scheduling",
                         summary_en="Gear box lines")
    mes = publish(neutral=True, title_zh="离散制造执行系统实施")
    bilingual = publish(neutral=True, title_en="Gear", title_zh="箱体")
    ids = [maintenance.pk, scheduling.pk, mes.pk, bilingual.pk]
    cluster.index(build_documents(ids))

    def found(backend, text, **kwargs):
        return {h.id for h in backend.search(SearchQuery(text=text, **kwargs)).hits}

    expected = {"维护": {maintenance.pk}, "预测": {maintenance.pk}, "维": {maintenance.pk},
                "schedule": {scheduling.pk}, "MES": {mes.pk}, '"gear box"': {scheduling.pk},
                "scheduling 维护": set()}
    for text, ids_found in expected.items():
        assert found(cluster, text) == found(DatabaseBackend(), text) == ids_found, text
    # A phrase never runs from one language's text into the other's.
    assert found(cluster, '"gear 箱体"') == set()
    assert found(cluster, "scheduling 维护", operator="or") == {scheduling.pk, maintenance.pk}
    [hit] = cluster.search(SearchQuery(text="维护")).hits
    assert hit.highlight["title_zh"] == "数控机床预测性<mark>维护</mark>"
    results = cluster.search(SearchQuery(filters={"industry": ["robots"]}))
    assert {h.id for h in results.hits} == {maintenance.pk}
    assert results.facets["industry"]["robots"] == 1


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
    settings = cluster.client.indices.get_settings(index=after[0])[after[0]]["settings"]["index"]
    assert "refresh_interval" not in settings  # back to the default
    assert settings["number_of_replicas"] == str(cluster.replicas)
    assert {h.id for h in cluster.search(SearchQuery(text="gearboxes")).hits} == {solution.pk}
    assert cluster.indexed_versions() == {solution.pk: solution.updated_at.isoformat()}
    cluster.delete([solution.pk])
    assert cluster.count() == 0


class RecordingClient:
    """Answers search and mget from canned data and keeps every request's arguments but the
    alias lookup; the alias holds `index` (an index of the current schema by default)."""

    def __init__(self, hits, sources, total=None, shares=None, index=None):
        self.hits, self.sources, self.shares = hits, sources, shares
        self.total = len(hits) if total is None else total
        self.requests = []
        self.index = index or f"zz-solutions-{es.schema_version()}"
        self.indices = self

    def get_alias(self, name):
        return {self.index: {"aliases": {name: {}}}}

    def search(self, index, body):
        self.requests.append(("search", index, body))
        if body.get("size") == 0:
            return {"hits": {"total": {"value": self.total}},
                    "aggregations": {"clauses": {"buckets": self.shares}}}
        start = body.get("from", 0)
        return {"hits": {"total": {"value": self.total}, "hits": [
            {"_id": str(pk), "_score": score}
            for pk, score in self.hits[start : start + body["size"]]]}}

    def mget(self, index, ids, **source):
        self.requests.append(("mget", index, ids, source))
        return {"docs": [{"_id": pk, "found": int(pk) in self.sources,
                          "_source": self.sources.get(int(pk), {})} for pk in ids]}


@pytest.mark.django_db
def test_search_rescores_the_candidates_then_pages_and_highlights_in_python(monkeypatch):
    client = RecordingClient(
        hits=[(pk, 10.0 - pk) for pk in range(1, 8)],
        sources={3: {"title_zh": "数控机床预测性维护", "summary_en": "Vibration"}},
    )
    backend = es.ElasticsearchBackend(client, prefix="zz")
    rescored = {}

    def rescore(found, hits):
        rescored["clauses"], rescored["ids"] = found, [hit.id for hit in hits]
        return list(reversed(hits))

    monkeypatch.setattr(backend, "_rescore", rescore)
    results = backend.search(SearchQuery(text="维护", page=2, page_size=2))
    assert rescored == {"clauses": analysis.parse_query("维护", synonyms=synonym_table()),
                        "ids": [1, 2, 3, 4, 5, 6, 7]}
    assert [(hit.id, hit.score) for hit in results.hits] == [(5, 5.0), (4, 6.0)]
    assert results.total == 7
    (_, _, body), (_, _, ids, source) = client.requests
    assert (body.get("from", 0), body["size"]) == (0, esq.CANDIDATES)
    assert (ids, source) == (["5", "4"], {"source_includes": list(es.HIGHLIGHT_FIELDS)})
    client.sources = {4: {"title_zh": "数控机床预测性维护"}}
    [hit] = backend.search(SearchQuery(text="维护", page=4, page_size=1)).hits
    assert hit.highlight == {"title_zh": "数控机床预测性<mark>维护</mark>"}


@pytest.mark.django_db
def test_hits_asked_for_without_highlights_read_no_sources(monkeypatch):
    client = RecordingClient(hits=[(1, 3.0), (2, 2.0)], sources={1: {"title_zh": "维护"}})
    backend = es.ElasticsearchBackend(client, prefix="zz")
    monkeypatch.setattr(backend, "_rescore", lambda clauses, hits: hits)
    results = backend.search(SearchQuery(text="维护", with_highlights=False))
    assert [(hit.id, hit.highlight) for hit in results.hits] == [(1, {}), (2, {})]
    assert [request[0] for request in client.requests] == ["search"]


@pytest.mark.django_db
def test_an_any_word_search_counts_its_clauses_first_and_the_rarest_select():
    buckets = {"0": {"doc_count": 5000}, "1": {"doc_count": 10}, "2": {"doc_count": 20}}
    client = RecordingClient(hits=[], sources={}, total=10_000, shares=buckets)
    backend = es.ElasticsearchBackend(client, prefix="zz")
    backend.search(SearchQuery(text="monitoring gearbox vibration", operator="or"))
    (_, _, counting), (_, _, body) = client.requests
    monitoring, gearbox, vibration = found = analysis.parse_query(
        "monitoring gearbox vibration", any_word=True, synonyms=synonym_table())
    assert counting == esq.shares_body(found)
    assert body["query"] == esq.text_query(found, "or", [gearbox, vibration])


@pytest.mark.django_db
def test_the_candidates_are_ordered_by_the_shared_scorer_from_their_terms(publish):
    """The cluster's order is replaced by search.scoring's, from the terms the cluster holds
    and the statistics the database keeps: the scores the database backend gives."""
    from search.backends.database import DatabaseBackend
    from search.backends.elasticsearch_actions import term_fields

    rare = publish(neutral=True, title_en="Line toolkit",
                   description_en="Spindle vibration analysis finds failing bearings.")
    common = publish(neutral=True, title_en="Monitoring dashboard")
    publish(neutral=True, title_en="Monitoring suite")
    from search.index import build_documents

    docs = {doc["id"]: doc for doc in build_documents([rare.pk, common.pk])}
    client = RecordingClient(hits=[], sources={pk: term_fields(doc) for pk, doc in docs.items()})
    backend = es.ElasticsearchBackend(client, prefix="zz")
    clauses = analysis.parse_query("spindle monitoring", any_word=True, synonyms=synonym_table())
    hits = [SearchHit(id=common.pk, score=9.0), SearchHit(id=rare.pk, score=1.0)]
    rescored = backend._rescore(clauses, hits)
    expected = {hit.id: hit.score for hit in DatabaseBackend().search(
        SearchQuery(text="spindle monitoring", operator="or")).hits}
    assert [hit.id for hit in rescored] == [rare.pk, common.pk]
    assert {hit.id: hit.score for hit in rescored} == {
        pk: pytest.approx(expected[pk]) for pk in (rare.pk, common.pk)}
    (_, _, ids, source), = client.requests
    assert source == {"source_includes": list(es.TERM_FIELDS)}


def test_documents_are_fetched_in_one_request_without_their_terms():
    client = RecordingClient(hits=[], sources={7: {"id": 7}})
    backend = es.ElasticsearchBackend(client=client, prefix="zz")
    assert backend.documents([7, 8]) == {7: {"id": 7}}
    assert client.requests == [("mget", "zz-solutions", ["7", "8"],
                                {"source_excludes": [field.column for field in TEXT_FIELDS]})]
    assert backend.documents([]) == {}


def test_documents_without_long_texts_leave_them_out_of_the_request():
    client = RecordingClient(hits=[], sources={7: {"id": 7}})
    backend = es.ElasticsearchBackend(client=client, prefix="zz")
    backend.documents([7], long_texts=False)
    [(_, _, _, source)] = client.requests
    assert source == {"source_excludes": [*(field.column for field in TEXT_FIELDS),
                                          *LONG_TEXT_SOURCES]}
    assert "description_en" in LONG_TEXT_SOURCES and "title_en" not in LONG_TEXT_SOURCES


@pytest.mark.django_db
def test_the_taxonomys_synonyms_reach_the_clusters_query():
    client = RecordingClient(hits=[], sources={})
    es.ElasticsearchBackend(client, prefix="zz").search(SearchQuery(text="MES"))
    [(_, _, body)] = client.requests
    [mes] = body["query"]["bool"]["must"]
    assert {"match_phrase": {"title_terms": {"query": "制造 造执 执行 行系 系统", "boost": 3}}} in (
        mes["bool"]["should"])


@pytest.mark.django_db
def test_an_index_of_an_older_schema_is_unavailable_until_the_rebuild():
    from search.backends import BackendUnavailable

    client = RecordingClient(hits=[], sources={}, index="zz-solutions-0123456789")
    backend = es.ElasticsearchBackend(client, prefix="zz")
    with pytest.raises(BackendUnavailable, match="search_index rebuild"):
        backend.search(SearchQuery(text="gear"))
    with pytest.raises(BackendUnavailable):
        backend.index([{"id": 1}])
    assert client.requests == []  # nothing asked of, nor written to, the old index
    assert backend.describe()["schema_current"] is False
    client.index = f"zz-solutions-{es.schema_version()}-20270101000000000000"  # rebuilt
    backend.search(SearchQuery(text="gear"))
    assert [request[0] for request in client.requests] == ["search"]
