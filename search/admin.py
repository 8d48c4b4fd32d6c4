from django.contrib import admin

from .models import SearchEntry, SearchFacet


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
