"""Attachments through the API: uploads judged by their content, and who may see or change
which attachment."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfWriter

from catalog import services
from catalog.models import Attachment
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/attachments/"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 240


def pdf(password=None):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(vendor):
    return SolutionFactory(vendor=vendor)


@pytest.fixture
def live(vendor):
    return SolutionFactory(vendor=vendor, status="published",
                           published_at=timezone.now() - timedelta(days=30))


def upload(client, solution, name, data, title=""):
    return client.post(URL, {"solution": solution.pk, "title": title,
                             "file": SimpleUploadedFile(name, data, "application/pdf")},
                       format="multipart")


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()]


def test_vendor_uploads_a_pdf_to_its_draft(api_as, vendor_user, draft, media):
    response = upload(api_as(vendor_user), draft, "Case report 2024.pdf", pdf(), "Case report")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["solution"] == draft.pk
    assert (body["original_name"], body["title"]) == ("Case report 2024.pdf", "Case report")
    assert (body["content_type"], body["size"]) == ("application/pdf", len(pdf()))
    assert body["uploaded_by"] == vendor_user.username
    attachment = Attachment.objects.get(pk=body["id"])
    # A random name, never the solution's id or the upload's name (tests/security).
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert attachment.file.read() == pdf()


def test_an_office_document_is_recognised_by_its_content(api_as, vendor_user, draft):
    response = upload(api_as(vendor_user), draft, "quote", docx())
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    # Stored under the extension its content has, not the one it was sent with.
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.docx", Attachment.objects.get().file.name)


@pytest.mark.parametrize(("name", "data", "says"), [
    ("setup.pdf", EXE, "not accepted"),
    ("broken.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj garbage", "cannot be opened"),
    ("secret.pdf", pdf(password="secret"), "password"),
    ("empty.pdf", b"", "empty"),
])
def test_a_bad_file_is_refused_on_the_file_field(api_as, vendor_user, draft, media, name, data,
                                                 says):
    response = upload(api_as(vendor_user), draft, name, data)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["file"]
    assert says in errors["file"][0]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused(api_as, vendor_user, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 200
    response = upload(api_as(vendor_user), draft, "brochure.pdf", pdf())
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists()


def test_another_vendor_cannot_attach_to_a_solution_it_does_not_own(api_as, other_vendor_user,
                                                                    draft, live):
    client = api_as(other_vendor_user)
    # A published solution is visible to all, but only its vendor's members write.
    assert upload(client, live, "brochure.pdf", pdf()).status_code == 403
    # Someone else's draft does not exist for them.
    response = upload(client, draft, "brochure.pdf", pdf())
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["solution"]
    assert not Attachment.objects.exists()


def test_nobody_outside_the_vendor_deletes_its_attachments(api_as, vendor_user, enterprise_user,
                                                           other_vendor_user, live):
    attachment_id = upload(api_as(vendor_user), live, "brochure.pdf", pdf()).json()["id"]
    Attachment.objects.filter(pk=attachment_id).update(
        created_at=timezone.now() - timedelta(days=60))  # from before the listing's approval
    for outsider in (enterprise_user, other_vendor_user):
        assert api_as(outsider).delete(f"{URL}{attachment_id}/").status_code == 403
    assert Attachment.objects.filter(pk=attachment_id).exists()


def test_the_vendor_deletes_an_attachment_and_its_file(api_as, vendor_user, draft, media,
                                                       on_commit):
    attachment_id = upload(api_as(vendor_user), draft, "brochure.pdf", pdf()).json()["id"]
    assert len(stored_files(media)) == 1
    with on_commit():
        response = api_as(vendor_user).delete(f"{URL}{attachment_id}/")
    assert response.status_code == 204
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_attachments_of_a_draft_are_seen_only_by_its_vendor(api_as, vendor_user, enterprise_user,
                                                            other_vendor_user, reviewer, draft,
                                                            api):
    attachment_id = upload(api_as(vendor_user), draft, "brochure.pdf", pdf()).json()["id"]
    detail = f"{URL}{attachment_id}/"
    assert api_as(vendor_user).get(detail).status_code == 200
    assert api_as(reviewer).get(detail).status_code == 200  # operator staff see all
    for outsider in (api_as(enterprise_user), api_as(other_vendor_user), api):
        assert outsider.get(detail).status_code == 404
        assert outsider.delete(detail).status_code in (401, 403, 404)
        assert outsider.get(URL, {"solution": draft.pk}).json()["results"] == []
    assert Attachment.objects.filter(pk=attachment_id).exists()


def test_list_filters_by_solution(api_as, vendor_user, draft, vendor):
    other = SolutionFactory(vendor=vendor)
    client = api_as(vendor_user)
    mine = upload(client, draft, "a.pdf", pdf()).json()["id"]
    upload(client, other, "b.pdf", pdf())
    body = client.get(URL, {"solution": draft.pk}).json()
    assert [item["id"] for item in body["results"]] == [mine]
    assert client.get(URL).json()["count"] == 2


def test_an_attachment_added_to_a_live_listing_waits_for_the_next_approved_revision(
    api_as, vendor_user, enterprise_user, live, reviewer, on_commit
):
    client = api_as(vendor_user)
    attachment_id = upload(client, live, "new-evidence.pdf", pdf()).json()["id"]
    detail = f"{URL}{attachment_id}/"
    assert api_as(enterprise_user).get(detail).status_code == 404
    assert client.get(detail).status_code == 200

    revision = services.propose_change(actor=vendor_user, solution=live,
                                       data={"delivery_weeks": 8})
    with on_commit():
        services.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    # While the revision is reviewed, its evidence does not change.
    assert upload(client, live, "more.pdf", pdf()).status_code == 400
    assert client.delete(detail).status_code == 400
    services.approve(actor=reviewer, subject=revision, comment="Evidence checked.")

    assert api_as(enterprise_user).get(detail).status_code == 200


def test_no_uploads_while_a_listing_is_in_review(api_as, vendor_user, draft, reviewer, on_commit):
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=draft)
    response = upload(api_as(vendor_user), draft, "late.pdf", pdf())
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["solution"]


def test_download_returns_the_file_to_those_who_see_it(api_as, vendor_user, enterprise_user,
                                                       draft):
    attachment_id = upload(api_as(vendor_user), draft, "Case report.pdf", pdf()).json()["id"]
    response = api_as(vendor_user).get(f"{URL}{attachment_id}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf()
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert api_as(enterprise_user).get(f"{URL}{attachment_id}/download/").status_code == 404


def test_listing_costs_the_same_queries_for_one_or_many(api_as, vendor_user, draft):
    client = api_as(vendor_user)
    upload(client, draft, "a.pdf", pdf())
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for n in range(4):
        upload(client, draft, f"more-{n}.pdf", pdf())
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL).json()["count"] == 5
    assert len(five) == len(one)
