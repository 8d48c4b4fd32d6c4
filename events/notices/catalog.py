"""Notices of the catalog's events: everyone a review concerns hears of each step, in the
inbox and by email.

New listings (`solution.<status>`) and changes to live ones (`revision.<status>`) are told to
the vendor's members, a new review to its reviewer, a reminder (`review.reminder_due`) to the
reviewer and an escalation (`review.escalated`) to the operator's admins. Who is told comes from
the event's payload, as it stood when the step happened. Titles are stored untranslated and
translated when shown; bodies are written in each recipient's own language."""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Membership, Organization, User
from catalog.deadlines import ESCALATION_TOPIC, REMINDER_TOPIC
from catalog.models import ReviewEvent, ReviewReason, Solution, SolutionStatus
from catalog.workflow import FIRST_APPROVAL
from core.registry import subscribe

from ..services import notify_in_their_language

VENDOR_TITLES = {
    "solution.submitted": gettext_noop("We received your solution for review"),
    "solution.in_review": gettext_noop("Your solution is in review"),
    "solution.changes_requested": gettext_noop("A reviewer asked for changes to your solution"),
    "solution.rejected": gettext_noop("Your solution was not accepted"),
    "solution.approved": gettext_noop("Your solution was approved"),
    "solution.published": gettext_noop("Your solution is published"),
    "solution.archived": gettext_noop("Your solution was archived"),
    "revision.submitted": gettext_noop("We received your change for review"),
    "revision.in_review": gettext_noop("Your change is in review"),
    "revision.changes_requested": gettext_noop(
        "A reviewer asked you to rework your change to a live solution"
    ),
    "revision.rejected": gettext_noop("Your change was not accepted"),
    "revision.approved": gettext_noop("Your change is live"),
}
SECOND_APPROVAL_TITLES = {
    "solution": gettext_noop("Your solution awaits a second approval"),
    "revision": gettext_noop("Your change awaits a second approval"),
}
ASSIGNED_TITLES = {
    "solution": gettext_noop("A solution awaits your review"),
    "revision": gettext_noop("A change to a live solution awaits your review"),
}
REMINDER_TITLE = gettext_noop("A review assigned to you is due soon")
ESCALATION_TITLE = gettext_noop("A review is overdue")
# Decisions the vendor has to act on: their notice carries the reasons and the comment.
EXPLAINED_DECISIONS = {SolutionStatus.CHANGES_REQUESTED, SolutionStatus.REJECTED}
IMPORTED = "imported"


class Subject:
    """What an event is about: a listing, or a revision of one (by solution and number)."""

    def __init__(self, event):
        payload = event.payload
        self.kind = payload.get("kind") or event.topic.split(".", 1)[0]
        if self.kind == "revision":
            self.solution_id, self.revision_id = payload["solution_id"], payload["id"]
            self.number = payload["number"]
        else:
            self.solution_id, self.revision_id, self.number = payload["id"], None, None

    @property
    def page(self):
        if self.revision_id:
            return f"/solutions/{self.solution_id}/revisions/{self.number}/"
        return f"/solutions/{self.solution_id}/"

    @property
    def review_page(self):
        if self.revision_id:
            return f"/review/revisions/{self.revision_id}/"
        return f"/review/{self.solution_id}/"


def _vendor_members(vendor_id):
    return User.objects.filter(memberships__organization_id=vendor_id, is_active=True).distinct()


def _active_users(*ids):
    return User.objects.filter(pk__in=[pk for pk in ids if pk], is_active=True)


def operator_admins(vendor_id=None):
    """Owners and admins of operator organisations; never a member of the vendor concerned."""
    admins = User.objects.filter(
        is_active=True,
        memberships__organization__kind=Organization.Kind.OPERATOR,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
    )
    if vendor_id:
        admins = admins.exclude(memberships__organization_id=vendor_id)
    return admins.distinct()


def _due(payload):
    due = timezone.localtime(datetime.fromisoformat(payload["review_due_at"]))
    return _("Due %(time)s") % {"time": formats.date_format(due, "SHORT_DATETIME_FORMAT")}


