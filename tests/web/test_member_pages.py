"""The invitation link, the members page and the API-key page: who sees what, who may act,
and what each refusal looks like."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import services as accounts
from accounts.members import services
from accounts.models import APIKey, Invitation, Membership
from tests.factories import MembershipFactory, OperatorFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture
def org():
    return VendorFactory(name="Suzhou Spindle Tech")


@pytest.fixture
def owner(org):
    return MembershipFactory(organization=org, role=R.OWNER,
                             user__first_name="Zhang", user__last_name="Min").user


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org, role=R.MEMBER).user


@pytest.fixture
def sent(org, owner):
    """(invitation, raw token) to li.wei@example.com."""
    return services.invite(actor=owner, organization=org, email="li.wei@example.com")


@pytest.fixture
def invitee():
    return UserFactory(email="li.wei@example.com")


def link(token):
    return f"/invitations/{token}/"


# The invitation link ---------------------------------------------------------------------

def test_signed_out_the_link_says_who_invites_to_what_and_offers_sign_in(client, sent):
    _, token = sent
    response = client.get(link(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zhang Min invites you to join Suzhou Spindle Tech" in html
    assert f"/accounts/login/?next=%2Finvitations%2F{token}%2F" in html
    assert (f"/accounts/signup/?email=li.wei%40example.com&amp;next=%2Finvitations%2F{token}%2F"
            in html)
    assert "no-cache" in response["Cache-Control"]
    assert 'value="accept"' not in html


def test_a_guessed_token_is_a_404(client, sent):
    _, token = sent
    assert client.get(link(token[::-1])).status_code == 404
    assert client.get(link("x" * 43)).status_code == 404


def test_the_invitee_accepts_with_a_post(client, sent, invitee, org):
    _, token = sent
    client.force_login(invitee)
    page = client.get(link(token))
    assert page.status_code == 200 and 'value="accept"' in page.content.decode()
    response = client.post(link(token), {"answer": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(user=invitee, organization=org).role == R.MEMBER
    again = client.get(link(token))
    assert again.status_code == 410
    assert "already been accepted" in again.content.decode()


def test_the_invitee_declines(client, sent, invitee):
    invitation, token = sent
    client.force_login(invitee)
    assert client.post(link(token), {"answer": "decline"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "declined" and not invitee.memberships.exists()


def test_a_stranger_signed_in_with_another_address_is_refused_with_a_clear_page(client, sent):
    _, token = sent
    client.force_login(UserFactory(email="forwarded.to@example.com"))
    page = client.get(link(token))
    html = page.content.decode()
    assert page.status_code == 403
    assert "was sent to l•••••@example.com" in html  # masked: not their address to learn
    response = client.post(link(token), {"answer": "accept"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="forwarded.to@example.com").exists()


def test_an_expired_link_is_gone(client, sent, invitee):
    invitation, token = sent
    client.force_login(invitee)
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        page = client.get(link(token))
        assert page.status_code == 410
        assert "has expired" in page.content.decode()
        assert client.post(link(token), {"answer": "accept"}).status_code == 410
    assert not invitee.memberships.exists()


def test_a_revoked_link_is_gone(client, sent, owner, invitee):
    invitation, token = sent
    services.revoke(actor=owner, invitation=invitation)
    client.force_login(invitee)
    page = client.get(link(token))
    assert page.status_code == 410 and "withdrawn" in page.content.decode()


def test_signed_out_post_goes_to_sign_in(client, sent):
    _, token = sent
    response = client.post(link(token), {"answer": "accept"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()


PASSWORD = "Xq7!long-enough-pass"


def _sign_up_from(client, token, email="li.wei@example.com"):
    return client.post(f"/accounts/signup/?next={link(token)}", {
        "name": "李伟", "email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_a_newcomer_signs_up_from_the_link_verifies_and_comes_back_to_accept(client, sent, org):
    _, token = sent
    client.get(link(token))
    assert _sign_up_from(client, token).status_code == 302
    assert "_auth_user_id" not in client.session  # the address is verified first
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)",
                        mail.outbox[-1].body).group(1)
    response = client.post(confirm)
    assert response.status_code == 302 and response.url == link(token)
    assert client.get(link(token)).status_code == 200
    client.post(link(token), {"answer": "accept"})
    assert Membership.objects.get(user__email="li.wei@example.com", organization=org)


def test_closed_sign_up_stays_open_to_whoever_opened_a_pending_invitation(client, settings,
                                                                         sent, owner):
    settings.ACCOUNT_ALLOW_SIGNUP = False
    invitation, token = sent
    page = client.get("/accounts/signup/")
    assert "account/signup_closed.html" in [t.name for t in page.templates]
    client.get(link(token))
    page = client.get("/accounts/signup/")
    assert "account/signup_closed.html" not in [t.name for t in page.templates]
    services.revoke(actor=owner, invitation=invitation)
    page = client.get("/accounts/signup/")
    assert "account/signup_closed.html" in [t.name for t in page.templates]


def test_an_unverified_address_does_not_answer_the_invitation(client, sent):
    from allauth.account.models import EmailAddress

    _, token = sent
    user = UserFactory(email="li.wei@example.com")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    page = client.get(link(token))
    assert page.status_code == 403
    assert "Verify li.wei@example.com first" in page.content.decode()
    assert client.post(link(token), {"answer": "accept"}).status_code == 403
    assert not user.memberships.exists()


# The members page ------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in(client):
    for path in ("/organization/members/", "/organization/api-keys/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_member_reads_the_list_but_cannot_invite(client, org, owner, member):
    client.force_login(member)
    page = client.get("/organization/members/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Zhang Min" in html and "Owner" in html
    assert "Invite a colleague" not in html and "Pending invitations" not in html
    response = client.post("/organization/members/", {"email": "x@example.com", "role": "member"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_service_account_is_not_listed(client, org, owner):
    accounts.service_account(org)
    client.force_login(owner)
    html = client.get("/organization/members/").content.decode()
    assert "(API)" not in html


def test_an_admin_invites_from_the_page_and_sees_it_pending(client, org, owner):
    client.force_login(owner)
    response = client.post("/organization/members/",
                           {"email": "Wang.Fang@Example.com", "role": "admin"})
    assert response.status_code == 302
    assert Invitation.objects.get().email == "wang.fang@example.com"
    assert len(mail.outbox) == 1
    html = client.get("/organization/members/").content.decode()
    assert 'data-testid="invitation-wang.fang@example.com"' in html


def test_a_bad_invitation_is_a_400_naming_the_field(client, org, owner, member):
    client.force_login(owner)
    response = client.post("/organization/members/", {"email": member.email, "role": "member"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    response = client.post("/organization/members/", {"email": "nope", "role": "member"})
    assert response.status_code == 400 and "email" in response.context["invite_form"].errors


def test_resend_and_revoke_from_the_page(client, org, owner, sent):
    invitation, old = sent
    client.force_login(owner)
    too_soon = client.post(f"/organization/invitations/{invitation.pk}/resend/")
    assert too_soon.status_code == 400 and "less than a minute ago" in too_soon.content.decode()
    with time_machine.travel(invitation.sent_at + timedelta(minutes=2)):
        response = client.post(f"/organization/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    new = re.search(r"/invitations/([\w-]+)/", mail.outbox[-1].body).group(1)
    assert new != old and client.get(link(old)).status_code == 404
    assert client.post(f"/organization/invitations/{invitation.pk}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "revoked"


def test_another_organisations_admin_cannot_reach_our_invitations_or_members(client, sent,
                                                                             member):
    invitation, _ = sent
    other_admin = MembershipFactory(role=R.OWNER).user
    client.force_login(other_admin)
    assert client.post(f"/organization/invitations/{invitation.pk}/revoke/").status_code == 404
    membership = member.membership_of(invitation.organization)
    assert client.post(f"/organization/members/{membership.pk}/role/",
                       {"role": "admin"}).status_code == 404
    assert client.post(f"/organization/members/{membership.pk}/remove/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_pending and Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_cannot_change_roles_or_remove(client, org, owner, member):
    client.force_login(member)
    target = owner.membership_of(org)
    assert client.post(f"/organization/members/{target.pk}/role/",
                       {"role": "member"}).status_code == 403
    assert client.post(f"/organization/members/{target.pk}/remove/").status_code == 403
    assert client.get("/organization/members/transfer/").status_code == 403


def test_the_last_owner_is_told_why_they_cannot_leave_or_step_down(client, org, owner):
    client.force_login(owner)
    assert client.get("/organization/members/leave/").status_code == 200  # confirmation
    response = client.post("/organization/members/leave/")
    assert response.status_code == 400
    assert "last owner" in response.content.decode()
    own = owner.membership_of(org)
    response = client.post(f"/organization/members/{own.pk}/role/", {"role": "admin"})
    assert response.status_code == 400
    assert "at least one owner" in response.content.decode()
    assert owner.membership_of(org).role == R.OWNER


def test_admin_changes_a_role_and_removes_after_confirming(client, org, owner, member):
    client.force_login(owner)
    target = member.membership_of(org)
    assert client.post(f"/organization/members/{target.pk}/role/",
                       {"role": "admin"}).status_code == 302
    assert member.membership_of(org).role == R.ADMIN
    confirm = client.get(f"/organization/members/{target.pk}/remove/")
    assert confirm.status_code == 200 and "Remove" in confirm.content.decode()
    assert member.membership_of(org) is not None  # nothing happens on GET
    assert client.post(f"/organization/members/{target.pk}/remove/").status_code == 302
    assert member.membership_of(org) is None


def test_operator_admins_set_the_reviewer_flag(client):
    operator = OperatorFactory()
    boss = MembershipFactory(organization=operator, role=R.OWNER).user
    staff = MembershipFactory(organization=operator, role=R.MEMBER)
    client.force_login(boss)
    assert "Reviewer" in client.get("/organization/members/").content.decode()
    client.post(f"/organization/members/{staff.pk}/role/", {"role": "member", "is_reviewer": "1"})
    staff.refresh_from_db()
    assert staff.is_reviewer


def test_transfer_asks_for_confirmation_then_hands_over(client, org, owner, member):
    client.force_login(owner)
    target = member.membership_of(org)
    first = client.post("/organization/members/transfer/", {"member": target.pk})
    assert first.status_code == 200 and first.context["confirming"]
    assert member.membership_of(org).role == R.MEMBER  # not yet
    done = client.post("/organization/members/transfer/", {"member": target.pk, "confirm": "1"})
    assert done.status_code == 302
    assert member.membership_of(org).role == R.OWNER
    assert owner.membership_of(org).role == R.ADMIN


def test_transfer_to_an_outsider_is_a_400(client, org, owner):
    outsider = MembershipFactory(role=R.MEMBER)
    client.force_login(owner)
    response = client.post("/organization/members/transfer/",
                           {"member": outsider.pk, "confirm": "1"})
    assert response.status_code == 400
    assert "member" in response.context["form"].errors


def test_someone_of_no_organisation_is_refused(client):
    client.force_login(UserFactory())
    assert client.get("/organization/members/").status_code == 403


# The API-key page -------------------------------------------------------------------------

def test_members_cannot_see_the_keys_page(client, org, member):
    client.force_login(member)
    assert client.get("/organization/api-keys/").status_code == 403
    assert client.post("/organization/api-keys/",
                       {"name": "x", "scopes": ["catalog:read"]}).status_code == 403
    assert not APIKey.objects.exists()


def test_scopes_offered_are_the_organisation_kinds_with_descriptions(client, org, owner):
    client.force_login(owner)
    html = client.get("/organization/api-keys/").content.decode()
    assert 'value="solutions:write"' in html
    assert "Create and edit the organisation&#x27;s solutions" in html
    assert 'value="needs:write"' not in html and 'value="reviews:read"' not in html


def test_a_scope_foreign_to_the_kind_is_a_400(client, org, owner):
    client.force_login(owner)
    response = client.post("/organization/api-keys/", {"name": "x", "scopes": ["needs:write"]})
    assert response.status_code == 400 and "scopes" in response.context["form"].errors
    assert not APIKey.objects.exists()


def test_the_key_is_shown_once_uncached_and_never_again(client, org, owner):
    client.force_login(owner)
    response = client.post("/organization/api-keys/", {
        "name": "ERP sync", "scopes": ["catalog:read", "solutions:write"],
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat()})
    assert response.status_code == 200
    raw = re.search(r'data-testid="api-key-raw">([^<]+)<', response.content.decode()).group(1)
    key = APIKey.objects.get()
    assert key.hashed_key == APIKey.hash(raw) and key.created_by == owner
    assert key.scopes == ["catalog:read", "solutions:write"] and key.expires_at is not None
    assert "no-store" in response["Cache-Control"]
    assert raw not in str(dict(client.session))
    later = client.get("/organization/api-keys/").content.decode()
    assert raw not in later and key.prefix in later and "ERP sync" in later


def test_an_expiry_in_the_past_is_refused(client, org, owner):
    client.force_login(owner)
    response = client.post("/organization/api-keys/", {
        "name": "Old", "scopes": ["catalog:read"],
        "expires_on": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "expires_on" in response.context["form"].errors


def test_revoke_asks_first_then_revokes(client, org, owner):
    key, _ = accounts.create_api_key(actor=owner, organization=org, name="CRM",
                                     scopes=["catalog:read"])
    client.force_login(owner)
    confirm = client.get(f"/organization/api-keys/{key.pk}/revoke/")
    assert confirm.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is None
    assert client.post(f"/organization/api-keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.events.filter(action="revoked").exists()


def test_another_organisations_key_is_a_404(client, owner):
    other = MembershipFactory(role=R.OWNER)
    key, _ = accounts.create_api_key(actor=other.user, organization=other.organization,
                                     name="Theirs", scopes=["catalog:read"])
    client.force_login(owner)
    assert client.post(f"/organization/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


# Chinese ------------------------------------------------------------------------------------

def test_the_pages_read_in_chinese(client, compiled_translations, org, owner, sent):
    _, token = sent
    client.cookies["django_language"] = "zh-hans"
    html = client.get(link(token)).content.decode()
    assert "邀请您以成员身份加入智造汇上的 Suzhou Spindle Tech" in html
    client.force_login(owner)
    assert "成员" in client.get("/organization/members/").content.decode()
    assert "API 密钥" in client.get("/organization/api-keys/").content.decode()


def test_every_scope_has_a_translated_description():
    from accounts.members.forms import SCOPE_LABELS
    from accounts.services import API_KEY_SCOPES

    assert set(SCOPE_LABELS) == set(API_KEY_SCOPES)
