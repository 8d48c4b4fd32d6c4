"""Writes of needs: an enterprise posts one and closes it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from catalog import limits as catalog_limits
from events.services import emit

from .. import limits, workflow
from ..models import Need
from .checks import full_clean, require_member

NEED_RELATIONS = ("stages", "scenarios", "invited_vendors")


@transaction.atomic
def post_need(*, actor, enterprise, data):
    """An enterprise posts a need; matching runs after commit (through the outbox)."""
    require_member(actor, enterprise, Organization.Kind.ENTERPRISE)
    data = dict(data)
    relations = {name: data.pop(name) for name in NEED_RELATIONS if name in data}
    caps = {}
    for name in ("stages", "scenarios"):
        catalog_limits.check_count(caps, name, relations.get(name),
                                   catalog_limits.RELATIONS_MAX[name])
    catalog_limits.check_count(caps, "invited_vendors", relations.get("invited_vendors"),
                               limits.INVITED_VENDORS_MAX)
    catalog_limits.raise_if(caps)
    need = Need(enterprise=enterprise, created_by=actor, **data)
    if (
        need.current_level is not None
        and need.target_level is not None
        and need.current_level > need.target_level
    ):
        raise ValidationError({"target_level": [_("Must not be below the current level.")]})
    if need.deadline is not None and need.deadline < timezone.localdate():
        raise ValidationError({"deadline": [_("A deadline cannot be in the past.")]})
    invited = list(relations.get("invited_vendors", []))
    if any(v.kind != Organization.Kind.VENDOR for v in invited):
        raise ValidationError({"invited_vendors": [_("Only solution providers can be invited.")]})
    if invited and need.visibility != Need.Visibility.PRIVATE:
        raise ValidationError({"invited_vendors": [
            _("A public need is open to every vendor; invite vendors to private needs only.")
        ]})
    full_clean(need, exclude=["enterprise", "created_by"])
    need.save()
    for name, values in relations.items():
        getattr(need, name).set(values)
    emit("need.created", need, enterprise_id=enterprise.pk)
    return need


@transaction.atomic
def close_need(*, actor, need):
    require_member(actor, need.enterprise, Organization.Kind.ENTERPRISE)
    if need.status == Need.Status.CLOSED:
        return need
    return workflow.transition_need(need, Need.Status.CLOSED, actor=actor)
