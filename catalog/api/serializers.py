import functools

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import serializers

from accounts.models import Organization, User
from catalog import limits, revisions, sla
from catalog.api.fields import CappedListSerializer, taxonomy_codes
from catalog.markdown import render_markdown
from catalog.models import (
    CaseStudy,
    CaseStudyOutcome,
    CheckResult,
    FactoryTier,
    Industry,
    LifecycleStage,
    MaturityLevel,
    PlanTarget,
    Region,
    ReviewEvent,
    ReviewReason,
    Scenario,
    ScenarioLink,
    Solution,
    SolutionRevision,
    Technology,
)
from catalog.models.taxonomy import in_reader_language
from catalog.selectors import ReviewInternalsAudience
from catalog.workflow import REVIEW_STATUSES


@functools.lru_cache(maxsize=2048)
def _rendered(markdown_text):
    # Rendering is a quarter of a list page's cost; the same text always gives the same HTML.
    return render_markdown(markdown_text)


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    name = serializers.CharField(help_text="In the reader's language, falling back to the other.")


class StageSerializer(CodeNameSerializer):
    pass


class LinkSerializer(CodeNameSerializer):
    stage = serializers.CharField(source="stage.code", read_only=True)


class ScenarioSerializer(CodeNameSerializer):
    edition = serializers.CharField()
    link = serializers.CharField(source="link.code", read_only=True)
    stage = serializers.CharField(source="stage.code", read_only=True)
    description_en = serializers.CharField()
    description_zh = serializers.CharField()
    keywords_en = serializers.ListField(child=serializers.CharField())
    keywords_zh = serializers.ListField(child=serializers.CharField())


class IndustrySerializer(CodeNameSerializer):
    gb4754 = serializers.ListField(child=serializers.CharField())


class MaturityLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaturityLevel
        fields = ["level", "name_en", "name_zh", "summary_en", "summary_zh"]


class FactoryTierSerializer(CodeNameSerializer):
    min_maturity_level = serializers.IntegerField(allow_null=True)


class PlanTargetSerializer(CodeNameSerializer):
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=12, decimal_places=4)


TAXONOMY = {
    # url name: (model, serializer)
    "stages": (LifecycleStage, StageSerializer),
    "links": (ScenarioLink, LinkSerializer),
    "scenarios": (Scenario, ScenarioSerializer),
    "industries": (Industry, IndustrySerializer),
    "technologies": (Technology, CodeNameSerializer),
    "regions": (Region, CodeNameSerializer),
    "maturity-levels": (MaturityLevel, MaturityLevelSerializer),
    "factory-tiers": (FactoryTier, FactoryTierSerializer),
    "plan-targets": (PlanTarget, PlanTargetSerializer),
}


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseStudyOutcome
        fields = ["metric", "unit", "before", "after"]
        list_serializer_class = CappedListSerializer

    def validate(self, attrs):
        if attrs["before"] == attrs["after"]:
            raise serializers.ValidationError({"after": "An outcome must differ from 'before'."})
        return attrs


class CaseStudySerializer(serializers.ModelSerializer):
    industry = serializers.SlugRelatedField(
        slug_field="code", queryset=Industry.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    outcomes = OutcomeSerializer(many=True, required=False,
                                 max_length=limits.OUTCOMES_PER_CASE_STUDY_MAX)

    class Meta:
        model = CaseStudy
        fields = ["client", "industry", "region", "year", "summary", "outcomes"]
        list_serializer_class = CappedListSerializer


class VendorRefSerializer(serializers.ModelSerializer):
    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "name_zh", "region", "external_ref", "verified"]


