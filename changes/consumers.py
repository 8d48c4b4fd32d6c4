"""From outbox events to change-feed entries: what changed, and who may see that it did.

Subscribed to every topic ("*"), so it runs after each topic's own consumers: the feed's
lock (changes.services.append_change) is then held for the shortest time."""

from core.registry import audience_of, subscribe

from . import services
from .models import ChangeEntry

# Topic prefix → resource type in the feed (the API's words).
RESOURCES = {
    "solution": "solution",
    "revision": "revision",
    "need": "need",
    "rfq": "quote-request",
    "quote": "quote",
    "rating": "rating",
    "organization": "organization",
    "factory": "factory",
    "assessment": "assessment",
    "proposal": "proposal",
    "message": "message-thread",
}
# Actions named as a partner would say them; others keep the topic's verb.
ACTIONS = {
    "rfq.received": "created",
    "quote.submitted": "created",
    "proposal.submitted": "created",
    "factory.registered": "registered",
    "message.posted": "message_posted",
}
# Events that are not changes a partner syncs: operator access logs.
IGNORED = {"message.thread_read"}


def describe(event):
    """(resource type, resource id, action) of an event, or None when it is not in the feed."""
    prefix, _, verb = event.topic.partition(".")
    if prefix not in RESOURCES or event.topic in IGNORED or not verb:
        return None
    resource_id = event.aggregate_id
    if prefix == "message":
        resource_id = str(event.payload.get("thread_id", ""))
    return RESOURCES[prefix], resource_id, ACTIONS.get(event.topic, verb)


def feed_audience(audience):
    """(ChangeEntry.Audience, organisation ids) of the topic's declared audience
    (core.registry): the one rule webhooks read too. Undeclared: operators only."""
    if audience is None:
        return ChangeEntry.Audience.ORGANIZATIONS, []
    if audience.public:
        kind = ChangeEntry.Audience.PUBLIC
    elif audience.vendors:
        kind = ChangeEntry.Audience.VENDORS
    else:
        kind = ChangeEntry.Audience.ORGANIZATIONS
    return kind, sorted(audience.organizations)


def record_change(event):
    described = describe(event)
    if described is None or ChangeEntry.objects.filter(event_id=event.pk).exists():
        return
    resource_type, resource_id, action = described
    audience, organization_ids = feed_audience(audience_of(event))
    services.append_change(
        event,
        resource_type=resource_type,
        resource_id=resource_id,
        action=action,
        audience=audience,
        organization_ids=organization_ids,
    )


def register():
    subscribe("*", record_change)
