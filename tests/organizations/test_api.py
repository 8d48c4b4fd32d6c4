"""The organisations API: registering (signed-in people, never a key), the operators' queue
(?status=pending) and their decisions (people of the operator only), `status` and `verified`
in the representation, and pending organisations kept out of the public list."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization
from accounts.services import create_api_key
from tests.factories import MembershipFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

S = Organization.Status
BODY = {"kind": "vendor", "name": "Wuxi Spindle Co., Ltd.", "name_zh": "无锡主轴有限公司",
        "credit_code": "91320500MA1XXXXXXC", "region": "CN-JS", "industry": "machine-tools",
        "size": "small", "website": "https://spindle.example.com"}


@pytest.fixture
def operator_user(operator):
    return MembershipFactory(organization=operator).user


def test_a_signed_in_person_registers_and_sees_it_pending(api_as):
    person = UserFactory()
    response = api_as(person).post("/api/v1/organizations/", BODY, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["verified"], data["credit_code"]) == (
        "pending", False, "91320500MA1XXXXXXC")
    mine = api_as(person).get(f"/api/v1/organizations/{data['id']}/")
    assert mine.status_code == 200 and mine.json()["status"] == "pending"
    # Not in the public list while pending.
    assert APIClient().get(f"/api/v1/organizations/{data['id']}/").status_code == 404


def test_registration_names_the_wrong_field(api_as):
    response = api_as(UserFactory()).post(
        "/api/v1/organizations/", {**BODY, "region": "XX-1", "credit_code": "ABC"},
        format="json")
    assert response.status_code == 400
    assert {"region", "credit_code"} <= set(response.json()["errors"])


def test_anonymous_and_keys_cannot_register():
    assert APIClient().post("/api/v1/organizations/", BODY, format="json").status_code == 401
    vendor = VendorFactory()
    owner = MembershipFactory(organization=vendor, role="owner").user
    _, raw = create_api_key(actor=owner, organization=vendor, name="k",
                            scopes=["organization:write", "catalog:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.post("/api/v1/organizations/", {**BODY, "kind": "enterprise"},
                       format="json").status_code == 403


def test_operators_list_the_pending_queue_and_others_do_not_see_it(api_as, operator_user):
    pending = VendorFactory(status=S.PENDING, name="Pending one")
    VendorFactory(status=S.VERIFIED, name="Verified one")

    queue = api_as(operator_user).get("/api/v1/organizations/?status=pending").json()
    assert [row["id"] for row in queue["results"]] == [pending.pk]

    outsider = MembershipFactory(organization=VendorFactory()).user
    theirs = api_as(outsider).get("/api/v1/organizations/?status=pending").json()
    assert theirs["results"] == []


def test_operator_verifies_then_a_stale_decision_is_409(api_as, operator_user):
    pending = VendorFactory(status=S.PENDING)
    client = api_as(operator_user)

    verified = client.post(f"/api/v1/organizations/{pending.pk}/verify/", {}, format="json")
    assert verified.status_code == 200, verified.content
    assert verified.json()["verified"] is True
    stale = client.post(f"/api/v1/organizations/{pending.pk}/reject/", {"reason": "No"},
                        format="json")
    assert stale.status_code == 409
    assert stale.json()["current_status"] == "verified"


def test_reject_requires_a_reason_and_only_operators_decide(api_as, operator_user):
    pending = VendorFactory(status=S.PENDING, credit_code="91350100M000100Y43", region="CN-FJ")
    owner = MembershipFactory(organization=pending, role="owner").user
    other_admin = MembershipFactory(organization=VendorFactory(), role="owner").user

    for person in (owner, other_admin):
        assert api_as(person).post(f"/api/v1/organizations/{pending.pk}/verify/", {},
                                   format="json").status_code == 403
    assert APIClient().post(f"/api/v1/organizations/{pending.pk}/verify/", {},
                            format="json").status_code == 401
    no_reason = api_as(operator_user).post(f"/api/v1/organizations/{pending.pk}/reject/",
                                           {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]

    rejected = api_as(operator_user).post(f"/api/v1/organizations/{pending.pk}/reject/",
                                          {"reason": "Licence unreadable."}, format="json")
    assert rejected.json()["status_reason"] == "Licence unreadable."

    again = api_as(owner).post(f"/api/v1/organizations/{pending.pk}/resubmit/",
                               {"website": "https://fixed.example.com"}, format="json")
    assert again.status_code == 200, again.content
    assert (again.json()["status"], again.json()["website"]) == (
        "pending", "https://fixed.example.com")


def test_vendor_representation_says_verified(api_as):
    vendor = VendorFactory(status=S.VERIFIED)
    data = APIClient().get(f"/api/v1/organizations/{vendor.pk}/").json()
    assert (data["status"], data["verified"]) == ("verified", True)