class ReviewStateSerializer(serializers.Serializer):
    """Where a submission stands in review: who, by when, and how much time is left."""

    reviewer = serializers.CharField(source="reviewer.username", read_only=True, allow_null=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    review_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    sla_status = serializers.SerializerMethodField()
    seconds_left = serializers.SerializerMethodField()
    needs_second_approval = serializers.BooleanField(read_only=True)
    first_approved_by = serializers.CharField(source="first_approved_by.username", read_only=True,
                                              allow_null=True)

    def get_sla_status(self, subject) -> str | None:
        if subject.status not in REVIEW_STATUSES:
            return None
        return sla.sla_status(subject.review_due_at)

    def get_seconds_left(self, subject) -> int | None:
        if subject.review_due_at is None or subject.status not in REVIEW_STATUSES:
            return None
        return int((subject.review_due_at - timezone.now()).total_seconds())


class SolutionSerializer(serializers.ModelSerializer):
    """The shape partners and pages read. Taxonomy is given by code."""

    vendor = VendorRefSerializer(read_only=True)
    vendor_id = serializers.PrimaryKeyRelatedField(
        source="vendor",
        queryset=Organization.objects.filter(kind=Organization.Kind.VENDOR),
        write_only=True,
        required=False,
        help_text="Which of your vendor organisations publishes it (default: your first).",
    )
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    description_html = serializers.SerializerMethodField()
    scenarios = taxonomy_codes(Scenario, "scenarios")
    stages = taxonomy_codes(
        LifecycleStage, "stages",
        help_text="Explicit stages; all_stages adds those implied by the scenarios.",
    )
    all_stages = serializers.SerializerMethodField()
    industries = taxonomy_codes(Industry, "industries")
    technologies = taxonomy_codes(Technology, "technologies")
    regions = taxonomy_codes(Region, "regions")
    case_studies = CaseStudySerializer(many=True, required=False,
                                       max_length=limits.CASE_STUDIES_MAX)
    review = ReviewStateSerializer(
        source="*", read_only=True, allow_null=True,
        help_text="Where the listing stands in review, for the vendor's members and operator "
                  "staff; null for everyone else, who see the status and dates only.",
    )

    class Meta:
        model = Solution
        fields = [
            "id", "external_ref", "vendor", "vendor_id", "language",
            "title", "title_en", "title_zh", "summary", "summary_en", "summary_zh",
            "description_en", "description_zh", "description_html",
            "scenarios", "stages", "all_stages", "industries", "technologies", "regions",
            "maturity_from", "maturity_to", "deployment", "price_min_cny", "price_max_cny",
            "delivery_weeks", "status", "review", "case_studies",
            "created_at", "updated_at", "submitted_at", "published_at",
        ]
        read_only_fields = ["external_ref", "status", "created_at", "updated_at",
                            "submitted_at", "published_at"]

    def to_representation(self, solution):
        data = super().to_representation(solution)
        if not self._review_audience().may_see(solution):
            data["review"] = None
        return data

    def _review_audience(self):
        # Kept in the context, which a list shares among its items: one lookup per request.
        context = self.context
        if "review_audience" not in context:
            request = context.get("request")
            user = getattr(request, "user", None) or AnonymousUser()
            context["review_audience"] = ReviewInternalsAudience(user)
        return context["review_audience"]

    def get_description_html(self, solution) -> str:
        return _rendered(in_reader_language(solution.description_en, solution.description_zh))

    def get_all_stages(self, solution) -> list[str]:
        # From prefetched rows only: a list of solutions costs no query per item.
        stages = {scenario.stage for scenario in solution.scenarios.all()}
        stages |= set(solution.stages.all())
        return [stage.code for stage in sorted(stages, key=lambda stage: stage.position)]

    def validate(self, attrs):
        low = attrs.get("maturity_from", getattr(self.instance, "maturity_from", 1))
        high = attrs.get("maturity_to", getattr(self.instance, "maturity_to", 5))
        if low > high:
            raise serializers.ValidationError(
                {"maturity_to": "Must not be below maturity_from."}
            )
        pmin = attrs.get("price_min_cny", getattr(self.instance, "price_min_cny", None))
        pmax = attrs.get("price_max_cny", getattr(self.instance, "price_max_cny", None))
        if pmin is not None and pmax is not None and pmin > pmax:
            raise serializers.ValidationError(
                {"price_max_cny": "Must not be below price_min_cny."}
            )
        return attrs


class ReviewEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    revision = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = ReviewEvent
        fields = ["id", "revision", "actor", "from_status", "to_status", "reason_codes",
                  "comment", "created_at"]


class CheckResultSerializer(serializers.ModelSerializer):
    revision = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = CheckResult
        fields = ["submission", "revision", "code", "passed", "severity", "score", "message",
                  "details", "created_at"]


class RevisionSerializer(serializers.ModelSerializer):
    solution = serializers.PrimaryKeyRelatedField(read_only=True)
    review = ReviewStateSerializer(source="*", read_only=True)
    diff = serializers.SerializerMethodField()

    class Meta:
        model = SolutionRevision
        fields = ["id", "solution", "number", "status", "review", "diff", "data", "base",
                  "created_at", "updated_at", "applied_at"]

    def get_diff(self, revision) -> list[dict]:
        return revisions.diff(revision.base, revision.data)


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    max_length=limits.REVIEW_COMMENT_MAX_CHARS)
    reason_codes = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list,
        help_text="Codes from /api/v1/review-reasons/; required when requesting changes or "
                  "rejecting.",
    )


class ReviewDecisionSerializer(DecisionSerializer):
    """A reviewer's decision, bound to the submission the reviewer read."""

    submitted_at = serializers.DateTimeField(
        help_text="`review.submitted_at` of the solution or revision as you read it. If it "
                  "was resubmitted since (it may have changed), the decision is refused with "
                  "409: read it again and decide on what is there now.",
    )


class ReassignSerializer(serializers.Serializer):
    reviewer = serializers.SlugRelatedField(slug_field="username",
                                            queryset=User.objects.filter(is_active=True))


class ReviewReasonSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ReviewReason
        fields = ["code", "label", "label_en", "label_zh", "applies_to"]


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class ValidationReportSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class ReviewItemSerializer(serializers.Serializer):
    """One entry of the review queue: a new listing, or a revision of a live one."""

    kind = serializers.SerializerMethodField()
    id = serializers.IntegerField()
    status = serializers.CharField()
    solution = serializers.SerializerMethodField()
    revision_number = serializers.SerializerMethodField()
    review = ReviewStateSerializer(source="*")
    sla_status = serializers.CharField(allow_null=True)

    def get_kind(self, item) -> str:
        return "revision" if isinstance(item, SolutionRevision) else "solution"

    def get_revision_number(self, item) -> int | None:
        return item.number if isinstance(item, SolutionRevision) else None

    def get_solution(self, item) -> dict:
        solution = item.solution if isinstance(item, SolutionRevision) else item
        return {
            "id": solution.pk,
            "title": solution.title,
            "vendor": {"id": solution.vendor_id, "name": str(solution.vendor)},
            "scenarios": [scenario.code for scenario in solution.scenarios.all()],
        }
