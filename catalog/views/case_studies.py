"""A vendor's evidence for a solution: case studies with outcome rows, and attachments.

On a draft (or one sent back for changes) they change the draft itself; on a live listing
the case studies go into its open revision, reviewed before they replace the live ones
(catalog.services.propose_change), and an attachment waits for that revision's approval
before others see it (catalog.attachments)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import attachments, revisions, services, workflow
from catalog.case_study_forms import (
    CASE_STUDIES_PREFIX,
    CaseStudyFormSet,
    add_row_prefix,
    initial_of,
)
from catalog.formsets import with_added_row
from catalog.models import SolutionStatus

from .vendor import REVISION_EDITABLE, own_solution

S = SolutionStatus


def _editable_content(request, solution):
    """(the content the page edits, the open revision or None), or None with a message when
    the solution's case studies cannot change now."""
    if solution.status in workflow.EDITABLE_STATUSES:
        return revisions.snapshot(solution), None
    if solution.status == S.PUBLISHED:
        revision = revisions.open_revision(solution)
        if revision is None:
            return revisions.snapshot(solution), None
        if revision.status in REVISION_EDITABLE:
            return revision.data, revision
        messages.info(request, _("Revision %(number)s is in review: it can be edited again only "
                                 "if the reviewer asks for changes.") % {"number": revision.number})
        return None
    messages.info(request, _("A solution that is “%(status)s” cannot be edited.")
                  % {"status": solution.get_status_display()})
    return None


@login_required
def solution_case_studies(request, pk):
    solution = own_solution(request, pk)
    editable = _editable_content(request, solution)
    if editable is None:
        return redirect("solution-detail", solution.pk)
    content, revision = editable
    initial = initial_of(revisions.input_from_snapshot(content).get("case_studies", []))
    data = request.POST if request.method == "POST" else None
    prefix, limit = add_row_prefix(data or {})
    if prefix:
        data = with_added_row(data, prefix, limit)
    formset = CaseStudyFormSet(data, prefix=CASE_STUDIES_PREFIX, initial=initial)
    if data is not None and not prefix and formset.is_valid():
        change = {"case_studies": formset.case_studies()}
        try:
            if solution.status == S.PUBLISHED:
                revision = services.propose_change(actor=request.user, solution=solution,
                                                   data=change)
            else:
                services.update_solution(actor=request.user, solution=solution, data=change)
        except ValidationError as exc:
            formset.service_errors = exc.messages
        except workflow.TransitionNotAllowed:
            messages.error(request, _("This solution can no longer be edited."))
            return redirect("solution-detail", solution.pk)
        else:
            if solution.status == S.PUBLISHED:
                messages.success(request, _(
                    "Revision %(number)s saved. The live listing stays as it is until a "
                    "reviewer approves the change.") % {"number": revision.number})
                return redirect("revision-detail", solution.pk, revision.number)
            messages.success(request, _("Case studies saved."))
            return redirect("solution-case-studies", solution.pk)
    return render(request, "catalog/case_studies.html", {
        "solution": solution,
        "vendor": solution.vendor,
        "revision": revision,
        "is_change": solution.status == S.PUBLISHED,
        "formset": formset,
        "attachments": solution.attachments.order_by("created_at", "pk"),
        "attachments_max": attachments.limits.ATTACHMENTS_PER_SOLUTION_MAX,
    })


@login_required
@require_POST
def solution_attachment_add(request, pk):
    solution = own_solution(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload (field “file”)."))
        return redirect("solution-case-studies", solution.pk)
    try:
        attachments.upload_attachment(actor=request.user, solution=solution, file=upload,
                                      title=request.POST.get("title", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(name)s” attached.") % {"name": upload.name})
    return redirect("solution-case-studies", solution.pk)


@login_required
@require_POST
def solution_attachment_delete(request, pk, attachment):
    solution = own_solution(request, pk)
    item = get_object_or_404(solution.attachments, pk=attachment)
    try:
        attachments.delete_attachment(actor=request.user, attachment=item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": item.original_name})
    return redirect("solution-case-studies", solution.pk)
