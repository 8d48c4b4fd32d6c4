"""The maturity API: model versions, assessments, factories, targets and the gap map, with
bounded query counts on every list."""

import pytest
from rest_framework.test import APIClient

from accounts import services as accounts
from catalog.models import Scenario, SolutionStatus
from maturity.models import Assessment, SmartFactory
from tests.factories import EnterpriseFactory, NeedFactory, SolutionFactory

from .factories import (
    AssessmentFactory,
    CompletedAssessmentFactory,
    FactoryEvidenceFactory,
    SmartFactoryFactory,
)

pytestmark = pytest.mark.django_db


def test_model_versions_are_public_with_their_statements(api):
    listing = api.get("/api/v1/maturity-models/").json()
    assert [m["version"] for m in listing] == ["gbt39116-2020.1"]
    detail = api.get("/api/v1/maturity-models/gbt39116-2020.1/").json()
    assert len(detail["subdomains"]) == 20
    data = next(s for s in detail["subdomains"] if s["code"] == "data")
    assert (data["element"], data["domain"]) == ("technology", "technology.data")
    assert len(data["statements"]) == 10
    assert data["scenarios"] == ["2025-03", "2025-26", "2025-30"]


def test_an_enterprise_assesses_itself_through_the_api(api_as, enterprise_user, enterprise):
    client = api_as(enterprise_user)
    created = client.post("/api/v1/assessments/")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post("/api/v1/assessments/").status_code == 200  # continues the open one

    model = client.get("/api/v1/maturity-models/gbt39116-2020.1/").json()
    answers = {s["code"]: 1 for sub in model["subdomains"] for s in sub["statements"]
               if sub["code"] != "logistics"}
    saved = client.post(f"/api/v1/assessments/{pk}/progress/",
                        {"answers": answers, "not_applicable": {"logistics": True}},
                        format="json")
    assert saved.status_code == 200
    assert saved.json()["answered_count"] == 190
    assert saved.json()["not_applicable"] == ["logistics"]

    early = client.get(f"/api/v1/assessments/{pk}/results/")
    assert early.status_code == 409
    done = client.post(f"/api/v1/assessments/{pk}/complete/")
    assert done.status_code == 200
    assert (done.json()["level"], done.json()["score"]) == (5, "5.00")
    results = client.get(f"/api/v1/assessments/{pk}/results/").json()
    assert len(results["subdomains"]) == 20
    assert len(results["weakest"]) == 3
    assert {"code", "scenarios", "matches", "need_url"} <= set(results["weakest"][0])


