"""The interface every search backend implements, and the query and result shapes they share."""

from dataclasses import dataclass, field

from search import analysis
from search.index import FACET_NAMES, HIGHLIGHT_FIELDS

# relevance: best text match first (newest first without text); newest: publication time;
# rating: highest average rating first, unrated last, then as relevance. Ratings are the
# documents' optional `rating_avg` (see search.index.solution_ratings).
SORTS = ("relevance", "newest", "rating")
OPERATORS = ("and", "or")
MAX_PAGE_SIZE = 500


class BackendUnavailable(Exception):
    """The search service cannot be reached; callers may fall back or retry later."""


@dataclass
class SearchQuery:
    """What to look for.

    `filters` maps a facet name to the values wanted: several values of one facet are OR-ed,
    different facets AND-ed. Each facet's counts ignore that facet's own selection, so a
    reader can widen a selection as easily as narrow it. `operator` says whether every word of
    `text` must match ("and", the search box) or any ("or", matching a need's long text)."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    operator: str = "and"
    exclude_ids: tuple[int, ...] = ()
    # False when only the hits matter (matching): saves counting every facet.
    with_facets: bool = True
    # False when the caller marks the words itself, in the few hits it keeps (matching ranks
    # 50 candidates and explains 10): saves reading and marking the others.
    with_highlights: bool = True
    # False when only the hits matter: a backend may then leave the matches uncounted and
    # answer with SearchResults.total None (the database backend does for a large match).
    with_total: bool = True

    def __post_init__(self):
        unknown = set(self.filters) - set(FACET_NAMES)
        if unknown:
            raise ValueError(f"Unknown facets: {', '.join(sorted(unknown))}")
        cleaned = {}
        for name, values in self.filters.items():
            if isinstance(values, str | int):
                values = [values]
            kept = sorted({str(value) for value in values or () if str(value)})
            if kept:
                cleaned[name] = kept
        self.filters = cleaned
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}")
        if self.operator not in OPERATORS:
            raise ValueError(f"operator must be one of {OPERATORS}")
        if self.page < 1 or not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError("page must be 1 or more and page_size between 1 and 500")
        self.text = (self.text or "").strip()
        self.exclude_ids = tuple(int(pk) for pk in self.exclude_ids)

    @property
    def offset(self):
        return (self.page - 1) * self.page_size

    def filters_except(self, facet):
        return {name: values for name, values in self.filters.items() if name != facet}


@dataclass
class SearchHit:
    id: int
    score: float
    # Document field (title_en, summary_zh, …) → HTML with the matching words in <mark>;
    # only fields that matched.
    highlight: dict[str, str] = field(default_factory=dict)


# A summary is marked within a fragment of this many characters around its first match.
SUMMARY_FRAGMENT_CHARS = 200


def highlights(source, clauses):
    """{field: HTML} of a document's HIGHLIGHT_FIELDS with the words matching `clauses` in
    <mark>, for the fields with a match only: what every backend puts in SearchHit.highlight."""
    marked = {}
    for name in HIGHLIGHT_FIELDS:
        fragment = SUMMARY_FRAGMENT_CHARS if name.startswith("summary") else None
        html = analysis.highlight(source.get(name) or "", clauses, fragment_chars=fragment)
        if html:
            marked[name] = html
    return marked


@dataclass
class SearchResults:
    hits: list[SearchHit]
    # None when the query asked for no total (SearchQuery.with_total) and none was counted.
    total: int | None
    # Facet name → {value: count}, every facet present (empty when nothing to count).
    facets: dict[str, dict[str, int]]
    query: SearchQuery
    backend: str = ""

    @property
    def ids(self):
        return [hit.id for hit in self.hits]


class SearchBackend:
    """Indexes documents built by search.index and answers SearchQuery objects."""

    name = "base"

    def index(self, docs):
        """Add or replace these documents (idempotent)."""
        raise NotImplementedError

    def delete(self, ids):
        """Remove these solutions from the index; ids not in it are ignored."""
        raise NotImplementedError

    def search(self, query):
        """SearchResults for a SearchQuery."""
        raise NotImplementedError

    def more_like_this(self, solution_id, limit=5):
        """SearchHits of the solutions most like this one (never itself), best first."""
        raise NotImplementedError

    def documents(self, ids, *, long_texts=True):
        """{id: indexed document (search.index)} of those of these ids in the index; without
        search.index.LONG_TEXT_SOURCES unless `long_texts`."""
        raise NotImplementedError

    def ping(self):
        """True when the backend can answer queries."""
        raise NotImplementedError

    def clear(self):
        """Remove every document."""
        raise NotImplementedError

    def indexed_versions(self):
        """{solution id: document version} of everything indexed, to find stale entries."""
        raise NotImplementedError

    def count(self):
        return len(self.indexed_versions())

    def rebuild(self, batches, live_ids=None):
        """Replace the whole index by the documents in `batches` (an iterable of lists).
        Backends that can build aside and swap (Elasticsearch) override this; `live_ids`
        (a callable: the ids that belong in the index now) serves those that take writes
        while they build (see ElasticsearchBackend.rebuild)."""
        self.clear()
        total = 0
        for docs in batches:
            self.index(docs)
            total += len(docs)
        return total

    @staticmethod
    def empty_facets():
        return {name: {} for name in FACET_NAMES}
