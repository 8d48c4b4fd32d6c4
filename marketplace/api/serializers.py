from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.models import Organization
from catalog.api.fields import CappedListSerializer, CappedManyRelatedField, taxonomy_codes
from catalog.api.serializers import SolutionSerializer, VendorRefSerializer
from catalog.models import Industry, LifecycleStage, Region, Scenario, Solution
from marketplace import limits
from marketplace.api.matching import ReasonsField
from marketplace.models import (
    Match,
    Message,
    MessageAttachment,
    MessageThread,
    Need,
    Proposal,
    Quote,
    QuoteLineItem,
    QuoteRequest,
    QuoteVersion,
    Rating,
)


class NeedSerializer(serializers.ModelSerializer):
    enterprise = VendorRefSerializer(read_only=True)
    industry = serializers.SlugRelatedField(
        slug_field="code", queryset=Industry.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    stages = taxonomy_codes(LifecycleStage, "stages")
    scenarios = taxonomy_codes(Scenario, "scenarios")
    invited_vendors = CappedManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.filter(kind=Organization.Kind.VENDOR)),
        max_length=limits.INVITED_VENDORS_MAX, required=False,
        help_text=f"At most {limits.INVITED_VENDORS_MAX}.",
    )

    class Meta:
        model = Need
        fields = ["id", "external_ref", "enterprise", "language", "title", "description",
                  "industry", "region", "stages", "scenarios", "current_level", "target_level",
                  "budget_max_cny", "deadline", "visibility", "invited_vendors", "status",
                  "created_at", "updated_at"]
        read_only_fields = ["external_ref", "status", "created_at", "updated_at"]

    def validate(self, attrs):
        current, target = attrs.get("current_level"), attrs.get("target_level")
        if current is not None and target is not None and current > target:
            raise serializers.ValidationError(
                {"target_level": "Must not be below current_level."}
            )
        return attrs


class MatchSerializer(serializers.ModelSerializer):
    solution = SolutionSerializer(read_only=True)
    reasons = ReasonsField()

    class Meta:
        model = Match
        fields = ["rank", "score", "reasons", "solution"]


@extend_schema_serializer(component_name="RequestForQuotes")
class QuoteRequestSerializer(serializers.ModelSerializer):
    enterprise = VendorRefSerializer(read_only=True)
    # Counted before each id is looked up; the service says the same with its own message.
    vendors = CappedManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.filter(kind=Organization.Kind.VENDOR)),
        max_length=lambda: settings.QUOTE_REQUEST_MAX_VENDORS,
    )
    need = serializers.PrimaryKeyRelatedField(
        queryset=Need.objects.all(), required=False, allow_null=True
    )
    solution = serializers.PrimaryKeyRelatedField(
        queryset=Solution.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = QuoteRequest
        fields = ["id", "enterprise", "need", "solution", "vendors", "title", "requirements",
                  "status", "created_at"]
        read_only_fields = ["status", "created_at"]


class LineItemSerializer(serializers.ModelSerializer):
    amount_cny = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLineItem
        fields = ["description", "unit", "quantity", "unit_price_cny", "amount_cny"]
        list_serializer_class = CappedListSerializer


class QuoteSerializer(serializers.ModelSerializer):
    vendor = VendorRefSerializer(read_only=True)
    request = serializers.PrimaryKeyRelatedField(queryset=QuoteRequest.objects.all())
    solution = serializers.PrimaryKeyRelatedField(
        queryset=Solution.objects.all(), required=False, allow_null=True
    )
    line_items = LineItemSerializer(many=True, allow_empty=False,
                                    max_length=limits.QUOTE_LINE_ITEMS_MAX)

    class Meta:
        model = Quote
        fields = ["id", "request", "vendor", "solution", "line_items", "total_cny",
                  "delivery_weeks", "valid_until", "terms", "status", "version",
                  "decline_reason", "created_at", "updated_at"]
        read_only_fields = ["total_cny", "status", "version", "decline_reason", "created_at",
                            "updated_at"]


class QuoteRevisionSerializer(serializers.Serializer):
    """A new version of a quote: the same terms a quote has, the total computed server-side."""

    solution = serializers.PrimaryKeyRelatedField(
        queryset=Solution.objects.all(), required=False, allow_null=True
    )
    line_items = LineItemSerializer(many=True, allow_empty=False,
                                    max_length=limits.QUOTE_LINE_ITEMS_MAX)
    delivery_weeks = serializers.IntegerField(min_value=0, max_value=32767)
    valid_until = serializers.DateField()
    terms = serializers.CharField(required=False, allow_blank=True, default="",
                                  max_length=limits.QUOTE_TERMS_MAX_CHARS)


class QuoteAcceptSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=32767,
        help_text="The quote's `version` as you showed it to the buyer. If the vendor has "
                  "revised the quote since, nothing is accepted: the answer is 409 with "
                  "`current_version`.",
    )


