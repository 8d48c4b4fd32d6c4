"""POST /api/v1/match/: rank solutions for a need that is not stored."""

from decimal import Decimal

import pytest

from marketplace.models import Match, Need

pytestmark = pytest.mark.django_db
URL = "/api/v1/match/"

NEED = {
    "language": "en",
    "title": "Our spindles keep failing and we lose a shift every week",
    "description": "Two machining lines, 48 CNC machines, no condition monitoring yet.",
    "industry": "machine-tools",
    "region": "CN-ZJ",
    "stages": ["manufacturing"],
    "scenarios": ["2025-28"],
    "current_level": 1,
    "target_level": 2,
    "budget_max_cny": 800000,
}


@pytest.fixture
def catalog(publish):
    fitting = publish(scenarios=["2025-28"], industries=["machine-tools"], regions=["CN-ZJ"],
                      maturity_from=1, maturity_to=3, price_min_cny=Decimal("300000"),
                      external_ref="s-spindle")
    other = publish(scenarios=["2025-37"], industries=["robots"], regions=["CN-BJ"])
    return fitting, other


def test_ranks_solutions_with_score_and_reasons(api, catalog):
    fitting, _ = catalog
    response = api.post(URL, NEED, format="json")
    assert response.status_code == 200, response.content
    [first, *_] = response.json()["results"]
    assert first["id"] == fitting.pk
    assert first["external_ref"] == "s-spindle"
    assert first["title"] == fitting.title_en
    assert first["rank"] == 1
    assert 0 < first["score"] <= 1
    assert "Serves Zhejiang" in first["reasons"]
    assert "Covers scenario 2025-28 Equipment fault diagnosis and prediction" in first["reasons"]


def test_reasons_come_in_the_requests_language(api, catalog):
    response = api.post(URL, NEED, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    first = response.json()["results"][0]
    assert "服务浙江省" in first["reasons"]
    assert first["title"] == catalog[0].title_zh


def test_nothing_is_stored(api, catalog):
    api.post(URL, NEED, format="json")
    assert Need.objects.count() == 0
    assert Match.objects.count() == 0


def test_limit_caps_the_results(api, publish, catalog):
    for _ in range(3):
        publish(scenarios=["2025-28"])
    assert len(api.post(URL, {**NEED, "limit": 2}, format="json").json()["results"]) == 2


@pytest.mark.parametrize("change,field", [
    ({"industry": "spaceships"}, "industry"),
    ({"region": "CN-XX"}, "region"),
    ({"scenarios": ["2099-01"]}, "scenarios"),
    ({"stages": ["nowhere"]}, "stages"),
    ({"title": ""}, "title"),
    ({"language": "fr"}, "language"),
    ({"current_level": 3, "target_level": 2}, "target_level"),
    ({"target_level": 6}, "target_level"),
    ({"current_level": -1}, "current_level"),
    ({"budget_max_cny": -5}, "budget_max_cny"),
    ({"budget_max_cny": "lots"}, "budget_max_cny"),
    ({"limit": 0}, "limit"),
])
def test_invalid_fields_are_refused_one_by_one(api, change, field):
    response = api.post(URL, {**NEED, **change}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


def test_required_fields_of_the_import_format_are_required(api):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"language", "title", "industry", "region"}


def test_an_api_key_needs_catalog_read(api, catalog):
    from accounts.models import Membership
    from accounts.services import create_api_key
    from tests.factories import EnterpriseFactory, MembershipFactory

    enterprise = EnterpriseFactory()
    owner = MembershipFactory(organization=enterprise, role=Membership.Role.OWNER).user
    _, writing_only = create_api_key(actor=owner, organization=enterprise, name="w",
                                     scopes=["needs:write"])
    _, reading = create_api_key(actor=owner, organization=enterprise, name="r",
                                scopes=["catalog:read"])
    refused = api.post(URL, NEED, format="json", HTTP_AUTHORIZATION=f"Api-Key {writing_only}")
    allowed = api.post(URL, NEED, format="json", HTTP_AUTHORIZATION=f"Api-Key {reading}")
    assert (refused.status_code, allowed.status_code) == (403, 200)
