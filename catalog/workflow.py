"""The review workflow: the only place a Solution's status changes.

draft → submitted → in_review → approved → published → archived (→ published again),
in_review → changes_requested → submitted, in_review → rejected.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from events.services import emit

from .models import ReviewEvent, Solution, SolutionStatus

S = SolutionStatus

# Who may make a transition: the vendor's own members, a reviewer from outside the vendor,
# an operator, or the system (automated checks, with no actor).
VENDOR, REVIEWER, OPERATOR, SYSTEM = "vendor", "reviewer", "operator", "system"

TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): {VENDOR},
    (S.CHANGES_REQUESTED, S.SUBMITTED): {VENDOR},
    (S.SUBMITTED, S.IN_REVIEW): {SYSTEM, OPERATOR},
    (S.IN_REVIEW, S.APPROVED): {REVIEWER},
    (S.IN_REVIEW, S.CHANGES_REQUESTED): {REVIEWER},
    (S.IN_REVIEW, S.REJECTED): {REVIEWER},
    (S.APPROVED, S.PUBLISHED): {REVIEWER, OPERATOR, SYSTEM},
    (S.PUBLISHED, S.ARCHIVED): {VENDOR, OPERATOR},
    (S.ARCHIVED, S.PUBLISHED): {OPERATOR},
}

EDITABLE_STATUSES = {S.DRAFT, S.CHANGES_REQUESTED}
# The statuses a reviewer's decision leads to: their comments are feedback for the vendor.
DECISION_STATUSES = (S.CHANGES_REQUESTED, S.REJECTED, S.APPROVED)


@dataclass
class TransitionNotAllowed(Exception):
    solution: Solution
    to_status: str

    @property
    def allowed(self):
        return allowed_transitions(self.solution.status)

    def __str__(self):
        return _("A solution in state “%(current)s” cannot move to “%(target)s”.") % {
            "current": self.solution.status,
            "target": self.to_status,
        }


def allowed_transitions(status):
    return [to for (frm, to) in TRANSITIONS if frm == status]


def roles_of(actor, solution):
    """The workflow roles `actor` holds for `solution` (None is the system)."""
    if actor is None:
        return {SYSTEM}
    roles = set()
    in_vendor = people.is_member(actor, solution.vendor)
    if in_vendor:
        roles.add(VENDOR)
    if people.is_reviewer(actor) and not in_vendor:  # never review your own organisation's work
        roles.add(REVIEWER)
    if people.is_operator(actor) and not in_vendor:
        roles.add(OPERATOR)
    return roles


def can_transition(actor, solution, to_status):
    allowed_roles = TRANSITIONS.get((solution.status, to_status))
    return bool(allowed_roles and allowed_roles & roles_of(actor, solution))


def transition(solution, to_status, actor, *, comment="", reason_codes=()):
    """Move `solution` to `to_status` as `actor`, atomically, with its audit record and event.

    Raises TransitionNotAllowed for an illegal move and PermissionDenied for a wrong actor."""
    with transaction.atomic():
        locked = Solution.objects.select_for_update().get(pk=solution.pk)
        allowed_roles = TRANSITIONS.get((locked.status, to_status))
        if allowed_roles is None:
            raise TransitionNotAllowed(locked, to_status)
        if not allowed_roles & roles_of(actor, locked):
            raise PermissionDenied(
                _("You may not move this solution from “%(current)s” to “%(target)s”.")
                % {"current": locked.status, "target": to_status}
            )
        from_status = locked.status
        now = timezone.now()
        locked.status = to_status
        fields = ["status", "updated_at"]
        if to_status == S.SUBMITTED:
            locked.submitted_at = now
            fields.append("submitted_at")
        if to_status == S.PUBLISHED and locked.published_at is None:
            locked.published_at = now
            fields.append("published_at")
        locked.save(update_fields=fields)
        ReviewEvent.objects.create(
            solution=locked,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason_codes=list(reason_codes),
            comment=comment,
        )
        emit(
            f"solution.{to_status}",
            locked,
            vendor_id=locked.vendor_id,
            from_status=from_status,
            actor_id=getattr(actor, "pk", None),
        )
    solution.refresh_from_db()
    return solution


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
        ReviewEvent.objects.create(
            solution=solution,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason_codes=["imported"],
            comment="Imported from a catalog file.",
        )
        emit(f"solution.{to_status}", solution, vendor_id=solution.vendor_id,
             from_status=from_status, actor_id=getattr(actor, "pk", None))
    return solution
