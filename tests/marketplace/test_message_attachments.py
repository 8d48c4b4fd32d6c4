"""Files sent with messages: judged by content like solutions' attachments, downloaded only by
the thread's two parties, and by operator staff for a dispute (logged)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from accounts.models import Membership
from marketplace import limits as market_limits
from marketplace.models import Message, MessageAccessLog, MessageAttachment
from tests.factories import EnterpriseFactory, MembershipFactory, VendorFactory

from .factories import make_request, member_of

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 240
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def rfq(enterprise, vendor):
    return make_request(enterprise, [vendor])


@pytest.fixture
def staff(operator):
    return MembershipFactory(organization=operator, role=Membership.Role.MEMBER).user


def upload(name, data, claimed="application/pdf"):
    return SimpleUploadedFile(name, data, claimed)


@pytest.fixture
def attachment(api_as, rfq, vendor, enterprise_user):
    response = api_as(enterprise_user).post(
        "/api/v1/message-threads/",
        {
            "request": rfq.pk,
            "vendor": vendor.pk,
            "body": "Drawing attached",
            "attachments": [upload("spindle drawing.pdf", pdf())],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return MessageAttachment.objects.get()


def download(client, attachment, **params):
    return client.get(f"/api/v1/message-attachments/{attachment.pk}/download/", params)


def test_api_posts_a_message_with_files_and_lists_them(
    api_as, attachment, vendor_user, enterprise_user
):
    thread = attachment.message.thread
    with_png = api_as(vendor_user).post(
        f"/api/v1/message-threads/{thread.pk}/messages/",
        {"attachments": [upload("photo.jpg", PNG, "image/jpeg")]},
        format="multipart",
    )
    assert with_png.status_code == 201, with_png.content  # files alone make a message
    [sent] = with_png.json()["attachments"]
    assert sent["content_type"] == "image/png"  # by content, not by name or claim
    assert sent["original_name"] == "photo.jpg"
    assert MessageAttachment.objects.get(pk=sent["id"]).file.name.endswith(".png")
    listed = api_as(enterprise_user).get(
        f"/api/v1/message-threads/{thread.pk}/messages/").json()["results"]
    assert [[a["original_name"] for a in m["attachments"]] for m in listed] == [
        ["spindle drawing.pdf"],
        ["photo.jpg"],
    ]
    assert listed[0]["attachments"][0]["download"] == (
        f"/api/v1/message-attachments/{attachment.pk}/download/"
    )


def test_the_two_parties_download(api_as, attachment, enterprise_user, vendor_user):
    for user in (enterprise_user, vendor_user):
        response = download(api_as(user), attachment)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
    assert not MessageAccessLog.objects.exists()


def test_another_enterprise_or_vendor_gets_404(
    api_as, attachment, rfq, other_enterprise_user, other_vendor_user, client
):
    second_invited = VendorFactory()
    rfq.vendors.add(second_invited)  # asked on the same request, but not party to this thread
    for user in (other_enterprise_user, other_vendor_user, member_of(second_invited)):
        assert download(api_as(user), attachment).status_code == 404
        client.force_login(user)
        assert client.get(reverse("message-attachment", args=[attachment.pk])).status_code == 404
    assert download(api_as(other_vendor_user), attachment).json()["status"] == 404


def test_a_disguised_file_is_refused_naming_the_field(api_as, rfq, vendor, enterprise_user, media):
    response = api_as(enterprise_user).post(
        "/api/v1/message-threads/",
        {
            "request": rfq.pk,
            "vendor": vendor.pk,
            "body": "Invoice",
            "attachments": [upload("invoice.pdf", EXE)],
        },
        format="multipart",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["attachments"]
    assert "invoice.pdf" in errors["attachments"][0] and "not accepted" in errors["attachments"][0]
    assert not Message.objects.exists() and not MessageAttachment.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_too_many_files_are_refused(api_as, rfq, vendor, enterprise_user):
    files = [upload(f"page-{i}.png", PNG) for i in range(market_limits.MESSAGE_ATTACHMENTS_MAX + 1)]
    response = api_as(enterprise_user).post(
        "/api/v1/message-threads/",
        {"request": rfq.pk, "vendor": vendor.pk, "attachments": files},
        format="multipart",
    )
    assert response.status_code == 400 and "attachments" in response.json()["errors"]


def test_a_message_needs_text_or_a_file(api_as, rfq, vendor, enterprise_user):
    response = api_as(enterprise_user).post(
        "/api/v1/message-threads/",
        {"request": rfq.pk, "vendor": vendor.pk, "body": "  "},
        format="json",
    )
    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_operator_download_needs_a_reason_and_is_logged(api_as, attachment, staff):
    client = api_as(staff)
    without = download(client, attachment)
    assert without.status_code == 400 and "reason" in without.json()["errors"]
    assert not MessageAccessLog.objects.exists()
    response = download(client, attachment, reason="Dispute #42: drawing revision")
    assert response.status_code == 200
    log = MessageAccessLog.objects.get()
    assert (log.operator, log.attachment, log.thread, log.reason) == (
        staff,
        attachment,
        attachment.message.thread,
        "Dispute #42: drawing revision",
    )


def test_operator_web_download_asks_for_the_reason_then_logs(client, attachment, staff):
    client.force_login(staff)
    url = reverse("message-attachment", args=[attachment.pk])
    form = client.get(url)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    assert not MessageAccessLog.objects.exists()
    response = client.get(url, {"reason": "Dispute #7"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert MessageAccessLog.objects.get().attachment == attachment


def test_thread_page_sends_files_and_links_them(client, rfq, vendor, vendor_user, enterprise_user):
    url = reverse("message-thread", args=[rfq.pk, vendor.pk])
    client.force_login(vendor_user)
    response = client.post(
        url,
        {
            "body": "Datasheet",
            "attachments": [upload("datasheet.pdf", pdf()), upload("wiring.png", PNG, "image/png")],
        },
    )
    assert response.status_code == 302
    client.force_login(enterprise_user)
    page = client.get(url).content.decode()
    for stored in MessageAttachment.objects.all():
        assert reverse("message-attachment", args=[stored.pk]) in page
        assert stored.original_name in page
    downloaded = client.get(
        reverse("message-attachment", args=[MessageAttachment.objects.first().pk])
    )
    assert downloaded.status_code == 200


def test_thread_page_reports_a_refused_file(client, rfq, vendor, vendor_user):
    url = reverse("message-thread", args=[rfq.pk, vendor.pk])
    client.force_login(vendor_user)
    response = client.post(
        url, {"body": "Tool", "attachments": [upload("tool.pdf", EXE)]}, follow=True
    )
    assert "not accepted" in response.content.decode()
    assert not Message.objects.exists()


def test_enterprise_of_another_request_cannot_post_files(api_as, attachment):
    outsider = MembershipFactory(organization=EnterpriseFactory()).user
    thread = attachment.message.thread
    response = api_as(outsider).post(
        f"/api/v1/message-threads/{thread.pk}/messages/",
        {"attachments": [upload("x.png", PNG)]},
        format="multipart",
    )
    assert response.status_code == 404
