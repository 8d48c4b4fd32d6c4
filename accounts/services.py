"""Writes about people, organisations and API keys."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from events.services import emit

from .models import APIKey, Membership, Organization, User

API_KEY_SCOPES = {
    "catalog:read": "Read the catalog and taxonomy",
    "solutions:write": "Create and edit the organisation's solutions",
    "needs:write": "Post and edit the organisation's needs",
    "quotes:write": "Send quote requests and answer them",
    "reviews:write": "Decide reviews (operator organisations only)",
    "maturity:write": "Write the organisation's maturity assessments and factory registrations",
    "organization:write": "Edit the organisation's profile (name, region, website, …)",
    "webhooks:manage": "Manage the organisation's webhook subscriptions and deliveries",
}
# What an organisation's admins may change about it; kind and external_ref are fixed.
ORGANIZATION_EDITABLE_FIELDS = ("name", "name_zh", "region", "website", "description",
                                "credit_code")


@transaction.atomic
def create_organization(*, owner, kind, name, **fields):
    organization = Organization.objects.create(kind=kind, name=name, **fields)
    Membership.objects.create(user=owner, organization=organization, role=Membership.Role.OWNER)
    return organization


@transaction.atomic
def add_member(*, organization, user, role=Membership.Role.MEMBER, is_reviewer=False):
    if is_reviewer and organization.kind != Organization.Kind.OPERATOR:
        raise ValueError("Only operator staff can be reviewers.")
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role, "is_reviewer": is_reviewer}
    )
    return membership


def _require_org_admin(actor, organization, what="manage its API keys"):
    membership = Membership.objects.filter(user=actor, organization=organization).first()
    if not (actor.is_superuser or (membership and membership.is_admin)):
        raise PermissionDenied(f"Only an organisation owner or admin may {what}.")


@transaction.atomic
def update_organization(*, actor, organization, **fields):
    """An owner or admin edits the organisation's profile. Emits `organization.updated` with
    the changed field names when anything changed (search reindexes a renamed vendor's
    solutions; partners hear of it through webhooks); saving the same values emits nothing."""
    _require_org_admin(actor, organization, "edit its profile")
    unknown = sorted(set(fields) - set(ORGANIZATION_EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"Not editable: {', '.join(unknown)}")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changed = sorted(name for name, value in fields.items()
                     if getattr(organization, name) != value)
    if not changed:
        return organization
    for name in changed:
        setattr(organization, name, fields[name])
    try:
        organization.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    organization.save(update_fields=[*changed, "updated_at"])
    emit("organization.updated", organization, kind=organization.kind, changed=changed)
    return organization


@transaction.atomic
def create_api_key(*, actor, organization, name, scopes, expires_at=None):
    """Make a key and return (APIKey, raw key). The raw key is shown once and never stored."""
    _require_org_admin(actor, organization)
    unknown = sorted(set(scopes) - set(API_KEY_SCOPES))
    if unknown:
        raise ValueError(f"Unknown scopes: {', '.join(unknown)}")
    prefix = secrets.token_hex(APIKey.PREFIX_LENGTH // 2)
    raw_key = f"{prefix}.{secrets.token_urlsafe(32)}"
    key = APIKey.objects.create(
        organization=organization,
        created_by=actor,
        name=name,
        prefix=prefix,
        hashed_key=APIKey.hash(raw_key),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    return key, raw_key


@transaction.atomic
def revoke_api_key(*, actor, key):
    _require_org_admin(actor, key.organization)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def create_user(*, username, password, email="", **fields):
    return User.objects.create_user(username=username, password=password, email=email, **fields)
