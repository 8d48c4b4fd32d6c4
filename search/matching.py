"""Matching a marketplace need to published solutions, with the reasons in words.

Candidates come from two sides: the search backend, with the need's own words (any word
counts), and the catalog's structure (same scenario, stage or industry), so a need with few
words still finds solutions. Every candidate is then scored on structured fit, each criterion
in [0, 1], weighted, over the criteria the need says something about:

    scenario  share of the need's scenarios the solution covers
    industry  the solution serves the need's industry
    stage     the solution works in one of the need's lifecycle stages
    maturity  share of the levels from the need's current to its target level it covers
    region    the solution serves the need's region (0.5 when it names no region)
    budget    the starting price fits the budget (budget / price when it does not)
    text      text relevance, relative to the best candidate
    record    case studies to show (up to 3)
"""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Solution, SolutionStatus
from catalog.selectors import with_relations
from marketplace.models import Match, Need

from .backends import SearchQuery, get_backend

WEIGHTS = {
    "scenario": 0.30,
    "industry": 0.15,
    "stage": 0.10,
    "maturity": 0.10,
    "region": 0.10,
    "budget": 0.10,
    "text": 0.10,
    "record": 0.05,
}
TOPICAL = ("scenario", "stage", "text")
TEXT_CANDIDATES = 50
STRUCTURED_CANDIDATES = 100
UNKNOWN = 0.5  # the solution does not say (no region, no price): neither fit nor misfit
_MARKED = re.compile(r"<mark>(.*?)</mark>")


@dataclass
class MatchResult:
    solution: Solution
    score: float
    reasons: list[str]
    # Criterion → fit in [0, 1], for the criteria that applied to this need.
    fit: dict[str, float] = field(default_factory=dict)


@dataclass
class _NeedProfile:
    """What the need says, read once."""

    text: str
    scenarios: list
    stage_ids: set
    stages: dict
    industry: object
    region: object
    levels: range | None
    current: int | None
    target: int | None
    budget: Decimal | None

    @classmethod
    def of(cls, need):
        scenarios = list(need.scenarios.select_related("stage"))
        stages = {stage.pk: stage for stage in need.stages.all()}
        for scenario in scenarios:
            stages.setdefault(scenario.stage_id, scenario.stage)
        current, target = need.current_level, need.target_level
        if current is None and target is not None:
            current = max(target - 1, 0)
        if target is None and current is not None:
            target = min(current + 1, 5)
        # Level 0 means "not yet level 1": a solution starting at level 1 suits it.
        levels = range(max(current, 1), target + 1) if target is not None else None
        return cls(
            text=" ".join(part for part in (need.title, need.description) if part),
            scenarios=scenarios,
            stage_ids=set(stages),
            stages=stages,
            industry=need.industry,
            region=need.region,
            levels=levels,
            current=current,
            target=target,
            budget=need.budget_max_cny,
        )


def _cny(amount):
    return f"{int(amount):,}"


def _text_candidates(profile):
    """{solution id: (relative text score, words that matched)} from the search backend."""
    if not profile.text.strip():
        return {}
    results = get_backend().search(
        SearchQuery(text=profile.text, operator="or", page_size=TEXT_CANDIDATES,
                    with_facets=False)
    )
    best = max((hit.score for hit in results.hits), default=0) or 1.0
    candidates = {}
    for hit in results.hits:
        words = []
        for fragment in hit.highlight.values():
            for word in _MARKED.findall(fragment):
                word = html.unescape(word)
                # "APS" and "APS智能排产" say the same thing twice: keep the first.
                if not any(word.lower() in w.lower() or w.lower() in word.lower()
                           for w in words):
                    words.append(word)
        candidates[hit.id] = (max(hit.score, 0.0) / best, words[:3])
    return candidates


def _structured_candidates(profile):
    published = Solution.objects.filter(status=SolutionStatus.PUBLISHED).order_by(
        "-published_at", "-pk"
    )
    ids = set()
    if profile.scenarios:
        ids.update(published.filter(scenarios__in=profile.scenarios)
                   .values_list("pk", flat=True).distinct()[:STRUCTURED_CANDIDATES])
    if profile.stage_ids:
        ids.update(published.filter(Q(stages__in=profile.stage_ids)
                                    | Q(scenarios__stage__in=profile.stage_ids))
                   .values_list("pk", flat=True).distinct()[:STRUCTURED_CANDIDATES])
    if profile.industry is not None:
        ids.update(published.filter(industries=profile.industry)
                   .values_list("pk", flat=True).distinct()[:STRUCTURED_CANDIDATES])
    return ids