class StaleVersionProblemSerializer(serializers.Serializer):
    """The 409 of a decision on a version that is no longer current."""

    type = serializers.CharField(help_text="about:blank#stale-version")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    current_version = serializers.IntegerField(help_text="The version now on the table.")
    errors = serializers.DictField(help_text="`version`: why it was refused.")


class QuoteDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON_MAX_CHARS)


class QuoteVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuoteVersion
        fields = ["version", "total_cny", "delivery_weeks", "valid_until", "terms", "solution",
                  "line_items", "created_at"]


class SolutionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class QuoteComparisonSerializer(serializers.Serializer):
    """One column of the comparison: a quote and how its offered solution fits the need."""

    quote = serializers.IntegerField(source="quote.pk")
    vendor = VendorRefSerializer(source="quote.vendor")
    status = serializers.CharField(source="quote.status")
    version = serializers.IntegerField(source="quote.version")
    total_cny = serializers.DecimalField(source="quote.total_cny", max_digits=14,
                                         decimal_places=2)
    delivery_weeks = serializers.IntegerField(source="quote.delivery_weeks")
    valid_until = serializers.DateField(source="quote.valid_until")
    is_expired = serializers.BooleanField()
    solution = SolutionRefSerializer(allow_null=True)
    scenario_fit = serializers.JSONField(allow_null=True)
    maturity_fit = serializers.JSONField(allow_null=True)
    industry_fit = serializers.BooleanField(allow_null=True)
    solution_case_studies = serializers.IntegerField()
    vendor_case_studies = serializers.IntegerField()


class ProposalSerializer(serializers.ModelSerializer):
    vendor = VendorRefSerializer(read_only=True)
    solution = serializers.PrimaryKeyRelatedField(queryset=Solution.objects.all())

    class Meta:
        model = Proposal
        fields = ["id", "need", "vendor", "solution", "message", "created_at"]
        read_only_fields = ["need", "created_at"]


class MessageAttachmentSerializer(serializers.ModelSerializer):
    content_type = serializers.CharField(read_only=True,
                                         help_text="Detected from the file's content.")
    size = serializers.IntegerField(read_only=True, help_text="In bytes.")
    download = serializers.SerializerMethodField(
        help_text="Where the thread's parties download it (operators add ?reason=…)."
    )

    class Meta:
        model = MessageAttachment
        fields = ["id", "original_name", "content_type", "size", "download", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_download(self, attachment):
        return reverse("message-attachment-download", args=[attachment.pk])


class MessageSerializer(serializers.ModelSerializer):
    author_organization = VendorRefSerializer(read_only=True)
    attachments = MessageAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author_organization", "body", "attachments", "created_at"]
        read_only_fields = ["created_at"]


ATTACHMENTS_HELP = ("Files sent with the message (multipart/form-data, the field repeated "
                    f"per file, at most {limits.MESSAGE_ATTACHMENTS_MAX}): PDF, PNG, JPEG or an "
                    "Office document, recognised by content, each at most "
                    "settings.ATTACHMENT_MAX_BYTES.")


class MessageThreadSerializer(serializers.ModelSerializer):
    vendor = VendorRefSerializer(read_only=True)

    class Meta:
        model = MessageThread
        fields = ["id", "request", "vendor", "created_at"]


class NewMessageSerializer(serializers.Serializer):
    """Start or continue the thread of a request with a vendor (a vendor may omit `vendor`)."""

    request = serializers.PrimaryKeyRelatedField(queryset=QuoteRequest.objects.all())
    vendor = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind=Organization.Kind.VENDOR), required=False
    )
    body = serializers.CharField(max_length=limits.MESSAGE_BODY_MAX_CHARS, required=False,
                                 allow_blank=True,
                                 help_text="The text; may be empty when files are attached.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False,
                                        help_text=ATTACHMENTS_HELP)


class MessageBodySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=limits.MESSAGE_BODY_MAX_CHARS, required=False,
                                 allow_blank=True,
                                 help_text="The text; may be empty when files are attached.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False,
                                        help_text=ATTACHMENTS_HELP)


class DisputeReadSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON_MAX_CHARS)


class RatingSerializer(serializers.ModelSerializer):
    enterprise = VendorRefSerializer(read_only=True)
    vendor = VendorRefSerializer(read_only=True)
    quote = serializers.PrimaryKeyRelatedField(queryset=Quote.objects.all())
    quality = serializers.IntegerField(min_value=1, max_value=5)
    delivery = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    value = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Rating
        fields = ["id", "quote", "enterprise", "vendor", "solution", "quality", "delivery",
                  "communication", "value", "score", "text", "vendor_reply", "replied_at",
                  "is_hidden", "hidden_reason", "created_at"]
        read_only_fields = ["solution", "score", "vendor_reply", "replied_at", "is_hidden",
                            "hidden_reason", "created_at"]


class RatingReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=limits.RATING_TEXT_MAX_CHARS)


class RatingHideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON_MAX_CHARS)


class RatingSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    quality = serializers.FloatField(allow_null=True)
    delivery = serializers.FloatField(allow_null=True)
    communication = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
