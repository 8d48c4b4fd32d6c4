"""A scenario's public page: its place in the guide and the published solutions in it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Scenario, SolutionStatus
from marketplace.models import Follow
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus
CODE = "2025-28"


def scenario_url(code=CODE):
    return reverse("scenario-detail", args=[code])


def test_anonymous_reader_sees_the_scenario_and_its_published_solutions(client):
    scenario = Scenario.objects.select_related("stage", "link").get(code=CODE)
    SolutionFactory(
        status=S.PUBLISHED, title_en="Spindle health marker", published_at=timezone.now()
    )
    SolutionFactory(status=S.PUBLISHED, title_en="Other scenario marker", scenarios=["2025-01"])

    response = client.get(scenario_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert scenario.name_en in html
    assert scenario.stage.name_en in html and scenario.link.name_en in html
    assert "Spindle health marker" in html
    assert "Other scenario marker" not in html
    assert response.context["page_obj"].paginator.count == 1
    assert f'href="{reverse("search")}?scenario={CODE}"' in html
    assert "Sign in to follow this scenario" in html


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.ARCHIVED])
def test_only_published_solutions_are_listed(client, status):
    SolutionFactory(status=S.PUBLISHED, title_en="Live listing marker")
    SolutionFactory(status=status, title_en="Unpublished listing marker")

    response = client.get(scenario_url())

    html = response.content.decode()
    assert "Live listing marker" in html
    assert "Unpublished listing marker" not in html
    assert response.context["page_obj"].paginator.count == 1


def test_unknown_scenario_code_is_404(client):
    assert client.get(scenario_url("2099-99")).status_code == 404


def test_chinese_reader_sees_the_chinese_name_and_description(client):
    scenario = Scenario.objects.get(code=CODE)
    client.cookies["django_language"] = "zh-hans"

    html = client.get(scenario_url()).content.decode()

    assert f"<h1>{scenario.name_zh}</h1>" in html
    if scenario.description_zh:
        assert scenario.description_zh in html


def test_maturity_coverage_counts_solutions_serving_each_level(client):
    SolutionFactory(status=S.PUBLISHED, maturity_from=1, maturity_to=3)
    SolutionFactory(status=S.PUBLISHED, maturity_from=3, maturity_to=5)

    coverage = client.get(scenario_url()).context["maturity"]

    assert {level.level: count for level, count in coverage} == {1: 1, 2: 1, 3: 2, 4: 1, 5: 1}


def test_page_queries_do_not_grow_with_the_solution_count(
    as_user, enterprise_user, django_assert_max_num_queries
):
    client = as_user(enterprise_user)
    SolutionFactory(status=S.PUBLISHED)
    with django_assert_max_num_queries(30) as few:
        client.get(scenario_url())
    for _ in range(8):
        SolutionFactory(status=S.PUBLISHED, scenarios=[CODE, "2025-01"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(scenario_url())
    assert response.context["page_obj"].paginator.count == 9


def test_enterprise_member_gets_a_follow_button(as_user, enterprise_user):
    scenario = Scenario.objects.get(code=CODE)

    html = as_user(enterprise_user).get(scenario_url()).content.decode()

    assert f'id="follow-{Follow.Target.SCENARIO}-{scenario.pk}"' in html
    assert f'name="target" value="{scenario.pk}"' in html


def test_vendor_member_gets_no_follow_button(as_user, vendor_user):
    scenario = Scenario.objects.get(code=CODE)

    response = as_user(vendor_user).get(scenario_url())

    assert response.status_code == 200
    assert f'id="follow-{Follow.Target.SCENARIO}-{scenario.pk}"' not in response.content.decode()


def test_home_map_and_solution_page_link_to_the_scenario_page(client):
    solution = SolutionFactory(status=S.PUBLISHED)
    link = f'href="{scenario_url()}"'

    assert link in client.get(reverse("home")).content.decode()
    assert link in client.get(reverse("solution-detail", args=[solution.pk])).content.decode()
