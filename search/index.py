"""The one index definition: which text of a published solution is searched and how much each
field weighs, which facets it is filtered and counted by, and how a solution becomes the
document every backend indexes. The language handling lives in `search.analysis`."""

import contextlib
import html
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Value
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from catalog.markdown import render_markdown
from catalog.models import CaseStudy, CaseStudyOutcome, Solution, SolutionStatus

from . import analysis


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
# The long texts of a document: more than half of it, read only to show or mark them.
# Matching leaves them out (documents(…, long_texts=False)).
LONG_TEXT_SOURCES = tuple(source for field in TEXT_FIELDS for source in field.sources
                          if source not in HIGHLIGHT_FIELDS and source != "vendor_name")


def without_long_texts(doc):
    """`doc` (changed in place and returned) without its LONG_TEXT_SOURCES."""
    for source in LONG_TEXT_SOURCES:
        doc.pop(source, None)
    return doc


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
SORTS_DESCRIPTION = (
    "relevance: best match of the words first (newest first without words); newest: most "
    "recently published first; rating: highest average rating first, unrated solutions last "
    "(each document's optional rating_avg, null until the solution is rated), then by "
    "relevance."
)
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


def plain_text(markdown_text):
    """What a reader sees of a markdown description, without the markup."""
    if not markdown_text:
        return ""
    return html.unescape(strip_tags(render_markdown(markdown_text))).strip()


_HIDDEN_BLOCK = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")  # ![alt](src): not shown as text
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # [text](url) → text
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.M)  # [1]: https://…
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"<[^>]*>")
_LINE_MARKUP = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-+*][ \t]+|\d+[.)][ \t]+)", re.M)
_RULE_OR_TABLE_LINE = re.compile(r"^[ \t]*\|?[ \t:|*_=-]+\|?[ \t]*$", re.M)
_INLINE_MARKUP = re.compile(r"[*`~]+")


