"""A key acts as its organisation and never more: the attacks of issue 13, each refused.

- a key widening its own powers (minting keys: wider scopes, other organisations, outliving
  itself), an operator's key acting as a superuser;
- a key carrying its maker's other memberships (an enterprise key whose maker also owns a
  vendor), an operator key writing a vendor's solution;
- scopes not applied everywhere (search, similar, organisations, /me, the key list);
- unknown filter values and orderings silently ignored."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import APIKey, APIKeyEvent, Membership
from catalog.models import Solution
from marketplace.models import MessageAccessLog, Quote
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    SolutionFactory,
    VendorFactory,
)
from tests.marketplace.factories import make_quote, make_request

pytestmark = pytest.mark.django_db

EVERY_ENTERPRISE_SCOPE = sorted(services.API_KEY_SCOPES_BY_KIND["enterprise"])


def key_client(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def owner_of(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.OWNER).user


def make_key(organization, scopes, maker=None, **fields):
    maker = maker or owner_of(organization)
    return services.create_api_key(actor=maker, organization=organization, name="Partner",
                                   scopes=scopes, **fields)


# A key can widen its own powers


@pytest.mark.parametrize("scopes", [["catalog:read"], []], ids=["read-only", "no-scope"])
def test_a_key_without_keys_manage_cannot_mint_a_key(vendor, scopes):
    if scopes:
        _, raw = make_key(vendor, scopes)
    else:
        key, raw = make_key(vendor, ["catalog:read"])
        APIKey.objects.filter(pk=key.pk).update(scopes=[])
    response = key_client(raw).post("/api/v1/api-keys/", {
        "organization": vendor.pk, "name": "Mine now",
        "scopes": sorted(services.API_KEY_SCOPES_BY_KIND["vendor"]),
    }, format="json")
    assert response.status_code == 403
    assert APIKey.objects.count() == 1


def test_a_key_manager_key_cannot_grant_what_it_lacks(vendor):
    _, raw = make_key(vendor, ["catalog:read", "keys:manage"])
    client = key_client(raw)
    wider = client.post("/api/v1/api-keys/", {
        "name": "Wider", "scopes": ["catalog:read", "solutions:write"]}, format="json")
    assert wider.status_code == 400
    assert "scopes" in wider.json()["errors"]
    same = client.post("/api/v1/api-keys/", {"name": "Same", "scopes": ["catalog:read"]},
                       format="json")
    assert same.status_code == 201, same.content
    made = APIKey.objects.get(pk=same.json()["id"])
    assert made.organization == vendor and made.created_by is None


def test_a_key_manager_key_cannot_mint_for_another_organisation(vendor, enterprise):
    _, raw = make_key(vendor, ["catalog:read", "keys:manage"])
    response = key_client(raw).post("/api/v1/api-keys/", {
        "organization": enterprise.pk, "name": "Theirs", "scopes": ["catalog:read"],
    }, format="json")
    assert response.status_code == 403
    assert not APIKey.objects.filter(organization=enterprise).exists()


def test_a_key_cannot_mint_a_key_that_outlives_it(vendor):
    soon = timezone.now() + timedelta(days=1)
    _, raw = make_key(vendor, ["catalog:read", "keys:manage"], expires_at=soon)
    client = key_client(raw)
    later = client.post("/api/v1/api-keys/", {
        "name": "Later", "scopes": ["catalog:read"],
        "expires_at": (soon + timedelta(days=30)).isoformat()}, format="json")
    assert later.status_code == 400
    assert "expires_at" in later.json()["errors"]
    default = client.post("/api/v1/api-keys/", {"name": "Default", "scopes": ["catalog:read"]},
                          format="json")
    assert default.status_code == 201
    assert APIKey.objects.get(pk=default.json()["id"]).expires_at == soon


def test_a_narrow_key_cannot_revoke_a_wider_one(vendor):
    wide, _ = make_key(vendor, ["catalog:read", "keys:manage", "solutions:write"])
    _, narrow_raw = make_key(vendor, ["catalog:read", "keys:manage"])
    response = key_client(narrow_raw).post(f"/api/v1/api-keys/{wide.pk}/revoke/")
    assert response.status_code == 403
    wide.refresh_from_db()
    assert wide.revoked_at is None


def test_an_operator_key_mints_nothing_for_an_enterprise(operator, enterprise):
    admin = MembershipFactory(organization=operator, role=Membership.Role.OWNER,
                              user__is_superuser=True, user__is_staff=True).user
    _, raw = services.create_api_key(actor=admin, organization=operator, name="Ops",
                                     scopes=["catalog:read", "keys:manage"])
    response = key_client(raw).post("/api/v1/api-keys/", {
        "organization": enterprise.pk, "name": "Impersonate", "scopes": ["catalog:read"],
    }, format="json")
    assert response.status_code == 403
    assert not APIKey.objects.filter(organization=enterprise).exists()


def test_a_superuser_session_cannot_mint_an_enterprise_key_either(api_as, enterprise):
    from tests.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    response = api_as(superuser).post("/api/v1/api-keys/", {
        "organization": enterprise.pk, "name": "Impersonate", "scopes": ["catalog:read"],
    }, format="json")
    assert response.status_code == 403


def test_an_operator_key_cannot_read_a_thread_or_accept_a_quote(operator, enterprise):
    admin = MembershipFactory(organization=operator, role=Membership.Role.OWNER,
                              user__is_superuser=True, user__is_staff=True).user
    # Even forced onto the key, scopes of other kinds of organisation do nothing.
    key, raw = services.create_api_key(actor=admin, organization=operator, name="Ops",
                                       scopes=["catalog:read"])
    APIKey.objects.filter(pk=key.pk).update(scopes=sorted(services.API_KEY_SCOPES))
    vendor = VendorFactory()
    rfq = make_request(enterprise, [vendor])
    quote = make_quote(rfq, vendor)
    client = key_client(raw)
    assert client.get("/api/v1/message-threads/").status_code == 403
    assert client.post("/api/v1/message-threads/1/dispute-read/",
                       {"reason": "curious"}, format="json").status_code == 403
    assert not MessageAccessLog.objects.exists()
    accepted = client.post(f"/api/v1/quotes/{quote.pk}/accept/",
                           {"version": quote.version}, format="json")
    assert accepted.status_code == 403
    assert Quote.objects.get(pk=quote.pk).status != "accepted"


def test_a_key_cannot_be_created_with_scopes_of_another_kind(operator, vendor):
    with pytest.raises(services.ValidationError):
        make_key(operator, ["catalog:read", "solutions:write"])
    with pytest.raises(services.ValidationError):
        make_key(vendor, ["needs:write"])


def test_making_and_revoking_a_key_is_recorded(api_as, vendor):
    admin = owner_of(vendor)
    client = api_as(admin)
    made = client.post("/api/v1/api-keys/", {
        "organization": vendor.pk, "name": "CRM", "scopes": ["catalog:read", "keys:manage"],
    }, format="json", REMOTE_ADDR="10.0.0.8")
    assert made.status_code == 201
    key = APIKey.objects.get(pk=made.json()["id"])
    assert key_client(made.json()["key"]).post(
        f"/api/v1/api-keys/{key.pk}/revoke/").status_code == 200
    created, revoked = APIKeyEvent.objects.filter(key=key).order_by("at", "pk")
    assert (created.action, created.actor, created.actor_key) == ("created", admin, None)
    assert created.scopes == ["catalog:read", "keys:manage"]
    assert (revoked.action, revoked.actor, revoked.actor_key) == ("revoked", None, key)


# A key carries its owner's other memberships


@pytest.fixture
def two_hatted(enterprise):
    """An enterprise owner who also owns a vendor, and the enterprise key they made."""
    vendor = VendorFactory()
    maker = owner_of(enterprise)
    MembershipFactory(organization=vendor, user=maker, role=Membership.Role.OWNER)
    _, raw = make_key(enterprise, EVERY_ENTERPRISE_SCOPE, maker=maker)
    return vendor, key_client(raw)


def test_an_enterprise_key_never_reads_or_edits_its_makers_vendor_draft(two_hatted):
    vendor, client = two_hatted
    draft = SolutionFactory(vendor=vendor, status="draft", title_en="Secret plan")
    assert client.get(f"/api/v1/solutions/{draft.pk}/").status_code == 404
    assert "Secret plan" not in client.get("/api/v1/solutions/").content.decode()
    response = client.patch(f"/api/v1/solutions/{draft.pk}/", {"title_en": "Hijacked"},
                            format="json")
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title_en == "Secret plan"


def test_an_enterprise_key_never_reads_its_makers_vendor_quotes_or_threads(two_hatted):
    vendor, client = two_hatted
    rfq = make_request(EnterpriseFactory(), [vendor])  # another enterprise asks the vendor
    quote = make_quote(rfq, vendor)
    assert client.get(f"/api/v1/quotes/{quote.pk}/").status_code == 404
    assert client.get("/api/v1/quotes/").json()["count"] == 0
    assert client.get("/api/v1/message-threads/").json()["count"] == 0
    me = client.get("/api/v1/me/").json()
    assert me["principal"] == "api_key"
    assert [m["organization"]["kind"] for m in me["memberships"]] == ["enterprise"]


def test_an_operator_key_neither_edits_nor_creates_a_vendors_solution(operator, vendor):
    admin = owner_of(operator)
    key, raw = services.create_api_key(actor=admin, organization=operator, name="Ops",
                                       scopes=["catalog:read"])
    APIKey.objects.filter(pk=key.pk).update(scopes=sorted(services.API_KEY_SCOPES))
    solution = SolutionFactory(vendor=vendor, status="draft", title_en="Theirs")
    client = key_client(raw)
    assert client.patch(f"/api/v1/solutions/{solution.pk}/", {"title_en": "Ours"},
                        format="json").status_code == 403
    assert client.post("/api/v1/solutions/", {"title_en": "In their name",
                                              "vendor": vendor.pk},
                       format="json").status_code == 403
    assert Solution.objects.count() == 1
    solution.refresh_from_db()
    assert solution.title_en == "Theirs"


def test_an_operator_key_reads_the_review_queue_but_never_decides(operator):
    admin = owner_of(operator)
    _, raw = services.create_api_key(actor=admin, organization=operator, name="Ops",
                                     scopes=["catalog:read", "reviews:read"])
    client = key_client(raw)
    assert client.get("/api/v1/review-queue/").status_code == 200
    assert client.get("/api/v1/review-progress/").status_code == 200
    solution = SolutionFactory(status="in_review")
    assert client.post(f"/api/v1/solutions/{solution.pk}/approve/", {},
                       format="json").status_code == 403
    solution.refresh_from_db()
    assert solution.status == "in_review"


def test_the_service_account_cannot_be_made_staff():
    from django.db import IntegrityError, transaction

    account = services.service_account(EnterpriseFactory())
    account.is_superuser = True
    with pytest.raises(IntegrityError), transaction.atomic():
        account.save()
    assert not account.has_usable_password()


# Scopes applied everywhere


@pytest.mark.parametrize("path", [
    "/api/v1/search/?q=robot", "/api/v1/search/suggest/?q=ro", "/api/v1/organizations/",
    "/api/v1/me/", "/api/v1/api-keys/", "/api/v1/solutions/",
])
def test_a_key_without_catalog_read_reads_nothing(vendor, path):
    _, raw = make_key(vendor, ["webhooks:manage"])
    assert key_client(raw).get(path).status_code == 403


def test_a_key_without_catalog_read_gets_no_similar_solutions(vendor):
    solution = SolutionFactory(status="published")
    _, raw = make_key(vendor, ["webhooks:manage"])
    assert key_client(raw).get(f"/api/v1/search/similar/{solution.pk}/").status_code == 403


# Unknown filter values and orderings


@pytest.mark.parametrize("query, parameter", [
    ("scenario=no-such-scenario", "scenario"),
    ("industry=no-such-industry", "industry"),
    ("region=XX-00", "region"),
    ("ordering=price", "ordering"),
    ("ordering=-updated_at,secret", "ordering"),
])
def test_unknown_filter_values_and_orderings_are_a_400(api, query, parameter):
    response = api.get(f"/api/v1/solutions/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_known_filter_values_and_orderings_still_work(api):
    SolutionFactory(status="published")
    assert api.get("/api/v1/solutions/?ordering=-published_at,id").status_code == 200
    assert api.get("/api/v1/solutions/?scenario=2025-28").status_code == 200


def test_the_service_account_cannot_join_another_organisation(vendor, enterprise):
    from django.core.exceptions import ValidationError as ModelValidationError

    account = services.service_account(enterprise)
    with pytest.raises(ValueError):
        services.add_member(organization=vendor, user=account)
    with pytest.raises(ModelValidationError):
        Membership(user=account, organization=vendor).full_clean()
    assert list(account.memberships.values_list("organization", flat=True)) == [enterprise.pk]
