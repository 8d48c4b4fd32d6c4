"""The search page: a query and facet filters in the URL, answered through search.selectors.

A page says one thing about how its results match: the results with no notice when they have
every word, "these have some of the words" when the search was relaxed (selectors.run_search),
or, when nothing matches, one message naming the query with what to try (fewer words, and a
link removing each active filter)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .analysis import parse_query
from .backends import BackendUnavailable, SearchQuery
from .backends.base import SORTS
from .index import FACETS
from .selectors import search_page

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_VALUES_PER_FACET = 50


def _highlighted(hit, field, solution):
    """The highlighted version of the field a card shows (the reader's language first)."""
    zh_first = (get_language() or "en").startswith("zh")
    has_zh, has_en = getattr(solution, f"{field}_zh"), getattr(solution, f"{field}_en")
    shown = "zh" if (zh_first and has_zh) or not has_en else "en"
    marked = hit.highlight.get(f"{field}_{shown}")
    # search.analysis.highlight escapes the text and adds nothing but <mark> elements.
    return mark_safe(marked) if marked else None  # noqa: S308


def _page_number(raw):
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _query_from(params):
    text = params.get("q", "").strip()[:200]
    sort = params.get("sort")
    if sort not in SORTS:
        sort = "relevance" if text else "newest"
    filters = {
        facet.name: params.getlist(facet.name)[:MAX_VALUES_PER_FACET]
        for facet in FACETS
        if params.getlist(facet.name)
    }
    return SearchQuery(text=text, filters=filters, sort=sort,
                       page=_page_number(params.get("page")), page_size=PAGE_SIZE)


def _removable_filters(params, facet_groups):
    """Each selected facet value with its label and the query string of the same search
    without it: what an empty page offers to remove."""
    removable = []
    for group in facet_groups:
        for option in group["options"]:
            if not option["selected"]:
                continue
            kept = params.copy()
            kept.setlist(group["name"], [value for value in params.getlist(group["name"])
                                         if value != option["value"]])
            removable.append({"label": f"{group['label']}: {option['label']}",
                              "querystring": kept.urlencode()})
    return removable


def search(request):
    query = _query_from(request.GET)
    try:
        page = search_page(query)
    except BackendUnavailable:
        page = None

    solutions, facet_groups, total = [], [], 0
    if page is not None:
        total = page.results.total
        for hit in page.results.hits:
            solution = page.solutions.get(hit.id)
            if solution is None:  # unpublished since it was indexed
                continue
            solution.title_html = _highlighted(hit, "title", solution)
            solution.summary_html = _highlighted(hit, "summary", solution)
            solutions.append(solution)
        facet_groups = [
            {"name": facet.name, "label": facet.label, "options": page.facets[facet.name]}
            for facet in FACETS
            if page.facets.get(facet.name)
        ]

    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "search/search.html", {
        "text": query.text,
        "several_words": len(parse_query(query.text)) > 1,
        "removable_filters": _removable_filters(params, facet_groups) if not solutions else [],
        "sort": query.sort,
        "solutions": solutions,
        "total": total,
        "facet_groups": facet_groups,
        "has_filters": bool(query.filters),
        "active_filters": sum(len(values) for values in query.filters.values()),
        "relaxed": page is not None and page.relaxed,
        "page_obj": Paginator(range(total), PAGE_SIZE).get_page(query.page),
        "querystring": params.urlencode(),
        "unavailable": page is None,
    })
