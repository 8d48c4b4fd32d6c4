"""Web pages of the catalog: the scenario map, solutions, vendors, editing and review.

Reads go through catalog.selectors (which decide who sees what), writes through
catalog.services (which decide who may do what); the views only translate between HTTP and them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import selectors as people
from accounts.models import Organization

from . import selectors, services, workflow
from .forms import ReviewDecisionForm, SolutionForm
from .models import MaturityLevel, PlanTarget, ReviewEvent, Scenario, SolutionStatus

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


def _stages_of(solution):
    """Stages implied by the scenarios plus the chosen ones, from the prefetched relations."""
    stages = {scenario.stage for scenario in solution.scenarios.all()}
    stages.update(solution.stages.all())
    return sorted(stages, key=lambda stage: stage.position)


# The transitions a reviewer comments on; their latest comment is the vendor's feedback.


def _latest_feedback(solution):
    """The latest reviewer comment, from the prefetched history."""
    commented = [event for event in solution.review_events.all()
                 if event.comment and event.to_status in workflow.DECISION_STATUSES]
    return commented[-1] if commented else None


def solution_detail(request, pk):
    solution = get_object_or_404(
        selectors.with_details(selectors.solutions_visible_to(request.user)), pk=pk
    )
    is_owner = people.is_member(request.user, solution.vendor)
    is_staff_reader = people.is_operator(request.user)
    levels = {
        level.level: level
        for level in MaturityLevel.objects.filter(
            level__in=[solution.maturity_from, solution.maturity_to]
        )
    }
    enterprise = people.primary_organization(request.user, Organization.Kind.ENTERPRISE)
    return render(request, "catalog/solution_detail.html", {
        "solution": solution,
        "stages": _stages_of(solution),
        "level_from": levels.get(solution.maturity_from),
        "level_to": levels.get(solution.maturity_to),
        "is_owner": is_owner,
        "can_edit": is_owner and solution.status in workflow.EDITABLE_STATUSES,
        "show_history": is_owner or is_staff_reader,
        "feedback": _latest_feedback(solution) if is_owner else None,
        "can_request_quote": enterprise is not None and solution.is_published,
        "can_review": people.is_reviewer(request.user)
        and solution.status in {S.SUBMITTED, S.IN_REVIEW},
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


def _own_solution(request, pk):
    """A solution of the user's own vendor: 404 when it is not visible, 403 when not theirs."""
    solution = get_object_or_404(selectors.solutions_visible_to(request.user), pk=pk)
    if not people.is_member(request.user, solution.vendor):
        raise PermissionDenied(_("Only the vendor's members can change this solution."))
    return solution


