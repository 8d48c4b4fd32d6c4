"""Who may see the maturity registry's events (core.registry).

A verified factory is public: the plan's registry of smart factories lists it
(selectors.factories_visible_to). Everything before that decision is the enterprise's and
the operators': a registration, its evidence, and a rejection (the operator's reasons and
the fact of a refusal are nobody else's business). An assessment is the enterprise's own."""

from django.utils.translation import gettext_lazy as _

from core.registry import Topic, declare_audience, declare_topic, everyone, parties

from .models import SmartFactory


def factory_audience(event):
    factory = (
        SmartFactory.objects.filter(pk=event.aggregate_id).only("enterprise_id", "status").first()
    )
    enterprise_id = event.payload.get("enterprise_id") or getattr(factory, "enterprise_id", None)
    # Read from the status, never from a decision time: a rejection is decided too. A factory
    # verified before must also be seen to change.
    if event.topic == "factory.verified" or (factory is not None and factory.is_verified):
        return everyone(enterprise_id)
    return parties(enterprise_id)


def assessment_audience(event):
    return parties(event.payload.get("enterprise_id"))


def declare():
    declare_audience("factory.*", factory_audience)
    declare_audience("assessment.*", assessment_audience)
    declare_topic(
        Topic(
            "assessment.completed",
            _("Your maturity assessment was completed"),
            ("level", "score"),
        )
    )
    declare_topic(Topic("factory.registered", _("A smart factory was registered"), ("tier",)))
    declare_topic(Topic("factory.verified", _("A smart factory was verified")))
    declare_topic(Topic("factory.rejected", _("A smart factory registration was rejected")))
