"""Reads about an organisation's members, invitations and keys."""

from allauth.account.models import EmailAddress
from django.db.models import Case, IntegerField, Value, When

from accounts import selectors as people
from accounts.models import APIKey, Invitation, Membership, User

ROLE_ORDER = Case(
    When(role=Membership.Role.OWNER, then=Value(0)),
    When(role=Membership.Role.ADMIN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


# The session remembers the invitation a signed-out visitor opened (its id, never the
# token), so that sign-up stays open to them when strangers' sign-up is closed.
INVITATION_SESSION_KEY = "members_invitation"


def email_is_verified_for(user, email):
    """Whether `email` is an address `user` has proven they own (a verified allauth
    EmailAddress of theirs): the one place that decides whose invitation a signed-in person
    may answer."""
    if not user.is_authenticated or not email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email.strip(),
                                       verified=True).exists()


def email_awaits_verification_for(user, email):
    """`user` has added `email` but not yet verified it."""
    return user.is_authenticated and EmailAddress.objects.filter(
        user=user, email__iexact=email.strip(), verified=False).exists()


def addresses_of_members(organization):
    """Every address, verified or not, of the people of `organization`, lower-cased."""
    users = Membership.objects.filter(organization=organization).values("user_id")
    added = EmailAddress.objects.filter(user_id__in=users).values_list("email", flat=True)
    own = User.objects.filter(pk__in=users).exclude(email="").values_list("email", flat=True)
    return {address.lower() for address in [*added, *own]}


def invited_to_sign_up(request):
    """Whether the visitor came from an invitation link that is still pending."""
    pk = request.session.get(INVITATION_SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(pk, int):
        return False
    invitation = Invitation.objects.filter(pk=pk).first()
    return bool(invitation and invitation.is_pending)


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
