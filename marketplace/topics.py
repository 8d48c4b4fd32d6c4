"""Who may see the marketplace's events (core.registry): the same organisations that may
read the item through the API. A need is seen by its enterprise and the vendors it is open
to; requests, quotes, proposals and conversations by their parties only; ratings are public
(a hidden one is announced too, so partners take it down)."""

from django.utils.translation import gettext_lazy as _

from core.registry import (
    Topic,
    declare_audience,
    declare_topic,
    everyone,
    parties,
    vendors_and,
)

from .models import MessageThread, Need, Proposal, Quote, QuoteRequest


def need_audience(event):
    need = Need.objects.filter(pk=event.aggregate_id).first()
    if need is None:
        return parties(event.payload.get("enterprise_id"))
    invited = need.invited_vendors.values_list("pk", flat=True)
    if need.visibility == Need.Visibility.PUBLIC:
        return vendors_and(need.enterprise_id, *invited)
    return parties(need.enterprise_id, *invited)


def quote_request_audience(event):
    request = QuoteRequest.objects.filter(pk=event.aggregate_id).first()
    if request is None:
        return parties(event.payload.get("enterprise_id"), *event.payload.get("vendor_ids", ()))
    return parties(request.enterprise_id, *request.vendors.values_list("pk", flat=True))


def quote_audience(event):
    quote = Quote.objects.select_related("request").filter(pk=event.aggregate_id).first()
    if quote is None:
        return parties(event.payload.get("enterprise_id"), event.payload.get("vendor_id"))
    return parties(quote.request.enterprise_id, quote.vendor_id)


def proposal_audience(event):
    proposal = Proposal.objects.select_related("need").filter(pk=event.aggregate_id).first()
    if proposal is None:
        return parties(event.payload.get("enterprise_id"), event.payload.get("vendor_id"))
    return parties(proposal.need.enterprise_id, proposal.vendor_id)


def thread_audience(event):
    # A message event is about its conversation, whose two parties may read it.
    thread = (
        MessageThread.objects.select_related("request")
        .filter(pk=event.payload.get("thread_id") or 0)
        .first()
    )
    if thread is None:
        return parties(event.payload.get("recipient_id"))
    return parties(thread.request.enterprise_id, thread.vendor_id)


def rating_audience(event):
    return everyone(event.payload.get("vendor_id"), event.payload.get("enterprise_id"))


def match_audience(event):
    return parties(event.payload.get("enterprise_id"))


def need_extra(event, organization_id):
    # A public need's vendors learn that it exists; who posted it they see in the feed.
    if organization_id == event.payload.get("enterprise_id"):
        return {"enterprise_id": organization_id}
    return {}


def own_vendor_ids(event, organization_id):
    """An enterprise sees every vendor it asked; a vendor sees only itself in the list, never
    its competitors."""
    vendor_ids = event.payload.get("vendor_ids") or []
    if organization_id == event.payload.get("enterprise_id"):
        return {"vendor_ids": vendor_ids}
    return {"vendor_ids": [organization_id] if organization_id in vendor_ids else []}


RFQ = ("enterprise_id",)
QUOTE = ("request_id", "enterprise_id", "vendor_id")
PARTNER_TOPICS = [
    Topic("need.created", _("A need you may see was posted"), (), need_extra),
    Topic("need.closed", _("A need you may see was closed"), (), need_extra),
    Topic("rfq.received", _("A request for quotes was sent"), RFQ, own_vendor_ids),
    Topic(
        "rfq.accepted",
        _("A request for quotes was settled with an accepted quote"),
        RFQ,
        own_vendor_ids,
    ),
    Topic("rfq.closed", _("A request for quotes was closed"), RFQ, own_vendor_ids),
    Topic("rfq.expired", _("A request for quotes expired"), RFQ, own_vendor_ids),
    Topic("quote.submitted", _("A quote was submitted"), QUOTE),
    Topic("quote.revised", _("A quote was revised"), QUOTE),
    Topic("quote.accepted", _("A quote was accepted"), QUOTE),
    Topic("quote.declined", _("A quote was declined or withdrawn"), QUOTE),
    Topic("quote.expired", _("A quote expired"), QUOTE),
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
    Topic("rating.replied", _("A vendor replied to a rating"), ("enterprise_id", "vendor_id")),
    Topic(
        "match.found",
        _("A new solution matches your need"),
        ("solution_id", "score", "rank"),
    ),
]


def declare():
    for topic in PARTNER_TOPICS:
        declare_topic(topic)
    declare_audience("need.*", need_audience)
    declare_audience("rfq.*", quote_request_audience)
    declare_audience("quote.*", quote_audience)
    declare_audience("proposal.*", proposal_audience)
    declare_audience("message.*", thread_audience)
    declare_audience("rating.*", rating_audience)
    # Emitted by matching (marketplace.matching); the match is the need's enterprise's alone.
    declare_audience("match.found", match_audience)
