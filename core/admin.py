from django.contrib import admin, messages

from . import relay
from .models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "topic",
        "aggregate_type",
        "aggregate_id",
        "created_at",
        "dispatched_at",
        "attempts",
    ]
    list_filter = ["topic", ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["topic", "aggregate_id"]
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Deliver the selected pending events now")
    def redeliver(self, request, queryset):
        done = sum(relay.dispatch_event(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{done} event(s) delivered.", messages.SUCCESS)
