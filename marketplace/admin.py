from django.contrib import admin

from . import services
from .matching.reasons import render_all
from .models import (
    EnterpriseProfile,
    Follow,
    Match,
    Message,
    MessageAccessLog,
    MessageAttachment,
    MessageThread,
    Need,
    Proposal,
    Quote,
    QuoteLineItem,
    QuoteRequest,
    QuoteVersion,
    Rating,
    SeenMatch,
)


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ["organization", "industry", "size", "maturity_level"]
    list_filter = ["industry", "size", "maturity_level"]
    search_fields = ["organization__name", "organization__name_zh"]
    autocomplete_fields = ["organization"]


@admin.display(description="reasons")
def reasons_in_words(match):
    """Matches store their reasons as codes: the operator reads them as sentences."""
    return "; ".join(render_all(match.reasons))


class MatchInline(admin.TabularInline):
    model = Match
    extra = 0
    readonly_fields = ["solution", "score", "rank", reasons_in_words, "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "industry", "region", "visibility", "deadline",
                    "status", "created_at"]
    list_filter = ["status", "visibility", "industry", "region", "stages"]
    # Statuses change only through marketplace.workflow.
    readonly_fields = ["status"]
    search_fields = ["title", "description", "external_ref", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["stages", "scenarios", "invited_vendors"]
    inlines = [MatchInline]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["need", "solution", "rank", "score", "created_at"]
    search_fields = ["need__title", "solution__title_en", "solution__title_zh"]
    readonly_fields = ["need", "solution", "score", "rank", reasons_in_words, "created_at"]


@admin.register(SeenMatch)
class SeenMatchAdmin(admin.ModelAdmin):
    """Which solutions each need has been matched with, and which were announced. Written by
    matching.ranking, never by hand."""

    list_display = ["need", "solution", "first_seen_at", "announced"]
    list_filter = ["announced"]
    list_select_related = ["need", "solution"]
    raw_id_fields = ["need", "solution"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuoteInline(admin.TabularInline):
    model = Quote
    extra = 0
    fields = ["vendor", "total_cny", "delivery_weeks", "valid_until", "status"]
    readonly_fields = fields
    show_change_link = True


@admin.register(QuoteRequest)
class QuoteRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "enterprise__name"]
    autocomplete_fields = ["enterprise", "vendors"]
    readonly_fields = ["status"]
    inlines = [QuoteInline]


class QuoteLineItemInline(admin.TabularInline):
    model = QuoteLineItem
    extra = 0


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["id", "request", "vendor", "total_cny", "delivery_weeks", "valid_until",
                    "status"]
    list_filter = ["status"]
    search_fields = ["request__title", "vendor__name"]
    # The total is computed from the line items by the service, never typed in.
    readonly_fields = ["total_cny", "status", "version", "decline_reason", "created_at",
                       "updated_at"]
    inlines = [QuoteLineItemInline]


class QuoteVersionInline(admin.TabularInline):
    """Versions are an append-only record of what the vendor sent."""

    model = QuoteVersion
    extra = 0
    can_delete = False
    fields = ["version", "total_cny", "delivery_weeks", "valid_until", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


QuoteAdmin.inlines = [QuoteLineItemInline, QuoteVersionInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["need", "vendor", "solution", "created_at"]
    search_fields = ["need__title", "vendor__name"]
    readonly_fields = ["need", "vendor", "solution", "created_by", "created_at"]


@admin.register(MessageThread)
class MessageThreadAdmin(admin.ModelAdmin):
    """Lists threads without their messages: reading one is a dispute read, done through the
    API's dispute-read so the access is logged."""

    list_display = ["request", "vendor", "created_at"]
    search_fields = ["request__title", "vendor__name"]
    readonly_fields = ["request", "vendor", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["thread", "author_organization", "created_at"]
    readonly_fields = ["thread", "author", "author_organization", "created_at"]
    exclude = ["body"]  # message text is read through the logged dispute read only

    def has_add_permission(self, request):
        return False


@admin.register(MessageAttachment)
class MessageAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "message", "content_type", "size", "created_at"]
    fields = ["message", "original_name", "content_type", "size", "created_at"]
    readonly_fields = fields  # no file link: operators download through the logged view

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "target_type", "scenario", "vendor", "solution", "created_at"]
    list_filter = ["target_type"]
    search_fields = ["user__username", "vendor__name", "solution__title_en", "scenario__code"]
    raw_id_fields = ["user", "vendor", "solution"]


@admin.register(MessageAccessLog)
class MessageAccessLogAdmin(admin.ModelAdmin):
    list_display = ["thread", "operator", "attachment", "reason", "accessed_at"]
    readonly_fields = ["thread", "operator", "attachment", "reason", "accessed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["vendor", "solution", "enterprise", "quality", "delivery", "communication",
                    "value", "is_hidden", "created_at"]
    list_filter = ["is_hidden"]
    search_fields = ["vendor__name", "enterprise__name", "text"]
    readonly_fields = ["quote", "enterprise", "vendor", "solution", "quality", "delivery",
                       "communication", "value", "text", "vendor_reply", "replied_at",
                       "is_hidden", "hidden_reason", "hidden_by", "created_by", "created_at"]
    actions = ["hide_as_abusive"]

    @admin.action(description="Hide as abusive")
    def hide_as_abusive(self, request, queryset):
        for rating in queryset.filter(is_hidden=False):
            services.hide_rating(actor=request.user, rating=rating,
                                 reason="Hidden as abusive from the admin.")
