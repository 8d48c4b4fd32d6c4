"""Matching a marketplace need to published solutions, with a score and the reasons.

Candidates come from two sides: the search backend, with the need's own words (any word
counts, synonyms across languages included), and the catalog's structure: the need's
scenarios (or, when it names none, those its words point to: implied_scenarios), stages,
industry and target level, so a need with few words still finds solutions, and one in Chinese
finds solutions written only in English. Every candidate is then scored from its index
document by marketplace.matching.fit, where the criteria and their weights are documented.

`refresh_matches` stores a need's ranking as Match rows, with the reasons as codes (see
matching.reasons), and tells the enterprise about good matches that appear later: when an
open need is re-matched because a solution was published or changed, each solution scoring
at least fit.NOTIFY_MIN_SCORE that was never among the need's matches before is announced
with a `match.found` outbox event (one per need and solution, ever; events.notices.marketplace turns
it into a notification to the enterprise's members).
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import (
    CaseStudyOutcome,
    LifecycleStage,
    Scenario,
    Solution,
    SolutionStatus,
)
from core.outbox import emit
from marketplace.models import Match, Need, SeenMatch
from search.selectors import (
    documents,
    hits_for_text,
    newest_ids,
    scenario_names,
    text_highlights,
)

from . import fit as fitness
from .reasons import render_all

TEXT_CANDIDATES = 50
STRUCTURED_CANDIDATES = 100
MATCHES_KEPT = 10
# A need naming no scenario is taken to be about the scenarios of its best text matches
# (pseudo-relevance feedback): those of its IMPLIED_FROM best, weighted by relevance, that
# hold at least IMPLIED_MIN_SHARE of it. Solutions are tagged by scenario whatever language
# they are written in, so a need in Chinese reaches the English-only solutions of the
# scenario its words found, and the other way round.
IMPLIED_FROM = 3
IMPLIED_MIN_SHARE = 0.3
_MARKED = re.compile(r"<mark>(.*?)</mark>")


@dataclass
class MatchResult:
    solution: Solution
    score: float
    # The reasons as sentences in the language active when matching ran.
    reasons: list[str]
    # Criterion → fit in [0, 1], for the criteria that applied to this need.
    fit: dict[str, float] = field(default_factory=dict)
    # The reasons as data (matching.reasons.Reason), as Match rows store them.
    explained: list = field(default_factory=list)


@dataclass
class AdHocNeed:
    """A need that is ranked but not stored (POST /api/v1/match/), shaped like Need."""

    title: str
    language: str = "en"
    description: str = ""
    industry: object = None
    region: object = None
    scenarios: object = field(default_factory=Scenario.objects.none)
    stages: object = field(default_factory=LifecycleStage.objects.none)
    current_level: int | None = None
    target_level: int | None = None
    budget_max_cny: Decimal | None = None


def _text_candidates(profile):
    """{solution id: (relative text score, [])} from the search backend; the words that
    matched are found for the kept matches only (_matched_words)."""
    hits = hits_for_text(profile.text, TEXT_CANDIDATES)
    best = max((hit.score for hit in hits), default=0) or 1.0
    return {hit.id: (max(hit.score, 0.0) / best, []) for hit in hits}


def _matched_words(text, docs):
    """{solution id: up to 3 words of `text` found in the document, as written there} for
    these documents (id → document)."""
    found = {}
    for pk, marked in text_highlights(text, docs).items():
        words = []
        for fragment in marked.values():
            for word in _MARKED.findall(fragment):
                word = html.unescape(word)
                # "APS" and "APS智能排产" say the same thing twice: keep the first.
                if not any(word.lower() in w.lower() or w.lower() in word.lower()
                           for w in words):
                    words.append(word)
        found[pk] = words[:3]
    return found


def implied_scenarios(text, docs):
    """{code: {"fit", "name_en", "name_zh"}} of the scenarios a need's words point to, from its
    best text matches (`text`: id → (relevance, words); `docs`: id → document)."""
    best = sorted(text.items(), key=lambda item: -item[1][0])[:IMPLIED_FROM]
    total = sum(relevance for _, (relevance, _) in best)
    shares = Counter()
    for pk, (relevance, _) in best:
        for code in (docs.get(pk) or {}).get("scenario") or ():
            shares[code] += relevance / total if total else 0.0
    top = max(shares.values(), default=0.0)
    names = scenario_names()
    return {
        code: {"fit": fitness.IMPLIED_FIT * share / top, "name_en": names[code]["name_en"],
               "name_zh": names[code]["name_zh"]}
        for code, share in shares.items() if share >= IMPLIED_MIN_SHARE and code in names
    }


def _structured_tiers(profile):
    """Facet filters from the strictest (the need's topic, industry and target level) to the
    loosest (its topic alone): at 100,000 solutions the newest of a loose filter alone would
    be an arbitrary pick among thousands."""
    if profile.scenarios:
        topic = {"scenario": [scenario.code for scenario in profile.scenarios]}
    elif profile.implied:
        topic = {"scenario": sorted(profile.implied)}
    elif profile.stages:
        topic = {"stage": sorted(profile.stages)}
    else:
        topic = {}
    industry = ({"industry": [profile.industry.code, fitness.CROSS_INDUSTRY]}
                if profile.industry is not None else {})
    level = {"maturity": [str(profile.target)]} if profile.target is not None else {}
    if not topic:
        # Without a topic the words decide (fit.TOPICAL); structure only adds.
        return [{**industry, **level}] if industry else []
    tiers = []
    for tier in ({**topic, **industry, **level}, {**topic, **industry}, topic):
        if tier not in tiers:
            tiers.append(tier)
    return tiers


def _structured_candidates(profile):
    """Ids of the newest published solutions of each tier, through the search backend, and
    the newest of the need's scenarios straight from the catalog: a solution published a
    moment ago (its index entry still on the way) is not missed."""
    ids = set()
    for filters in _structured_tiers(profile):
        ids.update(newest_ids(filters, STRUCTURED_CANDIDATES))
        if len(ids) >= STRUCTURED_CANDIDATES:
            break  # the stricter tiers gave enough; the looser ones fit less
    if profile.scenarios:
        through = Solution.scenarios.through.objects.filter(scenario__in=profile.scenarios)
        newest = through.order_by("-solution_id").values("solution_id")[:STRUCTURED_CANDIDATES]
        ids.update(Solution.objects.filter(pk__in=newest, status=SolutionStatus.PUBLISHED)
                   .values_list("pk", flat=True))
    return ids


def _add_outcome_reasons(results, docs):
    """The best measured result of each kept match, in one query (none when no kept match
    reports outcomes)."""
    ids = [r.solution.pk for r in results if docs[r.solution.pk].get("outcome_count")]
    if not ids:
        return
    outcomes = {}
    for outcome in CaseStudyOutcome.objects.filter(case_study__solution_id__in=ids).select_related(
        "case_study"
    ):
        outcomes.setdefault(outcome.case_study.solution_id, []).append(outcome)
    for result in results:
        reason = fitness.outcome_reason(outcomes.get(result.solution.pk, ()))
        if reason is not None:
            result.explained.append(reason)


def match_need(need, limit=MATCHES_KEPT):
    """The `limit` best published solutions for `need`, best first, as MatchResults with a
    score in [0, 1] and reasons in the active language. Candidates are scored from their
    index documents; only the kept ones are loaded as Solutions."""
    profile = fitness.NeedProfile.of(need)
    text = _text_candidates(profile)
    # Scored from their facets and figures, and marked in titles and summaries: the long
    # texts are not read.
    docs = documents(set(text), long_texts=False) if text else {}
    if not profile.scenarios and text:
        profile.implied = implied_scenarios(text, docs)
    ids = set(text) | _structured_candidates(profile)
    if not ids:
        return []
    docs.update(documents(ids - set(docs), long_texts=False))
    scored = []
    for pk, doc in docs.items():
        fit, explained = fitness.assess(doc, profile, text.get(pk, (0.0, [])))
        # Same industry, region and budget alone do not make a match: it must be about
        # what the need is about (scenario, stage or words).
        if fitness.is_topical(fit):
            scored.append((fitness.score(fit), fit, explained, doc))
    # Best score, then the better text match, then the newest (two stable sorts: the
    # publication time is an ISO string).
    scored.sort(key=lambda item: (item[3].get("published_at") or "", item[3]["id"]),
                reverse=True)
    scored.sort(key=lambda item: (-item[0], -item[1].get("text", 0)))
    # Loaded from the catalog, with their vendor: a candidate unpublished since it was indexed
    # is left out. Callers showing more of a solution load it themselves.
    kept_ids = [item[3]["id"] for item in scored[: limit * 2]]
    solutions = (Solution.objects.filter(pk__in=kept_ids, status=SolutionStatus.PUBLISHED)
                 .select_related("vendor").in_bulk(kept_ids))
    kept = [item for item in scored[: limit * 2] if item[3]["id"] in solutions][:limit]
    # The words that matched only change the reasons, not the score: found for the kept.
    words = _matched_words(profile.text, {doc["id"]: doc for *_, doc in kept
                                          if doc["id"] in text}) if text else {}
    results = []
    for score, fit, explained, doc in kept:
        if words.get(doc["id"]):
            fit, explained = fitness.assess(doc, profile, (text[doc["id"]][0], words[doc["id"]]))
        results.append(MatchResult(solutions[doc["id"]], score, [], fit, explained))
    _add_outcome_reasons(results, docs)
    for result in results:
        result.reasons = render_all(result.explained)
    return results


def refresh_matches(need, limit=MATCHES_KEPT, *, announce=False):
    """Replace the need's Match rows by a fresh ranking, in one transaction, note when
    (Need.matched_at) and remember which solutions the need has seen. With `announce` (a
    re-match after a solution changed, not the need's own first ranking), each good match
    (score ≥ fit.NOTIFY_MIN_SCORE) the need has never had before is announced with a
    `match.found` event. Idempotent: run it again and nothing new is announced. Returns the
    MatchResults."""
    results = match_need(need, limit=limit)
    with transaction.atomic():
        Need.objects.select_for_update().filter(pk=need.pk).first()  # one refresh at a time
        need.matched_at = timezone.now()
        # Not save(): ranking is no change of the need (updated_at, its ETag stay).
        Need.objects.filter(pk=need.pk).update(matched_at=need.matched_at)
        ids = [result.solution.pk for result in results]
        known = set(Match.objects.filter(need=need).values_list("solution_id", flat=True))
        known |= set(SeenMatch.objects.filter(need=need, solution_id__in=ids)
                     .values_list("solution_id", flat=True))
        Match.objects.filter(need=need).delete()
        Match.objects.bulk_create(
            Match(need=need, solution=result.solution, score=result.score, rank=rank,
                  reasons=[reason.as_json() for reason in result.explained])
            for rank, result in enumerate(results, start=1)
        )
        new = [(rank, r) for rank, r in enumerate(results, start=1) if r.solution.pk not in known]
        good = {r.solution.pk for _, r in new if announce and r.score >= fitness.NOTIFY_MIN_SCORE}
        SeenMatch.objects.bulk_create(
            [SeenMatch(need=need, solution=r.solution, announced=r.solution.pk in good)
             for _, r in new],
            ignore_conflicts=True,
        )
        for rank, result in new:
            if result.solution.pk in good:
                emit("match.found", need, enterprise_id=need.enterprise_id,
                     solution_id=result.solution.pk, score=result.score, rank=rank)
    return results


def rematch_for_solution(solution_id):
    """A solution entered, changed or left the catalog: re-rank the open needs it could touch
    (same scenario, stage or industry), and those it was matched to."""
    from catalog.models import Solution

    solution = Solution.objects.filter(pk=solution_id).first()
    if solution is None:
        return
    scenarios = list(solution.scenarios.values_list("pk", flat=True))
    stages = list(solution.all_stages().values_list("pk", flat=True))
    industries = list(solution.industries.values_list("pk", flat=True))
    needs = Need.objects.filter(status=Need.Status.OPEN).filter(
        Q(scenarios__in=scenarios) | Q(stages__in=stages) | Q(industry__in=industries)
        | Q(matches__solution=solution)
    ).distinct()
    for need in needs.iterator():
        refresh_matches(need, announce=True)
