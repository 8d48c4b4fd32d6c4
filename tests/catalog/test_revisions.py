"""Changes to live listings: reviewed as revisions while the published version stays."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from catalog import revisions, services, workflow
from catalog.models import Industry, RevisionStatus, Solution, SolutionRevision
from core.models import OutboxEvent
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
R = RevisionStatus


@pytest.fixture
def live(vendor):
    return SolutionFactory(vendor=vendor, status="published", title_en="Spindle guard v1")


def propose(vendor_user, live, **data):
    return services.propose_change(actor=vendor_user, solution=live,
                                   data=data or {"title_en": "Spindle guard v2"})


def submit_and_check(revision, vendor_user, on_commit):
    with on_commit():
        services.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    return revision


def test_editing_a_live_listing_makes_a_revision_and_leaves_it_unchanged(live, vendor_user):
    revision = propose(vendor_user, live)
    live.refresh_from_db()
    assert live.title_en == "Spindle guard v1"
    assert live.status == "published"
    assert revision.number == 1 and revision.status == R.DRAFT
    assert revisions.diff(revision.base, revision.data) == [
        {"field": "title_en", "before": "Spindle guard v1", "after": "Spindle guard v2"}
    ]


def test_further_edits_go_into_the_same_open_revision(live, vendor_user):
    first = propose(vendor_user, live)
    second = propose(vendor_user, live, delivery_weeks=8)
    assert first.pk == second.pk
    changed = {row["field"] for row in revisions.diff(second.base, second.data)}
    assert changed == {"title_en", "delivery_weeks"}


def test_relations_and_case_studies_are_diffed_by_code(live, vendor_user):
    cnc = Industry.objects.get(code="general-equipment")
    revision = propose(vendor_user, live, industries=[cnc], case_studies=[{
        "client": "A Ningbo mould maker", "outcomes": [
            {"metric": "downtime", "unit": "h/month", "before": 100, "after": 60}]}])
    rows = {row["field"]: row for row in revisions.diff(revision.base, revision.data)}
    assert rows["industries"]["after"] == ["general-equipment"]
    assert rows["case_studies"]["after"][0]["outcomes"][0] == {
        "metric": "downtime", "unit": "h/month", "before": "100", "after": "60"}


def test_only_the_vendor_proposes_changes(live, other_vendor_user):
    with pytest.raises(PermissionDenied):
        propose(other_vendor_user, live)
    assert not SolutionRevision.objects.exists()


def test_invalid_change_is_refused_and_nothing_is_stored(live, vendor_user):
    with pytest.raises(ValidationError) as excinfo:
        propose(vendor_user, live, maturity_from=4, maturity_to=2)
    assert "maturity_to" in excinfo.value.message_dict
    assert not SolutionRevision.objects.exists()


def test_approval_swaps_the_revision_in(live, vendor_user, reviewer, on_commit):
    revision = submit_and_check(propose(vendor_user, live), vendor_user, on_commit)
    assert revision.status == R.IN_REVIEW and revision.reviewer == reviewer
    with on_commit():
        services.approve(actor=reviewer, subject=revision, comment="Fine.")
    revision.refresh_from_db()
    live.refresh_from_db()
    assert revision.status == R.APPROVED and revision.applied_at is not None
    assert live.title_en == "Spindle guard v2" and live.status == "published"
    assert OutboxEvent.objects.filter(topic="solution.updated",
                                      aggregate_id=str(live.pk)).exists()


def test_live_listing_stays_visible_while_a_change_is_in_review(live, vendor_user, reviewer,
                                                               on_commit, api):
    submit_and_check(propose(vendor_user, live), vendor_user, on_commit)
    body = api.get(f"/api/v1/solutions/{live.pk}/").json()
    assert body["title_en"] == "Spindle guard v1" and body["status"] == "published"


def test_swap_is_atomic_when_applying_fails(live, vendor_user, reviewer, on_commit, monkeypatch):
    revision = submit_and_check(propose(vendor_user, live), vendor_user, on_commit)

    def broken_write(solution, data):
        solution.title_en = "half-written"
        solution.save()
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "write_content", broken_write)
    with pytest.raises(RuntimeError):
        services.approve(actor=reviewer, subject=revision)
    revision.refresh_from_db()
    live.refresh_from_db()
    assert revision.status == R.IN_REVIEW
    assert live.title_en == "Spindle guard v1"
    assert not revision.events.filter(to_status=R.APPROVED).exists()


def test_changes_requested_then_resubmitted_revision(live, vendor_user, reviewer, on_commit):
    revision = submit_and_check(propose(vendor_user, live), vendor_user, on_commit)
    services.request_changes(actor=reviewer, subject=revision, comment="Say which spindles.",
                             reason_codes=["incomplete-evidence"])
    propose(vendor_user, live, summary_en="For HSK-A63 spindles.")
    revision = submit_and_check(revision, vendor_user, on_commit)
    assert revision.status == R.IN_REVIEW
    assert [e.to_status for e in revision.events.all()] == [
        R.SUBMITTED, R.IN_REVIEW, R.CHANGES_REQUESTED, R.SUBMITTED, R.IN_REVIEW]


def test_a_revision_in_review_cannot_be_edited(live, vendor_user, reviewer, on_commit):
    submit_and_check(propose(vendor_user, live), vendor_user, on_commit)
    with pytest.raises(workflow.TransitionNotAllowed):
        propose(vendor_user, live, delivery_weeks=4)


def test_rejected_revision_leaves_the_live_listing_and_allows_a_new_one(live, vendor_user,
                                                                       reviewer, on_commit):
    revision = submit_and_check(propose(vendor_user, live), vendor_user, on_commit)
    services.reject(actor=reviewer, subject=revision, comment="Misleading figures.",
                    reason_codes=["misleading-claims"])
    live.refresh_from_db()
    assert live.title_en == "Spindle guard v1"
    assert propose(vendor_user, live).number == 2


def test_only_one_open_revision_per_solution_in_the_database(live, vendor_user):
    revision = propose(vendor_user, live)
    with pytest.raises(IntegrityError), transaction.atomic():
        SolutionRevision.objects.create(solution=live, number=2, base=revision.base,
                                        data=revision.data)


def test_vendor_withdraws_a_draft_revision(live, vendor_user, other_vendor_user):
    revision = propose(vendor_user, live)
    with pytest.raises(PermissionDenied):
        services.withdraw_revision(actor=other_vendor_user, revision=revision)
    services.withdraw_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    assert revision.status == R.WITHDRAWN


def test_reviewer_from_the_vendor_cannot_decide_a_revision(live, vendor, vendor_user, reviewer,
                                                           on_commit):
    from tests.factories import MembershipFactory

    revision = submit_and_check(propose(vendor_user, live), vendor_user, on_commit)
    MembershipFactory(user=reviewer, organization=vendor)
    with pytest.raises(PermissionDenied):
        services.approve(actor=reviewer, subject=revision)


def test_drafts_are_edited_in_place_not_through_revisions(vendor, vendor_user):
    draft = SolutionFactory(vendor=vendor)
    with pytest.raises(workflow.TransitionNotAllowed):
        services.propose_change(actor=vendor_user, solution=draft, data={"title_en": "x"})


def test_patching_a_published_solution_answers_202_with_the_revision(api_as, live, vendor_user):
    response = api_as(vendor_user).patch(f"/api/v1/solutions/{live.pk}/",
                                         {"title_en": "Spindle guard v2"}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["number"] == 1 and body["status"] == "draft"
    assert body["diff"] == [{"field": "title_en", "before": "Spindle guard v1",
                             "after": "Spindle guard v2"}]
    assert Solution.objects.get(pk=live.pk).title_en == "Spindle guard v1"


def test_revision_api_flow_and_visibility(api_as, live, vendor_user, other_vendor_user, reviewer,
                                          on_commit):
    revision_id = api_as(vendor_user).patch(f"/api/v1/solutions/{live.pk}/",
                                            {"delivery_weeks": 6}, format="json").json()["id"]
    assert api_as(other_vendor_user).get(f"/api/v1/revisions/{revision_id}/").status_code == 404
    dry = api_as(vendor_user).post(f"/api/v1/revisions/{revision_id}/submit/?validate_only=1")
    assert dry.json() == {"valid": True, "problems": []}
    with on_commit():
        submitted = api_as(vendor_user).post(f"/api/v1/revisions/{revision_id}/submit/")
    assert submitted.status_code == 200
    queue = api_as(reviewer).get("/api/v1/review-queue/").json()["results"]
    assert [(item["kind"], item["id"]) for item in queue] == [("revision", revision_id)]
    with on_commit():
        approved = api_as(reviewer).post(f"/api/v1/revisions/{revision_id}/approve/",
                                         {"submitted_at": queue[0]["review"]["submitted_at"]},
                                         format="json")
    assert approved.json()["status"] == "approved"
    assert Solution.objects.get(pk=live.pk).delivery_weeks == 6
