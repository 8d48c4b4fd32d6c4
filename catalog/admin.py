from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Attachment,
    CaseStudy,
    CaseStudyOutcome,
    CheckResult,
    FactoryTier,
    Industry,
    LifecycleStage,
    MaturityLevel,
    PlanTarget,
    Region,
    ReviewEvent,
    ReviewReason,
    Scenario,
    ScenarioLink,
    Solution,
    SolutionRevision,
    TaxonomyRelease,
    Technology,
)


@admin.register(LifecycleStage, ScenarioLink, Industry, Technology, Region, FactoryTier)
class CodedTaxonomyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh"]
    search_fields = ["code", "name_en", "name_zh"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "link", "stage"]
    list_filter = ["stage", "link"]
    search_fields = ["code", "name_en", "name_zh"]


@admin.register(MaturityLevel)
class MaturityLevelAdmin(admin.ModelAdmin):
    list_display = ["level", "name_en", "name_zh"]


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "value", "name_en"]
    list_filter = ["year"]


@admin.register(TaxonomyRelease)
class TaxonomyReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "loaded_at"]
    readonly_fields = ["version", "sources", "maturity_model", "loaded_at"]


class CaseStudyOutcomeInline(admin.TabularInline):
    model = CaseStudyOutcome
    extra = 0


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["client", "solution", "industry", "region", "year"]
    search_fields = ["client", "solution__title_en", "solution__title_zh"]
    autocomplete_fields = ["solution"]
    inlines = [CaseStudyOutcomeInline]


class CaseStudyInline(admin.StackedInline):
    model = CaseStudy
    extra = 0
    show_change_link = True


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    readonly_fields = ["actor", "from_status", "to_status", "reason_codes", "comment",
                       "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class CheckResultInline(admin.TabularInline):
    model = CheckResult
    extra = 0
    can_delete = False
    readonly_fields = ["submission", "code", "passed", "score", "details", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "vendor", "status", "reviewer", "submitted_at", "published_at"]
    list_filter = ["status", "deployment", "scenarios__stage", "scenarios"]
    search_fields = ["title_en", "title_zh", "external_ref", "vendor__name"]
    autocomplete_fields = ["vendor", "reviewer"]
    filter_horizontal = ["scenarios", "stages", "industries", "technologies", "regions"]
    # Status changes go through the workflow (with its audit trail), never a bare edit.
    readonly_fields = ["status", "submitted_at", "published_at", "created_at", "updated_at"]
    inlines = [CaseStudyInline, CheckResultInline, ReviewEventInline]


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ["solution", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    readonly_fields = [f.name for f in ReviewEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewReason)
class ReviewReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_zh", "applies_to", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["applies_to", "is_active"]


@admin.register(SolutionRevision)
class SolutionRevisionAdmin(admin.ModelAdmin):
    list_display = ["solution", "number", "status", "reviewer", "submitted_at", "applied_at"]
    list_filter = ["status"]
    search_fields = ["solution__title_en", "solution__title_zh"]
    autocomplete_fields = ["reviewer"]
    # Status and content change through the workflow and the vendor's edits only.
    readonly_fields = ["solution", "number", "status", "base", "data", "created_by",
                       "submitted_at", "decided_at", "applied_at", "first_approved_by"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "solution", "content_type", "size", "created_at"]
    search_fields = ["original_name", "solution__title_en", "solution__title_zh"]
    # No file widget: its link would be a storage path, which nothing serves, and a file
    # swapped in here would skip the upload's content checks (catalog.attachments).
    exclude = ["file"]
    readonly_fields = ["download", "content_type", "size", "uploaded_by", "created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Download"))
    def download(self, attachment):
        return format_html('<a href="{}">{}</a>',
                           reverse("attachment-download", args=[attachment.pk]),
                           attachment.original_name)
