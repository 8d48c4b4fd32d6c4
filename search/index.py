"""The one index definition: which text of a published solution is searched and how much each
field weighs, which facets it is filtered and counted by, and how a solution becomes the
document every backend indexes. The language handling lives in `search.analysis`."""

import html
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from catalog.markdown import render_markdown
from catalog.models import CaseStudy, Solution, SolutionStatus
from catalog.selectors import with_relations


@dataclass(frozen=True)
class TextField:
    """A searched field: its weight and the document keys it is made of. Keys ending in `_en`
    or `_zh` hold one language; the others may hold either."""

    name: str
    weight: int
    sources: tuple[str, ...]

    @property
    def column(self):
        """The column of the database index holding this field's normalised terms."""
        return f"{self.name}_terms"


TEXT_FIELDS = (
    TextField("title", 3, ("title_en", "title_zh")),
    TextField("summary", 2, ("summary_en", "summary_zh")),
    TextField("scenarios", 2, ("scenarios_en", "scenarios_zh")),
    TextField("description", 1, ("description_en", "description_zh")),
    TextField("vendor", 1, ("vendor_name",)),
    TextField("case_studies", 1, ("case_studies",)),
)

# Fields a hit's highlight is taken from (what a result card shows).
HIGHLIGHT_FIELDS = ("title_en", "title_zh", "summary_en", "summary_zh")


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    # Natural order (levels, bands, lifecycle) reads better than order by count.
    natural_order: bool = False


FACETS = (
    Facet("stage", _("Lifecycle stage"), natural_order=True),
    Facet("link", _("Link"), natural_order=True),
    Facet("scenario", _("Scenario")),
    Facet("industry", _("Industry")),
    Facet("technology", _("Technology")),
    Facet("maturity", _("Maturity level"), natural_order=True),
    Facet("region", _("Region")),
    Facet("price_band", _("Price"), natural_order=True),
    Facet("deployment", _("Deployment")),
)
FACET_NAMES = tuple(facet.name for facet in FACETS)
MATURITY_LEVELS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class PriceBand:
    """Prices in CNY from `low` (inclusive) to `high` (exclusive; None is open-ended)."""

    code: str
    label: str
    low: Decimal
    high: Decimal | None


PRICE_BANDS = (
    PriceBand("under-300k", _("Under 300,000 CNY"), Decimal(0), Decimal(300_000)),
    PriceBand("300k-1m", _("300,000 to 1 million CNY"), Decimal(300_000), Decimal(1_000_000)),
    PriceBand("1m-3m", _("1 to 3 million CNY"), Decimal(1_000_000), Decimal(3_000_000)),
    PriceBand("over-3m", _("3 million CNY and more"), Decimal(3_000_000), None),
)


def price_bands(price_min, price_max):
    """Every band the price range touches: a solution from 0.3M to 1.2M is found both by
    buyers looking for 0.3–1M and by those looking for 1–3M. No price, no band."""
    if price_min is None and price_max is None:
        return []
    low = Decimal(price_min if price_min is not None else price_max)
    high = Decimal(price_max if price_max is not None else price_min)
    return [
        band.code
        for band in PRICE_BANDS
        if (band.high is None or low < band.high) and high >= band.low
    ]


def indexable_solutions():
    """Published solutions with everything a document needs, in a fixed number of queries."""
    published = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    return with_relations(published).prefetch_related(
        Prefetch("case_studies", queryset=CaseStudy.objects.prefetch_related("outcomes"))
    )


def plain_text(markdown_text):
    """What a reader sees of a markdown description, without the markup."""
    if not markdown_text:
        return ""
    return html.unescape(strip_tags(render_markdown(markdown_text))).strip()


def _scenario_text(scenarios, lang):
    parts = []
    for scenario in scenarios:
        parts.append(getattr(scenario, f"name_{lang}"))
        parts.extend(getattr(scenario, f"keywords_{lang}") or [])
    return "; ".join(part for part in parts if part)


def _case_study_text(case_studies):
    parts = []
    for study in case_studies:
        parts.extend([study.client, study.summary])
        parts.extend(outcome.metric for outcome in study.outcomes.all())
    return "\n".join(part for part in parts if part)


def _number(value):
    return float(value) if value is not None else None


def build_document(solution):
    """The document of one solution, from its prefetched relations (see indexable_solutions)."""
    scenarios = list(solution.scenarios.all())
    stages = {scenario.stage.code for scenario in scenarios}
    stages |= {stage.code for stage in solution.stages.all()}
    vendor = solution.vendor
    return {
        "id": solution.pk,
        "version": solution.updated_at.isoformat() if solution.updated_at else "",
        "published_at": solution.published_at.isoformat() if solution.published_at else None,
        "vendor_id": solution.vendor_id,
        "title_en": solution.title_en,
        "title_zh": solution.title_zh,
        "summary_en": solution.summary_en,
        "summary_zh": solution.summary_zh,
        "scenarios_en": _scenario_text(scenarios, "en"),
        "scenarios_zh": _scenario_text(scenarios, "zh"),
        "description_en": plain_text(solution.description_en),
        "description_zh": plain_text(solution.description_zh),
        "vendor_name": " ".join(name for name in (vendor.name, vendor.name_zh) if name),
        "case_studies": _case_study_text(solution.case_studies.all()),
        "stage": sorted(stages),
        "link": sorted({scenario.link.code for scenario in scenarios}),
        "scenario": sorted(scenario.code for scenario in scenarios),
        "industry": sorted(item.code for item in solution.industries.all()),
        "technology": sorted(item.code for item in solution.technologies.all()),
        "maturity": [str(level) for level in range(solution.maturity_from,
                                                   solution.maturity_to + 1)],
        "region": sorted(item.code for item in solution.regions.all()),
        "price_band": price_bands(solution.price_min_cny, solution.price_max_cny),
        "deployment": [solution.deployment] if solution.deployment else [],
        "maturity_from": solution.maturity_from,
        "maturity_to": solution.maturity_to,
        "price_min_cny": _number(solution.price_min_cny),
        "price_max_cny": _number(solution.price_max_cny),
    }


def build_documents(solutions=None):
    """Documents for many solutions at once (all published ones by default). `solutions` is a
    queryset or ids; only published solutions become documents. Query count does not grow
    with the number of solutions."""
    queryset = indexable_solutions()
    if solutions is not None:
        if hasattr(solutions, "values_list"):
            solutions = solutions.values_list("pk", flat=True)
        queryset = queryset.filter(pk__in=list(solutions))
    return [build_document(solution) for solution in queryset.order_by("pk")]


def iter_document_batches(batch_size=200):
    """All published solutions' documents, a batch at a time, for rebuilding an index."""
    ids = list(
        Solution.objects.filter(status=SolutionStatus.PUBLISHED).order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        yield build_documents(ids[start : start + batch_size])
