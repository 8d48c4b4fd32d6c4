"""The Elasticsearch backend, through the `elasticsearch.dsl` module of the official client.

One analysis, every backend: the cluster does not analyse words. Each document carries, per
weighted field of search.index.TEXT_FIELDS, the terms search.analysis gives it (stems, CJK
bigrams; elasticsearch_actions), in a field named like the database backend's column with the
built-in `whitespace` analyzer, which only splits them. Queries are the shared Clauses
(search.analysis.parse_query with search.synonyms' table) turned into
term, phrase and prefix queries (elasticsearch_query). So the cluster matches exactly what
the database backends match, and the index schema no longer depends on the synonyms: they
arrive in the query. The original text stays in _source, not indexed: `documents` reads it
back and highlights are drawn from it in Python (search.analysis.highlight), as the database
backend draws them, which marks the characters of a CJK match in the text as written.

Relevance: the cluster finds the CANDIDATES best documents by its BM25 score, with facet
counts and the total; the order among them is `_rescore`'s (the shared Python scorer's).
Readers and writers use an alias; the concrete index name carries a hash of the mapping, so a
rebuild builds a new index aside, loads it in parallel with refresh off and no replicas, and
swaps the alias; writes made meanwhile reach both (ElasticsearchBackend.rebuild).

The request bodies (here and in elasticsearch_query) and bulk actions (elasticsearch_actions)
are plain functions, tested as data.
Any failure to reach the cluster, or a cluster the client cannot talk to, is raised as
BackendUnavailable (search.backends.elasticsearch_errors draws the line).
"""

import collections
import functools
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Date,
    Double,
    Index,
    Integer,
    Keyword,
    Long,
    Mapping,
    Q,
    Search,
    Text,
)

from search import bitmaps, scoring, statistics, synonyms
from search.index import FACET_NAMES, HIGHLIGHT_FIELDS, LONG_TEXT_SOURCES, TEXT_FIELDS

from .base import BackendUnavailable, SearchBackend, SearchHit, SearchResults, highlights
from .elasticsearch_actions import (
    delete_actions,
    index_actions,
    swap_actions,
    withdraw_actions,
)
from .elasticsearch_errors import unavailable
from .elasticsearch_query import (
    CANDIDATES,
    clause_shares,
    selecting_clauses,
    selection_helps,
    shares_body,
    term_field,
    text_query,
)

FACET_SIZE = 100  # more than the largest taxonomy (40 scenarios)
# A rebuild sends this many bulk requests (one per batch of documents) at a time.
LOAD_THREADS = 4
# While a rebuild loads its new index: no periodic refresh, no replica to copy each write to.
LOADING_SETTINGS = {"refresh_interval": "-1", "number_of_replicas": 0}
TERM_FIELDS = tuple(term_field(field) for field in TEXT_FIELDS)


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def build_mapping():
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("id", Long())
    mapping.field("version", Keyword())
    mapping.field("published_at", Date())
    mapping.field("vendor_id", Long())
    for field in TEXT_FIELDS:
        # The text as written, kept for reading back and highlighting; its terms are searched.
        for source in field.sources:
            mapping.field(source, Text(index=False))
        mapping.field(term_field(field), Text(analyzer="whitespace"))
    for facet in FACET_NAMES:
        mapping.field(facet, Keyword())
    mapping.field("maturity_from", Integer())
    mapping.field("maturity_to", Integer())
    mapping.field("price_min_cny", Double())
    mapping.field("price_max_cny", Double())
    # Null until the solution has ratings; the "rating" sort puts those last.
    mapping.field("rating_avg", Double())
    mapping.field("rating_count", Integer())
    mapping.field("case_study_industries", Keyword())
    mapping.field("case_study_count", Integer())
    mapping.field("outcome_count", Integer())
    return mapping


