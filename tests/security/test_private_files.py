"""Private files (issue 13, item 8): every stored file (solution attachments, message files,
factory evidence) has a random storage name and leaves storage only through a view that
checks who asks. No /media/ route exists, not even under DEBUG."""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse
from django.utils import timezone
from django.views.static import serve
from pypdf import PdfWriter

from accounts.models import Membership
from catalog import attachments as catalog_files
from catalog.models import Attachment
from marketplace import services
from marketplace.models import MessageAccessLog, MessageAttachment
from maturity import services as maturity
from tests.factories import (
    MembershipFactory,
    SolutionFactory,
    UserFactory,
)
from tests.maturity.factories import SmartFactoryFactory

pytestmark = pytest.mark.django_db

RANDOM_NAME = r"[0-9a-f]{32}"


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = pdf_bytes()


def upload(name, data=PDF):
    return SimpleUploadedFile(name, data, "application/pdf")


def member(organization, role=Membership.Role.MEMBER, **kwargs):
    return MembershipFactory(organization=organization, role=role, **kwargs).user


def body(response):
    return b"".join(response.streaming_content)


def assert_private_download(response, filename):
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def urls_under_debug(media):
    """The URLconf as `runserver` builds it with DEBUG on: where /media/ used to be served."""
    import config.urls

    with override_settings(DEBUG=True):
        importlib.reload(config.urls)
        clear_url_caches()
        yield
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def draft(vendor):
    return SolutionFactory(vendor=vendor)


@pytest.fixture
def draft_attachment(vendor_user, draft):
    return catalog_files.upload_attachment(actor=vendor_user, solution=draft,
                                           file=upload("case-report.pdf"), title="Case")


@pytest.fixture
def message_file(enterprise, enterprise_user, vendor, vendor_user):
    from tests.marketplace.factories import make_request

    request = make_request(enterprise, [vendor])
    message = services.post_message(actor=enterprise_user, request=request, vendor=vendor,
                                       body="Drawing attached",
                                       files=[upload("spindle-drawing.pdf")])
    return message.attachments.get()


@pytest.fixture
def evidence(enterprise, enterprise_user):
    factory = SmartFactoryFactory(enterprise=enterprise)
    return maturity.add_evidence(actor=enterprise_user, factory=factory,
                                 upload=upload("recognition-letter.pdf"), title="Letter")


def attachment_url(attachment):
    return f"/api/v1/attachments/{attachment.pk}/download/"


def message_file_url(attachment):
    return f"/api/v1/message-attachments/{attachment.pk}/download/"


# --- nothing by path ---------------------------------------------------------------------


