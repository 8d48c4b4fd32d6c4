from django.contrib import admin

from .models import (
    Notification,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "topic", "title", "created_at", "read_at"]
    list_filter = ["topic"]
    search_fields = ["recipient__username", "title"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "daily_since", "last_digest_at"]
    list_filter = ["email"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["daily_since", "last_digest_at"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "url",
        "organization",
        "is_active",
        "disabled_reason",
        "consecutive_failures",
        "created_at",
    ]
    list_filter = ["is_active", "disabled_reason"]
    search_fields = ["url", "organization__name"]
    # The secret never shows here: only its organisation sees it, once.
    exclude = ["secret"]
    readonly_fields = [
        "organization",
        "consecutive_failures",
        "disabled_reason",
        "disabled_at",
        "created_by",
        "secret_rotated_at",
    ]

    def has_add_permission(self, request):
        return False  # created by organisation admins, who receive the secret


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["series", "number", "succeeded", "status_code", "response_ms", "error", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["uuid", "topic", "subscription", "status", "series", "created_at"]
    list_filter = ["status", "topic"]
    search_fields = ["uuid", "subscription__url"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request):
        return False
