from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import limits
from accounts.limits import ORGANIZATION_DESCRIPTION_MAX_CHARS
from accounts.models import APIKey, Membership, Organization, User
from accounts.registration import REGISTRABLE_KIND_CHOICES
from accounts.services import API_KEY_SCOPES, ORGANIZATION_EDITABLE_FIELDS


class CertificationSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=limits.CERTIFICATION_TEXT_MAX_CHARS)
    issuer = serializers.CharField(max_length=limits.CERTIFICATION_TEXT_MAX_CHARS,
                                   required=False, allow_blank=True)
    number = serializers.CharField(max_length=limits.CERTIFICATION_TEXT_MAX_CHARS,
                                   required=False, allow_blank=True)
    valid_until = serializers.CharField(required=False, allow_blank=True, max_length=10,
                                        help_text="YYYY-MM-DD, or empty.")


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=limits.CONTACT_TEXT_MAX_CHARS)
    title = serializers.CharField(max_length=limits.CONTACT_TEXT_MAX_CHARS, required=False,
                                  allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=limits.CONTACT_TEXT_MAX_CHARS, required=False,
                                  allow_blank=True)


class OrganizationSerializer(serializers.ModelSerializer):
    logo_url = serializers.SerializerMethodField(
        help_text="The public logo (PNG, JPEG or WebP), or null.")
    certifications = CertificationSerializer(many=True, read_only=True)
    contacts = serializers.SerializerMethodField(
        help_text="Sales contacts: to signed-in callers only (empty otherwise).")
    verified = serializers.BooleanField(source="is_verified", read_only=True,
                                        help_text="Checked and verified by the operator.")

    class Meta:
        model = Organization
        fields = ["id", "kind", "name", "name_zh", "region", "website", "description",
                  "description_zh", "logo_url", "service_regions", "certifications",
                  "contacts", "external_ref", "industry", "size", "status", "verified"]
        read_only_fields = ["status"]

    def get_logo_url(self, organization) -> str | None:
        if not organization.logo:
            return None
        return reverse("organization-logo", args=[organization.pk, organization.logo_token])

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, organization):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return []
        return organization.contacts


class OrganizationApplicationSerializer(OrganizationSerializer):
    """An organisation as its own admins and operators see it: the verification's reason
    and date, and the credit code."""

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "credit_code", "status_reason",
                  "status_changed_at", "created_at"]
        read_only_fields = fields


class OrganizationRegistrationSerializer(serializers.Serializer):
    """A new organisation (POST): a solution provider or an enterprise, pending until the
    operator verifies it. At least one of `name` and `name_zh`."""

    kind = serializers.ChoiceField(choices=REGISTRABLE_KIND_CHOICES)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    name_zh = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                    default="")
    credit_code = serializers.CharField(max_length=40,
                                        help_text="Unified social credit code, 18 characters.")
    region = serializers.CharField(max_length=8, help_text="A region code of the taxonomy.")
    industry = serializers.CharField(max_length=32, required=False, allow_blank=True,
                                     default="", help_text="An industry code of the taxonomy.")
    size = serializers.ChoiceField(choices=Organization.Size.choices, required=False,
                                   allow_blank=True, default="")
    website = serializers.URLField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=ORGANIZATION_DESCRIPTION_MAX_CHARS)


class OrganizationDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=2000,
                                   help_text="Why: required to reject, shown to the applicant.")


class OrganizationUpdateSerializer(serializers.ModelSerializer):
    """What an organisation's owners and admins may change (PUT / PATCH)."""

    class Meta:
        model = Organization
        fields = list(ORGANIZATION_EDITABLE_FIELDS)
        extra_kwargs = {"description": {"max_length": ORGANIZATION_DESCRIPTION_MAX_CHARS},
                        "description_zh": {"max_length": ORGANIZATION_DESCRIPTION_MAX_CHARS}}

    service_regions = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False,
        max_length=limits.SERVICE_REGIONS_MAX, help_text="Region codes of the taxonomy.")
    certifications = CertificationSerializer(many=True, required=False,
                                             max_length=limits.CERTIFICATIONS_MAX)
    contacts = ContactSerializer(many=True, required=False, max_length=limits.CONTACTS_MAX)
    logo = serializers.FileField(
        required=False, allow_null=True, allow_empty_file=False,
        help_text="Multipart: a PNG, JPEG or WebP image of at most 1 MiB; null removes it.")

    def validate(self, attrs):
        for name in ("certifications", "contacts"):
            if name in attrs:
                attrs[name] = [dict(row) for row in attrs[name]]
        return attrs


class MembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["organization", "role", "is_reviewer"]


class MeKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = APIKey
        fields = ["id", "name", "prefix", "scopes", "expires_at"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    principal = serializers.SerializerMethodField(
        help_text="`person`, or `api_key`: an organisation's key, acting as its service "
                  "account (one membership, the key's scopes)."
    )
    api_key = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "principal", "username", "email", "first_name", "last_name",
                  "preferred_language", "memberships", "api_key"]

    def get_principal(self, user) -> str:
        return "api_key" if self.context.get("api_key") else "person"

    @extend_schema_field(MeKeySerializer(allow_null=True))
    def get_api_key(self, user):
        key = self.context.get("api_key")
        return MeKeySerializer(key).data if key else None


class APIKeySerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False,
        help_text="The organisation the key is for; with a key, its own (the default).",
    )
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
