"""Pages everyone reads: the scenario map, a solution, a vendor's published solutions."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from accounts import selectors as people
from accounts.models import Organization
from catalog import revisions, selectors, workflow
from catalog.models import MaturityLevel, PlanTarget, Scenario, SolutionStatus

from .presenters import check_rows, history_rows, latest_feedback

S = SolutionStatus


def home(request):
    """The catalog's shape: 8 links × 40 scenarios, each with its count of published solutions."""
    scenarios = (
        Scenario.objects.select_related("link__stage")
        .annotate(
            published_count=Count(
                "solutions", filter=Q(solutions__status=S.PUBLISHED), distinct=True
            )
        )
        .order_by("link__position", "code")
    )
    published = selectors.published_solutions()
    target = PlanTarget.objects.filter(code="scenario-solutions").order_by("year").first()
    return render(request, "catalog/home.html", {
        "scenarios": scenarios,
        "published_total": published.count(),
        "vendor_total": published.values("vendor").distinct().count(),
        "target": target,
        "recent": published.order_by("-published_at", "-pk")[:6],
    })


def stages_of(solution):
    """Stages implied by the scenarios plus the chosen ones, from the prefetched relations."""
    stages = {scenario.stage for scenario in solution.scenarios.all()}
    stages.update(solution.stages.all())
    return sorted(stages, key=lambda stage: stage.position)


def solution_detail(request, pk):
    solution = get_object_or_404(
        selectors.with_details(selectors.solutions_visible_to(request.user)), pk=pk
    )
    is_owner = people.is_member(request.user, solution.vendor)
    levels = {
        level.level: level
        for level in MaturityLevel.objects.filter(
            level__in=[solution.maturity_from, solution.maturity_to]
        )
    }
    # History, reasons, comments and who reviewed: the same rule as the API's.
    show_history = selectors.may_see_review_internals(request.user, solution)
    history = history_rows(selectors.review_history_of(solution)) if show_history else []
    # The listing's own feedback: a change's feedback belongs on the change's page.
    listing_history = [event for event in history if event.revision_id is None]
    # The vendor sees its submission's automated checks as the reviewer does (broken links,
    # example addresses not checked) until the listing is live.
    show_checks = is_owner and not solution.is_published
    check_results, check_submission = (
        check_rows(selectors.check_results_of(solution)) if show_checks else ([], None))
    return render(request, "catalog/solution_detail.html", {
        "solution": solution,
        "stages": stages_of(solution),
        "level_from": levels.get(solution.maturity_from),
        "level_to": levels.get(solution.maturity_to),
        "is_owner": is_owner,
        "can_edit": is_owner and solution.status in workflow.EDITABLE_STATUSES,
        "can_propose_change": is_owner and solution.is_published,
        "show_history": show_history,
        "history": history,
        "feedback": latest_feedback(listing_history) if is_owner else None,
        "pending_revision": revisions.open_revision(solution) if is_owner else None,
        "revision_list": selectors.revisions_of(solution) if show_history else [],
        "can_review": people.is_reviewer(request.user)
        and solution.status in {S.SUBMITTED, S.IN_REVIEW},
        "check_results": check_results,
        "check_submission": check_submission,
    })


def vendor_detail(request, pk):
    vendor = get_object_or_404(Organization, pk=pk, kind=Organization.Kind.VENDOR)
    solutions = selectors.published_solutions().filter(vendor=vendor).order_by(
        "-published_at", "-pk"
    )
    page = Paginator(solutions, 12).get_page(request.GET.get("page"))
    return render(request, "catalog/vendor_detail.html", {
        "vendor": vendor,
        "page_obj": page,
        "is_member": people.is_member(request.user, vendor),
    })
