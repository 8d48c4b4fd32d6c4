"""Review deadlines: remind the assigned reviewer before a review is due, and escalate to the
operator's admins once it is overdue. Beat runs both every few minutes (catalog.tasks).

Each item is reminded once and escalated once: `reminded_at` / `escalated_at` are set in the
same transaction as the outbox event that announces it, and the notifications are sent by the
event's consumers (events.notices.catalog). So a broker or mail outage delays a reminder, a crash
between the two never loses or doubles one, and a re-run finds nothing left to do. A
reassignment clears `reminded_at`, so the new reviewer gets a reminder of their own."""

from django.db import transaction
from django.utils import timezone

from core.outbox import emit

from . import sla
from .models import Solution, SolutionRevision, SolutionStatus

REMINDER_TOPIC = "review.reminder_due"
ESCALATION_TOPIC = "review.escalated"
SUBJECTS = (("solutions", Solution), ("revisions", SolutionRevision))


def _open_reviews(model):
    """Items in review with a deadline, locked; rows another run holds are left to it."""
    qs = model.objects.filter(status=SolutionStatus.IN_REVIEW, review_due_at__isnull=False)
    if model is SolutionRevision:
        qs = qs.select_related("solution")
    return qs.select_for_update(skip_locked=True, of=("self",)).order_by("review_due_at", "pk")


def deadline_payload(subject):
    """What the consumers need to tell the right people, as it stood when the event happened."""
    if isinstance(subject, SolutionRevision):
        identity = {"kind": "revision", "solution_id": subject.solution_id,
                    "number": subject.number, "vendor_id": subject.solution.vendor_id}
    else:
        identity = {"kind": "solution", "solution_id": subject.pk,
                    "vendor_id": subject.vendor_id}
    return {**identity, "reviewer_id": subject.reviewer_id,
            "review_due_at": (subject.review_due_at.isoformat()
                              if subject.review_due_at else None)}


def _mark_and_announce(model, subjects, field, topic, now):
    model.objects.filter(pk__in=[subject.pk for subject in subjects]).update(**{field: now})
    for subject in subjects:
        setattr(subject, field, now)
        emit(topic, subject, **deadline_payload(subject))


def send_review_reminders(now=None):
    """Remind each assigned reviewer whose review has reached its reminder time (a set number
    of business days before it is due), once. Overdue items already escalated are left to
    the escalation. Returns {"solutions": n, "revisions": n} reminded by this run."""
    now = now or timezone.now()
    window_end = sla.reminder_window_end(now)
    counts = {}
    for key, model in SUBJECTS:
        with transaction.atomic():
            candidates = _open_reviews(model).filter(
                reviewer__isnull=False, reminded_at=None, escalated_at=None,
                review_due_at__lt=window_end,
            )
            due = [item for item in candidates if sla.reminder_at(item.review_due_at) <= now]
            _mark_and_announce(model, due, "reminded_at", REMINDER_TOPIC, now)
        counts[key] = len(due)
    return counts


def escalate_overdue_reviews(now=None):
    """Tell the operator's admins about each review past its due time, once.
    Returns {"solutions": n, "revisions": n} escalated by this run."""
    now = now or timezone.now()
    counts = {}
    for key, model in SUBJECTS:
        with transaction.atomic():
            overdue = list(_open_reviews(model).filter(escalated_at=None,
                                                       review_due_at__lte=now))
            _mark_and_announce(model, overdue, "escalated_at", ESCALATION_TOPIC, now)
        counts[key] = len(overdue)
    return counts
