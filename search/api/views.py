from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.api.policy import Access
from catalog.models import Solution, SolutionStatus
from search import selectors, suggestions
from search.backends import SearchQuery
from search.backends.base import SORTS
from search.index import FACET_NAMES, FACETS, SORTS_DESCRIPTION

from .serializers import (
    FACET_CHOICES,
    SearchParamsSerializer,
    SearchResponseSerializer,
    SearchResultSerializer,
    SimilarResponseSerializer,
    SuggestParamsSerializer,
    SuggestResponseSerializer,
)

FACET_PARAMETERS = [
    OpenApiParameter(
        facet.name,
        OpenApiTypes.STR,
        many=True,
        explode=True,
        enum=FACET_CHOICES.get(facet.name),
        description=f"{facet.label}: repeat or comma-separate values (OR); facets combine "
        "with AND.",
    )
    for facet in FACETS
]


def _page_link(request, page, last_page):
    if page < 1 or page > last_page:
        return None
    url = request.build_absolute_uri()
    if page == 1:
        return remove_query_param(url, "page")
    return replace_query_param(url, "page", page)


class SearchView(APIView):
    """Full-text search of published solutions with facets."""

    access = {"get": Access.public()}

    @extend_schema(
        operation_id="search_solutions",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words in English or Chinese."),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS),
                             description=SORTS_DESCRIPTION),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="At most 100."),
            *FACET_PARAMETERS,
        ],
        responses=SearchResponseSerializer,
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = SearchQuery(
            text=data["q"],
            filters={facet: data[facet] for facet in FACET_NAMES},
            sort=data["sort"],
            page=data["page"],
            page_size=data["page_size"],
        )
        page = selectors.search_page(query)
        total = page.results.total
        last_page = max(1, -(-total // query.page_size))
        if query.page > last_page:
            raise Http404
        results = [
            {"solution": page.solutions[hit.id], "hit": hit}
            for hit in page.results.hits
            if hit.id in page.solutions
        ]
        return Response({
            "count": total,
            "next": _page_link(request, query.page + 1, last_page),
            "previous": _page_link(request, query.page - 1, last_page),
            "relaxed": page.relaxed,
            "results": SearchResultSerializer(results, many=True).data,
            "facets": page.facets,
        })


class SimilarParamsSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)


class SimilarSolutionsView(APIView):
    """Published solutions most like this one (by text, through the search index)."""

    access = {"get": Access.public()}

    @extend_schema(
        operation_id="search_similar_solutions",
        parameters=[OpenApiParameter("limit", OpenApiTypes.INT, description="1 to 20, 5 by "
                                     "default.")],
        responses=SimilarResponseSerializer,
    )
    def get(self, request, solution_id):
        params = SimilarParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        if not Solution.objects.filter(pk=solution_id, status=SolutionStatus.PUBLISHED).exists():
            raise Http404
        pairs = selectors.similar_solutions(solution_id, limit=params.validated_data["limit"])
        results = [{"solution": solution, "hit": hit} for solution, hit in pairs]
        return Response({"results": SearchResultSerializer(results, many=True).data})


def _suggestion_item(suggestion):
    """A scenario by its code, linking to the search page filtered by it; a vendor or a
    solution by its id, linking to its page."""
    if suggestion.kind == "scenario":
        return {"code": suggestion.key, "label": suggestion.label,
                "url": f"{reverse('search')}?scenario={suggestion.key}"}
    name = "vendor-detail" if suggestion.kind == "vendor" else "solution-detail"
    pk = int(suggestion.key)
    return {"id": pk, "label": suggestion.label, "url": reverse(name, args=[pk])}


class SuggestView(APIView):
    """Suggestions while typing: scenarios, vendors and solutions whose names start with (in
    Chinese: contain) the words typed so far, in English or Chinese."""

    access = {"get": Access.public()}

    @extend_schema(
        operation_id="search_suggest",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What has been typed so far; "
                             "the last word may be incomplete."),
            OpenApiParameter("limit", OpenApiTypes.INT, description="Per kind, 1 to 10, "
                             "5 by default."),
        ],
        responses=SuggestResponseSerializer,
    )
    def get(self, request):
        params = SuggestParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = suggestions.suggest(params.validated_data["q"],
                                    limit=params.validated_data["limit"])
        return Response({kind: [_suggestion_item(item) for item in items]
                         for kind, items in found.items()})
