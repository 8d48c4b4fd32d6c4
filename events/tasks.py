from celery import shared_task

from . import digest, services
from .webhooks import services as webhooks


@shared_task(ignore_result=True)
def dispatch_outbox():
    """Deliver pending outbox events; scheduled on commit and swept by beat."""
    return services.dispatch_pending()


@shared_task(bind=True, ignore_result=True, max_retries=None)
def deliver_webhook(self, delivery_id):
    """One attempt of a webhook delivery; failures come back with exponential backoff until
    the delivery's attempts (settings.WEBHOOK_MAX_ATTEMPTS) are used up."""
    retry_in = webhooks.attempt_delivery(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(ignore_result=True)
def resend_stalled_webhooks():
    """Beat: pending deliveries whose task was lost are scheduled again."""
    return webhooks.resend_stalled()


@shared_task(ignore_result=True)
def send_daily_digests():
    """Beat, once a day: one email per person who chose the daily digest."""
    return digest.send_daily_digests()
