"""Progress toward the plan's 200 scenario solutions: figures on a small known catalog, and the
API that serves them to operator staff only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from catalog import services, workflow
from catalog.models import LifecycleStage, Scenario
from catalog.progress import review_progress, solutions_toward_target
from maturity.progress import dashboard_figures, snapshot_figures, summary_figures
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime(2025, 3, day, hour, minute, tzinfo=SHANGHAI)


def submit(subject, actor, when):
    with time_machine.travel(when, tick=False):
        if hasattr(subject, "number"):
            services.submit_revision(actor=actor, revision=subject)
        else:
            services.submit_solution(actor=actor, solution=subject)
        workflow.transition(subject, "in_review", None)


def decide(when, decision, **kwargs):
    with time_machine.travel(when, tick=False):
        decision(**kwargs)


@pytest.fixture
def catalog(vendor, vendor_user, reviewer):
    """A (2025-28, also tagged with its own stage): approved after 10 h, later a change to it
    approved after 1.5 h. B (2025-28, also tagged after-sales): changes requested after 2 h,
    approved 30 h after resubmission. C (2025-01): approved after 4 h, then archived.
    D (2025-02): rejected after 6 h. E (2025-03): a draft."""
    manufacturing = LifecycleStage.objects.get(code="manufacturing")
    a = SolutionFactory(vendor=vendor, scenarios=["2025-28"])
    a.stages.set([manufacturing])
    b = SolutionFactory(vendor=vendor, scenarios=["2025-28"])
    b.stages.set([LifecycleStage.objects.get(code="after-sales")])
    c = SolutionFactory(vendor=vendor, scenarios=["2025-01"])
    d = SolutionFactory(vendor=vendor, scenarios=["2025-02"])
    SolutionFactory(vendor=vendor, scenarios=["2025-03"])
    for solution in (a, b, c, d):
        submit(solution, vendor_user, at(3, 9))
    decide(at(3, 19), services.approve, actor=reviewer, subject=a)
    decide(at(3, 11), services.request_changes, actor=reviewer, subject=b,
           reason_codes=["incomplete-evidence"], comment="Figures, please.")
    submit(b, vendor_user, at(4, 9))
    decide(at(5, 15), services.approve, actor=reviewer, subject=b)
    decide(at(3, 13), services.approve, actor=reviewer, subject=c)
    decide(at(6, 9), services.archive_solution, actor=vendor_user, solution=c)
    decide(at(3, 15), services.reject, actor=reviewer, subject=d,
           reason_codes=["out-of-scope"], comment="Not for machinery.")
    a.refresh_from_db()
    change = services.propose_change(actor=vendor_user, solution=a,
                                     data={"title_en": "Spindle guard v2"})
    submit(change, vendor_user, at(10, 9))
    decide(at(10, 10, 30), services.approve, actor=reviewer, subject=change)


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_totals_and_share_of_the_target(catalog):
    progress = review_progress(now=at(20, 9))
    assert progress["target"] == {"code": "scenario-solutions", "year": 2027, "value": 200}
    assert progress["approved"] == 3  # A, B and C, archived since
    assert progress["published"] == 2
    assert progress["share_of_target"] == 0.01  # toward the target: published now


def test_stages_count_each_solution_once_through_scenarios_and_chosen_stages(catalog):
    stages = review_progress(now=at(20, 9))["by_stage"]
    assert [row["code"] for row in stages] == list(
        LifecycleStage.objects.order_by("position").values_list("code", flat=True))
    counts = {row["code"]: (row["approved"], row["published"]) for row in stages}
    assert counts == {"factory-build": (1, 0), "rd-design": (0, 0), "manufacturing": (2, 2),
                      "management": (0, 0), "after-sales": (1, 1), "supply-chain": (0, 0)}


def test_links_follow_the_scenarios(catalog):
    links = by_code(review_progress(now=at(20, 9))["by_link"])
    assert links["production-operations"] == {
        "code": "production-operations", "name": links["production-operations"]["name"],
        "stage": "manufacturing", "approved": 2, "published": 2}
    assert (links["plant-construction"]["approved"],
            links["plant-construction"]["published"]) == (1, 0)
    assert sum(link["approved"] for link in links.values()) == 3


def test_scenarios_without_an_approved_solution_come_first(catalog):
    scenarios = review_progress(now=at(20, 9))["by_scenario"]
    assert len(scenarios) == Scenario.objects.count()
    assert [(row["code"], row["approved"], row["published"]) for row in scenarios[-2:]] == [
        ("2025-01", 1, 0), ("2025-28", 2, 2)]
    gaps = scenarios[:-2]
    assert all(row["approved"] == 0 for row in gaps)
    assert [row["code"] for row in gaps] == sorted(row["code"] for row in gaps)
    assert gaps[0] == {"code": "2025-02", "name": Scenario.objects.get(code="2025-02").name_en,
                       "link": "plant-construction", "stage": "factory-build",
                       "approved": 0, "published": 0}


def test_median_hours_from_submission_to_decision(catalog):
    # 1.5 h (the change), 2, 4, 6, 10 and 30 h: the median is (4 + 6) / 2.
    progress = review_progress(now=at(20, 9))
    assert progress["median_hours_to_decision"] == 5.0
    assert progress["decisions_counted"] == 6


def test_decisions_after_now_are_not_counted(catalog):
    progress = review_progress(now=at(9, 9))  # before the change was decided
    assert progress["median_hours_to_decision"] == 6.0
    assert progress["decisions_counted"] == 5


def test_empty_catalog_has_no_median(db):
    progress = review_progress()
    assert progress["approved"] == 0 and progress["share_of_target"] == 0.0
    assert progress["median_hours_to_decision"] is None
    assert progress["decisions_counted"] == 0


def test_names_are_in_the_readers_language(catalog):
    with translation.override("zh-hans"):
        stages = by_code(review_progress()["by_stage"])
    assert stages["manufacturing"]["name"] == LifecycleStage.objects.get(
        code="manufacturing").name_zh


def test_query_count_does_not_grow_with_the_catalog(catalog, vendor):
    with CaptureQueriesContext(connection) as small:
        review_progress()
    for code in ("2025-10", "2025-20", "2025-40"):
        for _ in range(5):
            SolutionFactory(vendor=vendor, scenarios=[code], status="published")
    with CaptureQueriesContext(connection) as large:
        progress = review_progress()
    assert progress["published"] == 17
    assert len(large) == len(small) <= 6


def test_the_target_figure_is_the_one_the_targets_dashboards_show(catalog, api_as, client,
                                                                   reviewer):
    # Three ever approved, two published now: the catalog's review progress, maturity's
    # dashboard, summary, snapshot and both APIs all count the two.
    assert solutions_toward_target().count() == 2
    assert review_progress()["published"] == 2
    assert dashboard_figures()["headline"]["published_solutions"] == 2
    assert summary_figures()["headline"]["published_solutions"] == 2
    assert snapshot_figures()["published_solutions"] == 2
    review_api = api_as(reviewer).get("/api/v1/review-progress/").json()
    targets_api = api_as(reviewer).get("/api/v1/targets/").json()
    assert review_api["published"] == targets_api["headline"]["published_solutions"] == 2
    target_row = next(row for row in targets_api["targets"] if row["code"] == "scenario-solutions")
    assert target_row["current"] == 2 and target_row["progress"] == review_api["share_of_target"]
    client.force_login(reviewer)
    page = client.get(reverse("review-progress")).content.decode()
    assert "<strong>2</strong> / 200" in page


# API


def test_operator_staff_read_the_progress(catalog, api_as, reviewer):
    response = api_as(reviewer).get("/api/v1/review-progress/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["approved"] == 3 and body["target"]["value"] == 200
    assert body["by_scenario"][-1]["code"] == "2025-28"
    assert set(body) == {"target", "approved", "published", "share_of_target", "by_stage",
                         "by_link", "by_scenario", "median_hours_to_decision",
                         "decisions_counted"}


@pytest.mark.parametrize("who", ["vendor_user", "enterprise_user"])
def test_vendors_and_enterprises_may_not_read_the_progress(request, api_as, who):
    response = api_as(request.getfixturevalue(who)).get("/api/v1/review-progress/")
    assert response.status_code == 403


def test_anonymous_visitors_may_not_read_the_progress(api):
    assert api.get("/api/v1/review-progress/").status_code in {401, 403}


def test_progress_is_documented_in_the_schema(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/review-progress/"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert "by_scenario" in component["properties"]
