from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import APIKey, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (("Zhizao", {"fields": ("preferred_language",)}),)
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "kind", "region", "external_ref", "created_at"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "name_zh", "credit_code", "external_ref"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_reviewer", "created_at"]
    list_filter = ["role", "is_reviewer", "organization__kind"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "organization", "scopes", "expires_at", "revoked_at",
                    "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "organization__name"]
    readonly_fields = ["prefix", "hashed_key", "last_used_at", "created_at"]
