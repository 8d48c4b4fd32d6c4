"""Marketplace reactions to outbox events: tell the other party, in their inbox."""

from django.utils.translation import gettext_noop

from accounts.models import User
from events.registry import subscribe
from events.services import notify


def _members(organization_ids):
    return User.objects.filter(memberships__organization_id__in=organization_ids,
                               is_active=True).distinct()


def notify_rfq_received(event):
    notify(_members(event.payload["vendor_ids"]), event=event,
           title=gettext_noop("New request for quotes"),
           link=f"/quote-requests/{event.payload['id']}/")


def notify_quote_submitted(event):
    notify(_members([event.payload["enterprise_id"]]), event=event,
           title=gettext_noop("A vendor answered your request for quotes"),
           link=f"/quote-requests/{event.payload['request_id']}/")


def notify_quote_accepted(event):
    notify(_members([event.payload["vendor_id"]]), event=event,
           title=gettext_noop("Your quote was accepted"),
           link=f"/quote-requests/{event.payload['request_id']}/")


def register():
    subscribe("rfq.received", notify_rfq_received)
    subscribe("quote.submitted", notify_quote_submitted)
    subscribe("quote.accepted", notify_quote_accepted)
    subscribe("assessment.completed", record_assessed_level)


def record_assessed_level(event):
    """A completed maturity assessment becomes the enterprise's profile level, which matching
    and the marketplace read."""
    from .models import EnterpriseProfile

    EnterpriseProfile.objects.update_or_create(
        organization_id=event.payload["enterprise_id"],
        defaults={"maturity_level": event.payload["level"]},
    )

