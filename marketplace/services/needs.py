"""Writes of needs: an enterprise posts one and closes it; the catalog import keeps its own
needs and enterprise profiles as its file says."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.registration import require_verified
from catalog import limits as catalog_limits
from core.outbox import emit

from .. import limits, workflow
from ..models import EnterpriseProfile, Need
from .checks import full_clean, require_member

NEED_RELATIONS = ("stages", "scenarios", "invited_vendors")


@transaction.atomic
def post_need(*, actor, enterprise, data):
    """An enterprise posts a need; matching runs after commit (through the outbox)."""
    require_member(actor, enterprise, Organization.Kind.ENTERPRISE)
    if data.get("visibility") == Need.Visibility.PUBLIC:
        require_verified(enterprise)  # private needs stay open to a pending enterprise
    return create_need(created_by=actor, enterprise=enterprise, data=data)


@transaction.atomic
def create_need(*, created_by, enterprise, data, source=None):
    """A need checked and saved as an enterprise posts it, and announced as `need.created`
    (matching picks it up). Who may post it is the caller's to check: post_need (members of
    the enterprise), the catalog import (the operator's file, with `source="import"` in the
    event)."""
    data = dict(data)
    relations = {name: data.pop(name) for name in NEED_RELATIONS if name in data}
    need = Need(enterprise=enterprise, created_by=created_by, **data)
    _check_need(need, relations)
    need.save()
    for name, values in relations.items():
        getattr(need, name).add(*values)  # a new need: nothing to read back and compare
    emit("need.created", need, enterprise_id=enterprise.pk,
         **({"source": source} if source else {}))
    return need


def change_need(need, data):
    """Save the fields and relations (primary keys) of `data` that differ from `need`,
    checked as when it is posted; return their names (none: nothing is saved). For the
    catalog import, which keeps its needs as its file says; it announces no change, and
    people close a need rather than edit it."""
    data = dict(data)
    relations = {name: data.pop(name) for name in NEED_RELATIONS if name in data}
    changed = [name for name, value in data.items() if getattr(need, name) != value]
    for name in changed:
        setattr(need, name, data[name])
    moved = [name for name, pks in relations.items()
             if {obj.pk for obj in getattr(need, name).all()} != set(pks)]
    if changed or moved:
        _check_need(need, relations)
    if changed:
        need.save(update_fields=[*changed, "updated_at"])
    for name in moved:
        getattr(need, name).set(relations[name])
    return changed + moved


def _check_need(need, relations):
    caps = {}
    for name in ("stages", "scenarios"):
        catalog_limits.check_count(caps, name, relations.get(name),
                                   catalog_limits.RELATIONS_MAX[name])
    catalog_limits.check_count(caps, "invited_vendors", relations.get("invited_vendors"),
                               limits.INVITED_VENDORS_MAX)
    catalog_limits.raise_if(caps)
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


def save_enterprise_profile(organization, **fields):
    """Make an enterprise's profile (industry, size, declared level) say `fields`, checked as
    the model checks them; return whether anything was written. For the catalog import."""
    try:
        profile = organization.enterprise_profile
    except EnterpriseProfile.DoesNotExist:
        profile = EnterpriseProfile(organization=organization)
    changed = [name for name, value in fields.items() if getattr(profile, name) != value]
    if profile.pk is not None and not changed:
        return False
    for name in changed:
        setattr(profile, name, fields[name])
    full_clean(profile, exclude=["organization"])
    profile.save()
    return True


@transaction.atomic
def close_need(*, actor, need):
    require_member(actor, need.enterprise, Organization.Kind.ENTERPRISE)
    if need.status == Need.Status.CLOSED:
        return need
    return workflow.transition_need(need, Need.Status.CLOSED, actor=actor)
