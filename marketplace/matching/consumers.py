"""Keep the matches in step with the catalog and the marketplace, driven by outbox events.
(Enterprises hear of new good matches from events.notices.marketplace.)"""

from core.registry import subscribe

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


def register():
    for topic in SOLUTION_TOPICS:
        subscribe(topic, enqueue_rematch)
    for topic in NEED_TOPICS:
        subscribe(topic, match_need)