def test_bad_answers_get_problem_details_with_the_field(api_as, enterprise_user, enterprise):
    client = api_as(enterprise_user)
    pk = client.post("/api/v1/assessments/").json()["id"]
    response = client.post(f"/api/v1/assessments/{pk}/progress/",
                           {"answers": {"data.1.1": 0.7}}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "answers" in response.json()["errors"]


def test_an_assessment_is_private_to_its_enterprise_and_operators(
    api, api_as, enterprise, other_enterprise_user, vendor_user, operator_user
):
    assessment = CompletedAssessmentFactory(enterprise=enterprise)
    url = f"/api/v1/assessments/{assessment.pk}/"
    assert api.get(url).status_code in (401, 403)
    client = api_as(other_enterprise_user)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/assessments/").json()["count"] == 0
    assert client.post(f"{url}progress/", {"answers": {}}, format="json").status_code == 404
    # Assessments are enterprises' business: a vendor's role is refused before any lookup.
    client = api_as(vendor_user)
    assert client.get(url).status_code == 403
    assert client.get("/api/v1/assessments/").status_code == 403
    assert client.post(f"{url}progress/", {"answers": {}}, format="json").status_code == 403
    assert api_as(operator_user).get(url).status_code == 200


def test_a_vendor_or_anonymous_cannot_start_an_assessment(api, api_as, vendor_user):
    assert api_as(vendor_user).post("/api/v1/assessments/").status_code == 403
    assert api.post("/api/v1/assessments/").status_code in (401, 403)
    assert not Assessment.objects.exists()


def test_an_operator_cannot_answer_an_enterprises_assessment(api_as, operator_user, enterprise):
    assessment = AssessmentFactory(enterprise=enterprise)
    response = api_as(operator_user).post(f"/api/v1/assessments/{assessment.pk}/progress/",
                                          {"answers": {"data.1.1": 1}}, format="json")
    assert response.status_code == 403


def test_assessment_list_runs_a_bounded_number_of_queries(api_as, operator_user,
                                                          django_assert_max_num_queries):
    for _ in range(3):
        CompletedAssessmentFactory()
    client = api_as(operator_user)
    with django_assert_max_num_queries(6):
        small = client.get("/api/v1/assessments/?page_size=100")
    for _ in range(12):
        CompletedAssessmentFactory()
    with django_assert_max_num_queries(6):
        large = client.get("/api/v1/assessments/?page_size=100")
    assert (small.json()["count"], large.json()["count"]) == (3, 15)


def test_factories_are_registered_and_verified_through_the_api(
    api_as, enterprise_user, enterprise, operator_user, media_root, pdf
):
    CompletedAssessmentFactory(enterprise=enterprise, level=3)
    client = api_as(enterprise_user)
    created = client.post("/api/v1/factories/", {
        "name": "Xuzhou crane plant", "region": "CN-JS", "industry": "construction-machinery",
        "tier": "excellent", "year": 2024}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["assessment_level"] == 3
    uploaded = client.post(f"/api/v1/factories/{pk}/evidence/",
                           {"file": pdf(), "title": "Letter"}, format="multipart")
    assert uploaded.status_code == 201
    assert uploaded.json()["content_type"] == "application/pdf"
    assert client.post(f"/api/v1/factories/{pk}/verify/", {}, format="json").status_code == 403
    verified = api_as(operator_user).post(f"/api/v1/factories/{pk}/verify/", {"note": "OK"},
                                          format="json")
    assert verified.json()["status"] == "verified"


def test_a_tier_above_the_level_is_refused_with_the_field(api_as, enterprise_user, enterprise):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    response = api_as(enterprise_user).post("/api/v1/factories/", {
        "name": "Plant", "region": "CN-JS", "industry": "robots", "tier": "leading",
        "year": 2024}, format="json")
    assert response.status_code == 400
    assert "tier" in response.json()["errors"]


def test_factory_list_shows_the_public_verified_ones_with_bounded_queries(
    api, api_as, enterprise, enterprise_user, media_root, django_assert_max_num_queries
):
    SmartFactoryFactory(enterprise=enterprise)  # pending: its enterprise sees it
    for _ in range(3):
        FactoryEvidenceFactory(factory=SmartFactoryFactory(status="verified"))
    with django_assert_max_num_queries(3):
        public = api.get("/api/v1/factories/").json()
    assert public["count"] == 3
    assert api_as(enterprise_user).get("/api/v1/factories/").json()["count"] == 4
    for _ in range(10):
        SmartFactoryFactory(status="verified")
    with django_assert_max_num_queries(3):
        assert api.get("/api/v1/factories/?page_size=100").json()["count"] == 13
    assert api.get("/api/v1/factories/?tier=basic&region=CN-JS").json()["count"] == 13


def test_a_vendor_cannot_register_or_see_pending_factories(api_as, vendor_user, enterprise):
    pending = SmartFactoryFactory(enterprise=enterprise)
    client = api_as(vendor_user)
    assert client.get(f"/api/v1/factories/{pending.pk}/").status_code == 404
    response = client.post("/api/v1/factories/", {
        "name": "Plant", "region": "CN-JS", "industry": "robots", "tier": "basic",
        "year": 2024}, format="json")
    assert response.status_code == 403
    assert SmartFactory.objects.count() == 1


@pytest.fixture
def market(enterprise):
    need = NeedFactory(enterprise=enterprise)
    need.scenarios.set(Scenario.objects.filter(code="2025-09"))
    SolutionFactory(status=SolutionStatus.PUBLISHED)
    SmartFactoryFactory(status="verified")


def test_targets_and_gap_map_are_for_operators(api, api_as, operator_user, enterprise_user,
                                               vendor_user, market,
                                               django_assert_max_num_queries):
    for url in ("/api/v1/targets/", "/api/v1/gap-map/"):
        assert api.get(url).status_code in (401, 403)
        assert api_as(enterprise_user).get(url).status_code == 403
        assert api_as(vendor_user).get(url).status_code == 403
    client = api_as(operator_user)
    with django_assert_max_num_queries(17):  # the figures' 16 and the operator check
        targets = client.get("/api/v1/targets/").json()
    assert targets["headline"]["published_solutions"] == 1
    assert len(targets["by_region"]) == 31 and targets["gap_map"][0]["code"] == "2025-09"
    with django_assert_max_num_queries(5):
        gaps = client.get("/api/v1/gap-map/").json()
    assert gaps[0] == {"code": "2025-09", "name": "Intelligent shop-floor scheduling",
                       "link": "Production management", "open_needs": 1,
                       "published_solutions": 0, "gap": 1, "needs_per_solution": 1.0}


def test_the_targets_summary_is_public(api, market, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        summary = api.get("/api/v1/targets/summary/").json()
    assert summary["headline"]["verified_factories"] == 1
    assert {t["code"] for t in summary["targets"]} == {
        "excellent-smart-factories", "share-enterprises-l2plus", "scenario-solutions"}
    assert summary["trend"][-1]["live"] is True


def test_other_enterprises_are_not_counted_as_yours(api_as, other_enterprise_user):
    EnterpriseFactory()
    assert api_as(other_enterprise_user).get("/api/v1/assessments/").json()["count"] == 0


def test_a_partners_api_key_reads_but_cannot_write_assessments(enterprise, enterprise_user):
    assessment = CompletedAssessmentFactory(enterprise=enterprise)
    _key, raw = accounts.create_api_key(actor=enterprise_user, organization=enterprise,
                                        name="ERP", scopes=["catalog:read", "needs:write"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 200
    assert client.post("/api/v1/assessments/").status_code == 403
