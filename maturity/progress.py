"""Progress toward the plan's targets (catalog.PlanTarget), live, for the dashboards, the
CSV export, the API and the monthly snapshots.

How each figure is counted:

- excellent smart factories: verified factories at the excellent tier or above (leading
  factories are drawn from excellent ones), against `excellent-smart-factories`;
- share of enterprises at level 2+: among *active* enterprises, those whose level (the level
  of their latest completed assessment) is 2 or more; enterprises never assessed count as
  below level 2. Against `share-enterprises-l2plus`;
- scenario solutions: catalog.progress.solutions_toward_target() (published now), against
  `scenario-solutions`, the same figure as catalog's review progress;

An enterprise is *active* when it is an enterprise organisation with at least one member
whose account is active, and within the last 12 months (ACTIVE_WINDOW) one of its members
signed in, or it posted a need, or it worked on a maturity assessment.

Every figure comes from a fixed number of aggregate queries (grouped in the database, folded
into breakdowns here), so a dashboard costs the same whatever the number of enterprises,
solutions or needs.
"""

from datetime import timedelta

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q
from django.utils import timezone

from accounts.models import Membership, Organization
from catalog.models import (
    FactoryTier,
    Industry,
    PlanTarget,
    Region,
    Scenario,
    Solution,
    SolutionStatus,
)
from catalog.progress import TARGET_STATUSES, solutions_toward_target
from marketplace.models import Need

from .models import Assessment, SmartFactory, TargetSnapshot

ACTIVE_WINDOW = timedelta(days=365)
LEVEL_TARGET = 2
EXCELLENT_TIER = "excellent"
TARGET_METRICS = {
    "excellent-smart-factories": ("excellent_factories", "count"),
    "share-enterprises-l2plus": ("share_l2plus", "share"),
    "scenario-solutions": ("published_solutions", "count"),
}


def active_enterprises(now=None):
    cutoff = (now or timezone.now()) - ACTIVE_WINDOW
    # One semi-join on the union of the three kinds of recent activity: PostgreSQL plans it
    # as a single hash (OR-ed EXISTS made it cost, and JIT-compile, every enterprise row).
    recently_active = (
        Membership.objects.filter(user__is_active=True, user__last_login__gte=cutoff)
        .order_by().values("organization_id")
        .union(Need.objects.filter(created_at__gte=cutoff).order_by().values("enterprise_id"),
               Assessment.objects.filter(updated_at__gte=cutoff).order_by()
               .values("enterprise_id"))
    )
    with_active_member = Membership.objects.filter(organization=OuterRef("pk"),
                                                   user__is_active=True)
    return Organization.objects.filter(Exists(with_active_member), pk__in=recently_active,
                                       kind=Organization.Kind.ENTERPRISE)


def _share(part, whole):
    return round(part / whole, 4) if whole else 0.0


def _enterprise_rows(now):
    """(region code, industry code, level or None, count) of the active enterprises."""
    return (
        active_enterprises(now)
        .annotate(latest=FilteredRelation("maturity_assessments",
                                          condition=Q(maturity_assessments__is_latest=True)))
        .values("region")
        .annotate(industry_code=F("enterprise_profile__industry__code"),
                  level=F("latest__level"), n=Count("pk"))
        .values_list("region", "industry_code", "level", "n")
        .order_by()
    )


def _factory_rows():
    return (SmartFactory.objects.values("status", "tier__code", "region__code", "industry__code")
            .annotate(n=Count("pk")).values_list("status", "tier__code", "region__code",
                                                 "industry__code", "n").order_by())


def _through_counts(relation, column):
    """{related id: solutions toward the target} over one of Solution's many-to-many
    relations.

    Counted as every link less the links of solutions not counted: the first reads one
    index of the link table and the second only the (few) unpublished solutions, where
    joining every link to its solution to check its status would read them all."""
    through = getattr(Solution, relation).through

    def grouped(links):
        return dict(links.values(column).annotate(n=Count("*")).values_list(column, "n")
                    .order_by())

    counts = grouped(through.objects.all())
    not_counted = [status for status in SolutionStatus.values if status not in TARGET_STATUSES]
    for pk, n in grouped(through.objects.filter(solution__status__in=not_counted)).items():
        counts[pk] -= n
    return {pk: n for pk, n in counts.items() if n}


