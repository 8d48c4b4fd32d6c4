from celery import shared_task

from . import relay


# Safe to repeat, so acknowledged when done and queued again if the worker dies: two
# relays at once skip each other's locked events, and a consumer sees an event again only
# when its delivery did not commit.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def dispatch_outbox():
    """The outbox relay: deliver pending events. Kicked after each commit that wrote one, and
    run by beat every few seconds (settings.OUTBOX_RELAY_SECONDS) for what a kick missed."""
    return relay.dispatch_pending()
