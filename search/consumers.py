"""Keep the index in step with the catalog and the vendors' names, driven by outbox events.
Ratings come the other way: the marketplace tells them (search.services.set_rating)."""

from core.registry import subscribe

# solution.published and solution.archived come from the review workflow (a solution enters
# or leaves the catalog); solution.updated from an approved revision or an import.
SOLUTION_TOPICS = ("solution.published", "solution.archived", "solution.updated")
# Fields of an organisation that are in its solutions' documents (search.index).
INDEXED_ORGANIZATION_FIELDS = {"name", "name_zh"}


def reindex_solution(event):
    """Idempotent: indexes the solution if it is published now, removes it otherwise, in the
    database (suggestions, and the index or the cluster's fallback)."""
    from .services import sync_solution

    sync_solution(int(event.aggregate_id))


def reindex_solution_in_cluster(event):
    """The same in the search cluster, when there is one. When it is unreachable this raises
    and the relay retries this delivery alone."""
    from .services import sync_solution_in_cluster

    sync_solution_in_cluster(int(event.aggregate_id))


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


def register():
    for topic in SOLUTION_TOPICS:
        subscribe(topic, reindex_solution)
        subscribe(topic, reindex_solution_in_cluster)
    subscribe("organization.updated", reindex_vendor)
