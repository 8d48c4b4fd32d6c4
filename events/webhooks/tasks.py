"""The webhook tasks: one attempt of a delivery, and the sweep that schedules again what a
broker outage or a lost worker left waiting. Writes about subscriptions schedule deliveries
through schedule(); this module imports no service that would schedule back."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from ..models import WebhookDelivery
from .attempts import D, attempt_delivery

logger = logging.getLogger(__name__)


# Acknowledged on receipt: its retries wait up to WEBHOOK_RETRY_BACKOFF_MAX, longer than the
# broker's visibility timeout, and an unacknowledged wait would be delivered twice. A lost
# attempt is not lost for good: resend_stalled_webhooks schedules it again.
@shared_task(bind=True, ignore_result=True, max_retries=None, acks_late=False)
def deliver_webhook(self, delivery_id):
    """One attempt of a webhook delivery; failures come back with exponential backoff until
    the delivery's attempts (settings.WEBHOOK_MAX_ATTEMPTS) are used up."""
    retry_in = attempt_delivery(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def resend_stalled_webhooks():
    """Beat: pending deliveries whose task was lost are scheduled again."""
    return resend_stalled()


def schedule(delivery_ids):
    def send():
        for pk in delivery_ids:
            try:
                deliver_webhook.delay(pk)
            except Exception:  # a broker outage delays deliveries; the sweep resends them
                logger.warning("webhook delivery %s could not be scheduled", pk)

    if delivery_ids:
        transaction.on_commit(send)


def resend_stalled(older_than=None, limit=200):
    """Schedule again pending deliveries whose next attempt is long overdue: their task was
    lost (a broker outage, a worker killed). Returns how many."""
    older_than = older_than or timedelta(minutes=5)
    cutoff = timezone.now() - older_than
    ids = list(
        WebhookDelivery.objects.filter(status=D.PENDING, next_attempt_at__lt=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    with transaction.atomic():
        schedule(ids)
    return len(ids)
