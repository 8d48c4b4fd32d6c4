"""Writes about an organisation's people: who may invite, answer an invitation, change a
role, remove, leave or hand over ownership. Each function checks the actor itself and raises
PermissionDenied (not theirs to do), ValidationError naming the field (bad input or a rule
such as the last owner), or InvitationUnavailable (a link that no longer works)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.models import Invitation, Membership, Organization, User

from . import emails, selectors

# An invitation is sent again no sooner than this after it was last sent.
RESEND_AFTER = timedelta(minutes=1)


class InvitationUnavailable(Exception):
    """The invitation was accepted, declined, revoked or has expired: `state` says which."""

    def __init__(self, state):
        super().__init__(state)
        self.state = state


def _require_person(actor, message):
    if not people.is_person(actor):
        raise PermissionDenied(message)


def _require_admin(actor, organization):
    if not selectors.is_admin_of(actor, organization):
        raise PermissionDenied(_("Only an owner or admin of the organisation may manage its "
                                 "members."))


def _lock(organization):
    """Serialise the membership changes of one organisation (the last-owner rule counts)."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _is_last_owner(membership):
    return (membership.role == Membership.Role.OWNER
            and not selectors.owners_of(membership.organization)
            .exclude(pk=membership.pk).exists())


def _last_owner_error():
    return ValidationError({"role": _(
        "An organisation needs at least one owner: make another member owner first "
        "(Transfer ownership).")})


def normalise_email(email):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    return email


