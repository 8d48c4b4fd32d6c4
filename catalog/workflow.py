"""The review workflow: the only place the status of a Solution or a SolutionRevision changes.

A new listing: draft → submitted → in_review → approved → published → archived (→ published
again), in_review → changes_requested → submitted, in_review → rejected.
A change to a live listing (a revision) goes through the same review; its approval applies the
change to the live solution in the same transaction (catalog.services.approve).

Both tables are the kernel's `Workflow`s (core.workflow): an illegal move raises the kernel's
TransitionNotAllowed (409, naming the moves allowed), a wrong role PermissionDenied (403).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.registration import require_verified
from core.outbox import emit
from core.workflow import Conflict, TransitionNotAllowed, Workflow

from .models import ReviewEvent, RevisionStatus, Solution, SolutionRevision, SolutionStatus

S = SolutionStatus
R = RevisionStatus

# Who may make a transition: the vendor's own members, a reviewer from outside the vendor,
# an operator, or the system (automated checks, with no actor).
VENDOR, REVIEWER, OPERATOR, SYSTEM = "vendor", "reviewer", "operator", "system"

TRANSITIONS = Workflow({
    (S.DRAFT, S.SUBMITTED): {VENDOR},
    (S.CHANGES_REQUESTED, S.SUBMITTED): {VENDOR},
    (S.SUBMITTED, S.IN_REVIEW): {SYSTEM, OPERATOR},
    (S.IN_REVIEW, S.APPROVED): {REVIEWER},
    (S.IN_REVIEW, S.CHANGES_REQUESTED): {REVIEWER},
    (S.IN_REVIEW, S.REJECTED): {REVIEWER},
    (S.APPROVED, S.PUBLISHED): {REVIEWER, OPERATOR, SYSTEM},
    (S.PUBLISHED, S.ARCHIVED): {VENDOR, OPERATOR},
    (S.ARCHIVED, S.PUBLISHED): {OPERATOR},
})

REVISION_TRANSITIONS = Workflow({
    (R.DRAFT, R.SUBMITTED): {VENDOR},
    (R.CHANGES_REQUESTED, R.SUBMITTED): {VENDOR},
    (R.SUBMITTED, R.IN_REVIEW): {SYSTEM, OPERATOR},
    (R.IN_REVIEW, R.APPROVED): {REVIEWER},
    (R.IN_REVIEW, R.CHANGES_REQUESTED): {REVIEWER},
    (R.IN_REVIEW, R.REJECTED): {REVIEWER},
    (R.DRAFT, R.WITHDRAWN): {VENDOR},
    (R.CHANGES_REQUESTED, R.WITHDRAWN): {VENDOR},
})

EDITABLE_STATUSES = {S.DRAFT, S.CHANGES_REQUESTED}
REVIEW_STATUSES = (S.SUBMITTED, S.IN_REVIEW)
# The statuses a reviewer's decision leads to: their comments are feedback for the vendor.
DECISION_STATUSES = (S.CHANGES_REQUESTED, S.REJECTED, S.APPROVED)
FIRST_APPROVAL = "first-approval"


@dataclass
class StaleSubmission(Conflict):
    """A decision taken on another submission than the one the reviewer read: the vendor
    sent it back in (possibly changed) since. The API answers 409; the page shows the
    current submission and asks again."""

    code = "stale-submission"
    title = "Resubmitted since you read it"

    subject: object
    seen: object

    def __str__(self):
        return _("This was resubmitted after you read it. Read the current submission and "
                 "decide again.")

    def facts(self):
        return {"current_status": self.subject.status,
                "submitted_at": self.subject.submitted_at}


def _table(subject):
    return REVISION_TRANSITIONS if isinstance(subject, SolutionRevision) else TRANSITIONS


def allowed_transitions(subject):
    return _table(subject).allowed(subject)


def not_allowed(subject, to_status):
    """The kernel's 409 for `subject`, naming the moves allowed from its current status."""
    return TransitionNotAllowed(subject, to_status, allowed_transitions(subject))


def roles_of(actor, subject):
    """The workflow roles `actor` holds for a solution or revision (None is the system)."""
    if actor is None:
        return {SYSTEM}
    roles = set()
    in_vendor = people.is_member(actor, subject.vendor)
    if in_vendor:
        roles.add(VENDOR)
    if people.is_reviewer(actor) and not in_vendor:  # never review your own organisation's work
        roles.add(REVIEWER)
    if people.is_operator(actor) and not in_vendor:
        roles.add(OPERATOR)
    return roles


