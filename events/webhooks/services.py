"""Writes about webhooks: subscriptions managed by organisation admins, the fan-out of outbox
events into deliveries, and each delivery's attempts with retries and auto-disable."""

import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from ..registry import NOBODY, audience_of
from ..services import emit, notify
from . import topics, transport
from .addresses import URLNotAllowed, resolve
from .selectors import ADMIN_ROLES, may_manage
from .signing import signature_headers

logger = logging.getLogger(__name__)

DISABLED_TOPIC = "webhook.disabled"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a label, not a secret)
D = WebhookDelivery.Status


def new_secret():
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _require_admin(actor, organization):
    if not may_manage(actor, organization):
        raise PermissionDenied(_("Only an organisation's owners and admins manage its webhooks."))


def validate_url(url):
    try:
        resolve(url)
    except URLNotAllowed as exc:
        raise ValidationError({"url": [str(exc)]}) from None


def validate_topics(names):
    if not names:
        raise ValidationError({"topics": [_("Choose at least one topic.")]})
    unknown = topics.unknown(names)
    if unknown:
        raise ValidationError(
            {"topics": [_("Unknown topic: %(topics)s.") % {"topics": ", ".join(unknown)}]}
        )
    return sorted(set(names))


@transaction.atomic
def create_subscription(*, actor, organization, url, topics, description=""):
    """Returns (subscription, secret); the secret is shown to the caller this once."""
    _require_admin(actor, organization)
    chosen = validate_topics(topics)
    validate_url(url)
    secret = new_secret()
    subscription = WebhookSubscription.objects.create(
        organization=organization,
        url=url,
        topics=chosen,
        description=description,
        secret=secret,
        created_by=actor,
    )
    return subscription, secret


@transaction.atomic
def update_subscription(*, actor, subscription, **changes):
    """Change url, topics, description or is_active. Enabling again clears the failure count
    and the reason it was disabled."""
    _require_admin(actor, subscription.organization)
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if "topics" in changes:
        sub.topics = validate_topics(changes["topics"])
    if "url" in changes and changes["url"] != sub.url:
        validate_url(changes["url"])
        sub.url = changes["url"]
    if "description" in changes:
        sub.description = changes["description"]
    if "is_active" in changes and changes["is_active"] != sub.is_active:
        _set_active(sub, changes["is_active"], WebhookSubscription.DisabledReason.MANUAL)
    sub.save()
    return sub


def _set_active(sub, active, reason):
    sub.is_active = active
    if active:
        sub.consecutive_failures = 0
        sub.disabled_reason, sub.disabled_at = "", None
    else:
        sub.disabled_reason, sub.disabled_at = reason, timezone.now()


@transaction.atomic
def delete_subscription(*, actor, subscription):
    _require_admin(actor, subscription.organization)
    subscription.delete()


@transaction.atomic
def rotate_secret(*, actor, subscription):
    """A new secret, effective for the next attempt; returned this once."""
    _require_admin(actor, subscription.organization)
    secret = new_secret()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        secret=secret, secret_rotated_at=timezone.now(), updated_at=timezone.now()
    )
    subscription.refresh_from_db()
    return secret


def _envelope(delivery_uuid, topic_name, created_at, data):
    return {
        "id": str(delivery_uuid),
        "type": topic_name,
        "created_at": created_at.isoformat(),
        "data": data,
    }


