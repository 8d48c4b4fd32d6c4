"""Notices of an organisation's registration: operator staff hear of a new (or corrected)
application; the applicant organisation's owners and admins hear of the decision, with the
operator's reason when it was turned down, in the inbox and by email as each prefers."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Membership, Organization, User
from core.registry import subscribe

from ..services import notify_in_their_language

QUEUE_LINK = "/operations/organizations/"
STATUS_LINK = "/organizations/status/"


def _operator_staff():
    return User.objects.filter(
        is_active=True, memberships__organization__kind=Organization.Kind.OPERATOR,
    ).distinct()


def _admins_of(organization_id):
    return User.objects.filter(
        is_active=True, memberships__organization_id=organization_id,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
    ).distinct()


def _organization(event):
    return Organization.objects.filter(pk=event.payload["id"]).first()


def notify_organization_registered(event):
    organization = _organization(event)
    if organization is None:
        return
    title = (gettext_noop("A corrected organisation awaits verification")
             if event.payload.get("resubmitted")
             else gettext_noop("A new organisation awaits verification"))

    def describe():
        yield _("%(name)s (%(kind)s), credit code %(code)s.") % {
            "name": organization.display_name, "kind": organization.get_kind_display(),
            "code": organization.credit_code}

    notify_in_their_language(_operator_staff(), event, title, QUEUE_LINK, describe)


def notify_organization_verified(event):
    organization = _organization(event)
    if organization is None:
        return

    def describe():
        yield _("%(name)s is verified: you can now publish, post public needs and send "
                "quotes.") % {"name": organization.display_name}

    notify_in_their_language(_admins_of(organization.pk), event,
                             gettext_noop("Your organisation was verified"), STATUS_LINK,
                             describe)


def notify_organization_rejected(event):
    organization = _organization(event)
    if organization is None:
        return

    def describe():
        yield _("The operator did not accept the registration of %(name)s.") % {
            "name": organization.display_name}
        yield _("Reason: %(reason)s") % {"reason": organization.status_reason}
        yield _("Correct the details and send it again from your organisation's page.")

    notify_in_their_language(_admins_of(organization.pk), event,
                             gettext_noop("Your organisation's registration was not accepted"),
                             STATUS_LINK, describe)


def register():
    subscribe("organization.registered", notify_organization_registered)
    subscribe("organization.verified", notify_organization_verified)
    subscribe("organization.rejected", notify_organization_rejected)
