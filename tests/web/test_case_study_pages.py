"""Case studies with outcome rows, and attachments, kept on the web: on a draft they change
the draft; on a live listing they go into a revision that a reviewer approves before the live
listing changes. Rows are added without script, and the caps of catalog.limits hold."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog import limits
from catalog.models import RevisionStatus, SolutionRevision
from catalog.models import SolutionStatus as S
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(solution):
    return reverse("solution-case-studies", args=[solution.pk])


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def study_post(client_name="Changzhou Gearbox Works", studies=1, outcomes=1):
    data = management("case_studies", studies)
    for i in range(studies):
        prefix = f"case_studies-{i}"
        data.update({f"{prefix}-client": f"{client_name} {i}" if studies > 1 else client_name,
                     f"{prefix}-year": "2024", f"{prefix}-summary": "Vibration monitoring.",
                     **management(f"{prefix}-outcomes", outcomes)})
        for j in range(outcomes):
            data.update({f"{prefix}-outcomes-{j}-metric": f"Unplanned downtime {j}",
                         f"{prefix}-outcomes-{j}-unit": "h/month",
                         f"{prefix}-outcomes-{j}-before": "40",
                         f"{prefix}-outcomes-{j}-after": "12"})
    return data


def test_a_draft_gets_a_case_study_with_outcomes(as_user, vendor_user, vendor):
    draft = SolutionFactory(vendor=vendor, status=S.DRAFT)
    client = as_user(vendor_user)
    assert client.get(url(draft)).status_code == 200

    response = client.post(url(draft), study_post(outcomes=2))

    assert response.status_code == 302
    study = draft.case_studies.get()
    assert study.client == "Changzhou Gearbox Works"
    assert [o.metric for o in study.outcomes.all()] == ["Unplanned downtime 0",
                                                        "Unplanned downtime 1"]


def test_saved_case_studies_come_back_and_are_kept_when_unchanged(as_user, vendor_user,
                                                                    vendor):
    draft = SolutionFactory(vendor=vendor, status=S.DRAFT)
    client = as_user(vendor_user)
    client.post(url(draft), study_post())

    page = client.get(url(draft))
    formset = page.context["formset"]
    assert formset.initial_form_count() == 1
    again = {**study_post(), **management("case_studies", 2, initial=1),
             **management("case_studies-0-outcomes", 2, initial=1),
             **management("case_studies-1-outcomes", 1)}
    client.post(url(draft), again)

    assert draft.case_studies.count() == 1
    assert draft.case_studies.get().outcomes.count() == 1


def test_another_vendor_cannot_edit_case_studies(as_user, other_vendor_user, vendor):
    draft = SolutionFactory(vendor=vendor, status=S.DRAFT)
    client = as_user(other_vendor_user)

    assert client.post(url(draft), study_post()).status_code == 404
    assert not draft.case_studies.exists()


def test_anonymous_is_sent_to_sign_in(client, vendor):
    draft = SolutionFactory(vendor=vendor, status=S.PUBLISHED)

    response = client.get(url(draft))

    assert response.status_code == 302 and reverse("account_login") in response.url


def test_add_another_outcome_and_case_study_without_script(as_user, vendor_user, vendor):
    draft = SolutionFactory(vendor=vendor, status=S.DRAFT)
    client = as_user(vendor_user)

    more_outcomes = client.post(url(draft), {**study_post(),
                                             "add-case_studies-0-outcomes": "1"})
    more_studies = client.post(url(draft), {**study_post(), "add-case_studies": "1"})

    assert more_outcomes.status_code == 200 and more_studies.status_code == 200
    assert more_outcomes.context["formset"].forms[0].outcomes.total_form_count() == 2
    assert more_studies.context["formset"].total_form_count() == 2
    assert not draft.case_studies.exists()  # adding a row saves nothing


def test_outcome_rows_are_capped(as_user, vendor_user, vendor):
    draft = SolutionFactory(vendor=vendor, status=S.DRAFT)
    client = as_user(vendor_user)

    response = client.post(url(draft),
                           study_post(outcomes=limits.OUTCOMES_PER_CASE_STUDY_MAX + 1))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].outcomes.non_form_errors()
    assert not draft.case_studies.exists()


def test_an_unchanged_outcome_is_refused_naming_the_field(as_user, vendor_user, vendor):
    draft = SolutionFactory(vendor=vendor, status=S.DRAFT)
    client = as_user(vendor_user)

    response = client.post(url(draft), {**study_post(),
                                        "case_studies-0-outcomes-0-after": "40"})

    assert response.status_code == 200
    assert "after" in response.context["formset"].forms[0].outcomes.forms[0].errors


def test_a_live_listings_case_study_goes_to_review_and_the_listing_waits(
        as_user, client, vendor_user, vendor, reviewer, on_commit):
    live = SolutionFactory(vendor=vendor, status=S.PUBLISHED, title_en="Spindle health")
    vendor_client = as_user(vendor_user)

    response = vendor_client.post(url(live), study_post(client_name="Wuxi Bearings"))

    revision = SolutionRevision.objects.get(solution=live)
    assert response.status_code == 302
    assert response.url == reverse("revision-detail", args=[live.pk, revision.number])
    assert revision.data["case_studies"][0]["client"] == "Wuxi Bearings"
    assert not live.case_studies.exists()
    diff = vendor_client.get(response.url)
    assert any(row["field"] == "case_studies" for row in diff.context["changes"])

    with on_commit():
        vendor_client.post(reverse("revision-submit", args=[live.pk, revision.number]))
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.IN_REVIEW
    client.logout()
    public = client.get(reverse("solution-detail", args=[live.pk])).content.decode()
    assert "Wuxi Bearings" not in public

    reviewer_client = as_user(reviewer)
    review_url = reverse("review-revision", args=[revision.pk])
    review_page = reviewer_client.get(review_url)
    assert "Wuxi Bearings" in review_page.content.decode()
    with on_commit():
        reviewer_client.post(review_url, {
            "decision": "approve", "comment": "OK",
            "submitted_at": review_page.context["form"]["submitted_at"].value()})

    assert live.case_studies.get().client == "Wuxi Bearings"


def test_attachments_are_checked_by_content_on_upload(as_user, vendor_user, vendor):
    draft = SolutionFactory(vendor=vendor, status=S.DRAFT)
    client = as_user(vendor_user)
    add = reverse("solution-attachment-add", args=[draft.pk])

    client.post(add, {"file": SimpleUploadedFile("report.exe", PNG), "title": "Photo"})
    client.post(add, {"file": SimpleUploadedFile("fake.png", b"<html><script></script>")})

    attachment = draft.attachments.get()
    assert attachment.content_type == "image/png"
    page = client.get(url(draft)).content.decode()
    assert "Photo" in page

    client.post(reverse("solution-attachment-delete", args=[draft.pk, attachment.pk]))
    assert not draft.attachments.exists()
