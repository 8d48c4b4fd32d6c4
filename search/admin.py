from django.contrib import admin

from .models import (
    PendingSignatures,
    SearchEntry,
    SearchFacet,
    SearchIndexChange,
    SearchMarkedPhrase,
    SearchSuggestion,
    SearchTerm,
    SolutionRating,
)


class SearchFacetInline(admin.TabularInline):
    model = SearchFacet
    extra = 0
    can_delete = False
    readonly_fields = ["facet", "value"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SearchEntry)
class SearchEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by search.services from the catalog. To fix the index,
    run `manage.py search_index update` (or `rebuild`), not an edit here."""

    list_display = ["solution", "version", "published_at", "indexed_at"]
    list_select_related = ["solution"]
    search_fields = ["solution__title_en", "solution__title_zh"]
    readonly_fields = [field.name for field in SearchEntry._meta.fields]
    inlines = [SearchFacetInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by search.services, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchSuggestion)
class SearchSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "label_en", "label_zh", "weight"]
    list_filter = ["kind"]
    search_fields = ["label_en", "label_zh"]


@admin.register(SolutionRating)
class SolutionRatingAdmin(ReadOnlyAdmin):
    """Each rated solution's average, as the marketplace last told it (documents carry it)."""

    list_display = ["solution", "average", "count", "updated_at"]
    list_select_related = ["solution"]
    raw_id_fields = ["solution"]


@admin.register(SearchIndexChange)
class SearchIndexChangeAdmin(ReadOnlyAdmin):
    """The recent writes to the database index that processes catch up from."""

    list_display = ["id", "created_at", "reset", "token"]
    list_filter = ["reset"]


@admin.register(SearchTerm)
class SearchTermAdmin(ReadOnlyAdmin):
    """How many entries hold each term: the statistics every engine ranks with
    (search.scoring). Kept with the entries; `search_index rebuild` counts them again."""

    list_display = ["term", "entries"]
    search_fields = ["term"]
    ordering = ["-entries"]


@admin.register(SearchMarkedPhrase)
class SearchMarkedPhraseAdmin(ReadOnlyAdmin):
    """The synonym phrases the last rebuild marked in every entry (PostgreSQL): queries find
    them by their marks (search.marks). `search_index rebuild` writes them afresh."""

    list_display = ["phrase", "token"]
    search_fields = ["phrase", "token"]
    ordering = ["phrase"]


@admin.register(PendingSignatures)
class PendingSignaturesAdmin(ReadOnlyAdmin):
    """Present while the near-duplicate signatures do not cover the index (the check searches
    meanwhile); `search_index rebuild` writes them and removes this."""

    list_display = ["created_at"]