class _Tally(dict):
    """{key: {metric: number}} with missing entries starting at 0."""

    def add(self, key, metric, amount):
        row = self.setdefault(key, {})
        row[metric] = row.get(metric, 0) + amount


def _tiers_from(tiers, code):
    """Codes of the tier `code` and of every tier above it."""
    lowest = next((tier.position for tier in tiers if tier.code == code), None)
    return {tier.code for tier in tiers if lowest is not None and tier.position >= lowest}


def _headline(tiers, factory_rows, enterprise_rows, published):
    excellent = _tiers_from(tiers, EXCELLENT_TIER)
    verified = [row for row in factory_rows if row[0] == SmartFactory.Status.VERIFIED]
    active = sum(row[3] for row in enterprise_rows)
    l2plus = sum(row[3] for row in enterprise_rows if (row[2] or 0) >= LEVEL_TARGET)
    return {
        "excellent_factories": sum(row[4] for row in verified if row[1] in excellent),
        "verified_factories": sum(row[4] for row in verified),
        "pending_factories": sum(row[4] for row in factory_rows
                                 if row[0] == SmartFactory.Status.PENDING),
        "active_enterprises": active,
        "assessed_enterprises": sum(row[3] for row in enterprise_rows if row[2] is not None),
        "enterprises_l2plus": l2plus,
        "share_l2plus": _share(l2plus, active),
        "published_solutions": published,
    }, excellent


def _targets(headline):
    rows = []
    for target in PlanTarget.objects.all():
        metric, kind = TARGET_METRICS.get(target.code, (None, "count"))
        current = headline.get(metric) if metric else None
        value = float(target.value) if kind == "share" else int(target.value)
        rows.append({
            "code": target.code, "name": target.name, "year": target.year, "kind": kind,
            "target": value, "current": current,
            "progress": round(current / value, 4) if current is not None and value else None,
        })
    return rows


def _trend(headline=None, now=None):
    """Monthly snapshots, oldest first, with this month's live figures last when given."""
    points = [{"month": s.month.strftime("%Y-%m"), **s.figures, "live": False}
              for s in TargetSnapshot.objects.order_by("month")]
    if headline is not None:
        month = timezone.localdate(now).strftime("%Y-%m")
        points = [p for p in points if p["month"] != month]
        points.append({"month": month, **headline, "live": True})
    return points


def summary_figures(now=None):
    """National figures only: what the public summary shows. Six queries."""
    now = now or timezone.now()
    tiers = list(FactoryTier.objects.all())
    enterprise_rows = list(
        active_enterprises(now)
        .annotate(latest=FilteredRelation("maturity_assessments",
                                          condition=Q(maturity_assessments__is_latest=True)))
        .values(level=F("latest__level")).annotate(n=Count("pk"))
        .values_list("level", "n").order_by()
    )
    enterprise_rows = [(None, None, level, n) for level, n in enterprise_rows]
    headline, _ = _headline(tiers, list(_factory_rows()), enterprise_rows,
                            solutions_toward_target().count())
    return {"as_of": now, "headline": headline, "targets": _targets(headline),
            "enterprise_levels": _levels(enterprise_rows),
            "trend": _trend(headline, now)}


def _levels(enterprise_rows):
    counts = {}
    for _region, _industry, level, n in enterprise_rows:
        counts[level] = counts.get(level, 0) + n
    return [{"level": level, "count": counts.get(level, 0)} for level in (None, 0, 1, 2, 3, 4, 5)]


