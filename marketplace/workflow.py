"""States of needs, requests for quotes and quotes: the only place their status changes.

need:    open → closed (by its enterprise, an operator, or the system at the deadline)
request: open → accepted | closed | expired
quote:   submitted → revised (each revision a new version) → accepted | declined | expired

Each kind is a `core.workflow.Workflow` saying who may make each move, with one entry point
(`transition_need`, `transition_request`, `transition_quote`). Every change locks the row,
checks the workflow (a move missing from it raises `TransitionNotAllowed`, which the API
answers 409 naming the allowed moves; a role not allowed, PermissionDenied), saves, and writes
an outbox event in the caller's transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from core.outbox import emit
from core.workflow import Conflict, Workflow

from .models import Need, Quote, QuoteRequest

N, R, Q = Need.Status, QuoteRequest.Status, Quote.Status

# Who may move: the asking enterprise's members, the quoting vendor's members, operator
# staff, or the system (beat expiries and cascades, with no actor).
ENTERPRISE, VENDOR, OPERATOR, SYSTEM = "enterprise", "vendor", "operator", "system"

NEED_WORKFLOW = Workflow({
    (N.OPEN, N.CLOSED): {ENTERPRISE, OPERATOR, SYSTEM},
})

REQUEST_WORKFLOW = Workflow({
    (R.OPEN, R.ACCEPTED): {ENTERPRISE},
    (R.OPEN, R.CLOSED): {ENTERPRISE, OPERATOR},
    (R.OPEN, R.EXPIRED): {SYSTEM},
})

QUOTE_WORKFLOW = Workflow({
    (Q.SUBMITTED, Q.REVISED): {VENDOR},
    (Q.REVISED, Q.REVISED): {VENDOR},
    (Q.SUBMITTED, Q.ACCEPTED): {ENTERPRISE},
    (Q.REVISED, Q.ACCEPTED): {ENTERPRISE},
    # The vendor declines (withdraws) with a reason; the enterprise declines the others
    # when it accepts one.
    (Q.SUBMITTED, Q.DECLINED): {VENDOR, ENTERPRISE},
    (Q.REVISED, Q.DECLINED): {VENDOR, ENTERPRISE},
    (Q.SUBMITTED, Q.EXPIRED): {SYSTEM},
    (Q.REVISED, Q.EXPIRED): {SYSTEM},
})

# The statuses in which a quote is still on the table.
LIVE_QUOTE_STATUSES = (Q.SUBMITTED, Q.REVISED)


class StaleVersion(Conflict):
    """A decision named a version of something the other party has changed since (or named
    none): it is refused (409), and the decider is shown the current version to decide again."""

    code = "stale-version"
    title = "Changed since you saw it"

    def __init__(self, subject, *, seen, current):
        self.subject, self.seen, self.current = subject, seen, current
        if seen is None:
            message = _("Say which version you accept: it is now version %(current)s.") % {
                "current": current}
        else:
            message = _("This changed after you saw it: you saw version %(seen)s, it is now "
                        "version %(current)s. Look again and decide on the current version."
                        ) % {"seen": seen, "current": current}
        super().__init__(message)

    def facts(self):
        return {"current_version": self.current, "errors": {"version": [str(self)]}}


def require_version(subject, seen):
    """Bind a decision to the version the decider saw. Call it on the row locked for the
    decision, in the same transaction, so no change can slip between the check and the act."""
    if seen is None or seen != subject.version:
        raise StaleVersion(subject, seen=seen, current=subject.version)


def _roles(actor, *, enterprise, vendor=None):
    if actor is None:
        return {SYSTEM}
    roles = set()
    if actor.is_superuser or people.is_member(actor, enterprise):
        roles.add(ENTERPRISE)
    if vendor is not None and (actor.is_superuser or people.is_member(actor, vendor)):
        roles.add(VENDOR)
    if people.is_operator(actor):
        roles.add(OPERATOR)
    return roles


@transaction.atomic
def transition_need(need, to_status, *, actor=None):
    locked = Need.objects.select_for_update(of=("self",)).select_related("enterprise").get(
        pk=need.pk
    )
    NEED_WORKFLOW.check(locked, to_status, _roles(actor, enterprise=locked.enterprise))
    from_status, locked.status = locked.status, to_status
    locked.save(update_fields=["status", "updated_at"])
    need.status = to_status  # the caller's copy tells the truth too
    emit(f"need.{to_status}", locked, enterprise_id=locked.enterprise_id,
         from_status=from_status, actor_id=getattr(actor, "pk", None))
    return locked


@transaction.atomic
def transition_request(request, to_status, *, actor=None):
    locked = QuoteRequest.objects.select_for_update(of=("self",)).select_related(
        "enterprise"
    ).get(pk=request.pk)
    REQUEST_WORKFLOW.check(locked, to_status, _roles(actor, enterprise=locked.enterprise))
    from_status, locked.status = locked.status, to_status
    locked.save(update_fields=["status"])
    request.status = to_status
    emit(f"rfq.{to_status}", locked, enterprise_id=locked.enterprise_id,
         vendor_ids=list(locked.vendors.values_list("pk", flat=True)),
         from_status=from_status, actor_id=getattr(actor, "pk", None))
    return locked


@transaction.atomic
def transition_quote(quote, to_status, *, actor=None, changes=None, **payload):
    """Move a quote; `changes` are field values saved with the move (a revision's terms)."""
    locked = Quote.objects.select_for_update(of=("self",)).select_related(
        "request__enterprise", "vendor"
    ).get(pk=quote.pk)
    roles = _roles(actor, enterprise=locked.request.enterprise, vendor=locked.vendor)
    QUOTE_WORKFLOW.check(locked, to_status, roles)
    from_status, locked.status = locked.status, to_status
    fields = {"status", "updated_at"}
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
        fields.add(name)
    locked.updated_at = timezone.now()
    locked.save(update_fields=sorted(fields))
    quote.status = to_status
    emit(f"quote.{to_status}", locked, request_id=locked.request_id,
         enterprise_id=locked.request.enterprise_id, vendor_id=locked.vendor_id,
         from_status=from_status, actor_id=getattr(actor, "pk", None), **payload)
    return locked
