"""POST /api/v1/match/: rank published solutions for a need that is not stored (the
marketplace's matching, marketplace/matching/, on an ad-hoc need)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.policy import Access
from catalog import limits
from catalog.api.fields import taxonomy_codes
from catalog.models import Industry, LifecycleStage, Region, Scenario, Solution
from marketplace.matching.ranking import AdHocNeed, match_need
from marketplace.matching.reasons import render_all
from search.api.serializers import VendorSerializer


class ReasonsField(serializers.ListField):
    """A Match's reasons, stored as codes, as sentences in the request's language."""

    child = serializers.CharField()

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Why it matches, in the request's language.")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, data):
        return render_all(data)


def _codes(model, **kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.all(),
                                        **kwargs)


class AdHocNeedSerializer(serializers.Serializer):
    """A need to rank solutions for, not stored: the need fields of the catalog import format
    (docs/import-format.md), required and optional alike."""

    language = serializers.ChoiceField(choices=Solution.Language.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=limits.NEED_DESCRIPTION_MAX_CHARS)
    industry = _codes(Industry)
    region = _codes(Region)
    # The same caps as a stored need's lists (catalog.limits).
    stages = taxonomy_codes(LifecycleStage, "stages", default=list)
    scenarios = taxonomy_codes(Scenario, "scenarios", default=list)
    current_level = serializers.IntegerField(min_value=0, max_value=5, required=False,
                                             allow_null=True, default=None)
    target_level = serializers.IntegerField(min_value=1, max_value=5, required=False,
                                            allow_null=True, default=None)
    budget_max_cny = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                              required=False, allow_null=True, default=None)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10,
                                     help_text="How many solutions to return (1-50).")

    def validate(self, attrs):
        current, target = attrs.get("current_level"), attrs.get("target_level")
        if current is not None and target is not None and current > target:
            raise serializers.ValidationError(
                {"target_level": [_("Must not be below current_level.")]}
            )
        return attrs


class RankedSolutionSerializer(serializers.Serializer):
    """One solution ranked for an ad-hoc need. Built from a matching.ranking.MatchResult."""

    rank = serializers.IntegerField()
    id = serializers.IntegerField(source="result.solution.pk")
    external_ref = serializers.CharField(source="result.solution.external_ref", allow_null=True)
    title = serializers.CharField(source="result.solution.title")
    vendor = VendorSerializer(source="result.solution.vendor")
    score = serializers.FloatField(source="result.score", help_text="0 to 1.")
    reasons = serializers.ListField(child=serializers.CharField(), source="result.reasons",
                                    help_text="Why it matches, in the request's language.")


class MatchResponseSerializer(serializers.Serializer):
    results = RankedSolutionSerializer(many=True)


class MatchView(APIView):
    """Rank published solutions for a need without storing it: the need's fields as in the
    catalog import format; each result with its score and the reasons, in the request's
    language. Weights and criteria: marketplace/matching/fit.py."""

    # A ranking reads the catalog: an API key needs catalog:read, even though this is a POST.
    access = {"post": Access.public()}

    @extend_schema(operation_id="match_solutions", request=AdHocNeedSerializer,
                   responses={200: MatchResponseSerializer})
    def post(self, request):
        params = AdHocNeedSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        limit = data.pop("limit")
        scenarios = [scenario.pk for scenario in data.pop("scenarios")]
        stages = [stage.pk for stage in data.pop("stages")]
        need = AdHocNeed(
            scenarios=Scenario.objects.filter(pk__in=scenarios),
            stages=LifecycleStage.objects.filter(pk__in=stages),
            **data,
        )
        results = match_need(need, limit=limit)
        ranked = [{"rank": rank, "result": result} for rank, result in enumerate(results, 1)]
        return Response({"results": RankedSolutionSerializer(ranked, many=True).data},
                        status=status.HTTP_200_OK)
