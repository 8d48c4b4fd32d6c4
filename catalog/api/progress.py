"""Progress toward the plan's target of scenario solutions, for operator staff."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.policy import Access
from catalog.progress import review_progress


class TargetSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True, help_text="How many solutions.")


class CountsSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the reader's language.")
    approved = serializers.IntegerField(help_text="Approved so far (published or archived since).")
    published = serializers.IntegerField(help_text="Live now.")


class LinkCountsSerializer(CountsSerializer):
    stage = serializers.CharField(help_text="The stage's code.")


class ScenarioCountsSerializer(LinkCountsSerializer):
    link = serializers.CharField(help_text="The link's code.")


class ReviewProgressSerializer(serializers.Serializer):
    target = TargetSerializer()
    approved = serializers.IntegerField(help_text="Approved so far (published or archived since).")
    published = serializers.IntegerField(
        help_text="Toward the target: published now (the figure the targets' dashboards show)."
    )
    share_of_target = serializers.FloatField(allow_null=True, help_text="published / target.")
    by_stage = CountsSerializer(many=True, help_text="In stage order.")
    by_link = LinkCountsSerializer(many=True, help_text="In link order.")
    by_scenario = ScenarioCountsSerializer(
        many=True, help_text="Scenarios with no approved solution first, then fewest approved."
    )
    median_hours_to_decision = serializers.FloatField(
        allow_null=True, help_text="Median hours from a submission to the reviewer's decision."
    )
    decisions_counted = serializers.IntegerField()


class ReviewProgressView(APIView):
    """How far the catalog is toward the plan's published scenario solutions (200 by 2027),
    by stage, link and scenario (gaps first), with the median time to a review decision.
    Operator staff only."""

    access = {"get": Access.members("reviewer", "operator", scope="reviews:read",
                                    keys={"operator"})}

    @extend_schema(responses=ReviewProgressSerializer)
    def get(self, request):
        return Response(ReviewProgressSerializer(review_progress()).data)
