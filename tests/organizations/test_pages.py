"""The web pages: a newcomer is prompted to register, registers and sees where it stands;
operators work the queue (others refused, anonymous sent to sign in); rejected applicants
correct and resubmit; the verified-only acts say why on the page instead of breaking."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from accounts.models import Membership, Organization
from catalog.models import SolutionStatus
from marketplace.models import Need
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    SolutionFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

S = Organization.Status
FORM = {"kind": "vendor", "name_zh": "常州精密机械有限公司", "name": "Changzhou Precision",
        "credit_code": "91350100m000100y43", "region": "CN-JS", "industry": "machine-tools",
        "size": "small", "website": "https://precision.example.com", "description": "CNC."}


@pytest.fixture
def operator_user(operator):
    return MembershipFactory(organization=operator).user


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/organizations/register/", "/organizations/status/",
                                  "/operations/organizations/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_a_newcomer_is_prompted_on_the_dashboard(client):
    page = signed_in(client, UserFactory()).get("/dashboard/").content.decode()
    assert "Register your organisation" in page
    assert "ask a colleague to invite you" in page
    assert 'href="/organizations/register/"' in page


def test_a_newcomer_registers_and_sees_it_awaiting_verification(client):
    person = UserFactory()
    client = signed_in(client, person)
    form = client.get("/organizations/register/").content.decode()
    assert "Jiangsu" in form  # regions by name, not code

    response = client.post("/organizations/register/", FORM)
    assert response.status_code == 302 and response["Location"] == "/organizations/status/"
    organization = Organization.objects.get(credit_code="91350100M000100Y43")
    assert (organization.status, organization.credit_code) == (S.PENDING, "91350100M000100Y43")
    assert organization.memberships.get().user == person

    status = client.get("/organizations/status/").content.decode()
    assert "awaiting verification" in status
    assert "write draft solutions" in status and "wait for verification" in status
    dashboard = client.get("/dashboard/").content.decode()
    assert "awaiting verification" in dashboard


def test_the_form_names_what_is_wrong(client):
    client = signed_in(client, UserFactory())
    response = client.post("/organizations/register/",
                           {**FORM, "credit_code": "91350100M000100Y44", "name": "",
                            "name_zh": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "check character" in page and "in Chinese or English" in page
    assert not Organization.objects.exists()


def test_who_already_has_a_vendor_can_only_register_an_enterprise(client):
    member = MembershipFactory(organization=VendorFactory()).user
    client = signed_in(client, member)
    page = client.get("/organizations/register/").content.decode()
    assert 'value="enterprise"' in page and 'value="vendor"' not in page
    response = client.post("/organizations/register/", FORM)  # vendor: not offered
    assert response.status_code == 200
    assert not Organization.objects.filter(status=S.PENDING).exists()


def test_the_queue_is_for_operator_staff(client, operator_user):
    assert signed_in(client, MembershipFactory(organization=VendorFactory()).user).get(
        "/operations/organizations/").status_code == 403
    assert signed_in(client, MembershipFactory(organization=EnterpriseFactory(), role="owner")
                     .user).get("/operations/organizations/").status_code == 403

    applicant = UserFactory(first_name="Li", last_name="Wei", email="li@example.com")
    signed_in(client, applicant).post("/organizations/register/", FORM)
    VendorFactory(status=S.VERIFIED, name="Long verified")
    page = signed_in(client, operator_user).get("/operations/organizations/").content.decode()
    assert "91350100M000100Y43" in page and "Jiangsu" in page
    assert "https://precision.example.com" in page and "li@example.com" in page
    assert "Long verified" not in page  # pending only, unless asked
    assert 'href="/operations/organizations/"' in page  # the nav's link for operators


def test_operator_rejects_with_a_reason_and_the_applicant_resubmits(client, operator_user):
    applicant = UserFactory()
    signed_in(client, applicant).post("/organizations/register/", FORM)
    organization = Organization.objects.get(credit_code="91350100M000100Y43")

    client = signed_in(client, operator_user)
    client.post(f"/operations/organizations/{organization.pk}/reject/", {"reason": ""})
    organization.refresh_from_db()
    assert organization.status == S.PENDING  # a reason is required
    client.post(f"/operations/organizations/{organization.pk}/reject/",
                {"reason": "The name differs from the licence."})
    organization.refresh_from_db()
    assert organization.status == S.REJECTED
    # A second operator's stale decision changes nothing and says so.
    stale = client.post(f"/operations/organizations/{organization.pk}/verify/", follow=True)
    assert "already decided" in stale.content.decode()
    organization.refresh_from_db()
    assert organization.status == S.REJECTED

    client = signed_in(client, applicant)
    page = client.get("/organizations/status/").content.decode()
    assert "The name differs from the licence." in page
    prefix = f"org{organization.pk}-"
    client.post(f"/organizations/{organization.pk}/resubmit/",
                {prefix + name: value for name, value in
                 {**FORM, "name": "Changzhou Precision Machinery"}.items()})
    organization.refresh_from_db()
    assert (organization.status, organization.name) == (S.PENDING,
                                                        "Changzhou Precision Machinery")

    client = signed_in(client, operator_user)
    client.post(f"/operations/organizations/{organization.pk}/verify/")
    organization.refresh_from_db()
    assert organization.is_verified


def test_a_plain_member_cannot_resubmit(client):
    vendor = VendorFactory(status=S.REJECTED, credit_code="91350100M000100Y43", region="CN-JS")
    member = MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user
    client = signed_in(client, member)
    assert "Send to the operator again" not in client.get("/organizations/status/")\
        .content.decode()
    response = client.post(f"/organizations/{vendor.pk}/resubmit/",
                           {f"org{vendor.pk}-{k}": v for k, v in FORM.items()})
    assert response.status_code == 403
    vendor.refresh_from_db()
    assert vendor.status == S.REJECTED


def test_a_pending_vendor_submitting_is_told_why(client):
    vendor = VendorFactory(status=S.PENDING)
    draft = SolutionFactory(vendor=vendor)
    client = signed_in(client, MembershipFactory(organization=vendor).user)
    response = client.post(f"/solutions/{draft.pk}/submit/", follow=True)
    assert response.status_code == 200
    assert "awaiting verification" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == SolutionStatus.DRAFT


def test_a_pending_enterprise_posting_a_public_need_keeps_its_form(client):
    enterprise = EnterpriseFactory(status=S.PENDING)
    client = signed_in(client, MembershipFactory(organization=enterprise).user)
    response = client.post("/needs/new/", {
        "title": "Cut downtime", "description": "Spindles fail.", "language": "en",
        "visibility": "public", "current_level": 1, "target_level": 2})
    page = response.content.decode()
    assert response.status_code == 200
    assert "awaiting verification" in page and "post it as private" in page
    assert 'name="title"' in page and "Cut downtime" in page
    assert not Need.objects.exists()


def test_verified_badge_on_vendor_pages_cards_and_in_the_api(client):
    verified = VendorFactory(status=S.VERIFIED, name="Trusted Vendor")
    solution = SolutionFactory(vendor=verified, status=SolutionStatus.PUBLISHED)
    pending = VendorFactory(status=S.PENDING, name="New Vendor")

    assert "badge--verified" in client.get(f"/vendors/{verified.pk}/").content.decode()
    assert "badge--verified" not in client.get(f"/vendors/{pending.pk}/").content.decode()
    assert "badge--verified" in client.get(f"/solutions/{solution.pk}/").content.decode()
    card = client.get("/").content.decode()
    assert "Trusted Vendor" in card and "badge--verified" in card
    api = client.get(f"/api/v1/solutions/{solution.pk}/").json()
    assert api["vendor"]["verified"] is True


def test_registering_goes_back_where_the_person_was_going(client):
    client = signed_in(client, UserFactory())
    form = client.get("/organizations/register/?next=/needs/new/").content.decode()
    assert 'name="next" value="/needs/new/"' in form
    back = client.post("/organizations/register/", {**FORM, "kind": "enterprise",
                                                    "next": "/needs/new/"})
    assert back["Location"] == "/needs/new/"

    elsewhere = signed_in(client, UserFactory()).post(
        "/organizations/register/", {**FORM, "credit_code": "91320500MA1XXXXXXC",
                                     "next": "https://evil.example.com/"})
    assert elsewhere["Location"] == "/organizations/status/"


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def test_a_newcomer_registers_with_a_logo_checked_by_its_bytes(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = signed_in(client, UserFactory())
    page = client.post("/organizations/register/", {
        **FORM, "logo": SimpleUploadedFile("logo.png", b"<html><script>x</script></html>",
                                           content_type="image/png")})
    assert page.status_code == 200
    assert "PNG, JPEG or WebP" in page.content.decode()
    assert not Organization.objects.exists()  # nothing half-written

    response = client.post("/organizations/register/", {
        **FORM, "logo": SimpleUploadedFile("anything.exe", PNG,
                                           content_type="application/octet-stream")})
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.logo.name.endswith(".png")
    assert organization.status == S.PENDING
