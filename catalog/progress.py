"""Progress toward the plan's target of outstanding scenario solutions (2027: 200).

The metric is defined here, once: `solutions_toward_target()`, the listings published now
(an approved listing is published at once; an archived one no longer counts). The review
progress page and API, maturity's dashboards, its API and its monthly snapshots all read it.

Contract (implemented by the review-SLA work; pages and the API read it):

review_progress(now=None) -> {
    "target": {"code": "scenario-solutions", "year": 2027, "value": 200},
    "approved": int,          # listings approved so far (published or archived since)
    "published": int,         # toward the target: published now (solutions_toward_target)
    "share_of_target": float, # published / target value
    "by_stage":    [{"code", "name", "approved", "published"}],   # in stage order
    "by_link":     [{"code", "name", "stage", "approved", "published"}],
    "by_scenario": [{"code", "name", "link", "stage", "approved", "published"}],
                   # scenarios with no approved solution first, then fewest approved first
    "median_hours_to_decision": float | None,  # submit → reviewer decision
    "decisions_counted": int,
}
"""

import statistics

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    LifecycleStage,
    PlanTarget,
    ReviewEvent,
    Scenario,
    ScenarioLink,
    Solution,
    SolutionStatus,
)

S = SolutionStatus
TARGET_CODE, TARGET_YEAR = "scenario-solutions", 2027
# What counts toward the target: listings live now.
TARGET_STATUSES = (S.PUBLISHED,)
# Review throughput: a listing stays counted once approved (published at once, maybe archived
# later). Not the target's metric.
APPROVED_STATUSES = (S.APPROVED, S.PUBLISHED, S.ARCHIVED)
DECISIONS = (S.CHANGES_REQUESTED, S.REJECTED, S.APPROVED)


def solutions_toward_target():
    """The solutions counted toward the plan's target of outstanding scenario solutions."""
    return Solution.objects.filter(status__in=TARGET_STATUSES)


def review_progress(now=None):
    """The figures of the contract above in a fixed number of queries (six), whatever the size
    of the catalog. Names are in the active language. `now` bounds the decisions counted for
    the median, so a report for a past moment leaves out later decisions."""
    now = now or timezone.now()
    target = _target()
    totals = Solution.objects.aggregate(
        approved=Count("pk", filter=Q(status__in=APPROVED_STATUSES)),
        published=Count("pk", filter=Q(status__in=TARGET_STATUSES)),
    )
    median_hours, decisions = _decision_times(now)
    value = target["value"]
    return {
        "target": target,
        "approved": totals["approved"],
        "published": totals["published"],
        "share_of_target": round(totals["published"] / value, 4) if value else None,
        "by_stage": _by_stage(),
        "by_link": _by_link(),
        "by_scenario": _by_scenario(),
        "median_hours_to_decision": median_hours,
        "decisions_counted": decisions,
    }


def _target():
    row = PlanTarget.objects.filter(code=TARGET_CODE, year=TARGET_YEAR).first()
    value = None if row is None else row.value
    if value is not None:
        value = int(value) if value == int(value) else float(value)
    return {"code": TARGET_CODE, "year": TARGET_YEAR, "value": value}


def _counts(path):
    """approved / published counts of the solutions reached through `path` (a relation from
    a taxonomy row to Solution), each solution once."""
    return {
        "approved": Count(path, filter=Q(**{f"{path}__status__in": APPROVED_STATUSES}),
                          distinct=True),
        "published": Count(path, filter=Q(**{f"{path}__status__in": TARGET_STATUSES}),
                           distinct=True),
    }


def _stage_count(statuses):
    # A solution belongs to the stages its scenarios imply and to those chosen explicitly
    # (Solution.all_stages); a subquery counts each solution once across both paths.
    solutions = (
        Solution.objects.filter(Q(scenarios__stage=OuterRef("pk")) | Q(stages=OuterRef("pk")),
                                status__in=statuses)
        .order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(count=Count("pk", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(solutions, output_field=IntegerField()), 0)


def _by_stage():
    stages = LifecycleStage.objects.annotate(
        approved=_stage_count(APPROVED_STATUSES), published=_stage_count(TARGET_STATUSES)
    ).order_by("position", "pk")
    return [{"code": stage.code, "name": stage.name, "approved": stage.approved,
             "published": stage.published} for stage in stages]


def _by_link():
    links = (ScenarioLink.objects.select_related("stage")
             .annotate(**_counts("scenarios__solutions")).order_by("position", "pk"))
    return [{"code": link.code, "name": link.name, "stage": link.stage.code,
             "approved": link.approved, "published": link.published} for link in links]


def _by_scenario():
    scenarios = (Scenario.objects.select_related("link", "stage")
                 .annotate(**_counts("solutions")).order_by("approved", "code"))
    return [{"code": scenario.code, "name": scenario.name, "link": scenario.link.code,
             "stage": scenario.stage.code, "approved": scenario.approved,
             "published": scenario.published} for scenario in scenarios]


def _decision_times(now):
    """Median hours from each submission to the next decision on the same listing or
    revision, and how many such pairs there are. One query, then a pass in time order."""
    events = (
        ReviewEvent.objects.filter(to_status__in=(S.SUBMITTED, *DECISIONS), created_at__lte=now)
        .order_by("created_at", "id")
        .values_list("solution_id", "revision_id", "to_status", "created_at")
    )
    submitted_at = {}
    hours = []
    for solution_id, revision_id, to_status, created_at in events.iterator(chunk_size=2000):
        key = (solution_id, revision_id)
        if to_status == S.SUBMITTED:
            submitted_at[key] = created_at
        elif key in submitted_at:
            hours.append((created_at - submitted_at.pop(key)).total_seconds() / 3600)
    if not hours:
        return None, 0
    return round(statistics.median(hours), 2), len(hours)
