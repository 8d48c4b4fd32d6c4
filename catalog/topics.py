"""Who may see the catalog's events (core.registry): what the public catalog shows is
public; a solution's way through review is its vendor's business."""

from django.utils.translation import gettext_lazy as _

from core.registry import Topic, declare_audience, declare_topic, everyone, parties

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


def review_decision(event, organization_id):
    decision = event.topic.split(".", 1)[1]
    if event.topic.startswith("revision."):
        return {
            "solution_id": event.payload.get("solution_id"),
            "revision": event.payload.get("number"),
            "decision": decision,
        }
    return {"solution_id": event.payload.get("id"), "revision": None, "decision": decision}


def declare():
    declare_audience("solution.*", solution_audience)
    declare_audience("revision.*", revision_audience)
    solution = ("vendor_id",)
    declare_topic(
        Topic("solution.published", _("A solution was published in the catalog"), solution)
    )
    declare_topic(
        Topic("solution.updated", _("A published solution changed"), (*solution, "revision"))
    )
    declare_topic(Topic("solution.archived", _("A solution left the catalog"), solution))
    # The review workflow emits one topic per outcome, for listings and for revisions;
    # partners get one "review.decided".
    declare_topic(
        Topic(
            "review.decided",
            _("A reviewer decided on your solution or its revision"),
            ("vendor_id", "reason_codes"),
            review_decision,
            emitted_as=tuple(
                f"{kind}.{decision}"
                for kind in ("solution", "revision")
                for decision in ("approved", "changes_requested", "rejected")
            ),
        )
    )