def body_of(delivery):
    """The exact bytes sent (and signed): the same for every attempt of the delivery."""
    return json.dumps(
        delivery.payload,
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


@transaction.atomic
def ping(*, actor, subscription):
    """Send a test delivery now, also to a disabled subscription (to check it works before
    enabling it again). Pings never count towards disabling."""
    _require_admin(actor, subscription.organization)
    delivery = WebhookDelivery(
        subscription=subscription, topic=WebhookDelivery.PING, next_attempt_at=timezone.now()
    )
    delivery.payload = _envelope(
        delivery.uuid,
        WebhookDelivery.PING,
        timezone.now(),
        {"subscription_id": subscription.pk, "organization_id": subscription.organization_id},
    )
    delivery.save()
    _schedule([delivery.pk])
    return delivery


@transaction.atomic
def redeliver(*, actor, delivery):
    """Send a finished delivery again as a new series of attempts, same body and id."""
    _require_admin(actor, delivery.subscription.organization)
    locked = (
        WebhookDelivery.objects.select_for_update()
        .select_related("subscription")
        .get(pk=delivery.pk)
    )
    if locked.status == D.PENDING:
        raise ValidationError({"status": [_("This delivery is still being attempted.")]})
    if not locked.subscription.is_active and locked.topic != WebhookDelivery.PING:
        raise ValidationError(
            {"subscription": [_("The subscription is disabled; enable it before redelivering.")]}
        )
    locked.series += 1
    locked.attempts_in_series = 0
    locked.status, locked.completed_at = D.PENDING, None
    locked.next_attempt_at = timezone.now()
    locked.save(
        update_fields=["series", "attempts_in_series", "status", "completed_at", "next_attempt_at"]
    )
    _schedule([locked.pk])
    return locked


def fan_out(event):
    """Outbox consumer for every topic: one delivery per active subscription that wants the
    event and whose organisation may see it. A re-dispatched event finds its deliveries and
    creates no second one (also guarded by a unique constraint)."""
    topic = topics.webhook_topic(event.topic)
    if topic is None:
        return
    # Topics are a JSON list; filtering it in Python works the same on every database.
    wanted = [
        sub
        for sub in WebhookSubscription.objects.filter(is_active=True)
        .select_related("organization")
        .only("pk", "organization_id", "topics", "organization__kind")
        if sub.wants(topic.name)
    ]
    if not wanted:
        return  # the usual case costs one query, before any audience lookup
    # The topic's one declared audience (events.registry), which the change feed reads too;
    # an undeclared topic reaches nobody.
    audience = audience_of(event) or NOBODY
    wanted = [sub for sub in wanted if audience.admits(sub.organization_id, sub.organization.kind)]
    if not wanted:
        return
    done = set(
        WebhookDelivery.objects.filter(event=event).values_list("subscription_id", flat=True)
    )
    now = timezone.now()
    new = []
    for sub in wanted:
        if sub.pk in done:
            continue
        delivery = WebhookDelivery(
            subscription_id=sub.pk, event=event, topic=topic.name, next_attempt_at=now
        )
        delivery.payload = _envelope(
            delivery.uuid,
            topic.name,
            event.created_at,
            topics.payload_for(topic, event, sub.organization_id),
        )
        new.append(delivery)
    created = WebhookDelivery.objects.bulk_create(new)
    _schedule([delivery.pk for delivery in created])


def _schedule(delivery_ids):
    def send():
        from ..tasks import deliver_webhook

        for pk in delivery_ids:
            try:
                deliver_webhook.delay(pk)
            except Exception:  # a broker outage delays deliveries; the sweep resends them
                logger.warning("webhook delivery %s could not be scheduled", pk)

    if delivery_ids:
        transaction.on_commit(send)


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
        _set_active(sub, False, reason)
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
        _schedule(ids)
    return len(ids)


def notify_disabled(event):
    """Outbox consumer: tell the organisation's owners and admins that their endpoint was
    disabled, in the inbox and by email."""
    from accounts.models import User

    admins = User.objects.filter(
        is_active=True,
        memberships__organization_id=event.payload["organization_id"],
        memberships__role__in=ADMIN_ROLES,
    ).distinct()
    sub = WebhookSubscription.objects.filter(pk=event.payload["id"]).first()
    title = (
        gettext_noop("A webhook endpoint was disabled: it answered 410 Gone")
        if event.payload.get("reason") == WebhookSubscription.DisabledReason.GONE
        else gettext_noop("A webhook endpoint was disabled after repeated failures")
    )
    notify(
        admins,
        event=event,
        title=title,
        body=sub.url if sub else "",
        link=reverse("webhook-list"),
        email=True,
    )
