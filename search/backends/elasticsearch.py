"""The Elasticsearch backend, through the `elasticsearch.dsl` module of the official client.

The mapping follows search.index: `*_en` fields use the `english` analyzer (stemming), `*_zh`
fields the built-in `cjk` analyzer (overlapping bigrams), fields in either language get both as
sub-fields, facets are keywords. Queries are analysed by the same chains plus a
`synonym_graph` filter holding search.synonyms' groups (MES ↔ 制造执行系统 ↔ manufacturing
execution system): synonyms apply at search time only, so the indexed text stays as written.
The filter comes last, after stemming (English) and bigrams (Chinese), so its rules are
parsed into the very terms the index holds. Readers and writers use an alias; the concrete
index name carries a hash of the mapping (and the synonyms), so a rebuild builds a new index
aside and swaps the alias.

The request bodies and bulk actions are built by plain functions so they can be tested as data.
Any failure to reach the cluster, or a cluster the client cannot talk to, is raised as
BackendUnavailable (see _unavailable for where the line is drawn).
"""

import functools
import hashlib
import json
from datetime import UTC, datetime

from django.conf import settings
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, SniffingError, TransportError
from elasticsearch import (
    ApiError,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    UnsupportedProductError,
    helpers,
)
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


def index_actions(index, docs):
    """Bulk actions that add or replace documents."""
    return [
        {"_op_type": "index", "_index": index, "_id": str(doc["id"]), "_source": doc}
        for doc in docs
    ]


def delete_actions(index, ids):
    return [{"_op_type": "delete", "_index": index, "_id": str(pk)} for pk in ids]


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


# The test for "unavailable": would the same request succeed later without a change to our
# code? Then reads fall back and writes stay pending in the outbox. Otherwise the request is
# wrong (our bug: a mapping the document breaks, a malformed query) and the error is raised
# as it is, so it shows in the logs and the outbox's last_error instead of hiding behind the
# database backend's answers as an outage would.
#
# Transport failures: refused, reset, TLS, timeouts, sniffing. SerializationError is a
# TransportError too, but it means a document or an answer we could not encode or decode:
# retrying gives the same result.
UNAVAILABLE_TRANSPORT = (TransportConnectionError, ConnectionTimeout, SniffingError)
# Answers the cluster gives when it cannot serve now: a missing index (deleted, or not yet
# created), a timeout, overload, and server errors (5xx).
UNAVAILABLE_STATUSES = {404, 408, 429}
# The cluster refuses us, not the request: credentials or roles, fixed in the deployment.
# Refused requests (406, 415) and the 400 below are a client and a cluster of major versions
# that cannot talk (the 9.x client asks for `compatible-with=9`; an 8.x cluster answers 400
# media_type_header_exception, a 7.x one 406). The fix is an upgrade, not a code change.
REFUSED_STATUSES = {401, 403, 406, 415}
COMPATIBILITY_ERROR_TYPES = {"media_type_header_exception"}


def _error_type(body, message=""):
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error.get("type", "")
    return message if isinstance(message, str) else ""


def _status_unavailable(status, error_type):
    return (
        status in UNAVAILABLE_STATUSES
        or status in REFUSED_STATUSES
        or status >= 500
        or error_type in COMPATIBILITY_ERROR_TYPES
    )


def _unavailable(exc):
    """Errors that mean "the cluster cannot serve this now" rather than "this request is
    wrong" (see UNAVAILABLE_TRANSPORT and the statuses above)."""
    if isinstance(exc, UNAVAILABLE_TRANSPORT):
        return True
    if isinstance(exc, UnsupportedProductError):
        # The product check: the answer did not come from Elasticsearch (a proxy's page, an
        # incompatible fork). Nothing our request can change.
        return True
    if isinstance(exc, ApiError):
        return _status_unavailable(exc.status_code, _error_type(exc.body, exc.message))
    if isinstance(exc, helpers.BulkIndexError):
        # Per-document failures. Overload or unassigned shards on every failed document is an
        # outage; one document refused for itself (a mapping error: 400) is our bug, and
        # retrying would fail the same way, so it is raised as it is.
        return bool(exc.errors) and all(_item_unavailable(item) for item in exc.errors)
    return False


def _item_unavailable(item):
    _, info = next(iter(item.items()))
    return _status_unavailable(int(info.get("status") or 0), _error_type(info))


def _translating_errors(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (TransportError, ApiError, helpers.BulkIndexError) as exc:
            if _unavailable(exc):
                raise BackendUnavailable(f"Elasticsearch: {exc}") from exc
            raise

    return wrapper


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client, prefix="zhizao", *, refresh=False, synonym_rules=None):
        self.client = client
        self.alias = f"{prefix}-solutions"
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

    def _indices(self):
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    @_translating_errors
    def index(self, docs):
        docs = list(docs)
        if docs:
            self.ensure_index()
            helpers.bulk(self.client, index_actions(self.alias, docs), refresh=self.refresh)

    @_translating_errors
    def delete(self, ids):
        ids = list(ids)
        if ids:
            self.ensure_index()
            helpers.bulk(
                self.client, delete_actions(self.alias, ids), refresh=self.refresh,
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
    def rebuild(self, batches):
        """Build a new index aside, then point the alias at it in one atomic alias update:
        readers never see a half-built index."""
        new = self._new_index_name()
        self._create_index(new)
        try:
            total = 0
            for docs in batches:
                helpers.bulk(self.client, index_actions(new, docs))
                total += len(docs)
            self.client.indices.refresh(index=new)
            old = self._indices()
            self.client.indices.update_aliases(
                actions=[{"remove": {"index": name, "alias": self.alias}} for name in old]
                + [{"add": {"index": new, "alias": self.alias}}]
            )
        except Exception:
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        self._index_ready = True
        return total

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
        }
