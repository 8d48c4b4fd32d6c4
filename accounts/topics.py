"""Who may see an organisation's events (core.registry): a solution provider's profile is
public, as the catalog shows it; an enterprise's is its own."""

from django.utils.translation import gettext_lazy as _

from core.registry import Topic, declare_audience, declare_topic, everyone, parties

from .models import Organization


def organization_audience(event):
    organization_id = event.aggregate_id
    kind = event.payload.get("kind") or (
        Organization.objects.filter(pk=organization_id).values_list("kind", flat=True).first()
    )
    if kind == Organization.Kind.VENDOR:
        return everyone(organization_id)
    return parties(organization_id)


def own_organization(event):
    """An application and its rejection concern the applicant alone (and the operator)."""
    return parties(event.aggregate_id)


def declare():
    declare_audience("organization.*", organization_audience)
    declare_audience("organization.registered", own_organization)
    declare_audience("organization.rejected", own_organization)
    declare_topic(
        Topic(
            "organization.updated",
            _("A solution provider's profile, or your organisation's, changed"),
            ("changed",),
        )
    )
    declare_topic(Topic("organization.registered",
                        _("Your organisation was registered and awaits verification"),
                        ("kind",)))
    declare_topic(Topic("organization.verified",
                        _("A solution provider, or your organisation, was verified"),
                        ("kind",)))
    declare_topic(Topic("organization.rejected",
                        _("Your organisation's registration was not accepted"), ("kind",)))
