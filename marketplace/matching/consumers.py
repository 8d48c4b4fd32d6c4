"""Keep the matches in step with the catalog and the marketplace, driven by outbox events; tell
enterprises about new good matches."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from core.registry import subscribe
from events.services import notify

# solution.published and solution.archived come from the review workflow (a solution enters
# or leaves the catalog); solution.updated from an approved revision or an import.
SOLUTION_TOPICS = ("solution.published", "solution.archived", "solution.updated")
NEED_TOPICS = ("need.created", "need.updated")


def match_need(event):
    from marketplace.models import Need

    from .ranking import refresh_matches

    need = Need.objects.filter(pk=event.aggregate_id, status=Need.Status.OPEN).first()
    if need is not None:
        refresh_matches(need)


def enqueue_rematch(event):
    """A solution entered, changed or left the catalog: re-ranking the open needs it could
    touch is a task of its own (marketplace.tasks.rematch_open_needs), so the relay is not
    held by it. A broker error here raises, and this delivery is retried."""
    from marketplace.tasks import rematch_open_needs

    rematch_open_needs.delay(int(event.aggregate_id))


def notify_match_found(event):
    """Tell the enterprise's members that a new, good solution matches their need, once per
    event and member (events.services.notify)."""
    from accounts.models import User
    from catalog.models import Solution
    from marketplace.models import Need

    need = Need.objects.filter(pk=event.aggregate_id, status=Need.Status.OPEN).first()
    solution = Solution.objects.filter(pk=event.payload["solution_id"]).first()
    if need is None or solution is None:
        return
    members = User.objects.filter(memberships__organization_id=need.enterprise_id,
                                  is_active=True).distinct()
    title = (solution.title_zh or solution.title_en) if need.language == "zh" else (
        solution.title_en or solution.title_zh)
    notify(members, event=event, title=gettext_noop("A new solution matches your need"),
           body=title, link=reverse("need-detail", args=[need.pk]))


def register():
    for topic in SOLUTION_TOPICS:
        subscribe(topic, enqueue_rematch)
    for topic in NEED_TOPICS:
        subscribe(topic, match_need)
    subscribe("match.found", notify_match_found)
