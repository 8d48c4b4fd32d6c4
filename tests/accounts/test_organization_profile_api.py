"""The organisation profile through the API (PATCH /api/v1/organizations/{id}/): the
bilingual description, regions served, certifications and contacts, each capped and checked
with a 400 naming the field; the logo by multipart; contacts read by signed-in callers only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import limits
from accounts.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
CONTACT = {"name": "Wang Lei", "title": "Sales", "email": "wang@x.cn", "phone": ""}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin(vendor):
    return MembershipFactory(organization=vendor, role=Membership.Role.ADMIN).user


def url(organization):
    return f"/api/v1/organizations/{organization.pk}/"


def test_an_admin_patches_the_profile(api_as, admin, vendor):
    response = api_as(admin).patch(url(vendor), {
        "description_zh": "数控机床状态监测。",
        "service_regions": ["CN-JS", "CN-SH", "CN-JS"],
        "certifications": [{"name": "ISO 9001", "issuer": "CQC", "valid_until": "2027-01-01"}],
        "contacts": [CONTACT],
    }, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["service_regions"] == ["CN-JS", "CN-SH"]
    assert body["certifications"] == [{"name": "ISO 9001", "issuer": "CQC", "number": "",
                                       "valid_until": "2027-01-01"}]
    assert body["contacts"] == [CONTACT]


@pytest.mark.parametrize("field, value", [
    ("service_regions", ["XX-NOPE"]),
    ("service_regions", ["CN-JS"] * (limits.SERVICE_REGIONS_MAX + 1)),
    ("certifications", [{"name": "ISO"}] * (limits.CERTIFICATIONS_MAX + 1)),
    ("certifications", [{"name": "ISO", "valid_until": "soon"}]),
    ("contacts", [CONTACT] * (limits.CONTACTS_MAX + 1)),
    ("contacts", [{"name": "No way to reach"}]),
    ("description_zh", "长" * (limits.ORGANIZATION_DESCRIPTION_MAX_CHARS + 1)),
])
def test_bad_profile_input_is_a_400_naming_the_field(api_as, admin, vendor, field, value):
    response = api_as(admin).patch(url(vendor), {field: value}, format="json")

    assert response.status_code == 400
    assert field in str(response.json())


def test_a_member_cannot_patch(api_as, vendor):
    member = MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user

    response = api_as(member).patch(url(vendor), {"description_zh": "x"}, format="json")

    assert response.status_code == 403


def test_the_logo_by_multipart_checked_by_content(api_as, admin, vendor):
    client = api_as(admin)

    refused = client.patch(url(vendor), {"logo": SimpleUploadedFile("a.png", b"<svg/>")},
                           format="multipart")
    accepted = client.patch(url(vendor), {"logo": SimpleUploadedFile("a.bin", PNG)},
                            format="multipart")

    assert refused.status_code == 400 and "logo" in refused.json()["errors"]
    assert accepted.status_code == 200
    logo_url = accepted.json()["logo_url"]
    assert logo_url.startswith(f"/organizations/{vendor.pk}/logo/")
    assert api_as(admin).get(logo_url).status_code == 200


def test_contacts_are_read_by_signed_in_callers_only(api, api_as, user, vendor):
    vendor.contacts = [CONTACT]
    vendor.save()

    assert api.get(url(vendor)).json()["contacts"] == []
    assert api_as(user).get(url(vendor)).json()["contacts"] == [CONTACT]
