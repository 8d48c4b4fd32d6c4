"""Notices of maturity's events: tell the people concerned, in their inbox."""

from django.utils.translation import gettext_noop

from accounts.models import Organization, User
from core.registry import subscribe

from ..services import notify


def _members(**organization_filter):
    return User.objects.filter(is_active=True, **{
        f"memberships__organization__{name}": value
        for name, value in organization_filter.items()
    }).distinct()


def notify_factory_registered(event):
    notify(_members(kind=Organization.Kind.OPERATOR), event=event,
           title=gettext_noop("A smart factory awaits verification"),
           link=f"/factories/{event.payload['id']}/")


def notify_factory_verified(event):
    notify(_members(pk=event.payload["enterprise_id"]), event=event,
           title=gettext_noop("Your smart factory was verified"),
           link=f"/factories/{event.payload['id']}/")


def notify_factory_rejected(event):
    notify(_members(pk=event.payload["enterprise_id"]), event=event,
           title=gettext_noop("Your smart factory registration was not accepted"),
           link=f"/factories/{event.payload['id']}/")


def register():
    subscribe("factory.registered", notify_factory_registered)
    subscribe("factory.verified", notify_factory_verified)
    subscribe("factory.rejected", notify_factory_rejected)