def _new_token(invitation):
    raw_token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = Invitation.hash(raw_token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
    return raw_token


@transaction.atomic
def invite(*, actor, organization, email, role=Invitation.Role.MEMBER):
    """An owner or admin invites `email` as an admin or member. Returns (invitation, raw
    token); the token is sent by email and never stored."""
    _require_admin(actor, organization)
    organization = _lock(organization)
    email = normalise_email(email)
    if role not in Invitation.Role.values:
        raise ValidationError({"role": _("Invite as an admin or a member.")})
    if User.objects.filter(email__iexact=email, service_organization__isnull=False).exists():
        raise ValidationError({"email": _("This address belongs to a service account.")})
    if email in selectors.addresses_of_members(organization):
        raise ValidationError({"email": _("%(email)s is already a member of %(organization)s.")
                               % {"email": email, "organization": organization.display_name}})
    earlier = selectors.open_invitations(organization).filter(email=email).first()
    if earlier is not None and earlier.is_pending:
        raise ValidationError({"email": _("%(email)s is already invited: resend that "
                                          "invitation from the list.") % {"email": email}})
    if earlier is not None:  # expired: closed so that a fresh one can be opened
        earlier.revoked_at = timezone.now()
        earlier.save(update_fields=["revoked_at"])
    pending = selectors.open_invitations(organization).filter(expires_at__gt=timezone.now())
    if pending.count() >= settings.INVITATION_MAX_PENDING:
        raise ValidationError({"email": _(
            "%(count)s invitations are already waiting for an answer: revoke some before "
            "inviting more.") % {"count": settings.INVITATION_MAX_PENDING}})
    invitation = Invitation(organization=organization, email=email, role=role,
                            invited_by=actor)
    raw_token = _new_token(invitation)
    invitation.created_at = invitation.sent_at
    invitation.save()
    emails.send_invitation(invitation, raw_token)
    return invitation, raw_token


def _open_invitation_for_admin(actor, invitation):
    _require_admin(actor, invitation.organization)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_closed:
        raise InvitationUnavailable(invitation.state)
    return invitation


@transaction.atomic
def resend(*, actor, invitation):
    """A new link (the old one stops working) valid for INVITATION_VALID_DAYS from now."""
    invitation = _open_invitation_for_admin(actor, invitation)
    if timezone.now() - invitation.sent_at < RESEND_AFTER:
        raise ValidationError({"email": _("This invitation was sent less than a minute ago: "
                                          "wait a moment before sending it again.")})
    raw_token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    emails.send_invitation(invitation, raw_token)
    return invitation, raw_token


@transaction.atomic
def revoke(*, actor, invitation):
    invitation = _open_invitation_for_admin(actor, invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _answerable(actor, invitation):
    """The invitation, locked, when it is still open and `actor` is the person it was sent
    to (a signed-in person whose verified email is the invitation's)."""
    _require_person(actor, _("Only a signed-in person can answer an invitation."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationUnavailable(invitation.state)
    if not selectors.email_is_verified_for(actor, invitation.email):
        raise PermissionDenied(_("This invitation was sent to another email address."))
    return invitation


@transaction.atomic
def accept(*, actor, invitation):
    """The invitee joins with the invited role (one already a member keeps their role)."""
    invitation = _answerable(actor, invitation)
    _lock(invitation.organization)
    membership, _created = Membership.objects.get_or_create(
        user=actor, organization=invitation.organization,
        defaults={"role": invitation.role},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def decline(*, actor, invitation):
    invitation = _answerable(actor, invitation)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    return invitation


def _managed(actor, membership):
    """`membership`, locked with its organisation, when `actor` may change it."""
    _require_admin(actor, membership.organization)
    _lock(membership.organization)
    membership = Membership.objects.select_related("user", "organization").select_for_update()\
        .get(pk=membership.pk)
    if membership.user.is_service_account:
        raise PermissionDenied(_("The organisation's API service account cannot be changed "
                                 "here."))
    return membership


def _is_owner(actor, organization):
    found = selectors.membership(actor, organization)
    return bool(found and found.role == Membership.Role.OWNER)


@transaction.atomic
def change_role(*, actor, membership, role):
    """Owners and admins set roles; only an owner makes an owner or changes an owner's
    role, and the last owner keeps the role."""
    membership = _managed(actor, membership)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose owner, admin or member.")})
    touches_owner = Membership.Role.OWNER in (role, membership.role)
    if touches_owner and not _is_owner(actor, membership.organization):
        raise PermissionDenied(_("Only an owner makes owners or changes an owner's role."))
    if role != Membership.Role.OWNER and _is_last_owner(membership):
        raise _last_owner_error()
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def set_reviewer(*, actor, membership, is_reviewer):
    """Operator organisations only: whether this person works the review queue."""
    membership = _managed(actor, membership)
    if membership.organization.kind != Organization.Kind.OPERATOR:
        raise ValidationError({"is_reviewer": _("Only operator staff can be reviewers.")})
    if membership.is_reviewer != bool(is_reviewer):
        membership.is_reviewer = bool(is_reviewer)
        membership.save(update_fields=["is_reviewer"])
    return membership


@transaction.atomic
def remove_member(*, actor, membership):
    """An owner or admin removes someone else; only an owner removes an owner."""
    membership = _managed(actor, membership)
    if membership.user_id == actor.pk:
        raise ValidationError({"member": _("To leave the organisation yourself, use "
                                           "“Leave organisation”.")})
    if membership.role == Membership.Role.OWNER:
        if not _is_owner(actor, membership.organization):
            raise PermissionDenied(_("Only an owner removes an owner."))
        if _is_last_owner(membership):
            raise _last_owner_error()
    membership.delete()


@transaction.atomic
def leave(*, actor, organization):
    """A person leaves; the last owner cannot."""
    _require_person(actor, _("Only a person can leave an organisation."))
    _lock(organization)
    membership = Membership.objects.select_for_update().filter(
        user=actor, organization=organization).first()
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organisation."))
    if _is_last_owner(membership):
        raise ValidationError({"role": _(
            "You are the last owner: transfer ownership to another member before you leave.")})
    membership.delete()


@transaction.atomic
def transfer_ownership(*, actor, organization, to):
    """An owner hands ownership to another member (`to`, a Membership of the same
    organisation), who becomes owner; the old owner becomes an admin."""
    _require_person(actor, _("Only an owner can transfer ownership."))
    _lock(organization)
    own = Membership.objects.select_for_update().filter(
        user=actor, organization=organization).first()
    if own is None or own.role != Membership.Role.OWNER:
        raise PermissionDenied(_("Only an owner can transfer ownership."))
    target = Membership.objects.select_related("user").select_for_update().filter(
        pk=getattr(to, "pk", None), organization=organization).first()
    if target is None or target.user.is_service_account:
        raise ValidationError({"member": _("Choose a member of this organisation.")})
    if target.pk == own.pk:
        raise ValidationError({"member": _("Choose another member than yourself.")})
    target.role = Membership.Role.OWNER
    target.save(update_fields=["role"])
    own.role = Membership.Role.ADMIN
    own.save(update_fields=["role"])
    return target
