"""A scenario's public page: where it sits in the guide and the published solutions in it."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from catalog import selectors
from catalog.models import MaturityLevel, Scenario

SOLUTIONS_ON_A_PAGE = 12


def maturity_coverage(solutions):
    """(level, number of solutions whose range covers it) for every level: one query for the
    counts, one for the levels."""
    levels = list(MaturityLevel.objects.all())
    counts = solutions.order_by().aggregate(
        **{
            f"l{level.level}": Count(
                "pk", filter=Q(maturity_from__lte=level.level, maturity_to__gte=level.level)
            )
            for level in levels
        }
    )
    return [(level, counts[f"l{level.level}"]) for level in levels]


def scenario_detail(request, code):
    scenario = get_object_or_404(Scenario.objects.select_related("link__stage", "stage"), code=code)
    solutions = selectors.published_solutions().filter(scenarios=scenario)
    page = Paginator(solutions.order_by("-published_at", "-pk"), SOLUTIONS_ON_A_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "catalog/scenario_detail.html",
        {
            "scenario": scenario,
            "page_obj": page,
            "maturity": maturity_coverage(solutions),
        },
    )
