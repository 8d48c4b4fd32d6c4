from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import APIKey, APIKeyEvent, Invitation, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (("Zhizao", {"fields": ("preferred_language",)}),)
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    # Service accounts (the principals of organisations' API keys) can be told apart.
    list_filter = [*DjangoUserAdmin.list_filter,
                   ("service_organization", admin.EmptyFieldListFilter)]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "kind", "status", "region", "external_ref", "created_at"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["name", "name_zh", "credit_code", "external_ref"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # Once made, an organisation's verification moves only through the queue
        # (/operations/organizations/: accounts.workflow, with its events and notices).
        if obj is not None:
            return ["status", "status_reason", "status_changed_at"]
        return []


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_reviewer", "created_at"]
    list_filter = ["role", "is_reviewer", "organization__kind"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user", "organization"]


class APIKeyEventInline(admin.TabularInline):
    """Who made and who revoked the key: an audit, so nothing here can be changed."""

    model = APIKeyEvent
    fk_name = "key"
    extra = 0
    can_delete = False
    fields = readonly_fields = ["action", "at", "actor", "actor_key", "scopes", "address"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    inlines = [APIKeyEventInline]
    list_display = ["prefix", "name", "organization", "scopes", "expires_at", "revoked_at",
                    "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "organization__name"]
    readonly_fields = ["prefix", "hashed_key", "last_used_at", "created_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Who was invited where; the link's token is not stored, only its hash."""

    list_display = ["email", "organization", "role", "invited_by", "created_at", "expires_at",
                    "accepted_at", "declined_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["token_hash", "created_at", "sent_at", "accepted_at", "accepted_by",
                       "declined_at"]
    autocomplete_fields = ["organization", "invited_by"]
