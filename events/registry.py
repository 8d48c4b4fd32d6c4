"""Which consumers react to which topics. Apps subscribe in their AppConfig.ready(), so the
app that emits an event never imports the apps that react to it."""

from collections import defaultdict

_consumers = defaultdict(list)


def subscribe(topic, consumer):
    """Register `consumer(event)` for `topic` ("*" for every topic). Consumers are idempotent:
    an event may be delivered again after a failure elsewhere."""
    if consumer not in _consumers[topic]:
        _consumers[topic].append(consumer)


def consumers_for(topic):
    return [*_consumers.get(topic, ()), *_consumers.get("*", ())]
