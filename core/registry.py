"""The topic registry: which consumers react to which topics, and who may see each topic.
Apps subscribe and declare in their AppConfig.ready(), so the app that emits an event never
imports the apps that react to it, and the deliveries never import the apps whose events they
carry."""

from collections import defaultdict
from dataclasses import dataclass, field

_consumers = defaultdict(list)


def subscribe(topic, consumer):
    """Register `consumer(event)` for `topic` ("*" for every topic). Each consumer gets each
    event on its own (core.relay) and may get it again after a failure, so consumers are
    idempotent; they read the current state rather than trust the order of events."""
    if consumer not in _consumers[topic]:
        _consumers[topic].append(consumer)


def consumers_for(topic):
    return [*_consumers.get(topic, ()), *_consumers.get("*", ())]


def consumer_name(consumer):
    """The stable name a consumer's deliveries are recorded under: where it is defined."""
    return f"{consumer.__module__}.{consumer.__qualname__}"


def consumer_named(topic, name):
    """The consumer of `topic` recorded as `name`, or None if it is no longer subscribed."""
    return next((c for c in consumers_for(topic) if consumer_name(c) == name), None)


# Who may see each topic: one rule per topic, declared by the app that emits it, read by every
# delivery that shows events to organisations (the change feed, partner webhooks). Two copies
# of this rule once disagreed (a factory's verification was public in the feed and private as
# a webhook); a test holds the deliveries to agreeing on every topic.


@dataclass(frozen=True)
class Audience:
    """Who may see an event: everyone; or every solution provider and the organisations
    listed; or only the organisations listed. Operator staff see everything, whatever this
    says (they administer the registry)."""

    public: bool = False
    vendors: bool = False
    organizations: frozenset = frozenset()

    def admits(self, organization_id, kind):
        """Whether an organisation (by id and kind) may see the event."""
        return (
            self.public
            or organization_id in self.organizations
            or (self.vendors and kind == VENDOR_KIND)
        )


# The value of Organization.Kind.VENDOR: spelled out, as this floor imports no app.
VENDOR_KIND = "vendor"


def _ids(values):
    return frozenset(int(value) for value in values if value not in (None, ""))


def everyone(*organization_ids):
    """Public; the organisations listed are the ones the event is about."""
    return Audience(public=True, organizations=_ids(organization_ids))


def vendors_and(*organization_ids):
    return Audience(vendors=True, organizations=_ids(organization_ids))


def parties(*organization_ids):
    return Audience(organizations=_ids(organization_ids))


NOBODY = parties()

_audiences = {}


def declare_audience(topics, rule):
    """Declare `rule(event) -> Audience` for a topic ("factory.verified") or a family of
    topics ("factory.*"); a declaration for the exact topic wins over its family's."""
    _audiences[topics] = rule


def audience_of(event):
    """Who may see `event`, read as things are now; None for a topic nobody declared (an
    internal event, shown to no organisation)."""
    rule = _audiences.get(event.topic) or _audiences.get(event.topic.split(".", 1)[0] + ".*")
    return rule(event) if rule is not None else None


# The topics partners may subscribe to (webhooks), declared by the app that emits them next to
# their audience: what each means and which payload fields its deliveries carry. Payloads are
# thin (ids and states): never user ids, free-text reasons or other parties' identities.


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    fields: tuple = ()
    # more, computed data: (event, organisation id) -> dict
    more: object = field(default=None)
    # Outbox topics delivered under this name (the review workflow's outcomes, for instance).
    emitted_as: tuple = ()


# Filled by the apps' ready(): name -> Topic, and outbox topic -> the name it is delivered as.
TOPICS = {}
ALIASES = {}


def declare_topic(topic):
    TOPICS[topic.name] = topic
    for outbox_topic in topic.emitted_as:
        ALIASES[outbox_topic] = topic.name
