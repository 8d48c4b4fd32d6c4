from celery import shared_task

from . import digest, services
from .webhooks import services as webhooks


# Safe to repeat, so acknowledged when done and queued again if the worker dies: two
# relays at once skip each other's locked events, and a consumer sees an event again only
# when its delivery did not commit.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def dispatch_outbox():
    """The outbox relay: deliver pending events. Kicked after each commit that wrote one, and
    run by beat every few seconds (settings.OUTBOX_RELAY_SECONDS) for what a kick missed."""
    return services.dispatch_pending()


# Acknowledged on receipt: its retries wait up to WEBHOOK_RETRY_BACKOFF_MAX, longer than the
# broker's visibility timeout, and an unacknowledged wait would be delivered twice. A lost
# attempt is not lost for good: resend_stalled_webhooks schedules it again.
@shared_task(bind=True, ignore_result=True, max_retries=None, acks_late=False)
def deliver_webhook(self, delivery_id):
    """One attempt of a webhook delivery; failures come back with exponential backoff until
    the delivery's attempts (settings.WEBHOOK_MAX_ATTEMPTS) are used up."""
    retry_in = webhooks.attempt_delivery(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def resend_stalled_webhooks():
    """Beat: pending deliveries whose task was lost are scheduled again."""
    return webhooks.resend_stalled()


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_daily_digests():
    """Beat, once a day: one email per person who chose the daily digest."""
    return digest.send_daily_digests()