def can_transition(actor, subject, to_status):
    table = _table(subject)
    # The actor's roles cost queries: asked only about a move that exists.
    return (subject.status, to_status) in table and table.can(subject, to_status,
                                                               roles_of(actor, subject))


def _lock(subject):
    if isinstance(subject, SolutionRevision):
        return SolutionRevision.objects.select_for_update().select_related(
            "solution__vendor"
        ).get(pk=subject.pk)
    return Solution.objects.select_for_update().select_related("vendor").get(pk=subject.pk)


def _check(locked, to_status, actor):
    _table(locked).check(locked, to_status, roles_of(actor, locked))


def check_transition(subject, to_status, actor):
    """The refusal `transition` would give (409, then 403), without locking: lets a caller
    refuse a wrong actor before reading the rest of its input."""
    _check(subject, to_status, actor)


def _check_seen(locked, seen_submitted_at):
    # Each submission sets submitted_at anew, and content changes only between submissions:
    # the same submitted_at is the same content.
    if seen_submitted_at is not None and locked.submitted_at != seen_submitted_at:
        raise StaleSubmission(locked, seen_submitted_at)


def _record(locked, actor, from_status, to_status, comment="", reason_codes=()):
    is_revision = isinstance(locked, SolutionRevision)
    solution = locked.solution if is_revision else locked
    ReviewEvent.objects.create(
        solution=solution,
        revision=locked if is_revision else None,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason_codes=list(reason_codes),
        comment=comment,
    )
    payload = {
        "vendor_id": solution.vendor_id,
        "from_status": from_status,
        "actor_id": getattr(actor, "pk", None),
        "reviewer_id": locked.reviewer_id,
        "reason_codes": list(reason_codes),
    }
    if is_revision:
        emit(f"revision.{to_status}", locked, solution_id=solution.pk, number=locked.number,
             **payload)
    else:
        emit(f"solution.{to_status}", locked, **payload)


# Only a verified solution provider sends a listing to review or has it published.
VERIFIED_ONLY = (S.SUBMITTED, S.PUBLISHED)


def _vendor_of(subject):
    solution = subject.solution if isinstance(subject, SolutionRevision) else subject
    return solution.vendor


def transition(subject, to_status, actor, *, comment="", reason_codes=(),
               seen_submitted_at=None):
    """Move a solution or revision to `to_status` as `actor`, atomically, with its audit
    record and outbox event. (Approving a revision also applies it to the live solution:
    catalog.services.approve does that in the same transaction.)

    `seen_submitted_at`: the submission the actor decided on (its submitted_at); checked
    under the row lock. Raises TransitionNotAllowed for an illegal move, PermissionDenied
    for a wrong actor and StaleSubmission when the subject was resubmitted since."""
    with transaction.atomic():
        locked = _lock(subject)
        _check(locked, to_status, actor)
        _check_seen(locked, seen_submitted_at)
        if to_status in VERIFIED_ONLY:
            require_verified(_vendor_of(locked))
        from_status = locked.status
        now = timezone.now()
        locked.status = to_status
        if to_status == S.SUBMITTED:
            locked.submitted_at = now
            locked.decided_at = None
            locked.first_approved_by = None
            locked.reminded_at = locked.escalated_at = locked.review_due_at = None
        if to_status in DECISION_STATUSES:
            locked.decided_at = now
        if to_status == S.PUBLISHED and locked.published_at is None:
            locked.published_at = now
        locked.save()
        _record(locked, actor, from_status, to_status, comment, reason_codes)
    subject.refresh_from_db()
    return subject


def record_first_approval(subject, actor, *, comment="", seen_submitted_at=None):
    """One of two approvals a flagged submission needs: recorded, status unchanged."""
    with transaction.atomic():
        locked = _lock(subject)
        _check(locked, S.APPROVED, actor)
        _check_seen(locked, seen_submitted_at)
        if locked.first_approved_by_id == actor.pk:
            raise PermissionDenied(_("A second, different reviewer must approve this."))
        locked.first_approved_by = actor
        locked.save(update_fields=["first_approved_by"])
        _record(locked, actor, locked.status, locked.status, comment, [FIRST_APPROVAL])
    subject.refresh_from_db()
    return subject


def record_import(solution, actor, *, to_status=S.PUBLISHED):
    """Imported published listings skip review: recorded as imported by the operator."""
    with transaction.atomic():
        from_status = solution.status
        if from_status == to_status:
            return solution
        solution.status = to_status
        if to_status == S.PUBLISHED and solution.published_at is None:
            solution.published_at = timezone.now()
        solution.save(update_fields=["status", "published_at", "updated_at"])
        _record(solution, actor, from_status, to_status, "Imported from a catalog file.",
                ["imported"])
    return solution
