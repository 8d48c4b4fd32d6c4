"""Reads for search pages and the search API: running a query, the solutions behind the hits,
and facet options with their labels in the reader's language; and the reads other apps build
on (matching in marketplace): hits for a long text, the newest solutions of some facets, the
index documents of solutions, the scenarios' names."""

import threading
from dataclasses import dataclass, replace

from catalog.models import (
    Industry,
    LifecycleStage,
    MaturityLevel,
    Region,
    Scenario,
    ScenarioLink,
    Solution,
    SolutionStatus,
    Technology,
)

from . import synonyms
from .analysis import parse_query
from .backends import SearchQuery, get_backend
from .backends.base import highlights
from .index import (
    FACETS,
    PRICE_BANDS,
    TaxonomySnapshot,
    build_documents,
    without_long_texts,
)

# Facets whose values are taxonomy rows: model and the field holding the value.
TAXONOMY_FACETS = {
    "stage": (LifecycleStage, "code"),
    "link": (ScenarioLink, "code"),
    "scenario": (Scenario, "code"),
    "industry": (Industry, "code"),
    "technology": (Technology, "code"),
    "region": (Region, "code"),
    "maturity": (MaturityLevel, "level"),
}
# What a result card shows of a solution besides its own fields (the page's
# components/solution_card.html, the search API's SearchResultSerializer): its vendor, its
# scenarios and its industries.
CARD_RELATIONS = ("scenarios", "industries")


@dataclass
class SearchPage:
    results: object  # SearchResults
    solutions: dict  # id → Solution, for the hits of this page
    facets: dict  # facet → [{value, label, count, selected}]
    relaxed: bool  # no result had every word, so any word counted


def run_search(query, *, relax=True):
    """(SearchResults, relaxed). When no solution has every word of a multi-word query, the
    query is run again with any word counting, rather than show an empty page. `relaxed` is
    true only when that second run found something: a page says either "these have some of
    the words" or "nothing matches", never both (and the API's `relaxed` means the same)."""
    backend = get_backend()
    results = backend.search(query)
    if (
        relax
        and results.total == 0
        and query.operator == "and"
        and len(parse_query(query.text)) > 1
    ):
        relaxed = backend.search(replace(query, operator="or"))
        if relaxed.total:
            return relaxed, True
    return results, False


def solutions_by_id(ids):
    """Published solutions for these ids with what a result card shows (vendor, scenarios,
    industries), in three queries. Ids no longer published (an index a moment behind) are
    left out."""
    if not ids:
        return {}
    return (Solution.objects.filter(status=SolutionStatus.PUBLISHED).select_related("vendor")
            .prefetch_related(*CARD_RELATIONS).in_bulk(list(ids)))


def _label(facet, obj):
    if facet == "scenario":
        return f"{obj.code} {obj.name}"
    if facet == "maturity":
        return str(obj)
    return obj.name


_rows_lock = threading.Lock()
_rows_cache = {}


def taxonomy_rows():
    """{facet: its taxonomy rows in model order} for TAXONOMY_FACETS, read once and kept as
    long as the documents' taxonomy is (TaxonomySnapshot.current: a few minutes, forgotten
    when this process saves a taxonomy row), so that a search page labels its facets from
    memory rather than with a query per facet."""
    snapshot = TaxonomySnapshot.current()
    with _rows_lock:
        if _rows_cache.get("snapshot") is snapshot:
            return _rows_cache["rows"]
    rows = {name: list(model.objects.all()) for name, (model, _) in TAXONOMY_FACETS.items()}
    with _rows_lock:
        _rows_cache.update(snapshot=snapshot, rows=rows)
    return rows


