from django.contrib import admin

from .models import ChangeCounter, ChangeEntry


@admin.register(ChangeEntry)
class ChangeEntryAdmin(admin.ModelAdmin):
    """Written from outbox events by changes.consumers, never by hand."""

    list_display = ["seq", "resource_type", "resource_id", "action", "audience", "recorded_at"]
    list_filter = ["resource_type", "action", "audience"]
    search_fields = ["resource_id"]
    raw_id_fields = ["organizations"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChangeCounter)
class ChangeCounterAdmin(admin.ModelAdmin):
    """The feed's sequence counter: read-only, locked by changes.services.next_seq."""

    list_display = ["id", "last_seq"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