def indexable_text(markdown_text):
    """What a reader sees of a markdown description, closely enough to index it: the words,
    without link targets, image addresses, HTML tags and markup characters. Rendering
    (plain_text) would say the same a hundred times slower, which a rebuild of 100,000
    solutions cannot afford."""
    if not markdown_text:
        return ""
    text = _HIDDEN_BLOCK.sub(" ", markdown_text)
    text = _REFERENCE.sub("", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _RULE_OR_TABLE_LINE.sub("", text)
    text = _LINE_MARKUP.sub("", text)
    # Emphasis sits inside a Chinese run as often as between words: removed, not spaced.
    text = _INLINE_MARKUP.sub("", text).replace("_", " ").replace("|", " ")
    text = re.sub(r"[ \t]+", " ", html.unescape(text))
    return re.sub(r"\n\s*\n+", "\n", text).strip()


_remembered = threading.local()
# A document's texts that are analysed: the sources of every searched field.
ANALYSED_SOURCES = tuple(dict.fromkeys(
    source for text_field in TEXT_FIELDS for source in text_field.sources))


def text_terms(text):
    """analysis.terms of a document's text: what the entries and the signature bands index.
    Within remembered_terms(), each text is analysed once however many ask for it."""
    memo = getattr(_remembered, "terms", None)
    if memo is None:
        return analysis.terms(text)
    if text not in memo:
        memo[text] = analysis.terms(text)
    return memo[text]


def analysed(docs):
    """The terms of each document's ANALYSED_SOURCES, for remembered_terms: analysis is the
    larger part of a rebuild's Python, done where it costs least (search.services reads
    ahead in another process)."""
    return [tuple(analysis.terms(doc.get(source) or "") for source in ANALYSED_SOURCES)
            for doc in docs]


@contextlib.contextmanager
def remembered_terms(docs=(), terms=None):
    """Within (in this thread): text_terms remembers what it analysed, starting with the
    `terms` of `docs` (from analysed) when given. For one batch of a rebuild: its signature
    bands and its entries read the same titles, summaries and descriptions."""
    _remembered.terms = {
        doc.get(source) or "": held
        for doc, doc_terms in zip(docs, terms or (), strict=terms is not None)
        for source, held in zip(ANALYSED_SOURCES, doc_terms, strict=True)
    }
    try:
        yield
    finally:
        _remembered.terms = None


def _number(value):
    return float(value) if value is not None else None


def solution_ratings(among):
    """{solution id: (average score, number of ratings)} for the rated ones `among` (a
    lookup, see _among_ids), as the marketplace told them (search.services.set_rating). A
    solution without ratings has rating_avg null and rating_count 0, and the "rating" sort
    puts it last."""
    from .models import SolutionRating

    rows = SolutionRating.objects.filter(**among("solution_id"))
    return {pk: (average, count) for pk, average, count in
            rows.values_list("solution_id", "average", "count")}


@dataclass(frozen=True)
class TaxonomySnapshot:
    """The taxonomy rows documents name, read once for many documents (it is tiny)."""

    scenarios: dict  # id → dict(code, stage, link, name_en, name_zh, keywords_en, keywords_zh)
    stages: dict  # id → code
    industries: dict
    technologies: dict
    regions: dict
    # (English name, Chinese name) of industries and technologies, for synonyms
    names: dict = field(default_factory=dict)  # ("industry" | "technology", id) → (en, zh)

    @classmethod
    def load(cls):
        from catalog.models import Industry, LifecycleStage, Region, Scenario, Technology

        scenarios = {
            row["pk"]: row
            for row in Scenario.objects.values(
                "pk", "code", "name_en", "name_zh", "keywords_en", "keywords_zh",
                stage_code=F("stage__code"), link_code=F("link__code"),
            )
        }
        named = {kind: list(model.objects.values_list("pk", "code", "name_en", "name_zh"))
                 for kind, model in (("industry", Industry), ("technology", Technology))}
        return cls(
            scenarios=scenarios,
            stages=dict(LifecycleStage.objects.values_list("pk", "code")),
            industries={pk: code for pk, code, _, _ in named["industry"]},
            technologies={pk: code for pk, code, _, _ in named["technology"]},
            regions=dict(Region.objects.values_list("pk", "code")),
            names={(kind, pk): (en, zh) for kind, rows in named.items()
                   for pk, _, en, zh in rows},
        )

    @classmethod
    def current(cls):
        """The snapshot this process keeps for TAXONOMY_CACHE_SECONDS; forgotten at once when
        this process saves a taxonomy row (search.apps connects forget_taxonomy)."""
        with _taxonomy_lock:
            cached = _taxonomy_cache.get("snapshot")
            if cached and cached[0] > time.monotonic():
                return cached[1]
        snapshot = cls.load()
        with _taxonomy_lock:
            _taxonomy_cache["snapshot"] = (time.monotonic() + TAXONOMY_CACHE_SECONDS, snapshot)
        return snapshot


TAXONOMY_CACHE_SECONDS = 300
_taxonomy_lock = threading.Lock()
_taxonomy_cache = {}


def forget_taxonomy(**kwargs):
    with _taxonomy_lock:
        _taxonomy_cache.clear()


SOLUTION_VALUES = ("pk", "vendor_id", "updated_at", "published_at", "title_en", "title_zh",
                   "summary_en", "summary_zh", "description_en", "description_zh",
                   "maturity_from", "maturity_to", "price_min_cny", "price_max_cny",
                   "deployment")


RELATIONS = (("scenarios", "scenario_id"), ("stages", "lifecyclestage_id"),
             ("industries", "industry_id"), ("technologies", "technology_id"),
             ("regions", "region_id"))


def _among_ids(ids):
    """The solutions whose related rows are read, as a function of the path to their id
    (`solution_id`, `case_study__solution_id`) giving filter lookups: these ids."""
    return lambda path: {f"{path}__in": ids}


def _among_range(low, high):
    """As _among_ids, every id from `low` to `high`: for a rebuild's batch, a range costs the
    database and the driver far less than a thousand parameters (rows of unpublished
    solutions in the range are read and left out)."""
    return lambda path: {f"{path}__gte": low, f"{path}__lte": high}


def _related(among):
    """{relation: {solution id: [related id, …]}} of Solution's many-to-many relations, in one
    query (a UNION ALL of their tables)."""
    queries = [
        getattr(Solution, name).through.objects.filter(**among("solution_id"))
        .annotate(relation=Value(name)).values_list("relation", "solution_id", field)
        .order_by()
        for name, field in RELATIONS
    ]
    related = {name: {} for name, _ in RELATIONS}
    for name, solution_id, other_id in queries[0].union(*queries[1:], all=True):
        related[name].setdefault(solution_id, []).append(other_id)
    return related


def _case_studies(among, taxonomy):
    """{solution id: (text of its case studies: clients, summaries, outcome metrics;
    industries of its case studies, one code per study; studies; outcomes)}."""
    metrics = {}
    for study_id, metric in (CaseStudyOutcome.objects.filter(**among("case_study__solution_id"))
                             .order_by("case_study", "position", "id")
                             .values_list("case_study_id", "metric")):
        metrics.setdefault(study_id, []).append(metric)
    studies = {}
    for solution_id, study_id, client, summary, industry_id in (
        CaseStudy.objects.filter(**among("solution_id")).order_by("solution", "position", "id")
        .values_list("solution_id", "id", "client", "summary", "industry_id")
    ):
        parts, industries, count, outcomes = studies.get(solution_id, ([], [], 0, 0))
        parts.extend([client, summary, *metrics.get(study_id, ())])
        if industry_id is not None:
            industries.append(taxonomy.industries[industry_id])
        studies[solution_id] = (parts, industries, count + 1,
                                outcomes + len(metrics.get(study_id, ())))
    return {
        pk: ("\n".join(part for part in parts if part), industries, count, outcomes)
        for pk, (parts, industries, count, outcomes) in studies.items()
    }


def _scenario_text(scenarios, lang):
    parts = []
    for scenario in scenarios:
        parts.append(scenario[f"name_{lang}"])
        parts.extend(scenario[f"keywords_{lang}"] or [])
    return "; ".join(part for part in parts if part)


def build_document(row, related, taxonomy, vendor_names, case_studies, rating=None):
    """The document of one solution: `row` its SOLUTION_VALUES, `related` its taxonomy ids per
    relation, `case_studies` from _case_studies, `rating` (average, count) from
    solution_ratings or None (rating_avg null, rating_count 0)."""
    scenarios = sorted((taxonomy.scenarios[pk] for pk in related.get("scenarios", ())),
                       key=lambda scenario: scenario["code"])
    stages = {scenario["stage_code"] for scenario in scenarios}
    stages |= {taxonomy.stages[pk] for pk in related.get("stages", ())}

    def codes(name, table):
        return sorted(table[pk] for pk in related.get(name, ()))

    pk = row["pk"]
    studies_text, study_industries, study_count, outcome_count = case_studies.get(
        pk, ("", [], 0, 0))
    return {
        "id": pk,
        "version": row["updated_at"].isoformat() if row["updated_at"] else "",
        "published_at": row["published_at"].isoformat() if row["published_at"] else None,
        "vendor_id": row["vendor_id"],
        "title_en": row["title_en"],
        "title_zh": row["title_zh"],
        "summary_en": row["summary_en"],
        "summary_zh": row["summary_zh"],
        "scenarios_en": _scenario_text(scenarios, "en"),
        "scenarios_zh": _scenario_text(scenarios, "zh"),
        "description_en": indexable_text(row["description_en"]),
        "description_zh": indexable_text(row["description_zh"]),
        "vendor_name": vendor_names.get(row["vendor_id"], ""),
        "case_studies": studies_text,
        "stage": sorted(stages),
        "link": sorted({scenario["link_code"] for scenario in scenarios}),
        "scenario": [scenario["code"] for scenario in scenarios],
        "industry": codes("industries", taxonomy.industries),
        "technology": codes("technologies", taxonomy.technologies),
        "maturity": [str(level) for level in range(row["maturity_from"], row["maturity_to"] + 1)],
        "region": codes("regions", taxonomy.regions),
        "price_band": price_bands(row["price_min_cny"], row["price_max_cny"]),
        "deployment": [row["deployment"]] if row["deployment"] else [],
        "maturity_from": row["maturity_from"],
        "maturity_to": row["maturity_to"],
        "price_min_cny": _number(row["price_min_cny"]),
        "price_max_cny": _number(row["price_max_cny"]),
        "rating_avg": rating[0] if rating else None,
        "rating_count": rating[1] if rating else 0,
        # The vendor's track record, for matching (marketplace.matching.fit): one industry
        # code per case study that names one, and how many studies and measured outcomes.
        "case_study_industries": study_industries,
        "case_study_count": study_count,
        "outcome_count": outcome_count,
    }


def build_documents(solutions=None, taxonomy=None):
    """Documents for many solutions at once (all published ones by default), ordered by id.
    `solutions` is a queryset or ids; only published solutions become documents. A fixed
    number of queries of plain values, whatever the number of solutions: a rebuild of
    100,000 must not build a million model instances."""
    queryset = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    if solutions is not None:
        if hasattr(solutions, "values_list"):
            solutions = solutions.values_list("pk", flat=True)
        queryset = queryset.filter(pk__in=list(solutions))
    rows = list(queryset.order_by("pk").values(*SOLUTION_VALUES))
    if not rows:
        return []
    return _documents(rows, _among_ids([row["pk"] for row in rows]),
                      taxonomy or TaxonomySnapshot.current())


def _documents(rows, among, taxonomy):
    """The documents of these SOLUTION_VALUES rows, their related rows read `among` (_among_ids)
    these solutions (and maybe others, left out)."""
    from accounts.models import Organization

    relations = _related(among)
    vendor_names = {
        pk: " ".join(name for name in (name_en, name_zh) if name)
        for pk, name_en, name_zh in Organization.objects.filter(
            pk__in={row["vendor_id"] for row in rows}).values_list("pk", "name", "name_zh")
    }
    case_studies = _case_studies(among, taxonomy)
    ratings = solution_ratings(among)
    return [
        build_document(
            row, {name: relation.get(row["pk"], ()) for name, relation in relations.items()},
            taxonomy, vendor_names, case_studies, ratings.get(row["pk"]),
        )
        for row in rows
    ]


def iter_document_batches(batch_size=200):
    """All published solutions' documents, a batch at a time, for rebuilding an index, in one
    pass over the solutions: their rows stream from a server-side cursor on PostgreSQL
    (chunks of `batch_size` on SQLite), and each batch's related rows are read by the range
    of its ids. Memory holds a batch, whatever the size of the catalog."""
    taxonomy = TaxonomySnapshot.load()  # a rebuild reads the taxonomy afresh
    rows = iter(
        Solution.objects.filter(status=SolutionStatus.PUBLISHED).order_by("pk")
        .values(*SOLUTION_VALUES).iterator(chunk_size=batch_size)
    )
    while batch := list(itertools.islice(rows, batch_size)):
        yield _documents(batch, _among_range(batch[0]["pk"], batch[-1]["pk"]), taxonomy)
