"""API keys: shown once, stored hashed, scoped, revocable, never more than the org's role."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import APIKey, Membership
from catalog.models import Solution
from tests.factories import MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db


def key_client(raw_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


@pytest.fixture
def vendor_key(vendor, vendor_user):
    _, raw = services.create_api_key(actor=vendor_user, organization=vendor, name="CRM",
                                     scopes=["catalog:read", "solutions:write"])
    return raw


def test_key_is_shown_once_and_stored_hashed(api_as, vendor, vendor_user):
    response = api_as(vendor_user).post("/api/v1/api-keys/", {
        "organization": vendor.pk, "name": "Portal", "scopes": ["catalog:read"],
    }, format="json")
    assert response.status_code == 201
    raw = response.json()["key"]
    stored = APIKey.objects.get()
    assert raw not in (stored.hashed_key, stored.prefix)
    assert stored.hashed_key == APIKey.hash(raw)
    listed = api_as(vendor_user).get("/api/v1/api-keys/").json()
    assert "key" not in listed[0]


def test_key_acts_for_its_organisation(vendor_key, vendor):
    response = key_client(vendor_key).post("/api/v1/solutions/", {
        "title_en": "Via the partner API", "scenarios": ["2025-28"],
        "industries": ["machine-tools"],
    }, format="json")
    assert response.status_code == 201, response.content
    assert Solution.objects.get().vendor == vendor
    assert APIKey.objects.get().last_used_at is not None


def test_key_without_the_write_scope_cannot_write(vendor, vendor_user):
    _, raw = services.create_api_key(actor=vendor_user, organization=vendor, name="Read only",
                                     scopes=["catalog:read"])
    response = key_client(raw).post("/api/v1/solutions/", {"title_en": "Nope"}, format="json")
    assert response.status_code == 403
    assert not Solution.objects.exists()
    assert key_client(raw).get("/api/v1/solutions/").status_code == 200


def test_revoked_or_expired_key_is_refused(vendor_key, vendor_user):
    key = APIKey.objects.get()
    services.revoke_api_key(actor=vendor_user, key=key)
    assert key_client(vendor_key).get("/api/v1/me/").status_code == 401
    key.revoked_at = None
    key.expires_at = timezone.now() - timedelta(minutes=1)
    key.save()
    assert key_client(vendor_key).get("/api/v1/me/").status_code == 401


def test_unknown_key_is_refused():
    assert key_client("deadbeef.not-a-key").get("/api/v1/me/").status_code == 401


def test_vendor_key_cannot_hold_a_review_scope_nor_approve(vendor, vendor_user):
    with pytest.raises(ValidationError):
        services.create_api_key(actor=vendor_user, organization=vendor, name="Greedy",
                                scopes=["catalog:read", "solutions:write", "reviews:read"])
    _, raw = services.create_api_key(actor=vendor_user, organization=vendor, name="Writer",
                                     scopes=["catalog:read", "solutions:write"])
    other = SolutionFactory(status="in_review")
    response = key_client(raw).post(f"/api/v1/solutions/{other.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == "in_review"


def test_plain_member_cannot_create_keys(vendor):
    member = MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user
    client = APIClient()
    client.force_authenticate(member)
    response = client.post("/api/v1/api-keys/", {
        "organization": vendor.pk, "name": "Sneaky", "scopes": ["catalog:read"],
    }, format="json")
    assert response.status_code == 403
    assert not APIKey.objects.exists()


def test_admin_of_another_organisation_cannot_create_keys_for_it(vendor, other_vendor_user):
    client = APIClient()
    client.force_authenticate(other_vendor_user)
    response = client.post("/api/v1/api-keys/", {
        "organization": vendor.pk, "name": "Foreign", "scopes": ["catalog:read"],
    }, format="json")
    assert response.status_code == 403


def test_last_used_time_is_written_at_most_once_a_minute(vendor_key):
    from datetime import timedelta

    from django.utils import timezone

    client = key_client(vendor_key)
    recent = timezone.now() - timedelta(seconds=10)
    APIKey.objects.update(last_used_at=recent)
    assert client.get("/api/v1/solutions/").status_code == 200
    assert APIKey.objects.get().last_used_at == recent  # no write for every request

    import time_machine

    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later):
        assert client.get("/api/v1/solutions/").status_code == 200
        written = APIKey.objects.get().last_used_at
        assert written >= later
        assert client.get("/api/v1/solutions/").status_code == 200  # remembered: no write
        assert APIKey.objects.get().last_used_at == written
