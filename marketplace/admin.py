from django.contrib import admin

from .models import EnterpriseProfile, Match, Need, Quote, QuoteLineItem, QuoteRequest


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ["organization", "industry", "size", "maturity_level"]
    list_filter = ["industry", "size", "maturity_level"]
    search_fields = ["organization__name", "organization__name_zh"]
    autocomplete_fields = ["organization"]


class MatchInline(admin.TabularInline):
    model = Match
    extra = 0
    readonly_fields = ["solution", "score", "rank", "reasons", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "industry", "region", "status", "created_at"]
    list_filter = ["status", "industry", "region", "stages"]
    search_fields = ["title", "description", "external_ref", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["stages", "scenarios"]
    inlines = [MatchInline]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["need", "solution", "rank", "score", "created_at"]
    search_fields = ["need__title", "solution__title_en", "solution__title_zh"]
    readonly_fields = ["need", "solution", "score", "rank", "reasons", "created_at"]


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
    readonly_fields = ["total_cny", "created_at", "updated_at"]
    inlines = [QuoteLineItemInline]
