"""Progress toward the plan's 2027 target of scenario solutions, for operator staff.

The figures come from catalog.progress.review_progress (see its contract): the target's
figure is the one maturity's dashboards show (solutions_toward_target); this page only turns
them into bars, with the scenarios nobody serves yet first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import selectors as people
from catalog import progress
from catalog.models import LifecycleStage, ScenarioLink


def _with_bars(rows, names):
    """Each row with its share of the largest approved count (a bar, in percent), and its
    link and stage by name should the figures name them by code."""
    rows = [dict(row) for row in rows]
    largest = max((row.get("approved") or 0 for row in rows), default=0)
    for row in rows:
        row["bar"] = round(100 * (row.get("approved") or 0) / largest) if largest else 0
        for key in ("link", "stage"):
            if key in row:
                row[key] = names.get(row[key], row[key])
    return rows


@login_required
def review_progress(request):
    if not people.is_operator(request.user):
        raise PermissionDenied(_("Only operator staff see the review progress."))
    figures = progress.review_progress()
    share = figures.get("share_of_target") or 0
    names = {obj.code: obj.name for model in (LifecycleStage, ScenarioLink)
             for obj in model.objects.all()}
    scenarios = sorted(_with_bars(figures.get("by_scenario") or [], names),
                       key=lambda row: row.get("approved") or 0)  # stable: keeps their order
    return render(request, "catalog/review_progress.html", {
        "figures": figures,
        "target": figures.get("target") or {},
        "percent": round(share * 100, 1),
        "bar_percent": min(100, round(share * 100)),
        "by_stage": _with_bars(figures.get("by_stage") or [], names),
        "by_link": _with_bars(figures.get("by_link") or [], names),
        "by_scenario": scenarios,
        "unserved_count": sum(1 for row in scenarios if not row.get("approved")),
    })
