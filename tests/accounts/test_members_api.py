"""GET /api/v1/organizations/{id}/members/ and /invitations/: members read their
organisation's people, owners and admins its open invitations; everyone else gets 401, 403
or 404."""

import pytest
from rest_framework.test import APIClient

from accounts import services as accounts
from accounts.members import services
from accounts.models import Membership
from tests.factories import MembershipFactory, VendorFactory

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture
def org():
    return VendorFactory()


@pytest.fixture
def owner(org):
    return MembershipFactory(organization=org, role=R.OWNER).user


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org, role=R.MEMBER).user


def key_client(organization, scopes):
    admin = organization.memberships.filter(role=R.OWNER).first().user
    _, raw = accounts.create_api_key(actor=admin, organization=organization, name="k",
                                     scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_a_member_lists_the_people_without_the_service_account(api_as, org, owner, member):
    accounts.service_account(org)
    response = api_as(member).get(f"/api/v1/organizations/{org.pk}/members/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["username"] for row in rows] == [owner.username, member.username]
    assert rows[0]["role"] == "owner" and "joined_at" in rows[0]


def test_another_organisation_sees_no_members(api_as, org, owner):
    outsider = MembershipFactory(role=R.OWNER).user
    assert api_as(outsider).get(f"/api/v1/organizations/{org.pk}/members/").status_code == 404


def test_anonymous_is_refused(api, org):
    assert api.get(f"/api/v1/organizations/{org.pk}/members/").status_code == 401
    assert api.get(f"/api/v1/organizations/{org.pk}/invitations/").status_code == 401


def test_invitations_are_for_owners_and_admins(api_as, org, owner, member):
    services.invite(actor=owner, organization=org, email="new@example.com")
    response = api_as(owner).get(f"/api/v1/organizations/{org.pk}/invitations/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["email"], row["state"], row["invited_by"]) == (
        "new@example.com", "pending", owner.username)
    assert "token" not in str(row) and "token_hash" not in row
    assert api_as(member).get(f"/api/v1/organizations/{org.pk}/invitations/").status_code == 403


def test_a_key_reads_with_the_organization_write_scope_only_its_own(org, owner):
    client = key_client(org, ["organization:write"])
    assert client.get(f"/api/v1/organizations/{org.pk}/members/").status_code == 200
    assert client.get(f"/api/v1/organizations/{org.pk}/invitations/").status_code == 200
    other = MembershipFactory(role=R.OWNER).organization
    assert client.get(f"/api/v1/organizations/{other.pk}/members/").status_code == 404
    narrow = key_client(org, ["catalog:read"])
    assert narrow.get(f"/api/v1/organizations/{org.pk}/members/").status_code == 403
