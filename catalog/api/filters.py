import django_filters
from django import forms
from rest_framework import serializers

from catalog.models import Solution, SolutionStatus
from core.api.filters import CodeFilter, UpdatedSinceFilter


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number within the database's range, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class SolutionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SolutionStatus.choices)
    vendor = IdFilter(field_name="vendor_id")
    scenario = CodeFilter(field_name="scenarios__code")
    stage = CodeFilter(field_name="scenarios__stage__code")
    industry = CodeFilter(field_name="industries__code")
    region = CodeFilter(field_name="regions__code")
    updated_since = UpdatedSinceFilter()

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
