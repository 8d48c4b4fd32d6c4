"""The Elasticsearch backend, through the `elasticsearch.dsl` module of the official client.

The mapping follows search.index: `*_en` fields use the `english` analyzer (stemming), `*_zh`
fields the built-in `cjk` analyzer (overlapping bigrams), fields in either language get both as
sub-fields, facets are keywords. Queries are analysed by the same chains plus a
`synonym_graph` filter holding search.synonyms' groups (MES ↔ 制造执行系统 ↔ manufacturing
execution system): synonyms apply at search time only, so the indexed text stays as written.
The filter comes last, after stemming (English) and bigrams (Chinese), so its rules are
parsed into the very terms the index holds. Readers and writers use an alias; the concrete
index name carries a hash of the mapping (and the synonyms), so a rebuild builds a new index
aside and swaps the alias; writes made meanwhile reach both (ElasticsearchBackend.rebuild).

The request bodies (here) and bulk actions (elasticsearch_actions) are plain functions, tested
as data.
Any failure to reach the cluster, or a cluster the client cannot talk to, is raised as
BackendUnavailable (search.backends.elasticsearch_errors draws the line).
"""

import functools
import hashlib
import json
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
    analyzer,
    token_filter,
)

from search.index import FACET_NAMES, HIGHLIGHT_FIELDS, TEXT_FIELDS

from .base import BackendUnavailable, SearchBackend, SearchHit, SearchResults
from .elasticsearch_actions import (
    delete_actions,
    index_actions,
    swap_actions,
    withdraw_actions,
)
from .elasticsearch_errors import unavailable

FACET_SIZE = 100  # more than the largest taxonomy (40 scenarios)
SUMMARY_FRAGMENT_CHARS = 200

# The built-in `english` analyzer rebuilt (as Elasticsearch documents it) with one addition:
# stem overrides for words the catalog's readers expect to match and Porter keeps apart
# (maintain / maintenance). The database backends do the same in search.analysis.stem.
ENGLISH_FILTERS = [
    token_filter("zhizao_english_possessive", type="stemmer", language="possessive_english"),
    "lowercase",
    token_filter("zhizao_english_stop", type="stop", stopwords="_english_"),
    token_filter(
        "zhizao_english_overrides",
        type="stemmer_override",
        rules=["maintenance, maintenances => maintain"],
    ),
    token_filter("zhizao_english_stemmer", type="stemmer", language="english"),
]
ENGLISH = analyzer("zhizao_english", tokenizer="standard", filter=ENGLISH_FILTERS)
# The built-in `cjk` analyzer, rebuilt as Elasticsearch documents it, for its search variant.
CJK_FILTERS = [
    "cjk_width",
    "lowercase",
    "cjk_bigram",
    token_filter("zhizao_cjk_stop", type="stop", stopwords=[
        "a", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "s", "such", "t", "that", "the", "their", "then",
        "there", "these", "they", "this", "to", "was", "will", "with", "www",
    ]),
]
ANALYZERS = {"_en": ENGLISH, "_zh": "cjk"}
SYNONYM_FILTER = "zhizao_synonyms"


def search_analyzers(rules):
    """{suffix: search analyzer}: each index analyzer's chain followed by the synonym filter.
    The `cjk` chain is the built-in one rebuilt as Elasticsearch documents it."""
    # An empty rule list is refused by Elasticsearch: no rules, no filter.
    synonyms = [token_filter(SYNONYM_FILTER, type="synonym_graph", synonyms=list(rules),
                             lenient=True)] if rules else []
    return {
        "_en": analyzer("zhizao_english_search", tokenizer="standard",
                        filter=[*ENGLISH_FILTERS, *synonyms]),
        "_zh": analyzer("zhizao_cjk_search", tokenizer="standard",
                        filter=[*CJK_FILTERS, *synonyms]),
    }


def _text_field(source, searching):
    for suffix, language_analyzer in ANALYZERS.items():
        if source.endswith(suffix):
            return Text(analyzer=language_analyzer, search_analyzer=searching[suffix])
    return Text(
        analyzer="standard",
        fields={
            "en": Text(analyzer=ENGLISH, search_analyzer=searching["_en"]),
            "zh": Text(analyzer="cjk", search_analyzer=searching["_zh"]),
        },
    )


def _searched_names(source):
    if source.endswith(tuple(ANALYZERS)):
        return [source]
    return [source, f"{source}.en", f"{source}.zh"]


def build_mapping(rules=()):
    searching = search_analyzers(rules)
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("id", Long())
    mapping.field("version", Keyword())
    mapping.field("published_at", Date())
    mapping.field("vendor_id", Long())
    for field in TEXT_FIELDS:
        for source in field.sources:
            mapping.field(source, _text_field(source, searching))
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


def index_body(rules=()):
    """Settings and mappings of a solutions index, with these synonym rules (Solr format,
    see search.synonyms.synonym_rules) in its search analyzers."""
    index = Index("solutions")
    index.settings(number_of_shards=1)
    index.mapping(build_mapping(rules))
    return index.to_dict()


