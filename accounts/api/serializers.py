from rest_framework import serializers

from accounts.limits import ORGANIZATION_DESCRIPTION_MAX_CHARS
from accounts.models import APIKey, Membership, Organization, User
from accounts.services import API_KEY_SCOPES, ORGANIZATION_EDITABLE_FIELDS


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "kind", "name", "name_zh", "region", "website", "description",
                  "external_ref"]


class OrganizationUpdateSerializer(serializers.ModelSerializer):
    """What an organisation's owners and admins may change (PUT / PATCH)."""

    class Meta:
        model = Organization
        fields = list(ORGANIZATION_EDITABLE_FIELDS)
        extra_kwargs = {"description": {"max_length": ORGANIZATION_DESCRIPTION_MAX_CHARS}}


class MembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["organization", "role", "is_reviewer"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "preferred_language",
                  "memberships"]


class APIKeySerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(API_KEY_SCOPES)), allow_empty=False
    )

    class Meta:
        model = APIKey
        fields = ["id", "organization", "name", "prefix", "scopes", "expires_at", "revoked_at",
                  "last_used_at", "created_at"]
        read_only_fields = ["prefix", "revoked_at", "last_used_at", "created_at"]


class NewAPIKeySerializer(APIKeySerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(APIKeySerializer.Meta):
        fields = [*APIKeySerializer.Meta.fields, "key"]
