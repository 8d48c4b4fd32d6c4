"""Who may see a change: the same people who may read the resource through the API.

Public catalog data (published solutions, solution providers, ratings, verified factories)
is public; marketplace items are seen by their parties only; operator staff see everything
(changes.selectors). The resource is read as it is when the event is delivered."""

from accounts.models import Organization
from catalog.models import Solution
from marketplace.models import Need, Proposal, Quote, QuoteRequest
from maturity.models import SmartFactory

from .models import ChangeEntry

PUBLIC, VENDORS, ORGANIZATIONS = (
    ChangeEntry.Audience.PUBLIC,
    ChangeEntry.Audience.VENDORS,
    ChangeEntry.Audience.ORGANIZATIONS,
)
# Solution changes a reader of the public catalog must hear of: it appeared, left, or changed.
PUBLIC_SOLUTION_ACTIONS = {"published", "archived"}


def _ids(*values):
    return sorted({int(value) for value in values if value is not None})


def _solution(resource_id, action, payload):
    solution = Solution.objects.filter(pk=resource_id).only("vendor_id", "published_at").first()
    vendor_id = payload.get("vendor_id") or getattr(solution, "vendor_id", None)
    is_live = solution is not None and solution.published_at is not None
    if action in PUBLIC_SOLUTION_ACTIONS or (action == "updated" and is_live):
        return PUBLIC, _ids(vendor_id)
    return ORGANIZATIONS, _ids(vendor_id)


def _revision(resource_id, action, payload):
    return ORGANIZATIONS, _ids(payload.get("vendor_id"))


def _need(resource_id, action, payload):
    need = Need.objects.filter(pk=resource_id).first()
    if need is None:
        return ORGANIZATIONS, _ids(payload.get("enterprise_id"))
    invited = need.invited_vendors.values_list("pk", flat=True)
    audience = VENDORS if need.visibility == Need.Visibility.PUBLIC else ORGANIZATIONS
    return audience, _ids(need.enterprise_id, *invited)


def _quote_request(resource_id, action, payload):
    request = QuoteRequest.objects.filter(pk=resource_id).first()
    if request is None:
        return ORGANIZATIONS, _ids(payload.get("enterprise_id"))
    return ORGANIZATIONS, _ids(request.enterprise_id, *request.vendors.values_list("pk", flat=True))


def _quote(resource_id, action, payload):
    quote = Quote.objects.select_related("request").filter(pk=resource_id).first()
    if quote is None:
        return ORGANIZATIONS, _ids(payload.get("enterprise_id"), payload.get("vendor_id"))
    return ORGANIZATIONS, _ids(quote.request.enterprise_id, quote.vendor_id)


def _proposal(resource_id, action, payload):
    proposal = Proposal.objects.select_related("need").filter(pk=resource_id).first()
    if proposal is None:
        return ORGANIZATIONS, _ids(payload.get("enterprise_id"), payload.get("vendor_id"))
    return ORGANIZATIONS, _ids(proposal.need.enterprise_id, proposal.vendor_id)


def _thread(resource_id, action, payload):
    from marketplace.models import MessageThread

    thread = MessageThread.objects.select_related("request").filter(pk=resource_id or 0).first()
    if thread is None:
        return ORGANIZATIONS, []
    return ORGANIZATIONS, _ids(thread.request.enterprise_id, thread.vendor_id)


def _organization(resource_id, action, payload):
    kind = Organization.objects.filter(pk=resource_id).values_list("kind", flat=True).first()
    if (payload.get("kind") or kind) == Organization.Kind.VENDOR:
        return PUBLIC, _ids(resource_id)
    return ORGANIZATIONS, _ids(resource_id)


def _factory(resource_id, action, payload):
    factory = (
        SmartFactory.objects.filter(pk=resource_id).only("enterprise_id", "status").first()
    )
    enterprise_id = payload.get("enterprise_id") or getattr(factory, "enterprise_id", None)
    # Verified factories are public; one verified before must be seen to leave as well.
    if action == "verified" or (factory is not None and factory.is_verified):
        return PUBLIC, _ids(enterprise_id)
    return ORGANIZATIONS, _ids(enterprise_id)


def _rating(resource_id, action, payload):
    # Ratings are public; a hidden one is announced too, so partners take it down.
    return PUBLIC, _ids(payload.get("vendor_id"))


def _assessment(resource_id, action, payload):
    return ORGANIZATIONS, _ids(payload.get("enterprise_id"))


AUDIENCES = {
    "solution": _solution,
    "revision": _revision,
    "need": _need,
    "quote-request": _quote_request,
    "quote": _quote,
    "proposal": _proposal,
    "message-thread": _thread,
    "organization": _organization,
    "factory": _factory,
    "rating": _rating,
    "assessment": _assessment,
}


def audience_of(resource_type, resource_id, action, payload):
    """(audience, organisation ids) of a change."""
    return AUDIENCES[resource_type](resource_id, action, payload)
