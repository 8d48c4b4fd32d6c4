"""Each attempt of a webhook delivery: the signed request, its record, the retry budget, and
disabling a subscription whose deliveries keep failing."""

import json
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.outbox import emit

from ..models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from . import transport
from .signing import signature_headers

DISABLED_TOPIC = "webhook.disabled"
D = WebhookDelivery.Status


def set_active(sub, active, reason):
    sub.is_active = active
    if active:
        sub.consecutive_failures = 0
        sub.disabled_reason, sub.disabled_at = "", None
    else:
        sub.disabled_reason, sub.disabled_at = reason, timezone.now()


def body_of(delivery):
    """The exact bytes sent (and signed): the same for every attempt of the delivery."""
    return json.dumps(
        delivery.payload,
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def backoff(number):
    """Seconds to wait after the `number`th failed attempt: base × 2^(number-1), capped."""
    return min(
        settings.WEBHOOK_RETRY_BACKOFF * 2 ** (number - 1), settings.WEBHOOK_RETRY_BACKOFF_MAX
    )


def attempt_delivery(delivery_id):
    """Make the next attempt of a pending delivery. Returns the seconds to wait before the
    next attempt, or None when the delivery is finished (or was not pending)."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription")
        .filter(pk=delivery_id, status=D.PENDING)
        .first()
    )
    if delivery is None:
        return None
    sub, series, is_ping = (
        delivery.subscription,
        delivery.series,
        delivery.topic == WebhookDelivery.PING,
    )
    if not sub.is_active and not is_ping:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=D.PENDING).update(
            status=D.FAILED, completed_at=timezone.now(), next_attempt_at=None
        )
        return None
    body = body_of(delivery)
    headers = signature_headers(
        sub.secret, topic=delivery.topic, delivery_id=delivery.uuid, body=body
    )
    response = transport.post(sub.url, body, headers)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != D.PENDING or delivery.series != series:
            return None  # redelivered or finished meanwhile; that series goes on by itself
        number = delivery.attempts_in_series + 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            series=series,
            number=number,
            succeeded=response.ok,
            status_code=response.status_code,
            response_ms=response.response_ms,
            error=response.error[:500],
        )
        delivery.attempts_in_series = number
        now = timezone.now()
        gone = response.status_code == 410
        retry_in = None
        if response.ok:
            delivery.status, delivery.completed_at, delivery.next_attempt_at = (
                D.SUCCEEDED,
                now,
                None,
            )
            if not is_ping:
                WebhookSubscription.objects.filter(pk=sub.pk).update(consecutive_failures=0)
        elif gone or number >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.completed_at, delivery.next_attempt_at = (D.FAILED, now, None)
            if not is_ping:
                _count_failed_delivery(sub.pk, gone=gone)
        else:
            retry_in = backoff(number)
            delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        delivery.save(
            update_fields=["attempts_in_series", "status", "completed_at", "next_attempt_at"]
        )
    return retry_in


def _count_failed_delivery(subscription_id, *, gone):
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription_id)
    sub.consecutive_failures += 1
    reason = None
    if gone:
        reason = WebhookSubscription.DisabledReason.GONE
    elif sub.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER:
        reason = WebhookSubscription.DisabledReason.FAILURES
    if reason and sub.is_active:
        set_active(sub, False, reason)
        emit(
            DISABLED_TOPIC,
            sub,
            organization_id=sub.organization_id,
            reason=reason,
            failures=sub.consecutive_failures,
        )
    sub.save(
        update_fields=[
            "consecutive_failures",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "updated_at",
        ]
    )
