"""Writes about people, organisations and API keys."""

import secrets

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.outbox import emit

from . import logos, profile, taxonomy
from .models import APIKey, APIKeyEvent, Membership, Organization, User

API_KEY_SCOPES = {
    "catalog:read": "Read the catalog, taxonomy and the organisation's own items",
    "solutions:write": "Create and edit the organisation's solutions (solution providers)",
    "needs:write": "Post and close the organisation's needs (enterprises)",
    "quotes:write": "Send quote requests and answer them, message, rate",
    "reviews:read": "Read the review queue and review progress (operator organisations)",
    "maturity:write": "Write the organisation's maturity assessments and factory registrations",
    "organization:write": "Edit the organisation's profile (name, region, website, …)",
    "webhooks:manage": "Manage the organisation's webhook subscriptions and deliveries",
    "keys:manage": "List, create and revoke the organisation's keys (never wider than itself)",
}
_EVERY_KIND = ("catalog:read", "organization:write", "webhooks:manage", "keys:manage")
# What a key of each kind of organisation may hold. An operator's key reads; it never acts
# as a vendor or an enterprise and never decides a review (people do, under their name).
API_KEY_SCOPES_BY_KIND = {
    Organization.Kind.VENDOR: {*_EVERY_KIND, "solutions:write", "quotes:write"},
    Organization.Kind.ENTERPRISE: {*_EVERY_KIND, "needs:write", "quotes:write",
                                   "maturity:write"},
    Organization.Kind.OPERATOR: {*_EVERY_KIND, "reviews:read"},
}
# What an organisation's admins may change about it; kind and external_ref are fixed.
ORGANIZATION_EDITABLE_FIELDS = ("name", "name_zh", "region", "website", "description",
                                "credit_code", "description_zh", "service_regions",
                                "certifications", "contacts", "logo")
# Written by the profile's own rules (accounts.profile, accounts.logos), not only the model's.
PROFILE_LISTS = {
    "certifications": profile.clean_certifications,
    "contacts": profile.clean_contacts,
}


def _full_clean(organization):
    # The one constraint, an external_ref once per kind, is the database's: only the catalog
    # import sets a ref (upserting by it), and people never edit it.
    try:
        organization.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def create_organization(*, kind, name, owner=None, status=Organization.Status.VERIFIED,
                        **fields):
    """A new organisation made by the operator (admin, catalog import, demo), so verified
    unless told otherwise, its fields checked as the admin checks them, owned by `owner` when
    one is given (one loaded from a catalog file has no member yet)."""
    organization = Organization(kind=kind, name=name, status=status, **fields)
    _full_clean(organization)
    organization.save()
    if owner is not None:
        Membership.objects.create(user=owner, organization=organization,
                                  role=Membership.Role.OWNER)
    return organization


@transaction.atomic
def add_member(*, organization, user, role=Membership.Role.MEMBER, is_reviewer=False):
    if is_reviewer and organization.kind != Organization.Kind.OPERATOR:
        raise ValueError("Only operator staff can be reviewers.")
    if user.is_service_account:
        raise ValueError("A service account belongs to its own organisation only.")
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role, "is_reviewer": is_reviewer}
    )
    return membership


def _require_org_admin(actor, organization, what="manage its API keys"):
    membership = actor.membership_of(organization)
    if not (actor.is_superuser or (membership and membership.is_admin)):
        raise PermissionDenied(f"Only an organisation owner or admin may {what}.")


def service_account(organization):
    """The principal an organisation's API keys act as: a user that belongs to this
    organisation alone (as an admin, so scopes are what limit it), cannot sign in and is
    never staff or superuser. Made on first need."""
    account = User.objects.filter(service_organization=organization).first()
    if account is not None:
        return account
    with transaction.atomic():
        account, created = User.objects.get_or_create(
            service_organization=organization,
            # A random tail: no person's username can be taken over, nor block this one.
            defaults={"username": f"api.org{organization.pk}.{secrets.token_hex(4)}",
                      "first_name": (organization.name or organization.name_zh)[:140],
                      "last_name": "(API)"},
        )
        if created:
            account.set_unusable_password()
            account.save(update_fields=["password"])
            Membership.objects.create(user=account, organization=organization,
                                      role=Membership.Role.ADMIN)
    return account


def _key_manager(*, actor, actor_key, organization):
    """Who may create or revoke keys of `organization`: a signed-in owner or admin of it, or
    one of its own keys holding keys:manage. Raises PermissionDenied otherwise."""
    if actor_key is not None:
        if actor_key.organization_id != organization.pk or not actor_key.is_active:
            raise PermissionDenied("A key manages only its own organisation's keys.")
        if not actor_key.has_scope("keys:manage"):
            raise PermissionDenied("This API key lacks the keys:manage scope.")
        return
    if actor is None or not actor.is_authenticated or actor.is_service_account:
        raise PermissionDenied("Only a signed-in owner or admin may manage API keys.")
    membership = actor.membership_of(organization)
    if not (membership and membership.is_admin):
        raise PermissionDenied("Only an owner or admin of the organisation may manage its "
                               "API keys.")


