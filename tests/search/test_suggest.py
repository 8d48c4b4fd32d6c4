"""GET /api/v1/search/suggest/: scenarios, vendors and solutions by what has been typed so far,
in English and Chinese, kept in step with the index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import workflow
from catalog.models import SolutionStatus
from search import suggestions
from search.services import sync_solution
from tests.factories import MembershipFactory, VendorFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/suggest/"


@pytest.fixture
def lianxin(db):
    return VendorFactory(name="Suzhou Lianxin Intelligent Technology", name_zh="苏州联信智能科技")


@pytest.fixture
def maintenance(publish, lianxin):
    return publish(neutral=True, vendor=lianxin, title_en="Predictive maintenance for CNC lathes",
                   title_zh="数控机床预测性维护平台")


def labels(body, kind):
    return [item["label"] for item in body[kind]]


@pytest.mark.parametrize("typed", ["predictive mai", "Predictive", "mainten", "CNC lat"])
def test_english_words_match_by_prefix(api, maintenance, typed):
    body = api.get(URL, {"q": typed}).json()
    assert labels(body, "solutions") == ["Predictive maintenance for CNC lathes"]


@pytest.mark.parametrize("typed", ["预测", "预测性维", "机床", "数", "维护平台"])
def test_chinese_matches_any_part_of_a_name(api, maintenance, typed):
    body = api.get(URL, {"q": typed}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert labels(body, "solutions") == ["数控机床预测性维护平台"]


def test_words_that_start_nothing_match_nothing(api, maintenance):
    body = api.get(URL, {"q": "aintenance"}).json()
    assert body == {"scenarios": [], "vendors": [], "solutions": []}


def test_vendors_are_suggested_by_either_name(api, maintenance):
    for typed in ("Suzh", "lianxin", "苏州联"):
        body = api.get(URL, {"q": typed}).json()
        assert body["vendors"] == [{"id": maintenance.vendor_id,
                                    "label": "Suzhou Lianxin Intelligent Technology",
                                    "url": f"/vendors/{maintenance.vendor_id}/"}]


def test_scenarios_are_suggested_by_name_keyword_and_code(api, db):
    assert api.get(URL, {"q": "fault diag"}).json()["scenarios"][0]["code"] == "2025-28"
    assert api.get(URL, {"q": "OEE"}).json()["scenarios"][0]["code"] == "2025-27"
    assert api.get(URL, {"q": "故障诊"}).json()["scenarios"][0]["code"] == "2025-28"
    [item] = api.get(URL, {"q": "2025-28"}).json()["scenarios"]
    assert item == {"code": "2025-28", "label": "Equipment fault diagnosis and prediction",
                    "url": "/search/?scenario=2025-28"}


def test_scenarios_named_like_the_text_come_before_those_with_a_keyword(api, db):
    codes = [item["code"] for item in api.get(URL, {"q": "digital"}).json()["scenarios"]]
    assert codes[:3] == ["2025-01", "2025-02", "2025-03"]  # "Digital …" in the name


def test_labels_are_in_the_readers_language(api, maintenance):
    body = api.get(URL, {"q": "苏州"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert labels(body, "vendors") == ["苏州联信智能科技"]
    assert labels(api.get(URL, {"q": "2025-28"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json(),
                  "scenarios") == ["设备故障诊断与预测"]


def test_a_single_latin_letter_is_too_little_to_suggest(api, maintenance):
    assert api.get(URL, {"q": "p"}).json() == {"scenarios": [], "vendors": [], "solutions": []}


def test_newest_solutions_first_and_limit(api, publish):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for days in (3, 1, 2):
        publish(neutral=True, title_en=f"Gearbox monitor {days}",
                published_at=now - timedelta(days=days))
    body = api.get(URL, {"q": "gearbox", "limit": 2}).json()
    assert labels(body, "solutions") == ["Gearbox monitor 1", "Gearbox monitor 2"]


@pytest.mark.parametrize("limit", [0, 11, "x"])
def test_limit_out_of_range_is_refused(api, limit):
    response = api.get(URL, {"q": "gear", "limit": limit})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"limit"}


def test_archived_solutions_and_their_vendor_leave_the_suggestions(
    api, maintenance, django_capture_on_commit_callbacks
):
    user = MembershipFactory(organization=maintenance.vendor).user
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(maintenance, SolutionStatus.ARCHIVED, user)
    body = api.get(URL, {"q": "predictive"}).json()
    assert body["solutions"] == []
    assert api.get(URL, {"q": "Suzhou"}).json()["vendors"] == []


def test_a_vendor_with_several_solutions_comes_first(api, publish):
    big = VendorFactory(name="Gear Works Big")
    small = VendorFactory(name="Gear Works Small")
    for vendor in (big, big, small):
        publish(neutral=True, vendor=vendor)
    body = api.get(URL, {"q": "gear works"}).json()
    assert labels(body, "vendors") == ["Gear Works Big", "Gear Works Small"]


def test_suggestions_cost_three_queries(api, maintenance):
    with CaptureQueriesContext(connection) as queries:
        api.get(URL, {"q": "pred"})
    assert len(queries) <= 3


def test_a_rebuild_keeps_the_suggestions(api, maintenance):
    from search.services import rebuild_index

    suggestions.clear()
    rebuild_index()
    body = api.get(URL, {"q": "pred"}).json()
    assert labels(body, "solutions") == ["Predictive maintenance for CNC lathes"]
    assert labels(api.get(URL, {"q": "suzh"}).json(), "vendors") == [
        "Suzhou Lianxin Intelligent Technology"]


def test_syncing_twice_changes_nothing(maintenance):
    sync_solution(maintenance.pk)
    sync_solution(maintenance.pk)
    assert [item.key for item in suggestions.suggest("predictive")["solutions"]] == [
        str(maintenance.pk)]
    assert [item.key for item in suggestions.suggest("suzhou")["vendors"]] == [
        str(maintenance.vendor_id)]
