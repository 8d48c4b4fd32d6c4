"""Who may see the marketplace's events (events.registry): the same organisations that may
read the item through the API. A need is seen by its enterprise and the vendors it is open
to; requests, quotes, proposals and conversations by their parties only; ratings are public
(a hidden one is announced too, so partners take it down)."""

from events.registry import declare_audience, everyone, parties, vendors_and

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


def declare():
    declare_audience("need.*", need_audience)
    declare_audience("rfq.*", quote_request_audience)
    declare_audience("quote.*", quote_audience)
    declare_audience("proposal.*", proposal_audience)
    declare_audience("message.*", thread_audience)
    declare_audience("rating.*", rating_audience)
    # Emitted by matching (search, for now); the match is the need's enterprise's alone.
    declare_audience("match.found", match_audience)
