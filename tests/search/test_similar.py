"""Similar solutions: in the API and on every solution page (through search's template tag,
so that catalog never imports search)."""

import pytest

from search.backends import BackendUnavailable
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spindle(publish):
    return publish(scenarios=["2025-28"], industries=["machine-tools"],
                   title_en="Spindle vibration monitoring", title_zh="主轴振动监测")


def test_similar_solutions_share_a_scenario_and_never_include_itself(backend, publish, spindle):
    near = publish(scenarios=["2025-28"], title_en="Spindle bearing diagnosis")
    same_scenario = publish(scenarios=["2025-28"], neutral=True)
    elsewhere = publish(scenarios=["2025-12"], title_en="Spindle warehouse")
    hits = [hit.id for hit in backend.more_like_this(spindle.pk, limit=5)]
    assert hits[0] == near.pk  # shares words as well as the scenario
    assert same_scenario.pk in hits
    assert spindle.pk not in hits and elsewhere.pk not in hits


def test_the_industry_narrows_a_crowded_scenario(backend, publish, spindle, monkeypatch):
    from search.backends import database

    monkeypatch.setattr(database, "SIMILAR_POOL", 1)
    same_industry = publish(scenarios=["2025-28"], industries=["machine-tools"], neutral=True)
    publish(scenarios=["2025-28"], industries=["robots"], neutral=True)
    assert [hit.id for hit in backend.more_like_this(spindle.pk, limit=1)] == [
        same_industry.pk]


def test_without_a_scenario_words_decide(backend, publish):
    lone = publish(title_en="Gearbox vibration", neutral=True, scenarios=[])
    lone.scenarios.clear()
    from search.services import sync_solution

    sync_solution(lone.pk)
    twin = publish(title_en="Gearbox vibration analytics", neutral=True)
    publish(title_en="Paint shop energy", neutral=True)
    assert [hit.id for hit in backend.more_like_this(lone.pk)] == [twin.pk]


def test_an_unknown_solution_has_none(backend):
    assert backend.more_like_this(123456) == []


def test_the_solution_page_shows_similar_solutions(client, publish, spindle):
    near = publish(scenarios=["2025-28"], title_en="Spindle bearing diagnosis")
    page = client.get(f"/solutions/{spindle.pk}/").content.decode()
    assert "Similar solutions" in page
    assert f"/solutions/{near.pk}/" in page
    chinese = client.get(f"/solutions/{spindle.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "相似方案" in chinese.content.decode()


def test_a_page_without_similar_solutions_has_no_section(client, spindle):
    assert "Similar solutions" not in client.get(f"/solutions/{spindle.pk}/").content.decode()


def test_a_draft_page_shows_no_similar_solutions(client, publish, spindle):
    draft = SolutionFactory(scenarios=["2025-28"])
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory(organization=draft.vendor).user)
    assert "Similar solutions" not in client.get(f"/solutions/{draft.pk}/").content.decode()


def test_a_search_outage_hides_the_list_not_the_page(client, publish, spindle, monkeypatch):
    publish(scenarios=["2025-28"])
    from search import selectors

    def down(*args, **kwargs):
        raise BackendUnavailable("down")

    monkeypatch.setattr(selectors, "get_backend", lambda: type("Down", (), {
        "more_like_this": down})())
    response = client.get(f"/solutions/{spindle.pk}/")
    assert response.status_code == 200
    assert "Similar solutions" not in response.content.decode()


def test_similar_api_lists_them(api, publish, spindle):
    near = publish(scenarios=["2025-28"], title_en="Spindle bearing diagnosis")
    body = api.get(f"/api/v1/search/similar/{spindle.pk}/").json()
    assert [item["id"] for item in body["results"]] == [near.pk]