def _assess(solution, profile, text):
    """(fit per criterion, reasons) of one solution for one need."""
    fit, reasons = {}, []
    scenario_codes = {s.pk: s for s in solution.scenarios.all()}
    if profile.scenarios:
        covered = [s for s in profile.scenarios if s.pk in scenario_codes]
        fit["scenario"] = len(covered) / len(profile.scenarios)
        for scenario in covered:
            reasons.append(_("Covers scenario %(code)s %(name)s")
                           % {"code": scenario.code, "name": scenario.name})
    if profile.industry is not None:
        serves = any(i.pk == profile.industry.pk for i in solution.industries.all())
        fit["industry"] = 1.0 if serves else 0.0
        if serves:
            reasons.append(_("Serves your industry %(name)s") % {"name": profile.industry.name})
    if profile.stage_ids:
        stage_ids = {s.stage_id for s in scenario_codes.values()}
        stage_ids |= {s.pk for s in solution.stages.all()}
        shared = [profile.stages[pk] for pk in profile.stage_ids & stage_ids]
        fit["stage"] = 1.0 if shared else 0.0
        if shared and not fit.get("scenario"):
            reasons.append(_("Works in your lifecycle stage %(name)s") % {"name": shared[0].name})
    if profile.levels is not None:
        covered = [lvl for lvl in profile.levels
                   if solution.maturity_from <= lvl <= solution.maturity_to]
        fit["maturity"] = len(covered) / len(profile.levels)
        if fit["maturity"] == 1.0:
            reasons.append(_("Covers your step from maturity level %(current)s to %(target)s")
                           % {"current": profile.current, "target": profile.target})
    if profile.region is not None:
        regions = list(solution.regions.all())
        if any(r.pk == profile.region.pk for r in regions):
            fit["region"] = 1.0
            reasons.append(_("Serves your region %(name)s") % {"name": profile.region.name})
        else:
            fit["region"] = 0.0 if regions else UNKNOWN
    if profile.budget is not None:
        price = solution.price_min_cny
        if price is None:
            fit["budget"] = UNKNOWN
        elif price <= profile.budget:
            fit["budget"] = 1.0
            reasons.append(_("Price from %(price)s CNY fits your budget of %(budget)s CNY")
                           % {"price": _cny(price), "budget": _cny(profile.budget)})
        else:
            fit["budget"] = float(profile.budget / price)
    if profile.text.strip():
        relevance, words = text.get(solution.pk, (0.0, []))
        fit["text"] = relevance
        if words:
            reasons.append(_("Mentions %(words)s") % {"words": ", ".join(words)})
    count = solution.case_study_count
    fit["record"] = min(count, 3) / 3
    if count:
        reasons.append(ngettext("Backed by %(count)d case study",
                                "Backed by %(count)d case studies", count) % {"count": count})
    return fit, reasons


def _score(fit):
    weight = sum(WEIGHTS[name] for name in fit)
    return round(sum(WEIGHTS[name] * value for name, value in fit.items()) / weight, 4)


def match_need(need, limit=10):
    """The `limit` best published solutions for `need`, best first, as MatchResults with a
    score in [0, 1] and reasons in the active language."""
    profile = _NeedProfile.of(need)
    text = _text_candidates(profile)
    ids = set(text) | _structured_candidates(profile)
    if not ids:
        return []
    solutions = with_relations(
        Solution.objects.filter(pk__in=ids, status=SolutionStatus.PUBLISHED)
    ).annotate(case_study_count=Count("case_studies"))
    results = []
    for solution in solutions:
        fit, reasons = _assess(solution, profile, text)
        score = _score(fit)
        # Same industry, region and budget alone do not make a match: it must be about
        # what the need is about (scenario, stage or words).
        if any(fit.get(name) for name in TOPICAL):
            results.append(MatchResult(solution, score, reasons, fit))
    published_at = {r.solution.pk: r.solution.published_at.timestamp()
                    if r.solution.published_at else 0 for r in results}
    results.sort(key=lambda r: (-r.score, -r.fit.get("text", 0), -published_at[r.solution.pk],
                                -r.solution.pk))
    return results[:limit]


def need_language(need):
    """The UI language a need's reasons are written in: the language it was written in."""
    return "zh-hans" if need.language == "zh" else "en"


def refresh_matches(need, limit=10):
    """Replace the need's Match rows by a fresh ranking, in one transaction. Reasons are
    stored as sentences in the need's language. Returns the MatchResults."""
    with translation.override(need_language(need)):
        results = match_need(need, limit=limit)
    with transaction.atomic():
        Need.objects.select_for_update().filter(pk=need.pk).first()  # one refresh at a time
        Match.objects.filter(need=need).delete()
        Match.objects.bulk_create(
            Match(need=need, solution=result.solution, score=result.score, rank=rank,
                  reasons=result.reasons)
            for rank, result in enumerate(results, start=1)
        )
    return results