def index_body():
    """Settings and mappings of a solutions index."""
    index = Index("solutions")
    index.settings(number_of_shards=1)
    index.mapping(build_mapping())
    return index.to_dict()


def schema_version(body=None):
    """A short hash of the index body: a changed mapping means a new index."""
    body = json.dumps(body if body is not None else index_body(), sort_keys=True).encode()
    return hashlib.sha256(body).hexdigest()[:10]


def is_current(indices):
    """Whether any of these index names is of the current schema (see _new_index_name)."""
    version = schema_version()
    return any(version in name for name in indices)


def facet_filter(facet, values):
    return Q("terms", **{facet: list(values)})


def rescored(query, clauses):
    """Whether the page asked for lies among the candidates the relevance order rescores.
    Pages beyond them keep the cluster's order (the rescore only reorders the candidates,
    so the two never share a document)."""
    return bool(clauses) and query.sort == "relevance" and query.offset < CANDIDATES


def build_search(index, query, clauses=(), selecting=None):
    """The Search for a SearchQuery whose text parsed into `clauses` (`selecting`: see
    elasticsearch_query.text_query): text in `query` (so it narrows the aggregations), facet
    selections in `post_filter` (so they narrow only the hits) and, per facet, an aggregation
    filtered by the other facets' selections: each facet's counts ignore its own selection.
    In relevance order it asks for the candidates from the first on (see `rescored`); the
    ids and scores only, highlights come from the page's _source. Matches are counted only
    when the query asks for a total (SearchQuery.with_total): uncounted, Lucene may skip
    those that cannot reach the page."""
    search = Search(index=index).extra(track_total_hits=query.with_total).source(False)
    if clauses:
        search = search.query(Q(text_query(clauses, query.operator, selecting)))
    if query.exclude_ids:
        search = search.exclude("ids", values=[str(pk) for pk in query.exclude_ids])
    if query.filters:
        search = search.post_filter(
            Q("bool", filter=[facet_filter(n, v) for n, v in query.filters.items()])
        )
    for facet in FACET_NAMES if query.with_facets else ():
        others = [facet_filter(n, v) for n, v in query.filters.items() if n != facet]
        search.aggs.bucket(facet, "filter", filter=Q("bool", filter=others)).bucket(
            "values", "terms", field=facet, size=FACET_SIZE
        )
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    relevance = ["_score"] if clauses and query.sort != "newest" else []
    rating = [{"rating_avg": {"order": "desc", "missing": "_last"}}]
    search = search.sort(*(rating if query.sort == "rating" else []), *relevance, newest,
                         {"id": "desc"})
    if rescored(query, clauses):
        return search[: max(CANDIDATES, query.offset + query.page_size)]
    return search[query.offset : query.offset + query.page_size]


def build_more_like_this(index, solution_id, limit):
    like = Q(
        "more_like_this",
        fields=list(TERM_FIELDS),
        like=[{"_index": index, "_id": str(solution_id)}],
        min_term_freq=1,
        min_doc_freq=1,
        max_query_terms=40,
    )
    return Search(index=index).query(like).exclude("ids", values=[str(solution_id)])[:limit]


def parse_response(response, query):
    hits = [
        SearchHit(id=int(hit["_id"]), score=float(hit.get("_score") or 0.0))
        for hit in response["hits"]["hits"]
    ]
    aggregations = response.get("aggregations", {})
    facets = {
        facet: {
            str(bucket["key"]): bucket["doc_count"]
            for bucket in aggregations.get(facet, {}).get("values", {}).get("buckets", [])
        }
        for facet in FACET_NAMES
    }
    return SearchResults(
        hits=hits,
        # Left out of the response when the request did not count (build_search).
        total=(response["hits"].get("total") or {}).get("value"),
        facets=facets,
        query=query,
        backend=ElasticsearchBackend.name,
    )


