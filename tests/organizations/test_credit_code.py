"""The unified social credit code (GB 32100-2015): its check character, and that every path
setting it (model, admin form, API PATCH, catalog import) refuses a wrong one by field."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Organization
from accounts.services import change_profile, create_organization
from accounts.validators import (
    check_character,
    credit_code_problem,
    is_valid_credit_code,
    validate_credit_code,
)
from tests.factories import EnterpriseFactory, MembershipFactory, VendorFactory

# Published example, plus codes whose check character was worked out by hand:
# 91320500MA1XXXXXX + C: sum of value×3^i mod 31 = 19, 31 − 19 = 12 → "C".
VALID = ["91350100M000100Y43", "91320500MA1XXXXXXC", "91320500MA1XYW000G",
         "91320594MA1W8K3T2R", "91110108MA01R5T9X9"]


@pytest.mark.parametrize("code", VALID)
def test_known_valid_codes_pass(code):
    assert credit_code_problem(code) is None
    assert is_valid_credit_code(code.lower() + "  ")  # normalised: stripped, upper case


def test_check_character_wraps_31_to_0():
    # A first 17 whose weighted sum is a multiple of 31: the check character is "0".
    assert check_character("00000000000000000") == "0"


@pytest.mark.parametrize("code, words", [
    ("91350100M000100Y44", "check character"),   # wrong digit
    ("91350100M000100Y4", "18 characters"),       # too short
    ("91350100M000100Y433", "18 characters"),     # too long
    ("91350100I000100Y43", "cannot appear"),      # I
    ("91350100O000100Y43", "cannot appear"),      # O
    ("91350100Z000100Y43", "cannot appear"),      # Z
    ("91350100S000100Y43", "cannot appear"),      # S
    ("91350100V000100Y43", "cannot appear"),      # V
])
def test_wrong_codes_are_refused_with_a_reason(code, words):
    assert words in str(credit_code_problem(code))
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_the_model_refuses_a_wrong_code_by_field_and_normalises_a_good_one(db):
    with pytest.raises(ValidationError) as caught:
        create_organization(kind=Organization.Kind.VENDOR, name="V",
                            credit_code="91350100M000100Y44")
    assert "credit_code" in caught.value.message_dict

    made = create_organization(kind=Organization.Kind.VENDOR, name="V",
                               credit_code=" 91350100m000100y43 ")
    assert made.credit_code == "91350100M000100Y43"


def test_a_code_is_used_once_per_kind_with_a_clear_message(db):
    VendorFactory(credit_code="91350100M000100Y43")
    with pytest.raises(ValidationError) as caught:
        create_organization(kind=Organization.Kind.VENDOR, name="Copy",
                            credit_code="91350100M000100Y43")
    assert "already registered" in caught.value.message_dict["credit_code"][0]
    # The same company may also be an enterprise on the marketplace.
    create_organization(kind=Organization.Kind.ENTERPRISE, name="Buyer side",
                        credit_code="91350100M000100Y43")


def test_change_profile_refuses_a_wrong_code(db):
    vendor = VendorFactory()
    with pytest.raises(ValidationError) as caught:
        change_profile(vendor, {"credit_code": "91350100M000100Y44"})
    assert "credit_code" in caught.value.message_dict


def test_api_patch_refuses_a_wrong_or_taken_code_naming_the_field(db, api_as):
    vendor = VendorFactory()
    EnterpriseFactory(credit_code="91320500MA1XXXXXXC")
    VendorFactory(credit_code="91320594MA1W8K3T2R")
    admin = MembershipFactory(organization=vendor, role="owner").user
    client = api_as(admin)

    wrong = client.patch(f"/api/v1/organizations/{vendor.pk}/",
                         {"credit_code": "91350100M000100Y44"}, format="json")
    taken = client.patch(f"/api/v1/organizations/{vendor.pk}/",
                         {"credit_code": "91320594MA1W8K3T2R"}, format="json")
    fine = client.patch(f"/api/v1/organizations/{vendor.pk}/",
                        {"credit_code": "91320500MA1XXXXXXC"}, format="json")

    assert wrong.status_code == 400 and "credit_code" in str(wrong.json())
    assert taken.status_code == 400 and "credit_code" in str(taken.json())
    assert fine.status_code == 200, fine.content


def test_admin_form_refuses_a_wrong_code(admin_client):
    response = admin_client.post("/admin/accounts/organization/add/", {
        "kind": "vendor", "name": "Admin-made", "credit_code": "91350100M000100Y44",
        "status": "verified", "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200  # the form again, with the error
    assert "check character" in response.content.decode()
    assert not Organization.objects.filter(name="Admin-made").exists()


def test_the_catalog_import_refuses_a_wrong_code(db):
    from importer.schema import Invalid, credit_code

    assert credit_code("91350100m000100y43", None) == "91350100M000100Y43"
    with pytest.raises(Invalid, match="unified social credit code"):
        credit_code("91350100M000100Y44", None)


def test_admin_does_not_change_a_verification_past_the_queue(admin_client):
    vendor = VendorFactory(status=Organization.Status.PENDING, name="Waiting")
    page = admin_client.get(f"/admin/accounts/organization/{vendor.pk}/change/")
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
