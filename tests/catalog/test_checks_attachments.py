"""The attachment check re-verifies every stored attachment at submission."""

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from catalog import revisions, services
from catalog.checks.attachments import attachments
from catalog.models import Attachment
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def pdf(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def solution(vendor):
    return SolutionFactory(vendor=vendor)


def stored(solution, name, data, content_type="application/pdf"):
    """An attachment stored as it is, bypassing the upload's checks (a file accepted under
    older rules, or altered in storage since)."""
    return Attachment.objects.create(solution=solution, file=ContentFile(data, name=name),
                                     original_name=name, content_type=content_type,
                                     size=len(data))


def check(subject):
    return attachments(subject, revisions.content_of(subject))


def test_valid_attachments_pass(solution):
    stored(solution, "brochure.pdf", pdf(pages=2))
    stored(solution, "line.png", PNG, "image/png")
    outcome = check(solution)
    assert outcome.passed and outcome.severity == "ok" and outcome.score == 1.0
    assert outcome.details == {"checked": 2, "invalid": []}
    assert not outcome.flags_for_second_approval


def test_no_attachments_pass(solution):
    outcome = check(solution)
    assert outcome.passed and outcome.details == {"checked": 0, "invalid": []}


@pytest.mark.parametrize(("data", "problem"), [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage, no xref, no trailer", "pdf_unreadable"),
    (pdf(password="secret"), "pdf_encrypted"),
    (pdf(pages=0), "pdf_no_pages"),
    (EXE, "type_not_allowed"),
])
def test_an_invalid_attachment_is_an_error_naming_it(solution, data, problem):
    stored(solution, "good.pdf", pdf())
    bad = stored(solution, "case-report.pdf", data)
    outcome = check(solution)
    assert not outcome.passed and outcome.severity == "error"
    assert outcome.flags_for_second_approval
    assert [(item["id"], item["name"], item["problems"])
            for item in outcome.details["invalid"]] == [(bad.pk, "case-report.pdf", [problem])]
    assert outcome.score == 0.5


def test_a_file_over_the_current_limit_is_reported(solution, settings):
    stored(solution, "brochure.pdf", pdf())
    settings.ATTACHMENT_MAX_BYTES = 100  # the limit was lowered after the upload
    outcome = check(solution)
    assert outcome.details["invalid"][0]["problems"] == ["too_large"]


def test_a_file_lost_from_storage_is_reported(solution):
    attachment = stored(solution, "brochure.pdf", pdf())
    attachment.file.storage.delete(attachment.file.name)
    outcome = check(solution)
    assert outcome.details["invalid"][0]["problems"] == ["missing_file"]


def test_a_revision_is_checked_with_its_listings_attachments(vendor, vendor_user):
    live = SolutionFactory(vendor=vendor, status="published")
    stored(live, "case-report.pdf", b"%PDF-1.4 truncated")
    revision = services.propose_change(actor=vendor_user, solution=live,
                                       data={"delivery_weeks": 9})
    outcome = check(revision)
    assert not outcome.passed
    assert outcome.details["invalid"][0]["name"] == "case-report.pdf"
