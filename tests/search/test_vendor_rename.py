"""A renamed vendor is found by its new name: accounts.services.update_organization emits
organization.updated, search reindexes the vendor's published solutions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership
from accounts.services import update_organization
from core.models import OutboxEvent
from search import suggestions
from search.backends import SearchQuery
from tests.factories import EnterpriseFactory, MembershipFactory, SolutionFactory, VendorFactory

pytestmark = pytest.mark.django_db


def found(backend, text):
    return {hit.id for hit in backend.search(SearchQuery(text=text)).hits}


@pytest.fixture
def vendor(db):
    return VendorFactory(name="Old Gear Works", name_zh="旧齿轮厂")


@pytest.fixture
def admin(vendor):
    return MembershipFactory(organization=vendor, role=Membership.Role.ADMIN).user


@pytest.fixture
def listed(publish, vendor):
    return publish(neutral=True, vendor=vendor, title_en="Spindle care")


def test_renaming_a_vendor_reindexes_its_published_solutions(
    backend, vendor, admin, listed, django_capture_on_commit_callbacks
):
    draft = SolutionFactory(vendor=vendor)  # never indexed
    assert found(backend, "old gear") == {listed.pk}
    with django_capture_on_commit_callbacks(execute=True):
        update_organization(actor=admin, organization=vendor, name="Bright Spindle Co",
                            name_zh="明亮主轴")
    assert found(backend, "bright spindle") == {listed.pk}
    assert found(backend, "明亮") == {listed.pk}
    assert found(backend, "old gear") == set()
    assert draft.pk not in found(backend, "bright spindle")
    event = OutboxEvent.objects.get(topic="organization.updated")
    assert event.payload == {"id": vendor.pk, "kind": "vendor", "changed": ["name", "name_zh"]}
    assert event.dispatched_at is not None


def test_the_vendors_suggestion_follows_the_rename(vendor, admin, listed,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update_organization(actor=admin, organization=vendor, name="Bright Spindle Co")
    assert [s.label_en for s in suggestions.suggest("bright")["vendors"]] == [
        "Bright Spindle Co"]
    assert suggestions.suggest("old gear")["vendors"] == []


def test_other_changes_leave_the_index_alone(backend, vendor, admin, listed, monkeypatch):
    from search import services

    calls = []
    monkeypatch.setattr(services, "sync_vendor", lambda pk: calls.append(pk))
    from core.relay import dispatch_pending

    update_organization(actor=admin, organization=vendor, website="https://gear.example.com")
    dispatch_pending()
    assert calls == []
    assert OutboxEvent.objects.get(topic="organization.updated").payload["changed"] == [
        "website"]


def test_saving_the_same_values_emits_nothing(vendor, admin):
    update_organization(actor=admin, organization=vendor, name="Old Gear Works")
    assert not OutboxEvent.objects.filter(topic="organization.updated").exists()


def test_only_an_owner_or_admin_edits(vendor):
    member = MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user
    outsider = MembershipFactory(organization=VendorFactory()).user
    for user in (member, outsider):
        with pytest.raises(PermissionDenied):
            update_organization(actor=user, organization=vendor, name="Taken over")
    vendor.refresh_from_db()
    assert vendor.name == "Old Gear Works"
    assert not OutboxEvent.objects.exists()


def test_invalid_values_and_fixed_fields_are_refused(vendor, admin):
    with pytest.raises(ValidationError) as error:
        update_organization(actor=admin, organization=vendor, website="not a url")
    assert "website" in error.value.message_dict
    with pytest.raises(ValueError):
        update_organization(actor=admin, organization=vendor, kind="operator")
    assert not OutboxEvent.objects.exists()


def test_renaming_an_enterprise_touches_no_solution(monkeypatch):
    from search import consumers, services

    enterprise = EnterpriseFactory()
    owner = MembershipFactory(organization=enterprise, role=Membership.Role.OWNER).user
    calls = []
    monkeypatch.setattr(services, "sync_vendor", lambda pk: calls.append(pk))
    update_organization(actor=owner, organization=enterprise, name="New name")
    consumers.reindex_vendor(OutboxEvent.objects.get(topic="organization.updated"))
    assert calls == []


# The API routes edits through the service


def test_an_admin_renames_through_the_api(api_as, vendor, admin, listed, backend,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(admin).patch(f"/api/v1/organizations/{vendor.pk}/",
                                       {"name": "Bright Spindle Co"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Bright Spindle Co"
    assert response.json()["kind"] == "vendor"
    assert found(backend, "bright spindle") == {listed.pk}


def test_api_edits_refuse_members_strangers_and_bad_values(api, api_as, vendor):
    member = MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user
    url = f"/api/v1/organizations/{vendor.pk}/"
    assert api.patch(url, {"name": "X"}, format="json").status_code in (401, 403)
    assert api_as(member).patch(url, {"name": "X"}, format="json").status_code == 403
    admin = MembershipFactory(organization=vendor, role=Membership.Role.OWNER).user
    response = api_as(admin).patch(url, {"website": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"website"}
    vendor.refresh_from_db()
    assert vendor.name == "Old Gear Works"


def test_an_api_key_needs_the_organization_scope(api, vendor):
    from accounts.services import create_api_key

    owner = MembershipFactory(organization=vendor, role=Membership.Role.OWNER).user
    _, reading = create_api_key(actor=owner, organization=vendor, name="r",
                                scopes=["catalog:read"])
    _, editing = create_api_key(actor=owner, organization=vendor, name="e",
                                scopes=["organization:write"])
    url = f"/api/v1/organizations/{vendor.pk}/"
    refused = api.patch(url, {"name": "Key Co"}, format="json",
                        HTTP_AUTHORIZATION=f"Api-Key {reading}")
    allowed = api.patch(url, {"name": "Key Co"}, format="json",
                        HTTP_AUTHORIZATION=f"Api-Key {editing}")
    assert (refused.status_code, allowed.status_code) == (403, 200)


def test_reading_organizations_stays_public(api, vendor):
    response = api.get(f"/api/v1/organizations/{vendor.pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == "Old Gear Works"
