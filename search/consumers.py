"""Keep the index in step with the catalog, driven by outbox events."""

from events.registry import subscribe


def reindex_solution(event):
    from .services import sync_solution

    sync_solution(int(event.aggregate_id))


def register():
    for topic in ("solution.published", "solution.archived", "solution.updated"):
        subscribe(topic, reindex_solution)