@transaction.atomic
def update_organization(*, actor, organization, **fields):
    """An owner or admin edits the organisation's profile. Emits `organization.updated` with
    the changed field names when anything changed (search reindexes a renamed vendor's
    solutions; partners hear of it through webhooks); saving the same values emits nothing."""
    _require_org_admin(actor, organization, "edit its profile")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    fields = dict(fields)
    logo = fields.pop("logo", _UNCHANGED)
    changed = change_profile(organization, fields)
    if logo is not _UNCHANGED and _replace_logo(organization, logo):
        changed = sorted([*changed, "logo"])
    if changed:
        emit("organization.updated", organization, kind=organization.kind, changed=changed)
    return organization


_UNCHANGED = object()


def _replace_logo(organization, upload):
    """Store `upload` (an uploaded file) as the logo, or remove the logo when it is empty;
    the old file leaves storage once the change is committed. Returns whether it changed."""
    old = organization.logo.name
    if not upload:
        if not old:
            return False
        organization.logo = ""
    else:
        extension = logos.checked_extension(upload)
        organization.logo.save(f"logo.{extension}", upload, save=False)
    organization.save(update_fields=["logo", "updated_at"])
    if old:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return True


def _editable(fields):
    unknown = sorted(set(fields) - set(ORGANIZATION_EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"Not editable: {', '.join(unknown)}")


def change_profile(organization, fields):
    """Save the editable profile fields of `fields` that differ, checked as the model checks
    them; return their names, sorted (none: nothing is saved). Who may and who hears of it
    are the caller's: update_organization (an owner or admin; `organization.updated`), the
    catalog import (the operator's file, which announces no profile change)."""
    _editable(fields)
    fields = _cleaned_lists(fields)
    changed = sorted(name for name, value in fields.items()
                     if getattr(organization, name) != value)
    if not changed:
        return changed
    for name in changed:
        setattr(organization, name, fields[name])
    _full_clean(organization)
    organization.save(update_fields=[*changed, "updated_at"])
    return changed


def _cleaned_lists(fields):
    """The profile's lists in their one shape; region codes checked against the catalog's
    taxonomy (accounts.taxonomy, the one port the catalog provides)."""
    fields = dict(fields)
    for name, clean in PROFILE_LISTS.items():
        if name in fields:
            fields[name] = clean(fields[name] if fields[name] is not None else [])
    if "service_regions" in fields:
        known = {code for code, _name in taxonomy.region_choices()}
        fields["service_regions"] = profile.clean_service_regions(
            fields["service_regions"] or [], known)
    if "logo" in fields:
        raise ValueError("The logo is set through update_organization.")
    return fields


@transaction.atomic
def create_api_key(*, actor=None, organization, name, scopes, expires_at=None, actor_key=None,
                   address=None):
    """Make a key and return (APIKey, raw key). The raw key is shown once and never stored.

    A key made by a key holds none of the scopes its maker lacks and expires no later."""
    _key_manager(actor=actor, actor_key=actor_key, organization=organization)
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in API_KEY_SCOPES]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scopes: {', '.join(unknown)}"})
    foreign = [s for s in scopes if s not in API_KEY_SCOPES_BY_KIND[organization.kind]]
    if foreign:
        raise ValidationError({"scopes": (
            f"A key of a {organization.kind} organisation cannot hold: {', '.join(foreign)}")})
    if actor_key is not None:
        wider = [scope for scope in scopes if not actor_key.has_scope(scope)]
        if wider:
            raise ValidationError({"scopes": (
                f"A key cannot grant scopes it does not hold: {', '.join(wider)}")})
        if actor_key.expires_at is not None:
            if expires_at is None:
                expires_at = actor_key.expires_at
            elif expires_at > actor_key.expires_at:
                raise ValidationError({"expires_at": (
                    "A key cannot make a key that outlives it (at most "
                    f"{actor_key.expires_at.isoformat()}).")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Must be in the future."})
    service_account(organization)
    prefix = secrets.token_hex(APIKey.PREFIX_LENGTH // 2)
    raw_key = f"{prefix}.{secrets.token_urlsafe(32)}"
    person = actor if actor_key is None else None
    key = APIKey.objects.create(
        organization=organization,
        created_by=person,
        name=name,
        prefix=prefix,
        hashed_key=APIKey.hash(raw_key),
        scopes=scopes,
        expires_at=expires_at,
    )
    APIKeyEvent.objects.create(key=key, action=APIKeyEvent.Action.CREATED, actor=person,
                               actor_key=actor_key, scopes=scopes, address=address)
    return key, raw_key


@transaction.atomic
def revoke_api_key(*, actor=None, key, actor_key=None, address=None):
    """Revoke a key. A key may revoke only keys of its organisation whose scopes it holds
    all of (itself included), so a narrow key cannot knock out a wider one."""
    _key_manager(actor=actor, actor_key=actor_key, organization=key.organization)
    if actor_key is not None and not set(key.scopes) <= set(actor_key.scopes):
        raise PermissionDenied("A key may revoke only keys no wider than itself.")
    key = APIKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        person = actor if actor_key is None else None
        APIKeyEvent.objects.create(key=key, action=APIKeyEvent.Action.REVOKED, actor=person,
                                   actor_key=actor_key, scopes=key.scopes, address=address)
    return key


@transaction.atomic
def create_user(*, username, password, email="", **fields):
    """A person made by the operator (catalog import, demo): their email address is taken as
    verified. Strangers sign up through allauth, which verifies it by mail."""
    user = User.objects.create_user(username=username, password=password, email=email,
                                    **fields)
    if email:
        EmailAddress.objects.create(user=user, email=email.strip().lower(), verified=True,
                                    primary=True)
    return user