def _all_patterns(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry


def test_no_url_serves_the_media_root_even_under_debug(urls_under_debug):
    served_by_path = [str(p.pattern) for p in _all_patterns(get_resolver().url_patterns)
                      if p.callback is serve]
    assert served_by_path == []


def test_guessing_the_old_path_or_any_media_path_gives_404(
    urls_under_debug, client, draft, draft_attachment, message_file, evidence, media
):
    stored = [draft_attachment, message_file, evidence]
    assert all((media / item.file.name).is_file() for item in stored)
    guesses = [f"/media/{item.file.name}" for item in stored] + [
        f"/media/attachments/solution-{draft.pk}/case-report.pdf",  # the old naming scheme
        f"/media/attachments/solution-{draft.pk}/",
        "/media/",
    ]
    for path in guesses:
        response = client.get(path)
        assert response.status_code == 404, path
        assert PDF not in response.content


# --- stored names --------------------------------------------------------------------------


def test_stored_names_are_random_not_derived_from_ids_or_the_upload_name(
    draft_attachment, message_file, evidence, vendor_user, draft, enterprise_user
):
    assert re.fullmatch(rf"attachments/{RANDOM_NAME}\.pdf", draft_attachment.file.name)
    assert re.fullmatch(rf"messages/{RANDOM_NAME}\.pdf", message_file.file.name)
    assert re.fullmatch(rf"maturity/evidence/{RANDOM_NAME}\.pdf", evidence.file.name)
    # What the uploader called it is kept for display and the download's file name only.
    assert (draft_attachment.original_name, message_file.original_name,
            evidence.original_name) == ("case-report.pdf", "spindle-drawing.pdf",
                                        "recognition-letter.pdf")
    second = catalog_files.upload_attachment(actor=vendor_user, solution=draft,
                                             file=upload("case-report.pdf"))
    assert second.file.name != draft_attachment.file.name


def test_the_stored_extension_follows_the_content_not_the_upload_name(
    enterprise, enterprise_user, vendor_user, draft
):
    factory = SmartFactoryFactory(enterprise=enterprise)
    document = maturity.add_evidence(actor=enterprise_user, factory=factory,
                                     upload=upload("letter.html"))
    assert re.fullmatch(rf"maturity/evidence/{RANDOM_NAME}\.pdf", document.file.name)
    attachment = catalog_files.upload_attachment(actor=vendor_user, solution=draft,
                                                 file=upload("brochure.svg"))
    assert attachment.file.name.endswith(".pdf")


# --- solution attachments ------------------------------------------------------------------


def test_a_drafts_attachment_is_refused_to_everyone_outside_the_vendor_and_operator(
    api, api_as, draft_attachment, other_vendor_user, enterprise_user
):
    url = attachment_url(draft_attachment)
    for client in (api, api_as(UserFactory()), api_as(other_vendor_user),
                   api_as(enterprise_user)):
        response = client.get(url)
        assert response.status_code == 404
        assert PDF not in response.content
    # The attachment's row is no more visible than its bytes.
    assert api.get(f"/api/v1/attachments/{draft_attachment.pk}/").status_code == 404


def test_a_drafts_attachment_goes_to_its_vendor_reviewers_and_operators(
    api_as, draft_attachment, vendor_user, vendor, reviewer, operator
):
    for user in (vendor_user, member(vendor), reviewer,
                 member(operator, role=Membership.Role.ADMIN)):
        assert_private_download(api_as(user).get(attachment_url(draft_attachment)),
                                "case-report.pdf")


def test_a_published_solutions_attachment_goes_to_anyone_and_is_linked_to_the_view(
    api, draft, draft_attachment
):
    type(draft).objects.filter(pk=draft.pk).update(status="published",
                                                   published_at=timezone.now())
    assert_private_download(api.get(attachment_url(draft_attachment)), "case-report.pdf")
    [listed] = api.get("/api/v1/attachments/", {"solution": draft.pk}).json()["results"]
    assert listed["download"] == attachment_url(draft_attachment)
    assert "/media/" not in str(listed) and draft_attachment.file.name not in str(listed)


def test_a_file_missing_from_storage_is_a_404_not_an_error(
    api_as, vendor_user, draft_attachment, client, enterprise_user, evidence
):
    draft_attachment.file.storage.delete(draft_attachment.file.name)
    assert api_as(vendor_user).get(attachment_url(draft_attachment)).status_code == 404
    Attachment.objects.filter(pk=draft_attachment.pk).update(file="")
    assert api_as(vendor_user).get(attachment_url(draft_attachment)).status_code == 404
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(enterprise_user)
    assert client.get(reverse("factory-evidence", args=[evidence.pk])).status_code == 404


# --- message files -------------------------------------------------------------------------


def test_a_message_file_is_refused_to_strangers_other_vendors_and_anonymous(
    api, api_as, client, message_file, other_vendor_user, other_enterprise_user
):
    web_url = reverse("message-attachment", args=[message_file.pk])
    for user in (UserFactory(), other_vendor_user, other_enterprise_user):
        response = api_as(user).get(message_file_url(message_file))
        # A person of no organisation is refused by role (403) before any lookup.
        assert response.status_code in (403, 404)
        assert PDF not in response.content
        client.force_login(user)
        assert client.get(web_url).status_code == 404
    client.logout()
    # Anonymous callers are asked to sign in, exactly as for a file that does not exist.
    missing = MessageAttachment(pk=message_file.pk + 1000)
    for url, missing_url in ((message_file_url(message_file), message_file_url(missing)),
                             (web_url, reverse("message-attachment", args=[missing.pk]))):
        response = (api if url.startswith("/api/") else client).get(url)
        twin = (api if url.startswith("/api/") else client).get(missing_url)
        assert response.status_code in (302, 401, 403, 404)
        assert response.status_code == twin.status_code
        assert PDF not in response.content


def test_a_message_file_goes_to_the_threads_parties(
    api_as, client, message_file, enterprise_user, vendor_user
):
    for user in (enterprise_user, vendor_user):
        assert_private_download(api_as(user).get(message_file_url(message_file)),
                                "spindle-drawing.pdf")
        client.force_login(user)
        assert_private_download(client.get(reverse("message-attachment",
                                                   args=[message_file.pk])),
                                "spindle-drawing.pdf")
    assert not MessageAccessLog.objects.exists()


def test_an_operators_download_of_a_message_file_is_still_logged(api_as, message_file, operator):
    staff = member(operator)
    without_reason = api_as(staff).get(message_file_url(message_file))
    assert without_reason.status_code == 400 and PDF not in without_reason.content
    assert not MessageAccessLog.objects.exists()
    response = api_as(staff).get(message_file_url(message_file), {"reason": "Dispute #7"})
    assert_private_download(response, "spindle-drawing.pdf")
    log = MessageAccessLog.objects.get()
    assert (log.operator, log.attachment, log.reason) == (staff, message_file, "Dispute #7")


# --- factory evidence ----------------------------------------------------------------------


def test_factory_evidence_is_refused_outside_its_enterprise_and_the_operator(
    client, evidence, other_enterprise_user, vendor_user
):
    url = reverse("factory-evidence", args=[evidence.pk])
    for user in (UserFactory(), other_enterprise_user, vendor_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404
        assert PDF not in response.content
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == client.get(
        reverse("factory-evidence", args=[evidence.pk + 1000])).status_code
    assert anonymous.status_code in (302, 404)


def test_factory_evidence_goes_to_its_enterprise_reviewers_and_operators(
    client, evidence, enterprise, reviewer, operator
):
    url = reverse("factory-evidence", args=[evidence.pk])
    for user in (member(enterprise), reviewer, member(operator, role=Membership.Role.ADMIN)):
        client.force_login(user)
        assert_private_download(client.get(url), "recognition-letter.pdf")


# --- existing files ------------------------------------------------------------------------


def _run_migration(name):
    importlib.import_module(name).rename_to_random(apps, None)


def test_the_migration_moves_existing_attachments_to_random_names(media, draft):
    storage = Attachment._meta.get_field("file").storage
    old = storage.save(f"attachments/solution-{draft.pk}/plan.pdf", ContentFile(PDF))
    kept = Attachment.objects.create(solution=draft, file=old, original_name="plan.pdf",
                                     content_type="application/pdf", size=len(PDF))
    lost = Attachment.objects.create(solution=draft, file=f"attachments/solution-{draft.pk}/x.pdf",
                                     original_name="x.pdf")

    _run_migration("catalog.migrations.0003_attachment_unguessable_names")

    kept.refresh_from_db()
    lost.refresh_from_db()
    assert re.fullmatch(rf"attachments/{RANDOM_NAME}\.pdf", kept.file.name)
    assert (media / kept.file.name).read_bytes() == PDF
    assert not (media / old).exists()
    assert re.fullmatch(rf"attachments/{RANDOM_NAME}\.pdf", lost.file.name)  # tolerated


def test_the_migration_moves_existing_message_files_to_random_names(media, message_file):
    storage = MessageAttachment._meta.get_field("file").storage
    old = storage.save(f"messages/thread-{message_file.message.thread_id}/abc/drawing.pdf",
                       ContentFile(PDF))
    MessageAttachment.objects.filter(pk=message_file.pk).update(file=old)

    _run_migration("marketplace.migrations.0008_message_files_unguessable_names")

    message_file.refresh_from_db()
    assert re.fullmatch(rf"messages/{RANDOM_NAME}\.pdf", message_file.file.name)
    assert (media / message_file.file.name).read_bytes() == PDF
    assert not (media / old).exists()


def test_the_admin_links_files_to_the_checked_views_not_to_storage(
    client, django_user_model, draft_attachment, evidence
):
    client.force_login(django_user_model.objects.create_superuser("ops", "ops@example.com", "x"))
    pages = [
        (reverse("admin:catalog_attachment_change", args=[draft_attachment.pk]),
         attachment_url(draft_attachment), draft_attachment),
        (reverse("admin:maturity_factoryevidence_change", args=[evidence.pk]),
         reverse("factory-evidence", args=[evidence.pk]), evidence),
        (reverse("admin:maturity_smartfactory_change", args=[evidence.factory_id]),
         reverse("factory-evidence", args=[evidence.pk]), evidence),
    ]
    for page, download, stored in pages:
        html = client.get(page).content.decode()
        assert f'href="{download}"' in html, page
        assert stored.file.name not in html and "/media/" not in html, page
