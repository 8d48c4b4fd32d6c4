from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Answer,
    Assessment,
    Domain,
    Element,
    FactoryEvidence,
    MaturityModel,
    SmartFactory,
    Statement,
    SubDomain,
    TargetSnapshot,
)


@admin.register(MaturityModel)
class MaturityModelAdmin(admin.ModelAdmin):
    list_display = ["version", "standard", "is_current", "taxonomy_version", "loaded_at"]
    # Versions are loaded from data files (load_maturity_model); answers depend on them.
    readonly_fields = ["version", "standard", "taxonomy_version", "source", "loaded_at"]


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "model", "position"]
    list_filter = ["model"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "element", "model", "position"]
    list_filter = ["model", "element__code"]


@admin.register(SubDomain)
class SubDomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "domain", "model", "weight"]
    list_filter = ["model"]
    search_fields = ["code", "name_en", "name_zh"]
    filter_horizontal = ["scenarios"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "text_en", "weight"]
    list_filter = ["subdomain__model", "level", "subdomain__code"]
    search_fields = ["code", "text_en", "text_zh"]
    readonly_fields = ["subdomain", "level", "position", "code"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ["statement", "value", "answered_by", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "model", "status", "level", "score", "is_latest",
                    "completed_at"]
    list_filter = ["status", "level", "is_latest", "model"]
    search_fields = ["enterprise__name", "enterprise__name_zh"]
    # Results come from the scoring rule only; the admin shows them.
    readonly_fields = ["enterprise", "model", "status", "level", "score", "result",
                       "is_latest", "started_by", "completed_by", "created_at", "updated_at",
                       "completed_at"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["assessment", "statement", "value", "updated_at"]
    readonly_fields = ["assessment", "statement", "value", "answered_by", "updated_at"]


def evidence_download(document):
    # The permission-checked view, not the file's storage path (which nothing serves).
    return format_html('<a href="{}">{}</a>', reverse("factory-evidence", args=[document.pk]),
                       document.original_name)


class FactoryEvidenceInline(admin.TabularInline):
    model = FactoryEvidence
    extra = 0
    fields = ["download", "title", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = ["download", "content_type", "size", "uploaded_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False  # evidence is added through the registry's checks (maturity.services)

    @admin.display(description=_("Download"))
    def download(self, document):
        return evidence_download(document)


@admin.register(SmartFactory)
class SmartFactoryAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "tier", "region", "industry", "year", "status",
                    "decided_at"]
    list_filter = ["status", "tier", "region", "industry"]
    search_fields = ["name", "enterprise__name", "enterprise__name_zh"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["status", "assessment", "decided_by", "decided_at", "registered_by",
                       "created_at", "updated_at"]
    inlines = [FactoryEvidenceInline]
    actions = ["verify_selected"]

    @admin.action(description=_("Verify the selected factories"))
    def verify_selected(self, request, queryset):
        verified = 0
        for factory in queryset:
            try:
                services.verify_factory(actor=request.user, factory=factory)
            except ValidationError as exc:
                self.message_user(request, f"{factory}: {' '.join(exc.messages)}",
                                  messages.WARNING)
            except PermissionDenied as exc:
                self.message_user(request, f"{factory}: {exc}", messages.ERROR)
            else:
                verified += 1
        self.message_user(request, _("%(count)d factories verified.") % {"count": verified})


@admin.register(FactoryEvidence)
class FactoryEvidenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "factory", "content_type", "size", "created_at"]
    search_fields = ["original_name", "title", "factory__name"]
    exclude = ["file"]  # see FactoryEvidenceInline
    readonly_fields = ["download", "content_type", "size", "uploaded_by", "created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Download"))
    def download(self, document):
        return evidence_download(document)


@admin.register(TargetSnapshot)
class TargetSnapshotAdmin(admin.ModelAdmin):
    list_display = ["month", "taken_at"]
    readonly_fields = ["month", "figures", "taken_at"]
