"""Keep the index in step with the catalog and the marketplace, driven by outbox events."""

from events.registry import subscribe

# solution.published and solution.archived come from the review workflow (a solution enters
# or leaves the catalog); solution.updated from an approved revision or an import.
SOLUTION_TOPICS = ("solution.published", "solution.archived", "solution.updated")
# From marketplace.services: a rating changes its solution's average (search.index).
RATING_TOPICS = ("rating.created", "rating.hidden")
# Fields of an organisation that are in its solutions' documents (search.index).
INDEXED_ORGANIZATION_FIELDS = {"name", "name_zh"}


def reindex_solution(event):
    """Idempotent: indexes the solution if it is published now, removes it otherwise. When the
    search backend is unreachable this raises and the dispatcher retries the event."""
    from .services import sync_solution

    sync_solution(int(event.aggregate_id))


def reindex_vendor(event):
    """A vendor was renamed: its solutions' documents carry the name, and so does its
    suggestion. Other changes (website, description) are not in the index."""
    from accounts.models import Organization

    from .services import sync_vendor

    payload = event.payload
    if payload.get("kind", Organization.Kind.VENDOR) != Organization.Kind.VENDOR:
        return
    if INDEXED_ORGANIZATION_FIELDS.isdisjoint(payload.get("changed", INDEXED_ORGANIZATION_FIELDS)):
        return
    sync_vendor(int(event.aggregate_id))


def reindex_rated_solution(event):
    """A rating was given or hidden: the solution's rating_avg changes."""
    from django.apps import apps

    from .services import sync_solution

    solution_id = event.payload.get("solution_id")
    if solution_id is None:
        rating = apps.get_model("marketplace", "Rating").objects.filter(
            pk=event.aggregate_id).values("solution_id").first()
        solution_id = rating and rating["solution_id"]
    if solution_id is not None:
        sync_solution(int(solution_id))


def register():
    for topic in SOLUTION_TOPICS:
        subscribe(topic, reindex_solution)
    subscribe("organization.updated", reindex_vendor)
    for topic in RATING_TOPICS:
        subscribe(topic, reindex_rated_solution)
