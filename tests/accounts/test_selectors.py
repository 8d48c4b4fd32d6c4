"""The shared reads about membership: the organisations of a kind a person belongs to, a
filter on them, and the organisation a person acts for (or a 403)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts import selectors as people
from accounts.models import Membership, Organization
from catalog.models import Solution
from tests.factories import EnterpriseFactory, MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db
VENDOR, ENTERPRISE = Organization.Kind.VENDOR, Organization.Kind.ENTERPRISE


def test_organizations_of_a_kind(vendor, vendor_user):
    other_enterprise = EnterpriseFactory()
    MembershipFactory(organization=other_enterprise, user=vendor_user,
                      role=Membership.Role.ADMIN)
    assert list(people.organizations_of(vendor_user, VENDOR)) == [vendor]
    assert list(people.organizations_of(vendor_user, ENTERPRISE)) == [other_enterprise]
    assert set(people.organizations_of(vendor_user)) == {vendor, other_enterprise}
    assert list(people.organizations_of(vendor_user, roles=[Membership.Role.ADMIN])) == [
        other_enterprise]
    assert not people.organizations_of(AnonymousUser(), VENDOR).exists()


def test_a_filter_on_the_organisations_a_person_belongs_to(vendor, vendor_user, enterprise_user):
    own = SolutionFactory(vendor=vendor)
    SolutionFactory()
    assert list(Solution.objects.filter(people.in_organizations_of(vendor_user, "vendor"))) == [
        own]
    assert list(Solution.objects.filter(
        people.in_organizations_of(vendor_user, "vendor", VENDOR))) == [own]
    assert not Solution.objects.filter(people.in_organizations_of(enterprise_user, "vendor"))
    assert not Solution.objects.filter(people.in_organizations_of(AnonymousUser(), "vendor"))


def test_the_acting_organisation_or_a_refusal(vendor, vendor_user, enterprise, enterprise_user):
    assert people.acting_organization(vendor_user, VENDOR, "no") == vendor
    assert people.acting_organization(enterprise_user, ENTERPRISE, "no") == enterprise
    with pytest.raises(PermissionDenied, match="Only members of an enterprise"):
        people.acting_organization(vendor_user, ENTERPRISE, "Only members of an enterprise.")
