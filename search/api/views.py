from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from catalog.models import Solution, SolutionStatus
from search import selectors
from search.backends import SearchQuery
from search.index import FACET_NAMES, FACETS

from .serializers import (
    FACET_CHOICES,
    SearchParamsSerializer,
    SearchResponseSerializer,
    SearchResultSerializer,
    SimilarResponseSerializer,
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

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="search_solutions",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words in English or Chinese."),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=["relevance", "newest"]),
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

    permission_classes = [permissions.AllowAny]

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
