"""Who may see the catalog's events (events.registry): what the public catalog shows is
public; a solution's way through review is its vendor's business."""

from events.registry import declare_audience, everyone, parties

from .models import Solution

# Solution changes a reader of the public catalog must hear of: it appeared, left, or changed.
PUBLIC_SOLUTION_ACTIONS = {"published", "archived"}


def solution_audience(event):
    solution = (
        Solution.objects.filter(pk=event.aggregate_id).only("vendor_id", "published_at").first()
    )
    vendor_id = event.payload.get("vendor_id") or getattr(solution, "vendor_id", None)
    action = event.topic.split(".", 1)[1]
    is_live = solution is not None and solution.published_at is not None
    if action in PUBLIC_SOLUTION_ACTIONS or (action == "updated" and is_live):
        return everyone(vendor_id)
    return parties(vendor_id)


def revision_audience(event):
    return parties(event.payload.get("vendor_id"))


def declare():
    declare_audience("solution.*", solution_audience)
    declare_audience("revision.*", revision_audience)
