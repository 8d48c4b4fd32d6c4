"""A change to a live listing, as its vendor follows it: the diff against the live version,
the checks and the reviewer's feedback, and the buttons to edit, check, submit or withdraw.

Only the vendor's members and operator staff see revisions; anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as people
from catalog import selectors, services, workflow
from catalog.models import RevisionStatus

from .diffs import diff_rows
from .presenters import check_rows, history_rows, latest_feedback
from .vendor import REVISION_EDITABLE, problems_of

R = RevisionStatus
WITHDRAWABLE = {R.DRAFT, R.CHANGES_REQUESTED}  # catalog.workflow: the vendor's own moves


def _visible_revision(request, pk, number):
    return get_object_or_404(selectors.revisions_visible_to(request.user),
                             solution_id=pk, number=number)


def _own_revision(request, pk, number):
    revision = _visible_revision(request, pk, number)
    if not people.is_member(request.user, revision.vendor):
        raise PermissionDenied(_("Only the vendor's members can change this listing."))
    return revision


def _render(request, revision, status=200, **extra):
    is_member = people.is_member(request.user, revision.vendor)
    editable = is_member and revision.status in REVISION_EDITABLE
    history = history_rows(revision.events.select_related("actor"))
    results, submission = check_rows(selectors.check_results_of(revision))
    return render(request, "catalog/revision_detail.html", {
        "revision": revision,
        "solution": revision.solution,
        "status_label": revision.get_status_display(),
        "changes": diff_rows(revision.base, revision.data),
        "check_results": results,
        "check_submission": submission,
        "history": history,
        "feedback": latest_feedback(history),
        "revision_list": selectors.revisions_of(revision.solution),
        "is_member": is_member,
        "can_edit": editable,
        "can_submit": editable,
        "can_withdraw": editable,
        "can_review": people.is_reviewer(request.user)
        and revision.status in {R.SUBMITTED, R.IN_REVIEW},
        **extra,
    }, status=status)


@login_required
def revision_detail(request, pk, number):
    return _render(request, _visible_revision(request, pk, number))


@login_required
def revision_check(request, pk, number):
    """Dry run of submitting the change: what would stop it, without changing anything."""
    revision = _own_revision(request, pk, number)
    problems = services.validate_submission(revision)
    if request.headers.get("HX-Request") == "true":
        return render(request, "catalog/partials/submission_check.html",
                      {"problems": problems, "checked": True})
    return _render(request, revision, problems=problems, checked=True)


@login_required
@require_POST
def revision_submit(request, pk, number):
    revision = _own_revision(request, pk, number)
    try:
        services.submit_revision(actor=request.user, revision=revision)
    except ValidationError as exc:
        return _render(request, revision, problems=problems_of(exc), checked=True)
    except workflow.TransitionNotAllowed:
        messages.error(request, _("A revision that is “%(status)s” cannot be submitted.")
                       % {"status": revision.get_status_display()})
        return redirect("revision-detail", pk, number)
    messages.success(request, _("Revision submitted for review. The live listing stays as it is "
                                "until a reviewer approves it."))
    return redirect("revision-detail", pk, number)


@login_required
@require_http_methods(["GET", "POST"])
def revision_withdraw(request, pk, number):
    """GET: what withdrawing means. POST: withdraw the revision, for good."""
    revision = _own_revision(request, pk, number)
    if request.method == "GET":
        if revision.status not in WITHDRAWABLE:
            messages.info(request, _("A revision that is “%(status)s” cannot be withdrawn.")
                          % {"status": revision.get_status_display()})
            return redirect("revision-detail", pk, number)
        return render(request, "catalog/revision_withdraw_confirm.html", {
            "solution": revision.solution, "revision": revision,
            "heading": _("Withdraw revision %(number)s?") % {"number": revision.number},
            "action": reverse("revision-withdraw", args=[pk, number]),
            "confirm_label": _("Withdraw the revision"),
            "cancel_url": reverse("revision-detail", args=[pk, number]),
        })
    try:
        services.withdraw_revision(actor=request.user, revision=revision)
    except workflow.TransitionNotAllowed:
        messages.error(request, _("A revision that is “%(status)s” cannot be withdrawn.")
                       % {"status": revision.get_status_display()})
    else:
        messages.success(request, _("Revision withdrawn. The live listing is unchanged."))
    return redirect("revision-detail", pk, number)
