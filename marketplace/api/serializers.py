from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.models import Organization
from catalog.api.serializers import SolutionSerializer, VendorRefSerializer
from catalog.models import Industry, LifecycleStage, Region, Scenario, Solution
from marketplace.models import Match, Need, Quote, QuoteLineItem, QuoteRequest


class NeedSerializer(serializers.ModelSerializer):
    enterprise = VendorRefSerializer(read_only=True)
    industry = serializers.SlugRelatedField(
        slug_field="code", queryset=Industry.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    stages = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=LifecycleStage.objects.all(), required=False
    )
    scenarios = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Scenario.objects.all(), required=False
    )

    class Meta:
        model = Need
        fields = ["id", "external_ref", "enterprise", "language", "title", "description",
                  "industry", "region", "stages", "scenarios", "current_level", "target_level",
                  "budget_max_cny", "status", "created_at", "updated_at"]
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

    class Meta:
        model = Match
        fields = ["rank", "score", "reasons", "solution"]


@extend_schema_serializer(component_name="RequestForQuotes")
class QuoteRequestSerializer(serializers.ModelSerializer):
    enterprise = VendorRefSerializer(read_only=True)
    vendors = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organization.objects.filter(kind=Organization.Kind.VENDOR)
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


class QuoteSerializer(serializers.ModelSerializer):
    vendor = VendorRefSerializer(read_only=True)
    request = serializers.PrimaryKeyRelatedField(queryset=QuoteRequest.objects.all())
    solution = serializers.PrimaryKeyRelatedField(
        queryset=Solution.objects.all(), required=False, allow_null=True
    )
    line_items = LineItemSerializer(many=True, allow_empty=False)

    class Meta:
        model = Quote
        fields = ["id", "request", "vendor", "solution", "line_items", "total_cny",
                  "delivery_weeks", "valid_until", "terms", "status", "created_at", "updated_at"]
        read_only_fields = ["total_cny", "status", "created_at", "updated_at"]
