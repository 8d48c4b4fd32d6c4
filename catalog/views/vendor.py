"""A vendor's pages: write a draft, check it, submit it; change a live listing through a
revision (catalog.services.propose_change) that a reviewer approves before it goes live."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as people
from accounts.models import Organization
from accounts.registration import NotVerified
from catalog import revisions, selectors, services, workflow
from catalog.forms import SolutionForm
from catalog.models import ReviewEvent, RevisionStatus, SolutionStatus

S = SolutionStatus
R = RevisionStatus
REVISION_EDITABLE = {R.DRAFT, R.CHANGES_REQUESTED}


def own_solution(request, pk):
    """A solution of the user's own vendor: 404 when it is not visible, 403 when not theirs."""
    solution = get_object_or_404(selectors.solutions_visible_to(request.user), pk=pk)
    if not people.is_member(request.user, solution.vendor):
        raise PermissionDenied(_("Only the vendor's members can change this solution."))
    return solution


@login_required
def solution_create(request):
    vendor = people.acting_organization(
        request.user, Organization.Kind.VENDOR,
        _("Only members of a solution provider create solutions."))
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
    solution = own_solution(request, pk)
    if solution.status == S.PUBLISHED:
        return _propose_change(request, solution)
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
        ReviewEvent.objects.filter(solution=solution, revision=None,
                                   to_status__in=workflow.DECISION_STATUSES)
        .exclude(comment="").order_by("-pk").first()
    )
    return render(request, "catalog/solution_form.html", {
        "form": form, "solution": solution, "vendor": solution.vendor, "feedback": feedback,
    })


def _propose_change(request, solution):
    """The same form for a live listing: what is saved is a revision, reviewed before it
    replaces the live version. An open revision is edited further, prefilled from its data."""
    revision = revisions.open_revision(solution)
    if revision is not None and revision.status not in REVISION_EDITABLE:
        messages.info(request, _("Revision %(number)s is in review: it can be edited again only "
                                 "if the reviewer asks for changes.") % {"number": revision.number})
        return redirect("revision-detail", solution.pk, revision.number)
    initial = SolutionForm.initial_from_snapshot(revision.data) if revision else None
    form = SolutionForm(request.POST or None, instance=solution, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.propose_change(actor=request.user, solution=solution,
                                               data=form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        except workflow.TransitionNotAllowed:
            messages.error(request, _("This listing cannot be changed right now."))
            return redirect("solution-detail", solution.pk)
        else:
            messages.success(request, _("Revision %(number)s saved. The live listing stays as it "
                                        "is until a reviewer approves the change.")
                             % {"number": revision.number})
            return redirect("revision-detail", solution.pk, revision.number)
    feedback = None
    if revision is not None:
        feedback = revision.events.filter(to_status__in=workflow.DECISION_STATUSES).exclude(
            comment="").order_by("-pk").first()
    return render(request, "catalog/solution_form.html", {
        "form": form, "solution": solution, "vendor": solution.vendor, "feedback": feedback,
        "revision": revision, "is_change": True,
    })


@login_required
def solution_check(request, pk):
    """Dry run of the submission: what would stop it, without changing anything."""
    solution = own_solution(request, pk)
    context = {"solution": solution, "problems": services.validate_submission(solution),
               "checked": True}
    if request.headers.get("HX-Request") == "true":
        return render(request, "catalog/partials/submission_check.html", context)
    return render(request, "catalog/solution_check.html", context)


@login_required
@require_POST
def solution_submit(request, pk):
    solution = own_solution(request, pk)
    try:
        services.submit_solution(actor=request.user, solution=solution)
    except ValidationError as exc:
        return render(request, "catalog/solution_check.html",
                      {"solution": solution, "problems": problems_of(exc), "checked": True})
    except workflow.TransitionNotAllowed:
        messages.error(request, _("A solution that is “%(status)s” cannot be submitted.")
                       % {"status": solution.get_status_display()})
        return redirect("solution-detail", solution.pk)
    except NotVerified as exc:
        messages.error(request, _("%(why)s Your draft is kept; submit it once your "
                                  "organisation is verified.") % {"why": exc})
        return redirect("solution-detail", solution.pk)
    messages.success(request, _("Submitted for review. You will hear from a reviewer in your "
                                "inbox."))
    return redirect("solution-detail", solution.pk)


def problems_of(error):
    """A submission's ValidationError as the problem list the check partial shows."""
    return [
        {"field": field, "message": message}
        for field, field_messages in error.message_dict.items()
        for message in field_messages
    ]