def _translating_errors(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (TransportError, ApiError, helpers.BulkIndexError) as exc:
            if unavailable(exc):
                raise BackendUnavailable(f"Elasticsearch: {exc}") from exc
            raise

    return wrapper


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client, prefix="zhizao", *, refresh=False, replicas=1):
        self.client = client
        self.alias = f"{prefix}-solutions"
        # Held by the index a running `search_index rebuild` is filling. It lives in the
        # cluster, so every process writing sees it, and it goes when its index goes: a
        # rebuild that dies leaves no marker pointing at nothing.
        self.rebuilding_alias = f"{self.alias}-rebuilding"
        # True makes writes visible to the next search at once (tests); production relies on
        # the cluster's periodic refresh.
        self.refresh = refresh
        self._index_ready = False
        # Replicas of an index that serves; a rebuild loads its new index without any.
        self.replicas = replicas

    @classmethod
    def from_settings(cls):
        client = Elasticsearch(
            settings.ELASTICSEARCH_URL,
            request_timeout=settings.ELASTICSEARCH_TIMEOUT,
            max_retries=1,
            retry_on_timeout=False,
        )
        return cls(client, settings.ELASTICSEARCH_INDEX_PREFIX,
                   replicas=settings.ELASTICSEARCH_REPLICAS)

    def _new_index_name(self, stamp=True):
        name = f"{self.alias}-{schema_version()}"
        if stamp:
            name += "-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        return name

    def _create_index(self, name, aliases=None, *, loading=False):
        """Create an index serving at once, or, `loading`, one set for a bulk load (see
        LOADING_SETTINGS and serving_settings)."""
        body = index_body()
        index_settings = {**body["settings"], "number_of_replicas": self.replicas}
        if loading:
            index_settings.update(LOADING_SETTINGS)
        self.client.indices.create(
            index=name, settings=index_settings, mappings=body["mappings"], aliases=aliases
        )

    def serving_settings(self):
        """What a loaded index gets back before it serves: the default refresh interval
        (null resets it) and the configured replicas."""
        return {"index": {"refresh_interval": None, "number_of_replicas": self.replicas}}

    def ensure_index(self, *, create=True):
        """Create the first index behind the alias when there is none (`create`: writes do;
        a read leaves a missing index missing, and falls back). Its name is fixed per schema,
        so two processes racing to create it make one index, not two.

        An index of another schema is not used: its mapping lacks what this code writes and
        searches (after an upgrade, until `search_index rebuild` swaps in the current one),
        so it is unavailable meanwhile: reads fall back to the database, writes wait in the
        outbox. Known once per process when current; checked again while it is not."""
        if self._index_ready:
            return
        indices = self._indices()
        if indices and not is_current(indices):
            raise BackendUnavailable(
                f"Elasticsearch: {self.alias} is {', '.join(indices)}, not of the current "
                f"schema {schema_version()}: `search_index rebuild` builds it"
            )
        if not indices:
            if not create:
                return
            try:
                self._create_index(self._new_index_name(stamp=False), {self.alias: {}})
            except BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        self._index_ready = True

    def _indices(self, alias=None):
        try:
            return sorted(self.client.indices.get_alias(name=alias or self.alias))
        except NotFoundError:
            return []

    def write_targets(self):
        """Where a write goes: the alias, and the index a rebuild is filling, if one is, so
        the rebuilt index holds the write when it is swapped in. One more request per write:
        writes come from the outbox, off the request path, and a cached answer could miss
        the start of a rebuild."""
        return [self.alias, *self._indices(self.rebuilding_alias)]

    @_translating_errors
    def index(self, docs):
        docs = list(docs)
        if docs:
            self.ensure_index()
            helpers.bulk(
                self.client, index_actions(self.write_targets(), docs), refresh=self.refresh
            )

    @_translating_errors
    def delete(self, ids):
        ids = list(ids)
        if ids:
            self.ensure_index()
            helpers.bulk(
                self.client, delete_actions(self.write_targets(), ids), refresh=self.refresh,
                ignore_status=(404,),
            )

    @_translating_errors
    def search(self, query):
        self.ensure_index(create=False)
        clauses = synonyms.query_clauses(query.text, any_word=query.operator == "or")
        selecting = self._selecting(clauses) if query.operator == "or" else None
        body = build_search(self.alias, query, clauses, selecting).to_dict()
        results = parse_response(self.client.search(index=self.alias, body=body), query)
        if rescored(query, clauses):
            hits = self._rescore(clauses, results.hits[:CANDIDATES]) + results.hits[CANDIDATES:]
            results.hits = hits[query.offset : query.offset + query.page_size]
        if clauses and results.hits and query.with_highlights:
            sources = self._sources([hit.id for hit in results.hits], HIGHLIGHT_FIELDS)
            for hit in results.hits:
                hit.highlight = highlights(sources.get(hit.id, {}), clauses)
        return results

    def _selecting(self, clauses):
        """The clauses that select an any-word query's candidates (see
        elasticsearch_query.selecting_clauses), counted by the cluster in one request."""
        if not selection_helps(clauses):
            return None
        response = self.client.search(index=self.alias, body=shares_body(clauses))
        return selecting_clauses(clauses, clause_shares(response, clauses))

    def _rescore(self, clauses, hits):
        """The candidates (SearchHits, the cluster's best first) in search.scoring's order,
        scored from their indexed terms with the term statistics the database keeps beside
        the cluster (its fallback index holds the same documents): the same scores as the
        database backends. Ties keep the cluster's order."""
        if not hits:
            return hits
        sources = self._sources([hit.id for hit in hits], TERM_FIELDS)
        entries = {
            hit.id: scoring.EntryTerms.of_fields(
                " ".join(_as_list(sources.get(hit.id, {}).get(name))) for name in TERM_FIELDS)
            for hit in hits
        }
        stats = statistics.for_clauses("default", bitmaps.current(), clauses)
        scores = scoring.rank(clauses, entries, stats)
        for hit in hits:
            hit.score = scores.get(hit.id, 0.0)
        return sorted(hits, key=lambda hit: -hit.score)

    def _sources(self, ids, fields=None, excluded=()):
        """{id: _source} of these documents, reduced to `fields` (all of the document as
        search.index built it by default, but for `excluded`: its terms are left out)."""
        ids = [str(pk) for pk in ids]
        if not ids:
            return {}
        if fields is None:
            response = self.client.mget(index=self.alias, ids=ids,
                                        source_excludes=[*TERM_FIELDS, *excluded])
        else:
            response = self.client.mget(index=self.alias, ids=ids, source_includes=list(fields))
        return {int(doc["_id"]): doc["_source"] for doc in response["docs"] if doc.get("found")}

    @_translating_errors
    def documents(self, ids, *, long_texts=True):
        return self._sources(ids, excluded=() if long_texts else LONG_TEXT_SOURCES)

    @_translating_errors
    def more_like_this(self, solution_id, limit=5):
        self.ensure_index(create=False)
        body = build_more_like_this(self.alias, solution_id, limit).to_dict()
        response = self.client.search(index=self.alias, body=body)
        return [
            SearchHit(id=int(hit["_id"]), score=float(hit.get("_score") or 0.0))
            for hit in response["hits"]["hits"]
        ]

    def ping(self):
        return bool(self.client.ping())

    @_translating_errors
    def clear(self):
        for name in self._indices():
            self.client.indices.delete(index=name)
        self._index_ready = False
        self.ensure_index()

    @_translating_errors
    def indexed_versions(self):
        if not self._indices():
            return {}
        return {
            int(hit["_id"]): hit["_source"].get("version", "")
            for hit in helpers.scan(
                self.client, index=self.alias, query={"_source": ["version"]}
            )
        }

    @_translating_errors
    def count(self):
        if not self._indices():
            return 0
        return self.client.count(index=self.alias)["count"]

    @_translating_errors
    def rebuild(self, batches, live_ids=None):
        """Build a new index aside, then point the alias at it in one atomic alias update:
        readers never see a half-built index.

        Writes made meanwhile reach the new index too (write_targets): it holds the
        rebuilding alias from its creation, before the first document is read from the
        database, so a write either reached the database before the rebuild read it or
        sees the alias. The copy only creates documents: one a concurrent write put there
        first was built after the write's commit, so it is at least as new as the copy.
        A solution withdrawn between the copy reading it and writing it would stay (its
        delete found nothing to delete): `live_ids()`, the ids that belong in the index
        now, asked once the copy is done, removes those before the swap."""
        new = self._new_index_name()
        self._drop_abandoned_rebuilds()
        self._create_index(new, {self.rebuilding_alias: {}}, loading=True)
        try:
            total = self._load(new, batches)
            self.client.indices.put_settings(index=new, settings=self.serving_settings())
            self.client.indices.refresh(index=new)
            if live_ids is not None:
                self._remove_withdrawn(new, live_ids)
            old = self._indices()
            self.client.indices.update_aliases(
                actions=swap_actions(self.alias, self.rebuilding_alias, old, new)
            )
        except Exception:
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        self._index_ready = True
        return total

    def _load(self, index, batches):
        """Copy the batches into `index`, LOAD_THREADS bulk requests at a time, and return
        how many documents there were. The batches are read here, in this thread: they come
        from the database, in this thread's connection and transaction, and whoever yields
        them may write there too (search.services.rebuild_index, FallbackBackend.rebuild);
        helpers.parallel_bulk would pull them from a thread of its pool. The pool's threads
        analyse the documents' terms and send them while this one reads on. Reading waits
        while LOAD_THREADS batches are still being sent, so only a few are held at once."""
        total, pending = 0, collections.deque()
        pool = ThreadPoolExecutor(max_workers=LOAD_THREADS, thread_name_prefix="es-rebuild")
        try:
            for docs in batches:
                pending.append(pool.submit(self._copy, index, docs))
                total += len(docs)
                while len(pending) > LOAD_THREADS:
                    pending.popleft().result()
            while pending:
                pending.popleft().result()
        finally:
            pool.shutdown(cancel_futures=True)
        return total

    def _copy(self, index, docs):
        """One batch of a rebuild's copy. It only creates documents (see `rebuild`): a
        conflict is not an error."""
        helpers.bulk(self.client, index_actions(index, docs, op_type="create"),
                     ignore_status=(409,))

    def _remove_withdrawn(self, index, live_ids):
        copied = {
            hit["_id"]: (hit["_seq_no"], hit["_primary_term"])
            for hit in helpers.scan(self.client, index=index,
                                    query={"_source": False, "seq_no_primary_term": True})
        }
        actions = withdraw_actions(index, copied, live_ids())
        if actions:
            # 404: a concurrent write deleted it first; 409: one wrote it again since.
            helpers.bulk(self.client, actions, ignore_status=(404, 409), refresh=True)

    def _drop_abandoned_rebuilds(self):
        """A rebuild killed before its swap leaves its index behind, still taking every
        write. One rebuild runs at a time (the command), so any such index is abandoned."""
        for name in self._indices(self.rebuilding_alias):
            self.client.indices.delete(index=name, ignore_unavailable=True)

    @_translating_errors
    def describe(self):
        """What `search_index status` shows about the cluster side."""
        indices = self._indices()
        version = schema_version()
        return {
            "alias": self.alias,
            "indices": indices,
            "schema_version": version,
            # False after a change of mapping: `search_index rebuild` applies it.
            "schema_current": is_current(indices),
            # An index here with no rebuild running is one a killed rebuild left; it takes
            # every write until the next rebuild drops it.
            "rebuilding": self._indices(self.rebuilding_alias),
        }
