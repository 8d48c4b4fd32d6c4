"""Solutions through /api/v1/: shape, validation, permissions, workflow actions, query counts."""

import pytest
from django.utils import timezone

from catalog.models import Solution, SolutionStatus
from tests.factories import SolutionFactory, VendorFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus

NEW_SOLUTION = {
    "language": "zh",
    "title_zh": "数控机床预测性维护",
    "title_en": "Predictive maintenance for CNC machine tools",
    "summary_zh": "主轴振动监测与故障预测。",
    "description_zh": "## 方案\n边缘网关采集振动数据。",
    "scenarios": ["2025-28"],
    "industries": ["machine-tools"],
    "technologies": ["iiot", "ai-ml"],
    "regions": ["CN-JS"],
    "maturity_from": 1,
    "maturity_to": 3,
    "deployment": "hybrid",
    "price_min_cny": "300000",
    "price_max_cny": "1200000",
    "delivery_weeks": 12,
    "case_studies": [
        {
            "client": "Jiangsu Precision Spindle Co.",
            "industry": "machine-tools",
            "region": "CN-JS",
            "year": 2024,
            "summary": "Eight machining lines.",
            "outcomes": [
                {"metric": "unplanned downtime", "unit": "h/month", "before": 120, "after": 70}
            ],
        }
    ],
}


