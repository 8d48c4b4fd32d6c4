"""Invitations: only an organisation's owners and admins invite; the link's token is stored
hashed; only the invited address may answer; expired, revoked and used links stop working."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts import services as accounts
from accounts.members import selectors, services
from accounts.models import Invitation, Membership
from tests.factories import MembershipFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages asserted on are the English ones, whatever an earlier test activated."""
    with translation.override("en"):
        yield


@pytest.fixture
def org():
    return VendorFactory(name="Suzhou Spindle Tech")


@pytest.fixture
def owner(org):
    return MembershipFactory(organization=org, role=Membership.Role.OWNER).user


@pytest.fixture
def admin(org):
    return MembershipFactory(organization=org, role=Membership.Role.ADMIN).user


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org, role=Membership.Role.MEMBER).user


@pytest.fixture
def invitee():
    return UserFactory(email="li.wei@example.com")


def invite(actor, org, email="Li.Wei@Example.com", role=Invitation.Role.MEMBER):
    return services.invite(actor=actor, organization=org, email=email, role=role)


def test_an_owner_or_admin_invites_and_the_link_is_stored_only_hashed(org, owner, admin):
    invitation, token = invite(owner, org)
    assert invitation.email == "li.wei@example.com"  # normalised
    assert invitation.token_hash == Invitation.hash(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert selectors.invitation_for_token(token) == invitation
    second, _ = invite(admin, org, email="wang.fang@example.com", role=Invitation.Role.ADMIN)
    assert second.role == "admin"


def test_the_email_carries_the_link_in_both_languages(org, owner):
    _, token = invite(owner, org)
    [message] = mail.outbox
    assert message.to == ["li.wei@example.com"]
    assert f"/invitations/{token}/" in message.body
    assert "Suzhou Spindle Tech" in message.subject
    assert "invites you to join" in message.body
    assert "邀请您加入" in message.body
    assert "邀请" in message.subject


def test_valid_days_come_from_the_setting(settings, org, owner):
    settings.INVITATION_VALID_DAYS = 2
    invitation, _ = invite(owner, org)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=2)


@pytest.mark.parametrize("who", ["member", "other_admin", "anonymous", "service_account"])
def test_wrong_roles_cannot_invite(org, member, who):
    actor = {
        "member": lambda: member,
        "other_admin": lambda: MembershipFactory(role=Membership.Role.ADMIN).user,
        "anonymous": AnonymousUser,
        "service_account": lambda: accounts.service_account(org),
    }[who]()
    with pytest.raises(PermissionDenied):
        invite(actor, org)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_owner_is_never_an_invited_role(org, owner):
    with pytest.raises(ValidationError) as exc:
        invite(owner, org, role=Membership.Role.OWNER)
    assert "role" in exc.value.message_dict


def test_a_bad_address_is_refused_naming_the_field(org, owner):
    with pytest.raises(ValidationError) as exc:
        invite(owner, org, email="not-an-address")
    assert "email" in exc.value.message_dict


def test_an_address_already_a_member_is_refused(org, owner, member):
    with pytest.raises(ValidationError) as exc:
        invite(owner, org, email=member.email.upper())
    assert "already a member" in exc.value.message_dict["email"][0]


def test_a_service_accounts_address_is_refused(org, owner):
    account = accounts.service_account(VendorFactory())
    account.email = "robot@example.com"
    account.save()
    with pytest.raises(ValidationError):
        invite(owner, org, email="robot@example.com")


def test_one_open_invitation_per_address(org, owner):
    invite(owner, org)
    with pytest.raises(ValidationError) as exc:
        invite(owner, org, email="li.wei@example.com")
    assert "already invited" in exc.value.message_dict["email"][0]


def test_an_expired_invitation_is_replaced_by_a_new_one(org, owner):
    first, _ = invite(owner, org)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        second, _ = invite(owner, org)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_pending


def test_pending_invitations_are_capped_per_organisation(settings, org, owner):
    settings.INVITATION_MAX_PENDING = 2
    invite(owner, org, email="a@example.com")
    invite(owner, org, email="b@example.com")
    with pytest.raises(ValidationError) as exc:
        invite(owner, org, email="c@example.com")
    assert "email" in exc.value.message_dict
    other = MembershipFactory(role=Membership.Role.OWNER)
    invite(other.user, other.organization, email="c@example.com")  # another org's own cap


