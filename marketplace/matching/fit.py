"""How well a published solution fits a need: the criteria, their weights, and the reasons.

This is the one place where matching's weights live. Each criterion gives a fit in [0, 1].
They answer two questions, and the score of a match is the product of the answers:

    score = relevance × (SUITABILITY_FLOOR + (1 - SUITABILITY_FLOOR) × suitability)

Relevance: is the solution about what the need is about? The weighted mean of the criteria
the need says something about:

    criterion  weight  fit
    scenario    0.50   share of the need's scenarios the solution covers; for a need that
                       names none, the scenarios its words point to (those of its best text
                       matches, matching.ranking.implied_scenarios), at most IMPLIED_FIT
    text        0.40   text relevance of the need's words (synonyms included; the title's
                       English words count twice, and so does one the need says again),
                       relative to the best candidate's
    stage       0.10   1 when it works in one of the need's lifecycle stages

Suitability: does it suit this enterprise? The weighted mean of:

    industry    0.35   1 when it serves the need's industry; 0.6 when it is cross-industry
                       (taxonomy code "general"); else 0
    maturity    0.20   1 when its level range contains the need's target level; 0.4 when
                       the target is one level outside the range; else 0
    budget      0.20   1 when its starting price is within the budget; budget / price when
                       not; 0.5 when it names no price
    region      0.10   1 when it serves the need's region; 0.5 when it names no region
                       (it does not say); 0 when it names others
    evidence    0.15   the vendor's track record: the mean of (case studies in the need's
                       industry, up to 2), (some case study reports measured outcomes), and,
                       once solutions are rated, (average rating / 5)

A product, not a sum: a solution that suits the enterprise in every way but is about
something else scores nothing, and one that answers the need but suits the enterprise badly
keeps SUITABILITY_FLOOR of its relevance. (A weighted sum of all eight, as first built, let
same-industry, in-budget solutions on another topic outrank the right ones:
bench/matching_quality.py.) The score is in [0, 1]; a need that leaves a criterion out (no
budget, no words) is not scored on it.

Matches scoring at least NOTIFY_MIN_SCORE are "good": when one appears for an open need after
its first ranking (a solution was published), the enterprise is told (matching.ranking).

The reasons are Reasons (matching.reasons), said in the reader's language when read.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .reasons import Reason, bilingual

RELEVANCE_WEIGHTS = {"scenario": 0.50, "text": 0.40, "stage": 0.10}
SUITABILITY_WEIGHTS = {"industry": 0.35, "maturity": 0.20, "budget": 0.20, "region": 0.10,
                       "evidence": 0.15}
WEIGHTS = {**RELEVANCE_WEIGHTS, **SUITABILITY_WEIGHTS}
SUITABILITY_FLOOR = 0.4
TOPICAL = tuple(RELEVANCE_WEIGHTS)
CROSS_INDUSTRY = "general"  # the taxonomy's "Cross-industry (all mechanical sub-sectors)"
CROSS_INDUSTRY_FIT = 0.6
NEAR_LEVEL_FIT = 0.4
UNKNOWN = 0.5  # the solution does not say (no region, no price): neither fit nor misfit
NOTIFY_MIN_SCORE = 0.7
IMPLIED_FIT = 0.8  # a scenario the words point to counts less than one the need names
EVIDENCE_CASE_STUDIES = 2  # case studies in the need's industry that count in full
# The title says what the need is about; the description adds the circumstances ("fans go
# through cutting, welding and assembly"). The title is read this many times, so its words
# count as often among the need's words (search.analysis counts a word a query repeats, up to
# MAX_REPEATS, in English only). Kept below MAX_REPEATS: at or above it, a word the
# description keeps coming back to could no longer outweigh a title word (tuned English
# nDCG@10 fell from 0.95 to 0.90 on the matching bench).
TITLE_REPEATS = 2


@dataclass
class NeedProfile:
    """What the need says, read once. A Need, or anything shaped like one (an ad-hoc need of
    POST /api/v1/match/, a maturity recommendation): title, description, scenarios and stages
    (querysets), industry, region, current_level, target_level, budget_max_cny."""

    text: str
    scenarios: list
    stages: dict  # code → LifecycleStage: the chosen ones and those of the scenarios
    industry: object
    region: object
    current: int | None
    target: int | None
    budget: Decimal | None
    # For a need naming no scenario: code → {"fit", "name_en", "name_zh"} of the scenarios its
    # words point to (set by matching.ranking).
    implied: dict = field(default_factory=dict)

    @classmethod
    def of(cls, need):
        scenarios = list(need.scenarios.select_related("stage"))
        stages = {stage.code: stage for stage in need.stages.all()}
        for scenario in scenarios:
            stages.setdefault(scenario.stage.code, scenario.stage)
        current, target = need.current_level, need.target_level
        if current is None and target is not None:
            current = max(target - 1, 0)
        if target is None and current is not None:
            target = min(current + 1, 5)
        return cls(
            text=" ".join(part for part in ([need.title] * TITLE_REPEATS + [need.description])
                          if part),
            scenarios=scenarios,
            stages=stages,
            industry=need.industry,
            region=need.region,
            current=current,
            target=target,
            budget=need.budget_max_cny,
        )


def _mean(fit, weights):
    """The weighted mean of the criteria of `weights` present in `fit` (None when none is)."""
    present = [name for name in weights if name in fit]
    total = sum(weights[name] for name in present)
    return sum(weights[name] * fit[name] for name in present) / total if total else None


def score(fit):
    relevance = _mean(fit, RELEVANCE_WEIGHTS) or 0.0
    suitability = _mean(fit, SUITABILITY_WEIGHTS)
    if suitability is None:
        return round(relevance, 4)
    return round(relevance * (SUITABILITY_FLOOR + (1 - SUITABILITY_FLOOR) * suitability), 4)


def is_topical(fit):
    return any(fit.get(name) for name in TOPICAL)


def assess(doc, profile, text):
    """(fit per criterion, [Reason]) of one solution, from its index document (search.index),
    for one need. `text` is (relative relevance, words that matched) from the need's words."""
    fit, reasons = {}, []
    _scenario(doc, profile, fit, reasons)
    _industry(doc, profile, fit, reasons)
    _stage(doc, profile, fit, reasons)
    _maturity(doc, profile, fit, reasons)
    _region(doc, profile, fit, reasons)
    _budget(doc, profile, fit, reasons)
    if profile.text.strip():
        relevance, words = text
        fit["text"] = relevance
        if words:
            reasons.append(Reason("mentions", {"words": list(words)}))
    _evidence(doc, profile, fit, reasons)
    return fit, reasons


