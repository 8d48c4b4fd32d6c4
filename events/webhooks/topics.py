"""The topics partners may subscribe to, and what each delivery says.

An outbox event becomes a webhook only when its topic is listed here. Each entry says which
payload fields are sent; who may receive it is the topic's audience, declared once by the app
that emits it (events.registry), which the change feed reads as well. User ids (actors,
reviewers, operator staff), free-text reasons and other parties' identities are never sent.
Payloads are thin: ids and states; a receiver reads details through the API, where its own
permissions apply."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    fields: tuple = ()
    # more, computed data: (event, organisation id) -> dict
    more: object = field(default=None)


def _need_extra(event, organization_id):
    # A public need's vendors learn that it exists; who posted it they see in the feed.
    if organization_id == event.payload.get("enterprise_id"):
        return {"enterprise_id": organization_id}
    return {}


def _own_vendor_ids(event, organization_id):
    """An enterprise sees every vendor it asked; a vendor sees only itself in the list, never
    its competitors."""
    vendor_ids = event.payload.get("vendor_ids") or []
    if organization_id == event.payload.get("enterprise_id"):
        return {"vendor_ids": vendor_ids}
    return {"vendor_ids": [organization_id] if organization_id in vendor_ids else []}


def _review_decision(event, organization_id):
    decision = event.topic.split(".", 1)[1]
    if event.topic.startswith("revision."):
        return {
            "solution_id": event.payload.get("solution_id"),
            "revision": event.payload.get("number"),
            "decision": decision,
        }
    return {"solution_id": event.payload.get("id"), "revision": None, "decision": decision}


_SOLUTION = ("vendor_id",)
_QUOTE = ("request_id", "enterprise_id", "vendor_id")
_RFQ = ("enterprise_id",)

TOPICS = {
    topic.name: topic
    for topic in [
        Topic("solution.published", _("A solution was published in the catalog"), _SOLUTION),
        Topic(
            "solution.updated",
            _("A published solution changed"),
            (*_SOLUTION, "revision"),
        ),
        Topic("solution.archived", _("A solution left the catalog"), _SOLUTION),
        Topic(
            "review.decided",
            _("A reviewer decided on your solution or its revision"),
            ("vendor_id", "reason_codes"),
            _review_decision,
        ),
        Topic("need.created", _("A need you may see was posted"), (), _need_extra),
        Topic("need.closed", _("A need you may see was closed"), (), _need_extra),
        Topic(
            "rfq.received",
            _("A request for quotes was sent"),
            _RFQ,
            _own_vendor_ids,
        ),
        Topic(
            "rfq.accepted",
            _("A request for quotes was settled with an accepted quote"),
            _RFQ,
            _own_vendor_ids,
        ),
        Topic(
            "rfq.closed",
            _("A request for quotes was closed"),
            _RFQ,
            _own_vendor_ids,
        ),
        Topic(
            "rfq.expired",
            _("A request for quotes expired"),
            _RFQ,
            _own_vendor_ids,
        ),
        Topic(
            "quote.submitted",
            _("A quote was submitted"),
            _QUOTE,
        ),
        Topic("quote.revised", _("A quote was revised"), _QUOTE),
        Topic("quote.accepted", _("A quote was accepted"), _QUOTE),
        Topic(
            "quote.declined",
            _("A quote was declined or withdrawn"),
            _QUOTE,
        ),
        Topic("quote.expired", _("A quote expired"), _QUOTE),
        Topic(
            "proposal.submitted",
            _("A vendor proposed a solution for a need"),
            ("need_id", "enterprise_id", "vendor_id"),
        ),
        Topic(
            "message.posted",
            _("A message arrived in a quote conversation"),
            ("thread_id", "request_id"),
        ),
        Topic(
            "rating.created",
            _("A delivered solution was rated"),
            ("solution_id", "enterprise_id", "vendor_id"),
        ),
        Topic(
            "rating.replied",
            _("A vendor replied to a rating"),
            ("enterprise_id", "vendor_id"),
        ),
        Topic(
            "match.found",
            _("A new solution matches your need"),
            ("solution_id", "score", "rank"),
        ),
        Topic(
            "assessment.completed",
            _("Your maturity assessment was completed"),
            ("level", "score"),
        ),
        Topic(
            "factory.registered",
            _("A smart factory was registered"),
            ("tier",),
        ),
        Topic("factory.verified", _("A smart factory was verified")),
        Topic("factory.rejected", _("A smart factory registration was rejected")),
        Topic(
            "organization.updated",
            _("Your organisation's profile changed"),
            ("changed",),
        ),
    ]
}

# Outbox topics published under another name: the review workflow emits one topic per
# outcome for solutions and for revisions; partners get one "review.decided".
ALIASES = {
    f"{kind}.{decision}": "review.decided"
    for kind in ("solution", "revision")
    for decision in ("approved", "changes_requested", "rejected")
}


def webhook_topic(outbox_topic):
    """The Topic an outbox event is published as, or None for internal events."""
    return TOPICS.get(ALIASES.get(outbox_topic, outbox_topic))


def unknown(topics):
    return [name for name in topics if name not in TOPICS]


def payload_for(topic, event, organization_id):
    """The `data` a given organisation receives for `event`."""
    data = {"object": event.aggregate_type, "id": event.payload.get("id")}
    for name in topic.fields:
        if name in event.payload:
            data[name] = event.payload[name]
    if topic.more is not None:
        data.update(topic.more(event, organization_id))
    return data