def test_the_invitee_accepts_and_joins_with_the_role(org, owner, invitee):
    invitation, _ = invite(owner, org, role=Invitation.Role.ADMIN)
    membership = services.accept(actor=invitee, invitation=invitation)
    assert (membership.organization, membership.role) == (org, "admin")
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None


def test_a_stranger_holding_the_link_is_refused(org, owner):
    invitation, _ = invite(owner, org)
    stranger = UserFactory(email="someone.else@example.com")
    with pytest.raises(PermissionDenied):
        services.accept(actor=stranger, invitation=invitation)
    with pytest.raises(PermissionDenied):
        services.decline(actor=stranger, invitation=invitation)
    assert not Membership.objects.filter(user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_a_service_account_never_accepts(org, owner):
    invitation, _ = invite(owner, org)
    account = accounts.service_account(VendorFactory())
    account.email = invitation.email
    account.save()
    with pytest.raises(PermissionDenied):
        services.accept(actor=account, invitation=invitation)


def test_an_expired_invitation_cannot_be_accepted(org, owner, invitee):
    invitation, _ = invite(owner, org)
    with (time_machine.travel(invitation.expires_at + timedelta(seconds=1)),
          pytest.raises(services.InvitationUnavailable) as exc):
        services.accept(actor=invitee, invitation=invitation)
    assert exc.value.state == "expired"
    with time_machine.travel(invitation.expires_at - timedelta(seconds=1)):
        services.accept(actor=invitee, invitation=invitation)


@pytest.mark.parametrize("closing", ["revoke", "accept", "decline"])
def test_a_closed_invitation_cannot_be_used_again(org, owner, invitee, closing):
    invitation, _ = invite(owner, org)
    if closing == "revoke":
        services.revoke(actor=owner, invitation=invitation)
    else:
        getattr(services, closing)(actor=invitee, invitation=invitation)
    with pytest.raises(services.InvitationUnavailable):
        services.accept(actor=invitee, invitation=invitation)


def test_decline_joins_nobody(org, owner, invitee):
    invitation, _ = invite(owner, org)
    services.decline(actor=invitee, invitation=invitation)
    assert not Membership.objects.filter(user=invitee).exists()
    invitation.refresh_from_db()
    assert invitation.state == "declined"


def test_resend_waits_a_minute_after_the_last_send(org, owner):
    invitation, _ = invite(owner, org)
    with pytest.raises(ValidationError) as exc:
        services.resend(actor=owner, invitation=invitation)
    assert "less than a minute ago" in exc.value.message_dict["email"][0]
    assert len(mail.outbox) == 1
    with time_machine.travel(invitation.sent_at + timedelta(seconds=61)):
        services.resend(actor=owner, invitation=invitation)
    assert len(mail.outbox) == 2


def test_an_unsent_invitation_is_not_kept(org, owner, monkeypatch):
    import smtplib

    from accounts.members import emails

    def fail(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(emails, "send_mail", fail)
    with pytest.raises(ValidationError) as exc:
        invite(owner, org)
    assert "could not be sent" in exc.value.message_dict["email"][0]
    assert not Invitation.objects.exists()


def test_resend_gives_a_new_link_and_the_old_one_stops_working(org, owner):
    invitation, old = invite(owner, org)
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        _, new = services.resend(actor=owner, invitation=invitation)
        assert selectors.invitation_for_token(new).is_pending  # valid again from now
    assert new != old
    assert selectors.invitation_for_token(old) is None
    assert len(mail.outbox) == 2 and f"/invitations/{new}/" in mail.outbox[1].body


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_wrong_roles_cannot_resend_or_revoke(org, owner, member, action):
    invitation, _ = invite(owner, org)
    other_admin = MembershipFactory(role=Membership.Role.ADMIN).user
    for actor in (member, other_admin, AnonymousUser(), accounts.service_account(org)):
        with pytest.raises(PermissionDenied):
            getattr(services, action)(actor=actor, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_a_guessed_token_finds_nothing(org, owner):
    _, token = invite(owner, org)
    assert selectors.invitation_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert selectors.invitation_for_token("") is None
    assert selectors.invitation_for_token(Invitation.objects.get().token_hash) is None
