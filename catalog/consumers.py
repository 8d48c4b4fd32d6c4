"""Catalog reactions to its own workflow events: keep the vendor and reviewer informed."""

from django.utils.translation import gettext_noop

from accounts.models import User
from events.registry import subscribe
from events.services import notify

from .models import Solution

TITLES = {
    "solution.in_review": gettext_noop("Your solution is in review"),
    "solution.changes_requested": gettext_noop("A reviewer asked for changes to your solution"),
    "solution.rejected": gettext_noop("Your solution was not accepted"),
    "solution.published": gettext_noop("Your solution is published"),
}


def notify_vendor(event):
    vendor_members = User.objects.filter(
        memberships__organization_id=event.payload["vendor_id"], is_active=True
    ).distinct()
    notify(vendor_members, event=event, title=TITLES[event.topic],
           link=f"/solutions/{event.aggregate_id}/")


def notify_reviewer(event):
    solution = Solution.objects.select_related("reviewer").filter(pk=event.aggregate_id).first()
    if solution and solution.reviewer:
        notify([solution.reviewer], event=event,
               title=gettext_noop("A solution awaits your review"),
               link=f"/review/{solution.pk}/")


def register():
    for topic in TITLES:
        subscribe(topic, notify_vendor)
    subscribe("solution.in_review", notify_reviewer)
