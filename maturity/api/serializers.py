"""Shapes of the maturity API: the model versions, assessments and their results, smart
factories, and the targets' figures."""

from rest_framework import serializers

from catalog.models import FactoryTier, Industry, Region

from ..models import (
    Answer,
    Assessment,
    FactoryEvidence,
    MaturityModel,
    SmartFactory,
    Statement,
    SubDomain,
)


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Statement
        fields = ["code", "level", "text_en", "text_zh", "weight"]


class SubDomainSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.code", read_only=True)
    element = serializers.CharField(source="domain.element.code", read_only=True)
    scenarios = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    statements = StatementSerializer(many=True, read_only=True)

    class Meta:
        model = SubDomain
        fields = ["code", "name_en", "name_zh", "element", "domain", "weight", "scenarios",
                  "statements"]


class MaturityModelSerializer(serializers.ModelSerializer):
    # Versions carry dots (gbt39116-2020.1): not the slug pattern the model field implies.
    version = serializers.CharField(read_only=True)

    class Meta:
        model = MaturityModel
        fields = ["version", "standard", "name_en", "name_zh", "is_current", "loaded_at"]


class MaturityModelDetailSerializer(MaturityModelSerializer):
    subdomains = SubDomainSerializer(many=True, read_only=True)

    class Meta(MaturityModelSerializer.Meta):
        fields = [*MaturityModelSerializer.Meta.fields, "subdomains"]


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class AssessmentSerializer(serializers.ModelSerializer):
    enterprise = OrganizationRefSerializer(read_only=True)
    model_version = serializers.CharField(source="model.version", read_only=True)
    # A plain string: drf-spectacular cannot name a "status" enum shared by two components.
    status = serializers.CharField(read_only=True, help_text="in_progress | completed")
    answered_count = serializers.IntegerField(source="answer_count", read_only=True,
                                              default=0)

    class Meta:
        model = Assessment
        fields = ["id", "enterprise", "model_version", "status", "level", "score", "is_latest",
                  "answered_count", "created_at", "updated_at", "completed_at"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    statement = serializers.CharField(source="statement.code")

    class Meta:
        model = Answer
        fields = ["statement", "value", "updated_at"]


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    not_applicable = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "answers", "not_applicable"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    """Answers to save: statement code → 0, 0.5, 0.8 or 1 (null clears the answer); and
    sub-domain code → true to mark it not applicable, false to include it again."""

    answers = serializers.DictField(
        child=serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True),
        required=False,
    )
    not_applicable = serializers.DictField(child=serializers.BooleanField(), required=False)


class LevelScoreSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    reached = serializers.BooleanField()


class DomainScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class SubDomainResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    domain = serializers.CharField()
    applicable = serializers.BooleanField()
    level = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)


class ScenarioRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RecommendedSolutionSerializer(serializers.Serializer):
    solution_id = serializers.IntegerField()
    title = serializers.CharField()
    vendor = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    quote_url = serializers.CharField()


class RecommendationSerializer(SubDomainResultSerializer):
    target_level = serializers.IntegerField()
    scenarios = ScenarioRefSerializer(many=True)
    matches = RecommendedSolutionSerializer(many=True)
    need_url = serializers.CharField()


class ResultsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    model_version = serializers.CharField()
    level = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=4, decimal_places=2)
    level_scores = LevelScoreSerializer(many=True)
    domains = DomainScoreSerializer(many=True)
    subdomains = SubDomainResultSerializer(many=True)
    weakest = RecommendationSerializer(many=True)


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FactoryEvidence
        fields = ["id", "title", "original_name", "content_type", "size", "created_at"]
        read_only_fields = fields


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, default="")


class FactorySerializer(serializers.ModelSerializer):
    enterprise = OrganizationRefSerializer(read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all())
    tier = serializers.SlugRelatedField(slug_field="code", queryset=FactoryTier.objects.all())
    status = serializers.CharField(read_only=True, help_text="pending | verified | rejected")
    evidence_count = serializers.IntegerField(read_only=True, default=0)
    assessment_level = serializers.IntegerField(source="assessment.level", read_only=True,
                                                allow_null=True, default=None)
    # Kept for partners, and it keeps its meaning: set only on a verified factory, never the
    # time of a rejection (SmartFactory.verified_at).
    verified_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = SmartFactory
        fields = ["id", "enterprise", "name", "region", "industry", "tier", "year", "status",
                  "assessment_level", "evidence_count", "review_note", "verified_at",
                  "created_at"]
        read_only_fields = ["status", "review_note", "verified_at", "created_at"]
        # The service checks the name's uniqueness within the enterprise.
        validators = []


class FactoryDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PlanTargetProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["count", "share"])
    target = serializers.FloatField()
    current = serializers.FloatField(allow_null=True)
    progress = serializers.FloatField(allow_null=True, help_text="current / target")


class HeadlineSerializer(serializers.Serializer):
    excellent_factories = serializers.IntegerField()
    verified_factories = serializers.IntegerField()
    pending_factories = serializers.IntegerField()
    active_enterprises = serializers.IntegerField()
    assessed_enterprises = serializers.IntegerField()
    enterprises_l2plus = serializers.IntegerField()
    share_l2plus = serializers.FloatField()
    published_solutions = serializers.IntegerField()


class LevelCountSerializer(serializers.Serializer):
    level = serializers.IntegerField(allow_null=True, help_text="null: never assessed")
    count = serializers.IntegerField()


class TrendPointSerializer(HeadlineSerializer):
    month = serializers.CharField()
    live = serializers.BooleanField(help_text="This month's live figures, not a snapshot.")


class SummarySerializer(serializers.Serializer):
    as_of = serializers.DateTimeField()
    headline = HeadlineSerializer()
    targets = PlanTargetProgressSerializer(many=True)
    enterprise_levels = LevelCountSerializer(many=True)
    trend = TrendPointSerializer(many=True)


class TierCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    min_level = serializers.IntegerField(allow_null=True)
    verified = serializers.IntegerField()
    pending = serializers.IntegerField()
    rejected = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    active_enterprises = serializers.IntegerField()
    enterprises_l2plus = serializers.IntegerField()
    share_l2plus = serializers.FloatField()
    verified_factories = serializers.IntegerField()
    excellent_factories = serializers.IntegerField()
    published_solutions = serializers.IntegerField()


class GapSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    link = serializers.CharField()
    open_needs = serializers.IntegerField()
    published_solutions = serializers.IntegerField()
    gap = serializers.IntegerField(help_text="open needs − published solutions")
    needs_per_solution = serializers.FloatField(help_text="open needs / (published + 1)")


class DashboardSerializer(SummarySerializer):
    active_window_days = serializers.IntegerField()
    factories_by_tier = TierCountSerializer(many=True)
    by_region = BreakdownSerializer(many=True)
    by_industry = BreakdownSerializer(many=True)
    gap_map = GapSerializer(many=True)
