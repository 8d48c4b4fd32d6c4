"""The reviewer's pages: the queue of new listings and changes to live ones, and a decision
page for each (content, diff, automated checks, history, decision, reassignment).

Refusals from the services come back as messages with their status code: 403 for a wrong
actor, 409 for a subject no longer in review, 400 for input the services reject."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import selectors as people
from catalog import revisions, selectors, services, sla, workflow
from catalog.forms import ReassignForm, ReviewDecisionForm, ReviewQueueFilterForm, person_name
from catalog.models import SolutionRevision, SolutionStatus

from .diffs import diff_rows
from .presenters import SubmittedContent, check_rows, history_rows

S = SolutionStatus
QUEUE_PAGE_SIZE = 25


def require_review_staff(user):
    if not (people.is_reviewer(user) or people.is_operator(user)):
        raise PermissionDenied(_("Only reviewers and operator staff work the review queue."))


def time_left(due, now):
    """“2 days 3 h left” or “overdue by 5 h”: wall-clock time to the deadline."""
    if due is None:
        return None
    seconds = int((due - now).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d h", "%(count)d h", hours) % {"count": hours})
    if not parts:
        parts.append(ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes})
    span = parts[0]
    if len(parts) == 2:
        span = _("%(days)s %(hours)s") % {"days": parts[0], "hours": parts[1]}
    if seconds < 0:
        return _("overdue by %(span)s") % {"span": span}
    return _("%(span)s left") % {"span": span}


def _queue_row(item, now):
    is_revision = isinstance(item, SolutionRevision)
    solution = item.solution if is_revision else item
    item.is_revision = is_revision
    item.listing = solution
    item.review_url = reverse("review-revision" if is_revision else "review-decision",
                              args=[item.pk])
    item.time_left = time_left(item.review_due_at, now)
    return item


@login_required
def review_queue(request):
    require_review_staff(request.user)
    params = request.GET.copy()
    scope = params.pop("scope", [None])[-1]  # the dashboard's older links: ?scope=mine|all
    if scope and "assignee" not in params:
        params["assignee"] = "me" if scope == "mine" else "anyone"
    is_reviewer = people.is_reviewer(request.user)
    default = ReviewQueueFilterForm.ME if is_reviewer else ReviewQueueFilterForm.ANYONE
    params.setdefault("assignee", default)
    form = ReviewQueueFilterForm(params)
    items = selectors.review_items(**form.filters(request.user, default))
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    page.object_list = [_queue_row(item, now) for item in page.object_list]
    params.pop("page", None)
    active_filters = sum(1 for name in ("status", "scenario", "sla") if params.get(name))
    active_filters += params.get("assignee") != default
    return render(request, "catalog/review_queue.html", {
        "page_obj": page,
        "form": form,
        "querystring": urlencode([(k, v) for k, v in params.items() if v]),
        "is_filtered": active_filters > 0,
        "active_filters": active_filters,
        "sla_days": settings.REVIEW_SLA_BUSINESS_DAYS,
        "reminder_days": settings.REVIEW_REMINDER_BUSINESS_DAYS_BEFORE,
        "can_see_progress": people.is_operator(request.user),
    })


def _decision_blocker(user, subject):
    """Why `user` cannot decide on `subject` now, or None when they can."""
    if workflow.can_transition(user, subject, S.APPROVED):
        return None
    if subject.status != S.IN_REVIEW:
        if isinstance(subject, SolutionRevision):
            return _("Decisions are possible only while a change is in review.")
        return _("Decisions are possible only while a solution is in review.")
    if people.is_member(user, subject.vendor):
        return _("Reviewers never decide on their own organisation's work.")
    return _not_a_reviewer(user, subject)


def _not_a_reviewer(user, subject):
    """Who may decide instead, and how this operator gets the work to them (or becomes one)."""
    names = _(", ").join(person_name(reviewer) for reviewer in people.reviewers()
                         .exclude(memberships__organization=subject.vendor)
                         .order_by("username")[:5])
    if not names:
        return _("Only reviewers decide on solutions, and there are none yet: an operator "
                 "administrator makes operator staff reviewers in the admin (Memberships, "
                 "“reviewer”).")
    if people.is_operator_admin(user):
        return _("Only reviewers decide on solutions: %(names)s. Hand this submission to one "
                 "of them with “Reassign” below, or make yourself a reviewer in the admin "
                 "(Memberships, “reviewer”).") % {"names": names}
    return _("Only reviewers decide on solutions: %(names)s. Ask one of them, or an operator "
             "administrator, who can make you a reviewer.") % {"names": names}


def _approval_notice(user, subject):
    """Where a flagged submission stands on its two approvals, or None when not flagged."""
    if not subject.needs_second_approval:
        return None
    if subject.first_approved_by_id is None:
        return {"first_given": False}
    return {"first_given": True, "by": person_name(subject.first_approved_by),
            "is_you": subject.first_approved_by_id == user.pk}


def _render_review(request, subject, *, form=None, reassign_form=None, problem=None,
                   status=200):
    is_revision = isinstance(subject, SolutionRevision)
    solution = subject.solution if is_revision else subject
    if is_revision:
        events = subject.events.select_related("actor")
    else:
        events = solution.review_events.filter(revision=None).select_related("actor")
    results, submission = check_rows(selectors.check_results_of(subject))
    content = SubmittedContent(revisions.content_of(subject))
    can_reassign = (people.is_operator_admin(request.user)
                    and subject.status in workflow.REVIEW_STATUSES)
    if can_reassign and reassign_form is None:
        reassign_form = ReassignForm(subject=subject)
    notice = _approval_notice(request.user, subject)
    return render(request, "catalog/review_decision.html", {
        "subject": subject,
        "solution": solution,
        "revision": subject if is_revision else None,
        "status_label": subject.get_status_display(),
        "time_left": time_left(subject.review_due_at, timezone.now()),
        "sla_status": sla.sla_status(subject.review_due_at)
        if subject.status in workflow.REVIEW_STATUSES else None,
        "content": content,
        "stages": content.all_stages,
        "changes": diff_rows(subject.base, subject.data) if is_revision else None,
        "form": form or ReviewDecisionForm.for_subject(subject),
        "problem": problem,
        "check_results": results,
        "check_submission": submission,
        "history": history_rows(events),
        "decision_blocker": _decision_blocker(request.user, subject),
        "approval_notice": notice,
        "reassign_form": reassign_form if can_reassign else None,
        "reassign_url": reverse("review-revision-reassign" if is_revision
                                else "review-reassign", args=[subject.pk]),
    }, status=status)


def _decide(request, subject):
    """Apply the posted decision; a response either way (redirect, or the page with why)."""
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, subject, form=form)
    decision = form.cleaned_data["decision"]
    first_of_two = subject.needs_second_approval and subject.first_approved_by_id is None
    try:
        if decision == form.APPROVE:
            services.approve(actor=request.user, subject=subject, **form.decision_kwargs())
        elif decision == form.REQUEST_CHANGES:
            services.request_changes(actor=request.user, subject=subject,
                                     **form.decision_kwargs())
        else:
            services.reject(actor=request.user, subject=subject, **form.decision_kwargs())
    except ValidationError as exc:
        form.add_service_error(exc)
        return _render_review(request, subject, form=form, problem=" ".join(exc.messages),
                              status=400)
    except PermissionDenied as exc:
        return _render_review(request, subject, form=form, status=403,
                              problem=str(exc) or _("You may not decide on this."))
    except workflow.TransitionNotAllowed:
        subject.refresh_from_db()
        return _render_review(request, subject, form=form, status=409, problem=_(
            "This is “%(status)s”: it can be decided only while in review."
        ) % {"status": subject.get_status_display()})
    except workflow.StaleSubmission:
        # Show what is there now, keep what the reviewer wrote, and ask again: the new form
        # names the submission this page shows.
        subject.refresh_from_db()
        again = ReviewDecisionForm.for_subject(subject, comment=form.cleaned_data["comment"],
                                               reason_codes=form.cleaned_data["reason_codes"])
        return _render_review(request, subject, form=again, status=409, problem=_(
            "The vendor resubmitted this after you opened it, so nothing was decided. The page "
            "now shows the current submission: read it and decide again."))
    if decision == form.APPROVE and first_of_two:
        messages.success(request, _("First approval recorded. A second, different reviewer "
                                    "must approve before it goes live."))
        return redirect(request.path)
    messages.success(request, {
        form.APPROVE: _("Approved: the change is live.") if isinstance(subject, SolutionRevision)
        else _("Approved and published."),
        form.REQUEST_CHANGES: _("Changes requested; the vendor has been told."),
        form.REJECT: _("Rejected; the vendor has been told."),
    }[decision])
    return redirect("review-queue")


@login_required
def review_decision(request, pk):
    require_review_staff(request.user)
    solution = get_object_or_404(
        selectors.with_details(selectors.solutions_visible_to(request.user)), pk=pk
    )
    if request.method == "POST":
        return _decide(request, solution)
    return _render_review(request, solution)


@login_required
def review_revision(request, pk):
    require_review_staff(request.user)
    revision = get_object_or_404(selectors.revisions_visible_to(request.user), pk=pk)
    if request.method == "POST":
        return _decide(request, revision)
    return _render_review(request, revision)


def _reassign(request, subject):
    form = ReassignForm(request.POST, subject=subject)
    if not people.is_operator_admin(request.user):
        return _render_review(request, subject, status=403, problem=_(
            "Only operator admins reassign reviews."))
    if not form.is_valid():
        return _render_review(request, subject, reassign_form=form, status=400,
                              problem=_("Choose an eligible reviewer."))
    try:
        services.reassign_reviewer(actor=request.user, subject=subject,
                                   reviewer=form.cleaned_data["reviewer"])
    except ValidationError as exc:
        return _render_review(request, subject, reassign_form=form, status=400,
                              problem=" ".join(exc.messages))
    except PermissionDenied as exc:
        return _render_review(request, subject, status=403, problem=str(exc))
    except workflow.TransitionNotAllowed:
        return _render_review(request, subject, status=409, problem=_(
            "Only a submission awaiting review can be reassigned."))
    messages.success(request, _("Review reassigned to %(name)s.")
                     % {"name": person_name(form.cleaned_data["reviewer"])})
    return redirect(subject_review_url(subject))


def subject_review_url(subject):
    if isinstance(subject, SolutionRevision):
        return reverse("review-revision", args=[subject.pk])
    return reverse("review-decision", args=[subject.pk])


@login_required
@require_POST
def review_reassign(request, pk):
    require_review_staff(request.user)
    solution = get_object_or_404(
        selectors.with_details(selectors.solutions_visible_to(request.user)), pk=pk
    )
    return _reassign(request, solution)


@login_required
@require_POST
def review_revision_reassign(request, pk):
    require_review_staff(request.user)
    return _reassign(request, get_object_or_404(selectors.revisions_visible_to(request.user),
                                                pk=pk))
