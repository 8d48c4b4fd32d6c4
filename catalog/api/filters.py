import django_filters
from rest_framework import serializers

from catalog.models import Solution, SolutionStatus


class SolutionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SolutionStatus.choices)
    vendor = django_filters.NumberFilter(field_name="vendor_id")
    scenario = django_filters.CharFilter(field_name="scenarios__code")
    stage = django_filters.CharFilter(field_name="scenarios__stage__code")
    industry = django_filters.CharFilter(field_name="industries__code")
    region = django_filters.CharFilter(field_name="regions__code")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Solution
        fields = ["status", "vendor", "scenario", "stage", "industry", "region", "deployment"]


class ReviewQueueParams(serializers.Serializer):
    """The review queue's filters, validated like any input (a bad value is a 400)."""

    status = serializers.ChoiceField(choices=["submitted", "in_review"], required=False)
    scenario = serializers.CharField(required=False)
    sla_status = serializers.ChoiceField(choices=["on_track", "due_soon", "overdue"],
                                         required=False, source="sla")
    assignee = serializers.CharField(required=False)