def facet_options(results):
    """Every facet's values with a label, a count and whether it is selected. Selected values
    are listed even at zero so they can be unselected. Taxonomy labels come from memory
    (taxonomy_rows)."""
    selection = results.query.filters
    options = {}
    taxonomy = taxonomy_rows()
    for facet in FACETS:
        counts = results.facets.get(facet.name, {})
        chosen = set(selection.get(facet.name, ()))
        values = set(counts) | chosen
        if facet.name in TAXONOMY_FACETS:
            _, key = TAXONOMY_FACETS[facet.name]
            # Model order is the natural order (stages and links by position).
            labelled = [(str(getattr(obj, key)), _label(facet.name, obj))
                        for obj in taxonomy[facet.name] if str(getattr(obj, key)) in values]
        elif facet.name == "price_band":
            labelled = [(band.code, str(band.label)) for band in PRICE_BANDS
                        if band.code in values]
        else:
            names = dict(Solution.Deployment.choices)
            labelled = [(value, str(names.get(value, value))) for value in sorted(values)]
        known = {value for value, _ in labelled}
        labelled += [(value, value) for value in sorted(values - known)]
        items = [
            {"value": value, "label": label, "count": counts.get(value, 0),
             "selected": value in chosen}
            for value, label in labelled
        ]
        if not facet.natural_order:
            items.sort(key=lambda item: (-item["count"], item["label"]))
        options[facet.name] = items
    return options


def search_page(query):
    """Everything a search page or the search API shows for one query."""
    results, relaxed = run_search(query)
    return SearchPage(
        results=results,
        solutions=solutions_by_id(results.ids),
        facets=facet_options(results),
        relaxed=relaxed,
    )


def similar_solutions(solution_id, limit=5):
    """[(Solution, SearchHit)] of the published solutions most like this one."""
    hits = get_backend().more_like_this(solution_id, limit=limit)
    solutions = solutions_by_id([hit.id for hit in hits])
    return [(solutions[hit.id], hit) for hit in hits if hit.id in solutions]


def solutions_sharing_words(text, *, exclude_ids=(), limit=10):
    """[(Solution, SearchHit)] of the published solutions sharing the most words with `text`,
    best first, with their vendor: candidates for comparing content that is not in the index
    (a draft, a proposed revision). Raises BackendUnavailable when search cannot answer."""
    query = SearchQuery(text=text, operator="or", page_size=limit, exclude_ids=exclude_ids,
                        with_facets=False)
    hits = get_backend().search(query).hits if query.text else []
    solutions = published_with_vendor([hit.id for hit in hits])
    return [(solutions[hit.id], hit) for hit in hits if hit.id in solutions]


def published_with_vendor(ids):
    """{id: Solution} of those of these ids that are published, with their vendor."""
    if not ids:
        return {}
    return (Solution.objects.filter(status=SolutionStatus.PUBLISHED).select_related("vendor")
            .in_bulk(list(ids)))


def hits_for_text(text, limit):
    """The `limit` best SearchHits (id, score) for a long text in which any word counts (a
    need's title and description), without facet counts or highlights: the caller marks
    those it keeps (text_highlights)."""
    if not text.strip():
        return []
    query = SearchQuery(text=text, operator="or", page_size=limit, with_facets=False,
                        with_highlights=False, with_total=False)
    return get_backend().search(query).hits


def text_highlights(text, docs):
    """{id: {field: HTML}} of these documents (id → document) with the words of a long text
    in which any word counts marked, as hits_for_text's backend would have marked them."""
    clauses = synonyms.query_clauses(text, any_word=True)
    if not clauses:
        return {}
    return {pk: highlights(doc, clauses) for pk, doc in docs.items()}


def newest_ids(filters, limit):
    """Ids of the `limit` most recently published solutions with these facet values (facet →
    values: OR within a facet, AND across facets)."""
    query = SearchQuery(filters=filters, sort="newest", page_size=limit, with_facets=False)
    return get_backend().search(query).ids


def documents(ids, *, long_texts=True):
    """{id: document} of these published solutions (search.index.build_document): as indexed,
    and built from the catalog for those not indexed yet; without their long texts
    (search.index.LONG_TEXT_SOURCES) unless `long_texts`."""
    docs = get_backend().documents(ids, long_texts=long_texts)
    missing = [pk for pk in ids if pk not in docs]
    if missing:
        docs.update((doc["id"], doc if long_texts else without_long_texts(doc))
                    for doc in build_documents(missing))
    return docs


def scenario_names():
    """{code: {"name_en", "name_zh", …}} of the taxonomy's scenarios, as documents name them
    (kept in memory, see TaxonomySnapshot.current)."""
    return {row["code"]: row for row in TaxonomySnapshot.current().scenarios.values()}