def _breakdown(names, tally):
    """One row per region or industry (and one with code None for those naming none)."""
    keys = [*names, *([(None, "")] if None in tally else [])]
    rows = []
    for code, name in keys:
        row = tally.get(code, {})
        active, l2plus = row.get("active_enterprises", 0), row.get("enterprises_l2plus", 0)
        rows.append({
            "code": code, "name": name, "active_enterprises": active,
            "enterprises_l2plus": l2plus, "share_l2plus": _share(l2plus, active),
            "verified_factories": row.get("verified_factories", 0),
            "excellent_factories": row.get("excellent_factories", 0),
            "published_solutions": row.get("published_solutions", 0),
        })
    return rows


def dashboard_figures(now=None):
    """Everything the operator's dashboard shows. Sixteen queries, whatever the data size."""
    now = now or timezone.now()
    tiers = list(FactoryTier.objects.all())
    regions = list(Region.objects.all())
    industries = list(Industry.objects.all())
    enterprise_rows = list(_enterprise_rows(now))
    factory_rows = list(_factory_rows())
    published = solutions_toward_target().count()
    headline, excellent = _headline(tiers, factory_rows, enterprise_rows, published)

    by_region, by_industry = _Tally(), _Tally()
    for region, industry, level, n in enterprise_rows:
        for tally, key in ((by_region, region or None), (by_industry, industry)):
            tally.add(key, "active_enterprises", n)
            tally.add(key, "enterprises_l2plus", n if (level or 0) >= LEVEL_TARGET else 0)
    for status, tier, region, industry, n in factory_rows:
        if status != SmartFactory.Status.VERIFIED:
            continue
        for tally, key in ((by_region, region), (by_industry, industry)):
            tally.add(key, "verified_factories", n)
            tally.add(key, "excellent_factories", n if tier in excellent else 0)
    region_codes = {region.pk: region.code for region in regions}
    for pk, n in _through_counts("regions", "region_id").items():
        by_region.add(region_codes.get(pk), "published_solutions", n)
    industry_codes = {industry.pk: industry.code for industry in industries}
    for pk, n in _through_counts("industries", "industry_id").items():
        by_industry.add(industry_codes.get(pk), "published_solutions", n)

    tier_counts = _Tally()
    for status, tier, _region, _industry, n in factory_rows:
        tier_counts.add(tier, status, n)
    return {
        "as_of": now,
        "active_window_days": ACTIVE_WINDOW.days,
        "headline": headline,
        "targets": _targets(headline),
        "enterprise_levels": _levels(enterprise_rows),
        "factories_by_tier": [
            {"code": t.code, "name": t.name, "min_level": t.min_maturity_level,
             **{status: tier_counts.get(t.code, {}).get(status, 0)
                for status in SmartFactory.Status.values}}
            for t in tiers
        ],
        "by_region": _breakdown([(r.code, r.name) for r in regions], by_region),
        "by_industry": _breakdown([(i.code, i.name) for i in industries], by_industry),
        "gap_map": gap_map(),
        "trend": _trend(headline, now),
    }


def gap_map():
    """Per scenario: open needs that name it against published solutions that serve it,
    the worst gaps first: most open needs per published solution (needs / (solutions + 1)),
    then most open needs. Four queries."""
    needs = dict(
        Need.scenarios.through.objects.filter(need__status=Need.Status.OPEN)
        .values("scenario_id").annotate(n=Count("need_id"))
        .values_list("scenario_id", "n").order_by()
    )
    solutions = _through_counts("scenarios", "scenario_id")
    rows = []
    for scenario in Scenario.objects.select_related("link"):
        open_needs, published = needs.get(scenario.pk, 0), solutions.get(scenario.pk, 0)
        rows.append({
            "code": scenario.code, "name": scenario.name, "link": scenario.link.name,
            "open_needs": open_needs, "published_solutions": published,
            "gap": open_needs - published,
            "needs_per_solution": round(open_needs / (published + 1), 4),
        })
    rows.sort(key=lambda row: (-row["needs_per_solution"], -row["open_needs"], row["code"]))
    return rows


def snapshot_figures(now=None):
    """The national figures a monthly snapshot keeps."""
    return summary_figures(now)["headline"]