def test_vendor_creates_a_draft_with_case_studies(api_as, vendor, vendor_user):
    response = api_as(vendor_user).post("/api/v1/solutions/", NEW_SOLUTION, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["vendor"]["id"] == vendor.pk
    assert body["scenarios"] == ["2025-28"]
    assert body["all_stages"] == ["manufacturing"]
    outcome = body["case_studies"][0]["outcomes"][0]
    assert (outcome["before"], outcome["after"]) == ("120.0000", "70.0000")
    assert "<h2>" in body["description_html"]


def test_markdown_is_rendered_without_scripts(api_as, vendor_user):
    payload = {**NEW_SOLUTION, "description_zh": "<script>alert(1)</script>**粗体**"}
    body = api_as(vendor_user).post("/api/v1/solutions/", payload, format="json").json()
    assert "<script>" not in body["description_html"]
    assert "<strong>粗体</strong>" in body["description_html"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scenarios": ["2099-99"]}, "scenarios"),
        ({"maturity_from": 4, "maturity_to": 2}, "maturity_to"),
        ({"maturity_to": 7}, "maturity_to"),
        ({"price_min_cny": "900", "price_max_cny": "100"}, "price_max_cny"),
        ({"deployment": "mainframe"}, "deployment"),
        ({"regions": ["CN-XX"]}, "regions"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api_as, vendor_user, change,
                                                                field):
    response = api_as(vendor_user).post("/api/v1/solutions/", {**NEW_SOLUTION, **change},
                                        format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert field in body["errors"]
    assert response["Content-Type"] == "application/problem+json"
    assert not Solution.objects.exists()


def test_bad_outcome_row_is_refused(api_as, vendor_user):
    payload = {**NEW_SOLUTION}
    payload["case_studies"] = [{**NEW_SOLUTION["case_studies"][0],
                                "outcomes": [{"metric": "scrap", "unit": "%", "before": 5,
                                              "after": 5}]}]
    response = api_as(vendor_user).post("/api/v1/solutions/", payload, format="json")
    assert response.status_code == 400
    assert "case_studies" in response.json()["errors"]


def test_enterprise_cannot_create_solutions(api_as, enterprise_user):
    response = api_as(enterprise_user).post("/api/v1/solutions/", NEW_SOLUTION, format="json")
    assert response.status_code == 403
    assert not Solution.objects.exists()


def test_anonymous_cannot_create_solutions(api):
    assert api.post("/api/v1/solutions/", NEW_SOLUTION, format="json").status_code in {401, 403}


def test_vendor_cannot_touch_another_vendors_solution(api_as, other_vendor_user, vendor):
    draft = SolutionFactory(vendor=vendor)
    client = api_as(other_vendor_user)
    assert client.get(f"/api/v1/solutions/{draft.pk}/").status_code == 404
    assert client.patch(f"/api/v1/solutions/{draft.pk}/", {"title_en": "Mine"},
                        format="json").status_code == 404
    assert client.post(f"/api/v1/solutions/{draft.pk}/submit/").status_code == 404
    draft.refresh_from_db()
    assert draft.title_en != "Mine" and draft.status == S.DRAFT


def test_vendor_cannot_edit_another_vendors_published_solution(api_as, other_vendor_user):
    published = SolutionFactory(status=S.PUBLISHED)
    response = api_as(other_vendor_user).patch(f"/api/v1/solutions/{published.pk}/",
                                               {"title_en": "Mine"}, format="json")
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title_en != "Mine"


def test_vendor_cannot_create_for_a_vendor_it_does_not_belong_to(api_as, vendor_user):
    stranger = VendorFactory()
    response = api_as(vendor_user).post("/api/v1/solutions/",
                                        {**NEW_SOLUTION, "vendor_id": stranger.pk}, format="json")
    assert response.status_code == 403
    assert not Solution.objects.filter(vendor=stranger).exists()


def test_validate_only_reports_every_problem_without_changing_state(api_as, vendor, vendor_user):
    draft = SolutionFactory(vendor=vendor, summary_en="", summary_zh="", description_en="",
                            description_zh="")
    response = api_as(vendor_user).post(f"/api/v1/solutions/{draft.pk}/submit/?validate_only=true")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert {p["code"] for p in body["problems"]} == {"missing_summary", "missing_description"}
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_submit_incomplete_is_400_with_fields(api_as, vendor, vendor_user):
    draft = SolutionFactory(vendor=vendor, summary_en="", summary_zh="")
    response = api_as(vendor_user).post(f"/api/v1/solutions/{draft.pk}/submit/")
    assert response.status_code == 400
    assert "summary" in response.json()["errors"]


def test_illegal_transition_is_409_with_allowed_transitions(api_as, vendor, reviewer):
    draft = SolutionFactory(vendor=vendor)
    response = api_as(reviewer).post(f"/api/v1/solutions/{draft.pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["allowed"] == ["submitted"]


def test_illegal_transition_body_is_the_kernels_409(api_as, vendor, reviewer):
    draft = SolutionFactory(vendor=vendor)
    response = api_as(reviewer).post(f"/api/v1/solutions/{draft.pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "type": "about:blank#transition-not-allowed",
        "title": "Transition not allowed",
        "status": 409,
        "detail": "Cannot move from “draft” to “approved”.",
        "current_status": "draft",
        "allowed": ["submitted"],
    }


def test_only_reviewers_approve(api_as, vendor, vendor_user, enterprise_user, reviewer):
    solution = SolutionFactory(vendor=vendor, status=S.IN_REVIEW, submitted_at=timezone.now())
    for user in (vendor_user, enterprise_user):
        response = api_as(user).post(f"/api/v1/solutions/{solution.pk}/approve/", {},
                                     format="json")
        assert response.status_code in {403, 404}
    solution.refresh_from_db()
    assert solution.status == S.IN_REVIEW
    response = api_as(reviewer).post(f"/api/v1/solutions/{solution.pk}/approve/",
                                     {"submitted_at": solution.submitted_at.isoformat()},
                                     format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_request_changes_needs_a_comment(api_as, reviewer):
    solution = SolutionFactory(status=S.IN_REVIEW, submitted_at=timezone.now())
    response = api_as(reviewer).post(f"/api/v1/solutions/{solution.pk}/request-changes/",
                                     {"submitted_at": solution.submitted_at.isoformat()},
                                     format="json")
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]


def test_review_queue_is_for_operator_staff_only(api_as, vendor_user, enterprise_user, reviewer):
    SolutionFactory(status=S.IN_REVIEW)
    assert api_as(reviewer).get("/api/v1/review-queue/").json()["count"] == 1
    for user in (vendor_user, enterprise_user):
        assert api_as(user).get("/api/v1/review-queue/").status_code == 403


def test_public_list_shows_only_published(api):
    published = SolutionFactory(status=S.PUBLISHED)
    SolutionFactory(status=S.DRAFT)
    ids = [item["id"] for item in api.get("/api/v1/solutions/").json()["results"]]
    assert ids == [published.pk]


def test_list_runs_constant_queries_whatever_the_page_size(api, django_assert_max_num_queries):
    for _ in range(3):
        SolutionFactory(status=S.PUBLISHED)
    with django_assert_max_num_queries(14) as small:
        api.get("/api/v1/solutions/?page_size=2")
    for _ in range(20):
        SolutionFactory(status=S.PUBLISHED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get("/api/v1/solutions/?page_size=50")
    assert len(response.json()["results"]) == 23


def test_page_size_is_bounded(api):
    SolutionFactory(status=S.PUBLISHED)
    response = api.get("/api/v1/solutions/?page_size=100000")
    assert response.status_code == 200


def test_taxonomy_endpoints_are_public_and_bilingual(api):
    scenarios = api.get("/api/v1/taxonomy/scenarios/").json()
    assert len(scenarios) == 40
    one = api.get("/api/v1/taxonomy/scenarios/2025-28/").json()
    assert one["name_zh"] and one["name_en"] and one["link"]
    assert len(api.get("/api/v1/taxonomy/stages/").json()) == 6
    assert api.get("/api/v1/taxonomy/maturity-levels/3/").json()["level"] == 3
