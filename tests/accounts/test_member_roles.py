"""Roles, removal, leaving and handing over ownership: owners and admins manage members,
only an owner makes owners, and an organisation always keeps an owner."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts import services as accounts
from accounts.members import services
from accounts.models import Membership
from tests.factories import MembershipFactory, OperatorFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages asserted on are the English ones, whatever an earlier test activated."""
    with translation.override("en"):
        yield
R = Membership.Role


@pytest.fixture
def org():
    return VendorFactory()


def join(org, role):
    return MembershipFactory(organization=org, role=role)


@pytest.fixture
def owner(org):
    return join(org, R.OWNER)


@pytest.fixture
def admin(org):
    return join(org, R.ADMIN)


@pytest.fixture
def member(org):
    return join(org, R.MEMBER)


def role_of(membership):
    membership.refresh_from_db()
    return membership.role


def test_an_admin_promotes_a_member_to_admin_and_back(admin, member):
    services.change_role(actor=admin.user, membership=member, role=R.ADMIN)
    assert role_of(member) == R.ADMIN
    services.change_role(actor=admin.user, membership=member, role=R.MEMBER)
    assert role_of(member) == R.MEMBER


def test_only_an_owner_makes_owners(owner, admin, member):
    with pytest.raises(PermissionDenied):
        services.change_role(actor=admin.user, membership=member, role=R.OWNER)
    with pytest.raises(PermissionDenied):
        services.change_role(actor=admin.user, membership=owner, role=R.MEMBER)
    services.change_role(actor=owner.user, membership=member, role=R.OWNER)
    assert role_of(member) == R.OWNER


@pytest.mark.parametrize("who", ["member", "other_admin", "anonymous", "service_account"])
def test_wrong_roles_cannot_change_or_remove(org, admin, member, who):
    actor = {
        "member": lambda: member.user,
        "other_admin": lambda: MembershipFactory(role=R.ADMIN).user,
        "anonymous": AnonymousUser,
        "service_account": lambda: accounts.service_account(org),
    }[who]()
    with pytest.raises(PermissionDenied):
        services.change_role(actor=actor, membership=admin, role=R.MEMBER)
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=actor, membership=admin)
    assert role_of(admin) == R.ADMIN


def test_a_bad_role_is_refused_naming_the_field(admin, member):
    with pytest.raises(ValidationError) as exc:
        services.change_role(actor=admin.user, membership=member, role="boss")
    assert "role" in exc.value.message_dict


def test_the_last_owner_cannot_be_demoted(owner):
    with pytest.raises(ValidationError) as exc:
        services.change_role(actor=owner.user, membership=owner, role=R.ADMIN)
    assert "at least one owner" in exc.value.message_dict["role"][0]
    assert role_of(owner) == R.OWNER


def test_an_owner_steps_down_when_another_owner_remains(org, owner):
    second = join(org, R.OWNER)
    services.change_role(actor=owner.user, membership=owner, role=R.ADMIN)
    assert role_of(owner) == R.ADMIN and role_of(second) == R.OWNER


def test_the_last_owner_cannot_leave(org, owner):
    with pytest.raises(ValidationError) as exc:
        services.leave(actor=owner.user, organization=org)
    assert "last owner" in exc.value.message_dict["role"][0]
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_a_member_leaves(org, member):
    services.leave(actor=member.user, organization=org)
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_leaving_an_organisation_one_is_not_in_is_refused(org):
    with pytest.raises(PermissionDenied):
        services.leave(actor=MembershipFactory().user, organization=org)


def test_an_admin_removes_a_member_but_not_an_owner(owner, admin, member):
    services.remove_member(actor=admin.user, membership=member)
    assert not Membership.objects.filter(pk=member.pk).exists()
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=admin.user, membership=owner)


def test_removing_oneself_is_leaving(admin):
    with pytest.raises(ValidationError):
        services.remove_member(actor=admin.user, membership=admin)


def test_an_owner_removes_another_owner_but_one_always_remains(org, owner):
    second = join(org, R.OWNER)
    services.remove_member(actor=owner.user, membership=second)
    assert list(Membership.objects.filter(organization=org, role=R.OWNER)) == [owner]


def test_the_service_account_is_not_managed_here(org, owner):
    account = accounts.service_account(org)
    membership = account.membership_of(org)
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=owner.user, membership=membership)
    with pytest.raises(PermissionDenied):
        services.change_role(actor=owner.user, membership=membership, role=R.MEMBER)


def test_transfer_makes_the_member_owner_and_the_old_owner_admin(org, owner, member):
    services.transfer_ownership(actor=owner.user, organization=org, to=member)
    assert role_of(member) == R.OWNER and role_of(owner) == R.ADMIN
    services.leave(actor=owner.user, organization=org)  # no longer the last owner


def test_only_an_owner_transfers(org, admin, member):
    for actor in (admin.user, member.user, AnonymousUser(), accounts.service_account(org)):
        with pytest.raises(PermissionDenied):
            services.transfer_ownership(actor=actor, organization=org, to=member)
    assert role_of(member) == R.MEMBER


def test_transfer_goes_to_a_member_of_the_same_organisation(org, owner):
    outsider = MembershipFactory(role=R.MEMBER)
    with pytest.raises(ValidationError) as exc:
        services.transfer_ownership(actor=owner.user, organization=org, to=outsider)
    assert "member" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.transfer_ownership(actor=owner.user, organization=org, to=owner)
    assert role_of(outsider) == R.MEMBER and role_of(owner) == R.OWNER


def test_reviewer_flag_only_in_operator_organisations(org, owner, member):
    with pytest.raises(ValidationError):
        services.set_reviewer(actor=owner.user, membership=member, is_reviewer=True)
    operator = OperatorFactory()
    boss, staff = join(operator, R.OWNER), join(operator, R.MEMBER)
    services.set_reviewer(actor=boss.user, membership=staff, is_reviewer=True)
    staff.refresh_from_db()
    assert staff.is_reviewer
    with pytest.raises(PermissionDenied):
        services.set_reviewer(actor=staff.user, membership=boss, is_reviewer=True)