@login_required
def solution_create(request):
    vendor = people.primary_organization(request.user, Organization.Kind.VENDOR)
    if vendor is None:
        raise PermissionDenied(_("Only members of a solution provider create solutions."))
    form = SolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            solution = services.create_solution(
                actor=request.user, vendor=vendor, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Draft saved. Check it, then submit it for review."))
            return redirect("solution-edit", solution.pk)
    return render(request, "catalog/solution_form.html", {"form": form, "vendor": vendor})


@login_required
def solution_edit(request, pk):
    solution = _own_solution(request, pk)
    if solution.status not in workflow.EDITABLE_STATUSES:
        messages.info(request, _("A solution that is “%(status)s” cannot be edited.")
                      % {"status": solution.get_status_display()})
        return redirect("solution-detail", solution.pk)
    form = SolutionForm(request.POST or None, instance=solution)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_solution(actor=request.user, solution=solution,
                                     data=form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        except workflow.TransitionNotAllowed:
            messages.error(request, _("This solution can no longer be edited."))
            return redirect("solution-detail", solution.pk)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("solution-edit", solution.pk)
    feedback = (
        ReviewEvent.objects.filter(solution=solution, to_status__in=workflow.DECISION_STATUSES)
        .exclude(comment="").order_by("-pk").first()
    )
    return render(request, "catalog/solution_form.html", {
        "form": form, "solution": solution, "vendor": solution.vendor, "feedback": feedback,
    })


@login_required
def solution_check(request, pk):
    """Dry run of the submission: what would stop it, without changing anything."""
    solution = _own_solution(request, pk)
    context = {"solution": solution, "problems": services.validate_submission(solution),
               "checked": True}
    if request.headers.get("HX-Request") == "true":
        return render(request, "catalog/partials/submission_check.html", context)
    return render(request, "catalog/solution_check.html", context)


@login_required
@require_POST
def solution_submit(request, pk):
    solution = _own_solution(request, pk)
    try:
        services.submit_solution(actor=request.user, solution=solution)
    except ValidationError as exc:
        problems = [
            {"field": field, "message": message}
            for field, field_messages in exc.message_dict.items()
            for message in field_messages
        ]
        return render(request, "catalog/solution_check.html",
                           {"solution": solution, "problems": problems, "checked": True})
    except workflow.TransitionNotAllowed:
        messages.error(request, _("A solution that is “%(status)s” cannot be submitted.")
                       % {"status": solution.get_status_display()})
        return redirect("solution-detail", solution.pk)
    messages.success(request, _("Submitted for review. You will hear from a reviewer in your "
                                "inbox."))
    return redirect("solution-detail", solution.pk)


def _require_review_staff(user):
    if not (people.is_reviewer(user) or people.is_operator(user)):
        raise PermissionDenied(_("Only reviewers and operator staff work the review queue."))


@login_required
def review_queue(request):
    _require_review_staff(request.user)
    is_reviewer = people.is_reviewer(request.user)
    scope = request.GET.get("scope") or ("mine" if is_reviewer else "all")
    if scope not in {"mine", "all"}:
        scope = "all"
    queue = selectors.review_queue(reviewer=request.user if scope == "mine" else None)
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    return render(request, "catalog/review_queue.html", {
        "page_obj": page, "scope": scope, "querystring": f"scope={scope}",
    })


# decision → (service, what the reviewer is told afterwards)
DECISIONS = {
    ReviewDecisionForm.APPROVE: (
        services.approve_solution, gettext_lazy("Approved and published.")
    ),
    ReviewDecisionForm.REQUEST_CHANGES: (
        services.request_changes, gettext_lazy("Changes requested; the vendor has been told.")
    ),
    ReviewDecisionForm.REJECT: (
        services.reject_solution, gettext_lazy("Rejected; the vendor has been told.")
    ),
}


@login_required
def review_decision(request, pk):
    _require_review_staff(request.user)
    solution = get_object_or_404(
        selectors.with_details(selectors.solutions_visible_to(request.user)), pk=pk
    )
    form = ReviewDecisionForm(request.POST or None)
    problem, status = None, 200
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        decide, done_message = DECISIONS[decision]
        try:
            decide(actor=request.user, solution=solution, **form.decision_kwargs())
        except ValidationError as exc:
            problem, status = " ".join(exc.messages), 400
        except PermissionDenied as exc:
            problem, status = str(exc) or _("You may not decide on this solution."), 403
        except workflow.TransitionNotAllowed:
            solution.refresh_from_db()
            problem = _(
                "This solution is “%(status)s”: it can be decided only while in review."
            ) % {"status": solution.get_status_display()}
            status = 409
        else:
            messages.success(request, str(done_message))
            return redirect("review-queue")
    return render(request, "catalog/review_decision.html", {
        "solution": solution,
        "form": form,
        "problem": problem,
        "stages": _stages_of(solution),
        "check_results": _check_rows(solution),
        "history": solution.review_events.all(),
        "decision_blocker": _decision_blocker(request.user, solution),
    }, status=status)


def _decision_blocker(user, solution):
    """Why `user` cannot decide on `solution` now, or None when they can."""
    if workflow.can_transition(user, solution, S.APPROVED):
        return None
    if solution.status != S.IN_REVIEW:
        return _("Decisions are possible only while a solution is in review.")
    if people.is_member(user, solution.vendor):
        return _("Reviewers never decide on their own organisation's work.")
    return _("Only reviewers decide on solutions.")


def _check_rows(solution):
    """Check results, newest submission first, with their details as readable text."""
    rows = sorted(solution.check_results.all(),
                  key=lambda result: (-result.submission, result.code))
    for row in rows:
        row.detail_lines = [
            (key, ", ".join(map(str, value)) if isinstance(value, list | tuple) else value)
            for key, value in (row.details or {}).items()
        ]
    return rows

