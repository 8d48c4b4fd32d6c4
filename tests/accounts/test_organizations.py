"""Organisations made and changed without a person's membership behind them (the catalog
import): the same field checks as the admin's, no owner, and a profile change that is saved
but not announced (update_organization announces people's edits)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Organization
from accounts.services import change_profile, create_organization
from core.models import OutboxEvent
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_is_made_without_an_owner_or_with_one():
    loaded = create_organization(kind=Organization.Kind.VENDOR, name="Loaded", external_ref="v-1")
    owner = UserFactory()
    founded = create_organization(kind=Organization.Kind.ENTERPRISE, name="Founded", owner=owner)

    assert not loaded.memberships.exists()
    assert founded.memberships.get().user == owner


def test_an_organisation_is_checked_as_the_admin_checks_it():
    with pytest.raises(ValidationError) as caught:
        create_organization(kind=Organization.Kind.VENDOR, name="Bad", website="not a url")

    assert "website" in caught.value.message_dict
    assert not Organization.objects.exists()


def test_change_profile_saves_what_differs_and_announces_nothing():
    vendor = VendorFactory(name="Old", region="CN-JS")

    assert change_profile(vendor, {"name": "New", "region": "CN-JS"}) == ["name"]
    assert change_profile(vendor, {"name": "New"}) == []

    vendor.refresh_from_db()
    assert vendor.name == "New"
    assert not OutboxEvent.objects.filter(topic="organization.updated").exists()
    with pytest.raises(ValueError, match="Not editable: kind"):
        change_profile(vendor, {"kind": "operator"})
