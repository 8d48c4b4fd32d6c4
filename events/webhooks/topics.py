"""The topics partners may subscribe to, and what each delivery says.

An outbox event becomes a webhook only when its app declared it a partner topic
(core.registry.declare_topic, in the app's topics.py): its description and payload fields.
Who may receive it is the topic's audience, declared beside it, which the change feed reads
as well. User ids (actors, reviewers, operator staff), free-text reasons and other parties'
identities are never sent. Payloads are thin: ids and states; a receiver reads details
through the API, where its own permissions apply."""

from core.registry import ALIASES, TOPICS, Topic  # noqa: F401 - read through this module


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
