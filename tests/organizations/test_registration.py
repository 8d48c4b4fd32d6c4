"""Registering an organisation and the operators' verification: who may, what it checks, the
workflow's refusals (409 on a stale state, 403 for a wrong role) and the events."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import registration
from accounts.models import Membership, Organization
from accounts.services import service_account
from core.models import OutboxEvent
from core.workflow import TransitionNotAllowed
from tests.factories import MembershipFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

S = Organization.Status
FIELDS = {"name": "Nantong Gear Works Co., Ltd.", "name_zh": "南通齿轮有限公司",
          "credit_code": "91350100M000100Y43", "region": "CN-JS",
          "industry": "general-equipment", "size": "small",
          "website": "https://gears.example.com", "description": "Gearboxes."}


def register(actor, kind="vendor", **overrides):
    return registration.register_organization(actor=actor, kind=kind,
                                              **{**FIELDS, **overrides})


@pytest.fixture
def operator_user(operator):
    return MembershipFactory(organization=operator).user


def test_a_person_registers_a_pending_organisation_they_own():
    person = UserFactory()
    organization = register(person)

    assert organization.status == S.PENDING and not organization.is_verified
    assert organization.memberships.get().user == person
    assert organization.memberships.get().role == Membership.Role.OWNER
    event = OutboxEvent.objects.get(topic="organization.registered")
    assert event.payload == {"id": organization.pk, "kind": "vendor"}


def test_a_name_in_one_language_is_enough_but_one_is_needed():
    only_zh = register(UserFactory(), name="", name_zh="苏州精工")
    assert (only_zh.name, only_zh.name_zh) == ("苏州精工", "苏州精工")

    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), name=" ", name_zh="", credit_code="91320500MA1XXXXXXC")
    assert "name" in caught.value.message_dict


@pytest.mark.parametrize("field, value", [
    ("region", "XX-99"), ("region", ""), ("industry", "basket-weaving"),
    ("credit_code", ""), ("credit_code", "91350100M000100Y44"), ("website", "not a url"),
])
def test_codes_are_checked_against_the_taxonomy_and_fields_named(field, value):
    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), **{field: value})
    assert field in caught.value.message_dict
    assert not Organization.objects.exists()


def test_who_may_not_register():
    member = MembershipFactory(organization=VendorFactory()).user
    with pytest.raises(PermissionDenied):
        register(member, kind="vendor")  # already belongs to a vendor
    register(member, kind="enterprise")  # but may register an enterprise

    key_principal = service_account(VendorFactory())
    with pytest.raises(PermissionDenied):
        register(key_principal, kind="enterprise")

    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), kind="operator")
    assert "kind" in caught.value.message_dict


def test_a_second_registration_with_the_same_code_is_refused_in_words():
    register(UserFactory())
    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), name="Copycat")
    assert "already registered" in caught.value.message_dict["credit_code"][0]


def test_operator_verifies_and_the_applicant_cannot(operator_user):
    applicant = UserFactory()
    organization = register(applicant)

    with pytest.raises(PermissionDenied):
        registration.verify_organization(actor=applicant, organization=organization)
    with pytest.raises(PermissionDenied):
        registration.verify_organization(
            actor=MembershipFactory(organization=VendorFactory()).user,
            organization=organization)

    verified = registration.verify_organization(actor=operator_user, organization=organization)
    assert verified.status == S.VERIFIED and verified.status_changed_at is not None
    assert OutboxEvent.objects.filter(topic="organization.verified").count() == 1
    # A second operator deciding the same application from a stale page: 409.
    with pytest.raises(TransitionNotAllowed):
        registration.reject_organization(actor=operator_user, organization=organization,
                                         reason="Too late")


def test_reject_needs_a_reason_then_the_applicant_corrects_and_resubmits(operator_user):
    applicant = UserFactory()
    organization = register(applicant)

    with pytest.raises(ValidationError) as caught:
        registration.reject_organization(actor=operator_user, organization=organization,
                                         reason="  ")
    assert "reason" in caught.value.message_dict
    rejected = registration.reject_organization(
        actor=operator_user, organization=organization, reason="The licence name differs.")
    assert (rejected.status, rejected.status_reason) == (S.REJECTED,
                                                         "The licence name differs.")
    assert OutboxEvent.objects.filter(topic="organization.rejected").count() == 1

    with pytest.raises(PermissionDenied):  # the operator does not resubmit for them
        registration.resubmit_organization(actor=operator_user, organization=organization)
    with pytest.raises(ValidationError):
        registration.resubmit_organization(actor=applicant, organization=organization,
                                           region="XX-99")
    again = registration.resubmit_organization(actor=applicant, organization=organization,
                                               name="Nantong Gear Works Ltd.")
    assert (again.status, again.name) == (S.PENDING, "Nantong Gear Works Ltd.")
    assert OutboxEvent.objects.filter(topic="organization.registered",
                                      payload__resubmitted=True).exists()
    # Pending again: resubmitting twice is a stale move.
    with pytest.raises(TransitionNotAllowed):
        registration.resubmit_organization(actor=applicant, organization=organization)


def test_require_verified_speaks_of_the_state():
    organization = register(UserFactory())
    with pytest.raises(registration.NotVerified, match="awaiting verification"):
        registration.require_verified(organization)
    organization.status = S.REJECTED
    with pytest.raises(registration.NotVerified, match="not accepted"):
        registration.require_verified(organization)
    organization.status = S.VERIFIED
    registration.require_verified(organization)


def test_a_simultaneous_second_registration_is_refused_in_words(monkeypatch):
    """Both pass clean() at the same moment; the database's constraint refuses the second."""
    register(UserFactory())
    monkeypatch.setattr(Organization, "clean", lambda self: None)
    with pytest.raises(ValidationError) as caught:
        register(UserFactory(), name="Racer")
    assert "already registered" in caught.value.message_dict["credit_code"][0]


def test_without_the_catalogs_taxonomy_registration_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from accounts import taxonomy

    monkeypatch.setattr(taxonomy, "_provider", None)
    with pytest.raises(ImproperlyConfigured):
        register(UserFactory())
    assert not Organization.objects.exists()