def schema_version(body=None):
    """A short hash of the index body: a changed mapping or synonym list means a new index."""
    body = json.dumps(body if body is not None else index_body(), sort_keys=True).encode()
    return hashlib.sha256(body).hexdigest()[:10]


def query_fields():
    """Every searched field with its weight, as Elasticsearch's `field^boost` strings."""
    return [
        f"{name}^{field.weight}"
        for field in TEXT_FIELDS
        for source in field.sources
        for name in _searched_names(source)
    ]


def facet_filter(facet, values):
    return Q("terms", **{facet: list(values)})


def build_search(index, query):
    """The Search for a SearchQuery: text in `query` (so it narrows the aggregations), facet
    selections in `post_filter` (so they narrow only the hits) and, per facet, an aggregation
    filtered by the other facets' selections: each facet's counts ignore its own selection."""
    search = Search(index=index).extra(track_total_hits=True)
    if query.text:
        search = search.query(
            Q(
                "multi_match",
                query=query.text,
                fields=query_fields(),
                type="best_fields",
                operator=query.operator,
                tie_breaker=0.3,
            )
        )
        search = search.highlight_options(
            encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"]
        )
        for name in HIGHLIGHT_FIELDS:
            if name.startswith("summary"):
                search = search.highlight(
                    name, fragment_size=SUMMARY_FRAGMENT_CHARS, number_of_fragments=1
                )
            else:
                search = search.highlight(name, number_of_fragments=0)
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
    relevance = ["_score"] if query.text and query.sort != "newest" else []
    rating = [{"rating_avg": {"order": "desc", "missing": "_last"}}]
    search = search.sort(*(rating if query.sort == "rating" else []), *relevance, newest,
                         {"id": "desc"})
    return search[query.offset : query.offset + query.page_size]


def build_more_like_this(index, solution_id, limit):
    sources = [source for field in TEXT_FIELDS for source in field.sources]
    like = Q(
        "more_like_this",
        fields=sources,
        like=[{"_index": index, "_id": str(solution_id)}],
        min_term_freq=1,
        min_doc_freq=1,
        max_query_terms=40,
    )
    return Search(index=index).query(like).exclude("ids", values=[str(solution_id)])[:limit]


def parse_response(response, query):
    hits = [
        SearchHit(
            id=int(hit["_id"]),
            score=float(hit.get("_score") or 0.0),
            highlight={name: " … ".join(parts) for name, parts in hit.get("highlight", {}).items()},
        )
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
        total=response["hits"]["total"]["value"],
        facets=facets,
        query=query,
        backend=ElasticsearchBackend.name,
    )


def _taxonomy_synonym_rules():
    from search.synonyms import synonym_rules

    return synonym_rules()


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

    def __init__(self, client, prefix="zhizao", *, refresh=False, synonym_rules=None):
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
        # A callable giving the synonym rules; read when an index is created.
        self._synonym_rules = synonym_rules or _taxonomy_synonym_rules

    def index_body(self):
        return index_body(self._synonym_rules())

    def schema_version(self):
        return schema_version(self.index_body())

    @classmethod
    def from_settings(cls):
        client = Elasticsearch(
            settings.ELASTICSEARCH_URL,
            request_timeout=settings.ELASTICSEARCH_TIMEOUT,
            max_retries=1,
            retry_on_timeout=False,
        )
        return cls(client, settings.ELASTICSEARCH_INDEX_PREFIX)

    def _new_index_name(self, stamp=True):
        name = f"{self.alias}-{self.schema_version()}"
        if stamp:
            name += "-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        return name

    def _create_index(self, name, aliases=None):
        body = self.index_body()
        self.client.indices.create(
            index=name, settings=body["settings"], mappings=body["mappings"], aliases=aliases
        )

    def ensure_index(self):
        """Create the first index behind the alias when there is none. Its name is fixed per
        schema, so two processes racing to create it make one index, not two."""
        if self._index_ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
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
        body = build_search(self.alias, query).to_dict()
        return parse_response(self.client.search(index=self.alias, body=body), query)

    @_translating_errors
    def documents(self, ids):
        ids = [str(pk) for pk in ids]
        if not ids:
            return {}
        response = self.client.mget(index=self.alias, ids=ids)
        return {int(doc["_id"]): doc["_source"] for doc in response["docs"] if doc.get("found")}

    @_translating_errors
    def more_like_this(self, solution_id, limit=5):
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
        self._create_index(new, {self.rebuilding_alias: {}})
        try:
            total = 0
            for docs in batches:
                helpers.bulk(
                    self.client, index_actions(new, docs, op_type="create"),
                    ignore_status=(409,),
                )
                total += len(docs)
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
        version = self.schema_version()
        return {
            "alias": self.alias,
            "indices": indices,
            "schema_version": version,
            # False after a change of mapping or synonyms: `search_index rebuild` applies it.
            "schema_current": any(version in name for name in indices),
            # An index here with no rebuild running is one a killed rebuild left; it takes
            # every write until the next rebuild drops it.
            "rebuilding": self._indices(self.rebuilding_alias),
        }
