"""An organisation's profile page (/organization/profile/): owners and admins edit it through
accounts.services.update_organization, members read it, everyone else is refused; the logo
is checked by its content and served publicly under a random name; the lists are capped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import limits
from accounts.models import Membership
from core.models import OutboxEvent
from tests.factories import EnterpriseFactory, MembershipFactory, VendorFactory

pytestmark = pytest.mark.django_db

# The first bytes of each format: what the check reads (filetype), whatever the name says.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
URL = "/organization/profile/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def profile_post(**overrides):
    data = {
        "name": "Suzhou Lianxin Intelligent Technology Co., Ltd.",
        "name_zh": "苏州联信智能科技有限公司",
        "region": "CN-JS",
        "website": "https://lianxin.example.com",
        "description": "Condition monitoring for CNC machine tools.",
        "description_zh": "数控机床状态监测。",
        "service_regions": ["CN-JS", "CN-ZJ"],
        **management("certifications", 1),
        "certifications-0-name": "ISO 9001",
        "certifications-0-issuer": "CQC",
        "certifications-0-number": "00123Q",
        "certifications-0-valid_until": "2027-06-30",
        **management("contacts", 1),
        "contacts-0-name": "Wang Lei",
        "contacts-0-title": "Sales director",
        "contacts-0-email": "wang@lianxin.example.com",
        "contacts-0-phone": "+86 512 0000 0000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def vendor_admin(vendor):
    return MembershipFactory(organization=vendor, role=Membership.Role.ADMIN).user


def test_an_admin_edits_the_profile_and_it_is_announced(client, vendor, vendor_admin):
    client.force_login(vendor_admin)
    assert client.get(URL).status_code == 200

    response = client.post(URL, profile_post())

    assert response.status_code == 302, response.context and response.context["form"].errors
    vendor.refresh_from_db()
    assert vendor.description_zh == "数控机床状态监测。"
    assert vendor.service_regions == ["CN-JS", "CN-ZJ"]
    assert vendor.certifications == [{"name": "ISO 9001", "issuer": "CQC", "number": "00123Q",
                                      "valid_until": "2027-06-30"}]
    assert vendor.contacts[0]["email"] == "wang@lianxin.example.com"
    event = OutboxEvent.objects.get(topic="organization.updated")
    assert "certifications" in event.payload["changed"]


def test_a_member_reads_the_profile_but_cannot_change_it(client, vendor):
    member = MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user
    client.force_login(member)

    page = client.get(URL)
    refused = client.post(URL, profile_post(name="Taken over"))

    assert page.status_code == 200 and b'name="name"' not in page.content
    assert refused.status_code == 403
    vendor.refresh_from_db()
    assert vendor.name != "Taken over"


def test_another_organisations_admin_edits_only_their_own(client, vendor):
    other = VendorFactory(name="Other vendor")
    admin = MembershipFactory(organization=other, role=Membership.Role.ADMIN).user
    client.force_login(admin)

    client.post(URL, profile_post(name="Renamed by a stranger"))

    vendor.refresh_from_db()
    other.refresh_from_db()
    assert vendor.name != "Renamed by a stranger"
    assert other.name == "Renamed by a stranger"


def test_anonymous_is_sent_to_sign_in_and_a_person_without_organisation_is_refused(client,
                                                                                 user):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("account_login") in response.url

    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_an_enterprise_keeps_the_common_fields(client):
    enterprise = EnterpriseFactory()
    owner = MembershipFactory(organization=enterprise).user
    client.force_login(owner)

    page = client.get(URL)
    response = client.post(URL, {"name": "Changzhou Gear Works", "description_zh": "齿轮。"})

    assert b"certifications-TOTAL_FORMS" not in page.content
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.description_zh == "齿轮。"


def test_add_another_row_works_without_script_and_saves_nothing(client, vendor, vendor_admin):
    client.force_login(vendor_admin)

    response = client.post(URL, {**profile_post(name="Not yet"), "add-certifications": "1"})

    assert response.status_code == 200
    assert response.context["certifications"].total_form_count() == 2
    vendor.refresh_from_db()
    assert vendor.name != "Not yet"


def test_the_lists_are_capped(client, vendor, vendor_admin):
    client.force_login(vendor_admin)
    too_many = limits.CONTACTS_MAX + 1
    rows = {}
    for i in range(too_many):
        rows.update({f"contacts-{i}-name": f"Person {i}", f"contacts-{i}-email": f"p{i}@x.cn"})

    response = client.post(URL, {**profile_post(), **management("contacts", too_many), **rows})

    assert response.status_code == 200
    assert response.context["contacts"].non_form_errors()
    vendor.refresh_from_db()
    assert vendor.contacts == []


def test_unknown_regions_are_refused_naming_the_field(client, vendor, vendor_admin):
    client.force_login(vendor_admin)

    response = client.post(URL, profile_post(service_regions=["XX-NOPE"]))

    assert response.status_code == 200
    assert "service_regions" in response.context["form"].errors


def test_a_png_logo_is_stored_under_a_random_name_and_served_publicly(client, vendor,
                                                                      vendor_admin):
    client.force_login(vendor_admin)
    logo = SimpleUploadedFile("logo.exe", PNG, content_type="application/octet-stream")

    response = client.post(URL, profile_post(logo=logo))

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.logo.name.startswith("logos/") and vendor.logo.name.endswith(".png")
    assert "logo" not in vendor.logo.name.rpartition("/")[2]
    client.logout()
    served = client.get(reverse("organization-logo", args=[vendor.pk, vendor.logo_token]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served["Cache-Control"] and "public" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == PNG
    stale = client.get(reverse("organization-logo", args=[vendor.pk, "0" * 32]))
    assert stale.status_code == 404


@pytest.mark.parametrize("name, content", [("logo.png", HTML), ("logo.svg", SVG),
                                           ("logo.png", b"")])
def test_a_logo_that_is_not_a_png_jpeg_or_webp_is_refused(client, vendor, vendor_admin,
                                                          name, content):
    client.force_login(vendor_admin)

    response = client.post(URL, profile_post(logo=SimpleUploadedFile(name, content)))

    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    vendor.refresh_from_db()
    assert not vendor.logo


def test_a_logo_over_one_mebibyte_is_refused(client, vendor, vendor_admin):
    client.force_login(vendor_admin)
    big = JPEG + b"\x00" * limits.LOGO_MAX_BYTES

    response = client.post(URL, profile_post(logo=SimpleUploadedFile("big.jpg", big)))

    assert "logo" in response.context["form"].errors
    vendor.refresh_from_db()
    assert not vendor.logo


def test_a_logo_is_removed(client, vendor, vendor_admin):
    client.force_login(vendor_admin)
    client.post(URL, profile_post(logo=SimpleUploadedFile("a.png", PNG)))

    client.post(URL, profile_post(remove_logo="on"))

    vendor.refresh_from_db()
    assert not vendor.logo
