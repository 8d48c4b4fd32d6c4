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


def notify_proposal_submitted(event):
    notify(_members([event.payload["enterprise_id"]]), event=event,
           title=gettext_noop("A vendor proposed a solution for your need"),
           link=f"/needs/{event.payload['need_id']}/")


def notify_message_posted(event):
    notify(_members([event.payload["recipient_id"]]), event=event,
           title=gettext_noop("New message about a request for quotes"),
           link=f"/quote-requests/{event.payload['request_id']}/")


def notify_quote_revised(event):
    notify(_members([event.payload["enterprise_id"]]), event=event,
           title=gettext_noop("A vendor revised its quote"),
           link=f"/quote-requests/{event.payload['request_id']}/")


def notify_quote_declined(event):
    # A vendor's own decline carries its reason; without one, the enterprise accepted another.
    if event.payload.get("reason"):
        recipients, title = [event.payload["enterprise_id"]], gettext_noop(
            "A vendor declined your request for quotes")
    else:
        recipients, title = [event.payload["vendor_id"]], gettext_noop(
            "Another quote was accepted")
    notify(_members(recipients), event=event, title=title,
           link=f"/quote-requests/{event.payload['request_id']}/")


def notify_quote_expired(event):
    notify(_members([event.payload["enterprise_id"], event.payload["vendor_id"]]), event=event,
           title=gettext_noop("A quote has expired"),
           link=f"/quote-requests/{event.payload['request_id']}/")


def register():
    subscribe("rfq.received", notify_rfq_received)
    subscribe("quote.submitted", notify_quote_submitted)
    subscribe("quote.accepted", notify_quote_accepted)
    subscribe("proposal.submitted", notify_proposal_submitted)
    subscribe("message.posted", notify_message_posted)
    subscribe("quote.revised", notify_quote_revised)
    subscribe("quote.declined", notify_quote_declined)
    subscribe("quote.expired", notify_quote_expired)
    subscribe("assessment.completed", record_assessed_level)


def record_assessed_level(event):
    """A completed maturity assessment becomes the enterprise's profile level, which matching
    and the marketplace read."""
    from .models import EnterpriseProfile

    EnterpriseProfile.objects.update_or_create(
        organization_id=event.payload["enterprise_id"],
        defaults={"maturity_level": event.payload["level"]},
    )

