from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox, relay
from .models import Delivery, OutboxEvent


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


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Each event's delivery to each consumer; dead letters are the ones to look at."""

    list_display = ["id", "topic", "consumer", "status", "attempts", "next_attempt_at",
                    "updated_at"]
    list_filter = ["status", "consumer", "event__topic"]
    search_fields = ["consumer", "event__topic", "last_error"]
    list_select_related = ["event"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("topic"), ordering="event__topic")
    def topic(self, delivery):
        return delivery.event.topic

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        done = outbox.retry(queryset)
        self.message_user(
            request,
            ngettext("%(count)d dead letter queued again.",
                     "%(count)d dead letters queued again.", done) % {"count": done},
            messages.SUCCESS,
        )
