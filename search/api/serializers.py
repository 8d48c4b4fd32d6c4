from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.models import Solution
from search.backends.base import SORTS
from search.index import FACET_NAMES, MATURITY_LEVELS, PRICE_BANDS

FACET_CHOICES = {
    "maturity": MATURITY_LEVELS,
    "price_band": tuple(band.code for band in PRICE_BANDS),
    "deployment": tuple(Solution.Deployment.values),
}


class SearchParamsSerializer(serializers.Serializer):
    """The query string of GET /search/. A facet may be repeated (?stage=a&stage=b) or given
    comma-separated (?stage=a,b); values of one facet are OR-ed, facets AND-ed."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    sort = serializers.ChoiceField(choices=SORTS, default="relevance")
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(
        min_value=1, max_value=settings.API_MAX_PAGE_SIZE,
        default=settings.REST_FRAMEWORK["PAGE_SIZE"],
    )

    def get_fields(self):
        fields = super().get_fields()
        for facet in FACET_NAMES:
            fields[facet] = serializers.ListField(
                child=serializers.CharField(max_length=50), required=False, default=list
            )
        return fields

    def validate(self, attrs):
        errors = {}
        for facet in FACET_NAMES:
            values = [v.strip() for raw in attrs.get(facet, []) for v in raw.split(",")]
            values = [v for v in values if v]
            allowed = FACET_CHOICES.get(facet)
            wrong = [v for v in values if allowed and v not in allowed]
            if wrong:
                errors[facet] = [_("Unknown value(s): %(values)s. Choose from %(allowed)s.")
                                 % {"values": ", ".join(wrong), "allowed": ", ".join(allowed)}]
            attrs[facet] = values
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TaxonomyItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class VendorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    verified = serializers.BooleanField(source="is_verified")


class HighlightSerializer(serializers.Serializer):
    title = serializers.CharField(allow_null=True, help_text="HTML, matches in <mark>")
    summary = serializers.CharField(allow_null=True, help_text="HTML, matches in <mark>")


def pick_highlight(highlight):
    """The reader's language first; the other language when only it matched."""
    langs = ("zh", "en") if (get_language() or "en").startswith("zh") else ("en", "zh")
    return {
        name: next((highlight[f"{name}_{lang}"] for lang in langs
                    if highlight.get(f"{name}_{lang}")), None)
        for name in ("title", "summary")
    }


class SearchResultSerializer(serializers.Serializer):
    """A solution as a result card: a summary of the solution, its score and highlights.
    Built from a (Solution, SearchHit) pair."""

    id = serializers.IntegerField(source="solution.pk")
    title = serializers.CharField(source="solution.title")
    title_en = serializers.CharField(source="solution.title_en")
    title_zh = serializers.CharField(source="solution.title_zh")
    summary = serializers.CharField(source="solution.summary")
    vendor = VendorSerializer(source="solution.vendor")
    scenarios = TaxonomyItemSerializer(source="solution.scenarios.all", many=True)
    industries = TaxonomyItemSerializer(source="solution.industries.all", many=True)
    maturity_from = serializers.IntegerField(source="solution.maturity_from")
    maturity_to = serializers.IntegerField(source="solution.maturity_to")
    deployment = serializers.CharField(source="solution.deployment")
    price_min_cny = serializers.DecimalField(
        source="solution.price_min_cny", max_digits=14, decimal_places=2, allow_null=True
    )
    price_max_cny = serializers.DecimalField(
        source="solution.price_max_cny", max_digits=14, decimal_places=2, allow_null=True
    )
    delivery_weeks = serializers.IntegerField(source="solution.delivery_weeks", allow_null=True)
    published_at = serializers.DateTimeField(source="solution.published_at", allow_null=True)
    score = serializers.FloatField(source="hit.score")
    highlight = serializers.SerializerMethodField()

    def get_highlight(self, pair) -> HighlightSerializer:
        return pick_highlight(pair["hit"].highlight)


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    def get_fields(self):
        return {name: FacetOptionSerializer(many=True) for name in FACET_NAMES}


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    relaxed = serializers.BooleanField(
        help_text="True when no solution had every word, so solutions with any word are shown; "
        "false when nothing matched at all (count 0)."
    )
    results = SearchResultSerializer(many=True)
    facets = FacetsSerializer()


class SimilarResponseSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)


class SuggestParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    limit = serializers.IntegerField(min_value=1, max_value=10, default=5)


class ScenarioSuggestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="In the reader's language.")
    url = serializers.CharField(help_text="The search page filtered by this scenario.")


class ObjectSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="In the reader's language.")
    url = serializers.CharField(help_text="The vendor's or the solution's page.")


class SuggestResponseSerializer(serializers.Serializer):
    scenarios = ScenarioSuggestionSerializer(many=True)
    vendors = ObjectSuggestionSerializer(many=True)
    solutions = ObjectSuggestionSerializer(many=True)
