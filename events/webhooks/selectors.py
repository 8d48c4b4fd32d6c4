"""Reads about webhooks: whose subscriptions a person manages, and their deliveries."""

from django.db.models import Prefetch

from accounts import selectors as people
from accounts.models import Membership

from ..models import WebhookAttempt, WebhookDelivery, WebhookSubscription

ADMIN_ROLES = (Membership.Role.OWNER, Membership.Role.ADMIN)


def managed_organizations(user):
    """The organisations whose webhooks `user` manages: those they own or administer."""
    return people.organizations_of(user, roles=ADMIN_ROLES)


def may_manage(user, organization):
    return managed_organizations(user).filter(pk=organization.pk).exists()


def subscriptions_managed_by(user, organization=None):
    qs = WebhookSubscription.objects.filter(
        organization__in=managed_organizations(user).values("pk")
    ).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs


def deliveries_of(subscription, status=None):
    """Newest first, each with its attempts (newest first) in one extra query per page."""
    qs = WebhookDelivery.objects.filter(subscription=subscription).prefetch_related(
        Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("-series", "-number"))
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def deliveries_managed_by(user):
    return (
        WebhookDelivery.objects.filter(
            subscription__organization__in=managed_organizations(user).values("pk")
        )
        .select_related("subscription")
        .prefetch_related(
            Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("-series", "-number"))
        )
    )
