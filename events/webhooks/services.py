"""Writes about webhooks: subscriptions managed by organisation admins and the fan-out of
outbox events into deliveries (each delivery's attempts: attempts.py, scheduled by tasks.py)."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.registry import NOBODY, audience_of

from ..models import WebhookDelivery, WebhookSubscription
from ..services import notify
from . import topics
from .addresses import URLNotAllowed, resolve
from .attempts import D, set_active
from .selectors import ADMIN_ROLES, may_manage
from .tasks import schedule

SECRET_PREFIX = "whsec_"  # noqa: S105 (a label, not a secret)


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
        set_active(sub, changes["is_active"], WebhookSubscription.DisabledReason.MANUAL)
    sub.save()
    return sub


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
    schedule([delivery.pk])
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
    schedule([locked.pk])
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
    # The topic's one declared audience (core.registry), which the change feed reads too;
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
    schedule([delivery.pk for delivery in created])


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
