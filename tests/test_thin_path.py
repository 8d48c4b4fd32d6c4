"""The walking skeleton, end to end through the REST API:

vendor drafts a solution → submits → the pre-check task moves it into review → a reviewer
approves → it is published and indexed → an enterprise finds it by search → posts a need and
gets ranked matches → requests a quote → the vendor answers with a quote.

It runs twice: with tasks in-process after commit (the embedded default), and, where CI
provides PostgreSQL and Redis, through a real Celery worker process."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import Solution
from core.models import OutboxEvent
from events.models import Notification
from tests.factories import EnterpriseFactory, MembershipFactory, OperatorFactory, VendorFactory
from tests.worker import celery_worker, requires_services, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def walk_the_path():
    vendor = VendorFactory(name="Suzhou Lianxin Intelligent Technology")
    vendor_user = MembershipFactory(organization=vendor).user
    enterprise = EnterpriseFactory()
    enterprise_user = MembershipFactory(organization=enterprise).user
    reviewer = MembershipFactory(organization=OperatorFactory(), is_reviewer=True).user
    as_vendor, as_enterprise, as_reviewer = map(client_for, (vendor_user, enterprise_user,
                                                            reviewer))

    # 1. The vendor drafts a solution and submits it.
    draft = as_vendor.post("/api/v1/solutions/", {
        "language": "zh",
        "title_zh": "数控机床主轴预测性维护",
        "title_en": "Spindle predictive maintenance for CNC machine tools",
        "summary_zh": "振动监测与故障预测，减少非计划停机。",
        "description_zh": "边缘网关采集主轴振动数据，模型提前预警故障。",
        "scenarios": ["2025-28"], "industries": ["machine-tools"], "technologies": ["iiot"],
        "regions": ["CN-JS", "CN-ZJ"], "maturity_from": 1, "maturity_to": 3,
        "deployment": "hybrid", "price_min_cny": "300000", "price_max_cny": "700000",
        "delivery_weeks": 12,
    }, format="json")
    assert draft.status_code == 201, draft.content
    solution_id = draft.json()["id"]
    submitted = as_vendor.post(f"/api/v1/solutions/{solution_id}/submit/")
    assert submitted.status_code == 200, submitted.content

    # 2. The pre-check task runs (in-process or on the worker) and moves it into review.
    wait_for(lambda: Solution.objects.get(pk=solution_id).status == "in_review",
             what="the pre-check task to move the solution into review")
    solution = Solution.objects.get(pk=solution_id)
    assert solution.reviewer == reviewer
    assert solution.check_results.get(code="completeness").passed

    # 3. The reviewer approves; it is published and indexed.
    queue = as_reviewer.get("/api/v1/review-queue/?mine=1").json()
    assert [item["id"] for item in queue["results"]] == [solution_id]
    approved = as_reviewer.post(f"/api/v1/solutions/{solution_id}/approve/",
                                {"comment": "Evidence is convincing.",
                                 "submitted_at": queue["results"][0]["review"]["submitted_at"]},
                                format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "published"

    # 4. An enterprise finds it by a two-character Chinese word and by an English stem.
    def found(query):
        body = as_enterprise.get("/api/v1/search/", {"q": query}).json()
        return solution_id in [hit["id"] for hit in body["results"]]

    wait_for(lambda: found("维护"), what="the published solution to be searchable")
    assert found("预测")
    assert found("maintain")

    # 5. It posts a need and gets ranked matches with reasons.
    need = as_enterprise.post("/api/v1/needs/", {
        "language": "en", "title": "Stop unplanned spindle downtime",
        "description": "Predictive maintenance for our machining lines.",
        "industry": "machine-tools", "region": "CN-ZJ", "stages": ["manufacturing"],
        "scenarios": ["2025-28"], "current_level": 1, "target_level": 2,
        "budget_max_cny": "800000",
    }, format="json")
    assert need.status_code == 201, need.content
    need_id = need.json()["id"]
    matches = wait_for(
        lambda: as_enterprise.get(f"/api/v1/needs/{need_id}/matches/").json()["results"],
        what="matches for the need",
    )
    assert matches[0]["solution"]["id"] == solution_id
    assert matches[0]["reasons"]

    # 6. It requests a quote; the vendor is told and answers.
    rfq = as_enterprise.post("/api/v1/quote-requests/", {
        "vendors": [vendor.pk], "need": need_id, "solution": solution_id,
        "title": "Predictive maintenance for 8 machining lines",
        "requirements": "Hybrid deployment; start within 2 months.",
    }, format="json")
    assert rfq.status_code == 201, rfq.content
    rfq_id = rfq.json()["id"]
    wait_for(lambda: Notification.objects.filter(recipient=vendor_user,
                                                 topic="rfq.received").exists(),
             what="the vendor's notification of the request")
    inbox = as_vendor.get("/api/v1/quote-requests/").json()
    assert [item["id"] for item in inbox["results"]] == [rfq_id]
    quote = as_vendor.post("/api/v1/quotes/", {
        "request": rfq_id, "solution": solution_id,
        "line_items": [
            {"description": "Sensors and edge gateways", "unit": "line", "quantity": "8",
             "unit_price_cny": "40000"},
            {"description": "Models, rollout and training", "quantity": "1",
             "unit_price_cny": "260000"},
        ],
        "delivery_weeks": 12,
        "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }, format="json")
    assert quote.status_code == 201, quote.content
    assert quote.json()["total_cny"] == "580000.00"
    quotes = as_enterprise.get(f"/api/v1/quote-requests/{rfq_id}/quotes/").json()["results"]
    assert [q["total_cny"] for q in quotes] == ["580000.00"]

    # Every event of the path was delivered.
    wait_for(lambda: not OutboxEvent.objects.filter(dispatched_at=None).exists(),
             what="the outbox to drain")


def test_thin_path_with_tasks_in_process():
    walk_the_path()


@requires_services
@pytest.mark.services
def test_thin_path_through_a_real_celery_worker_on_redis():
    with celery_worker():
        walk_the_path()
