from django.urls import path

from .views import SearchView, SimilarSolutionsView, SuggestView

# Plain paths: search is a query over solutions, not a resource with its own rows.
urlpatterns = [
    path("search/", SearchView.as_view(), name="api-search"),
    path("search/suggest/", SuggestView.as_view(), name="api-search-suggest"),
    path(
        "search/similar/<int:solution_id>/",
        SimilarSolutionsView.as_view(),
        name="api-search-similar",
    ),
]
