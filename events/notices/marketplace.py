"""Notices of the marketplace's events: tell the other party, in their inbox; tell followers
of new and changed published solutions, vendors of new needs they fit, and enterprises of new
good matches for their needs.

Followers and vendors are told in the inbox and by email (events.services.notify, which also
applies each person's delivery preference). Imported listings and needs (`imported` reason,
`source: import`) are a catalog being loaded, not news: they notify nobody, as in
events.notices.catalog."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.models import Organization, User
from catalog.models import Solution, SolutionStatus
from core.registry import subscribe
from marketplace.models import Need
from marketplace.selectors import followers_of

from ..services import notify, notify_in_their_language

IMPORTED = "imported"
FOLLOW_TITLES = {
    "solution.published": gettext_noop("A new solution was published where you follow"),
    "solution.updated": gettext_noop("A solution you follow has changed"),
}
NEED_TITLE = gettext_noop("A new need fits your solutions")


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


def notify_followers(event):
    """A solution was published (its scenarios' and vendor's followers, and its own from an
    earlier listing) or an approved revision changed a live one (the same, its own followers
    first of all). Each follower once, whatever they follow; never the vendor's members."""
    payload = event.payload
    if IMPORTED in (payload.get("reason_codes") or []):
        return
    if event.topic == "solution.updated" and "revision" not in payload:
        return  # an import's update, not a reviewed change
    solution = (Solution.objects.filter(pk=event.aggregate_id, status=SolutionStatus.PUBLISHED)
                .select_related("vendor").first())
    if solution is None:
        return
    scenario_ids = list(solution.scenarios.values_list("pk", flat=True))
    users = followers_of(solution, scenario_ids=scenario_ids)
    notify_in_their_language(
        users, event, FOLLOW_TITLES[event.topic], reverse("solution-detail", args=[solution.pk]),
        lambda: [solution.title, solution.vendor.display_name],
    )


def notify_vendors_of_need(event):
    """A need was posted: public, to the vendors whose published solutions fit its scenarios
    or industry (as the needs feed); private, to the vendors it invites, fitting or not."""
    if event.payload.get("source") == "import":
        return
    need = Need.objects.filter(pk=event.aggregate_id, status=Need.Status.OPEN).first()
    if need is None:
        return
    if need.visibility == Need.Visibility.PRIVATE:
        vendor_ids = need.invited_vendors.values("pk")
    else:
        fits = Q(scenarios__in=need.scenarios.values("pk"))
        if need.industry_id is not None:
            fits |= Q(industries=need.industry_id)
        vendor_ids = (Solution.objects.filter(fits, status=SolutionStatus.PUBLISHED)
                      .values("vendor_id"))
    users = User.objects.filter(
        is_active=True, memberships__organization_id__in=vendor_ids,
        memberships__organization__kind=Organization.Kind.VENDOR,
    ).distinct()
    notify_in_their_language(users, event, NEED_TITLE, reverse("need-detail", args=[need.pk]),
                             lambda: [need.title])


def notify_match_found(event):
    """Tell the enterprise's members that a new, good solution matches their need, once per
    event and member (events.services.notify)."""
    need = Need.objects.filter(pk=event.aggregate_id, status=Need.Status.OPEN).first()
    solution = Solution.objects.filter(pk=event.payload["solution_id"]).first()
    if need is None or solution is None:
        return
    members = User.objects.filter(memberships__organization_id=need.enterprise_id,
                                  is_active=True).distinct()
    title = (solution.title_zh or solution.title_en) if need.language == "zh" else (
        solution.title_en or solution.title_zh)
    notify(members, event=event, title=gettext_noop("A new solution matches your need"),
           body=title, link=reverse("need-detail", args=[need.pk]))


def register():
    for topic in FOLLOW_TITLES:
        subscribe(topic, notify_followers)
    subscribe("need.created", notify_vendors_of_need)
    subscribe("rfq.received", notify_rfq_received)
    subscribe("quote.submitted", notify_quote_submitted)
    subscribe("quote.accepted", notify_quote_accepted)
    subscribe("proposal.submitted", notify_proposal_submitted)
    subscribe("message.posted", notify_message_posted)
    subscribe("quote.revised", notify_quote_revised)
    subscribe("quote.declined", notify_quote_declined)
    subscribe("quote.expired", notify_quote_expired)
    subscribe("match.found", notify_match_found)