def _decision_record(event, subject, to_status):
    """The ReviewEvent written with this outbox event: it holds the reviewer's comment."""
    return (
        ReviewEvent.objects.filter(solution_id=subject.solution_id,
                                   revision_id=subject.revision_id, to_status=to_status,
                                   created_at__lte=event.created_at)
        .order_by("-created_at", "-id")
        .first()
    )


def _explanation(record):
    """The reasons' labels and the comment, in the active language."""
    if record is None:
        return []
    labels = {reason.code: reason.label
              for reason in ReviewReason.objects.filter(code__in=record.reason_codes)}
    reasons = [labels.get(code, code) for code in record.reason_codes]
    lines = []
    if reasons:
        lines.append(_("Reasons: %(reasons)s") % {"reasons": "; ".join(reasons)})
    if record.comment:
        lines.append(record.comment)
    return lines


def notify_vendor(event):
    """Every step of a listing's or a change's review, to the vendor's members."""
    payload = event.payload
    reason_codes = payload.get("reason_codes") or []
    if IMPORTED in reason_codes:  # imported listings skip review: nothing to tell
        return
    subject = Subject(event)
    solution = Solution.objects.filter(pk=subject.solution_id).first()
    if solution is None:
        return
    title = VENDOR_TITLES[event.topic]
    if FIRST_APPROVAL in reason_codes:
        title = SECOND_APPROVAL_TITLES[subject.kind]
    elif event.topic == "solution.approved" and solution.status != SolutionStatus.APPROVED:
        # Approval published it in the same step; the "published" notice tells both.
        return
    to_status = event.topic.split(".", 1)[1]
    record = None
    if to_status in EXPLAINED_DECISIONS:
        record = _decision_record(event, subject, to_status)

    def describe():
        return [solution.title, *_explanation(record)]

    notify_in_their_language(_vendor_members(payload["vendor_id"]), event, title, subject.page,
                             describe)


def notify_assigned_reviewer(event):
    """A listing or a change entered review: tell the reviewer it was assigned to."""
    payload = event.payload
    if FIRST_APPROVAL in (payload.get("reason_codes") or []):
        return  # still in review, one approval recorded: the reviewer already knows it
    subject = Subject(event)
    solution = Solution.objects.filter(pk=subject.solution_id).first()
    if solution is None:
        return
    notify_in_their_language(_active_users(payload.get("reviewer_id")), event,
                             ASSIGNED_TITLES[subject.kind], subject.review_page,
                             lambda: [solution.title])


def notify_reviewer_of_deadline(event):
    payload = event.payload
    subject = Subject(event)
    solution = Solution.objects.filter(pk=subject.solution_id).first()
    if solution is None:
        return
    notify_in_their_language(_active_users(payload.get("reviewer_id")), event, REMINDER_TITLE,
                             subject.review_page, lambda: [solution.title, _due(payload)])


def notify_operator_admins_of_overdue(event):
    payload = event.payload
    subject = Subject(event)
    solution = Solution.objects.filter(pk=subject.solution_id).first()
    if solution is None:
        return
    reviewer = _active_users(payload.get("reviewer_id")).first()

    def describe():
        assigned = (_("Assigned to %(reviewer)s") % {"reviewer": reviewer.get_username()}
                    if reviewer else _("No reviewer assigned"))
        return [solution.title, _due(payload), assigned]

    notify_in_their_language(operator_admins(payload.get("vendor_id")), event, ESCALATION_TITLE,
                             subject.review_page, describe)


def register():
    for topic in VENDOR_TITLES:
        subscribe(topic, notify_vendor)
    subscribe("solution.in_review", notify_assigned_reviewer)
    subscribe("review.reassigned", notify_assigned_reviewer)
    subscribe("revision.in_review", notify_assigned_reviewer)
    subscribe(REMINDER_TOPIC, notify_reviewer_of_deadline)
    subscribe(ESCALATION_TOPIC, notify_operator_admins_of_overdue)