def _scenario(doc, profile, fit, reasons):
    offered = set(doc.get("scenario") or ())
    if profile.scenarios:
        covered = [s for s in profile.scenarios if s.code in offered]
        fit["scenario"] = len(covered) / len(profile.scenarios)
        reasons.extend(Reason("scenario", {"code": s.code, **bilingual(s)}) for s in covered)
    elif profile.implied:
        covered = sorted((code for code in profile.implied if code in offered),
                         key=lambda code: -profile.implied[code]["fit"])
        fit["scenario"] = profile.implied[covered[0]]["fit"] if covered else 0.0
        if covered:
            implied = profile.implied[covered[0]]
            reasons.append(Reason("implied_scenario", {
                "code": covered[0], "name_en": implied["name_en"], "name_zh": implied["name_zh"]}))


def _industry(doc, profile, fit, reasons):
    if profile.industry is None:
        return
    industries = set(doc.get("industry") or ())
    if profile.industry.code in industries:
        fit["industry"] = 1.0
        reasons.append(Reason("industry", bilingual(profile.industry)))
    elif CROSS_INDUSTRY in industries:
        fit["industry"] = CROSS_INDUSTRY_FIT
        reasons.append(Reason("cross_industry"))
    else:
        fit["industry"] = 0.0


def _stage(doc, profile, fit, reasons):
    if not profile.stages:
        return
    shared = sorted(set(profile.stages) & set(doc.get("stage") or ()))
    fit["stage"] = 1.0 if shared else 0.0
    # A covered scenario already says it; the stage is worth saying only on its own.
    if shared and not fit.get("scenario"):
        reasons.append(Reason("stage", bilingual(profile.stages[shared[0]])))


def _maturity(doc, profile, fit, reasons):
    if profile.target is None:
        return
    low, high = doc["maturity_from"], doc["maturity_to"]
    target = profile.target
    if low <= target <= high:
        fit["maturity"] = 1.0
        current = max(profile.current or 0, 1)
        if current < target and low <= current:
            reasons.append(Reason("step", {"current": current, "target": target}))
        else:
            reasons.append(Reason("target_level", {"level": target}))
    else:
        gap = low - target if target < low else target - high
        fit["maturity"] = NEAR_LEVEL_FIT if gap == 1 else 0.0


def _region(doc, profile, fit, reasons):
    if profile.region is None:
        return
    regions = doc.get("region") or ()
    if profile.region.code in regions:
        fit["region"] = 1.0
        reasons.append(Reason("region", bilingual(profile.region)))
    else:
        fit["region"] = 0.0 if regions else UNKNOWN


def _budget(doc, profile, fit, reasons):
    if profile.budget is None:
        return
    price = doc.get("price_min_cny")
    if price is None:
        fit["budget"] = UNKNOWN
    elif Decimal(str(price)) <= profile.budget:
        fit["budget"] = 1.0
        reasons.append(Reason("budget", {"price": int(price), "budget": int(profile.budget)}))
    else:
        fit["budget"] = float(profile.budget) / float(price)


def _evidence(doc, profile, fit, reasons):
    studies = doc.get("case_study_count") or 0
    in_industry = ((doc.get("case_study_industries") or []).count(profile.industry.code)
                   if profile.industry is not None else 0)
    signals = [
        min(in_industry, EVIDENCE_CASE_STUDIES) / EVIDENCE_CASE_STUDIES,
        1.0 if doc.get("outcome_count") else 0.0,
    ]
    if doc.get("rating_avg") is not None:
        average, count = doc["rating_avg"], doc.get("rating_count") or 0
        signals.append(average / 5)
        reasons.append(Reason("rating", {"average": average, "count": count}))
    fit["evidence"] = sum(signals) / len(signals)
    if in_industry:
        reasons.append(Reason("case_studies_in_industry", {
            "count": in_industry, **bilingual(profile.industry, "industry")}))
    elif studies:
        reasons.append(Reason("case_studies", {"count": studies}))


def outcome_reason(outcomes):
    """The most telling measured result among a solution's case studies' outcomes (the
    largest relative change), or None."""
    best = None
    for outcome in outcomes:
        change = outcome.change_percent
        if change is None:
            continue
        if best is None or abs(change) > abs(best[1]):
            best = (outcome, change)
    if best is None:
        return None
    outcome, change = best
    sign = "+" if change > 0 else "−"
    return Reason("outcome", {"metric": outcome.metric, "change": f"{sign}{abs(change):.0f}%"})
