"""Marketplace reactions to other apps' events that change its own data. (Who is told of the
marketplace's events is events.notices.marketplace.)"""

from core.registry import subscribe


def register():
    subscribe("assessment.completed", record_assessed_level)


def record_assessed_level(event):
    """A completed maturity assessment becomes the enterprise's profile level, which matching
    and the marketplace read."""
    from .models import EnterpriseProfile

    EnterpriseProfile.objects.update_or_create(
        organization_id=event.payload["enterprise_id"],
        defaults={"maturity_level": event.payload["level"]},
    )

