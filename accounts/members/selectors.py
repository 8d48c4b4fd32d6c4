"""Reads about an organisation's members, invitations and keys."""

from django.db.models import Case, IntegerField, Value, When

from accounts import selectors as people
from accounts.models import APIKey, Invitation, Membership

ROLE_ORDER = Case(
    When(role=Membership.Role.OWNER, then=Value(0)),
    When(role=Membership.Role.ADMIN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def email_is_verified_for(user, email):
    """Whether `email` is an address `user` has proven they own: the one place that decides
    whose invitation a signed-in person may answer. Without a verified-address store it is
    the account's own email; with allauth, a verified EmailAddress of theirs."""
    if not user.is_authenticated or not email:
        return False
    return (user.email or "").strip().lower() == email.strip().lower()


def acting_organization(user):
    """The organisation whose members and keys the pages show: the one the header says the
    person acts for (accounts.selectors.primary_organization), or None."""
    return people.primary_organization(user)


def membership(user, organization):
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organization=organization).first()


def is_admin_of(user, organization):
    """An owner or admin of `organization`, as a person (never a key's service account)."""
    found = membership(user, organization) if people.is_person(user) else None
    return bool(found and found.is_admin)


def members_of(organization):
    """Its people, owners first, then admins, then members, oldest first; its API keys'
    service account is no person and is left out."""
    return (
        Membership.objects.filter(organization=organization,
                                  user__service_organization__isnull=True)
        .select_related("user")
        .order_by(ROLE_ORDER, "created_at", "pk")
    )


def owners_of(organization):
    return members_of(organization).filter(role=Membership.Role.OWNER)


def open_invitations(organization):
    """Neither accepted, declined nor revoked: pending, or expired and waiting to be resent."""
    return Invitation.objects.filter(
        organization=organization, accepted_at=None, declined_at=None, revoked_at=None
    ).select_related("invited_by")


def invitation_for_token(raw_token):
    """The invitation a link's token opens, or None: only the hash is stored, so a guess
    finds nothing."""
    if not raw_token or len(raw_token) > 200:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=Invitation.hash(raw_token))
        .first()
    )


def keys_of(organization):
    return APIKey.objects.filter(organization=organization).select_related("created_by")
