"""Vendors find open public needs that fit their solutions and answer them with proposals."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Industry, Scenario, SolutionStatus
from events.models import Notification
from marketplace.models import Need, Proposal
from tests.factories import NeedFactory, SolutionFactory

pytestmark = pytest.mark.django_db

PUBLIC = Need.Visibility.PUBLIC


@pytest.fixture
def solution(vendor):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED,
                               industries=["machine-tools"])
    solution.scenarios.set(Scenario.objects.filter(code="2025-28"))
    return solution


def need_in(enterprise, *, scenario=None, industry=None, **extra):
    need = NeedFactory(enterprise=enterprise, visibility=PUBLIC,
                       industry=Industry.objects.get(code=industry) if industry else None,
                       **extra)
    if scenario:
        need.scenarios.set(Scenario.objects.filter(code=scenario))
    return need


def test_feed_lists_open_public_needs_fitting_the_vendors_solutions(
    api_as, enterprise, vendor_user, solution, django_assert_max_num_queries
):
    other_industry = Industry.objects.exclude(code="machine-tools").first()
    by_scenario = need_in(enterprise, scenario="2025-28")
    by_industry = need_in(enterprise, industry="machine-tools")
    need_in(enterprise, industry=other_industry.code)  # fits nothing
    need_in(enterprise, scenario="2025-28", status=Need.Status.CLOSED)
    NeedFactory(enterprise=enterprise)  # private
    past = need_in(enterprise, scenario="2025-28")
    Need.objects.filter(pk=past.pk).update(deadline=timezone.localdate() - timedelta(days=1))

    with django_assert_max_num_queries(15):
        response = api_as(vendor_user).get("/api/v1/needs/feed/")
    assert response.status_code == 200
    assert {n["id"] for n in response.json()["results"]} == {by_scenario.pk, by_industry.pk}


def test_feed_is_for_vendors_only(api_as, enterprise_user):
    assert api_as(enterprise_user).get("/api/v1/needs/feed/").status_code == 403


def test_vendor_proposes_a_published_solution_and_the_enterprise_sees_it(
    api_as, enterprise, enterprise_user, vendor_user, other_vendor_user, solution, on_commit
):
    need = need_in(enterprise, scenario="2025-28")
    url = f"/api/v1/needs/{need.pk}/proposals/"
    with on_commit():
        response = api_as(vendor_user).post(url, {"solution": solution.pk,
                                                  "message": "Vibration analytics on spindles"},
                                            format="json")
    assert response.status_code == 201, response.content
    assert Notification.objects.filter(recipient=enterprise_user,
                                       topic="proposal.submitted").exists()
    assert [p["solution"] for p in api_as(enterprise_user).get(url).json()["results"]] == [
        solution.pk]
    assert api_as(other_vendor_user).get(url).json()["results"] == []  # only their own
    again = api_as(vendor_user).post(url, {"solution": solution.pk, "message": "Again"},
                                     format="json")
    assert again.status_code == 400


def test_proposal_must_cite_own_published_solution(api_as, enterprise, vendor, vendor_user,
                                                   other_vendor_user, solution):
    need = need_in(enterprise, scenario="2025-28")
    url = f"/api/v1/needs/{need.pk}/proposals/"
    foreign = api_as(other_vendor_user).post(url, {"solution": solution.pk, "message": "Mine"},
                                             format="json")
    assert foreign.status_code == 400
    draft = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT)
    unpublished = api_as(vendor_user).post(url, {"solution": draft.pk, "message": "Soon"},
                                           format="json")
    assert unpublished.status_code == 400
    assert not Proposal.objects.exists()


def test_private_need_is_closed_to_uninvited_vendors(api_as, enterprise, vendor_user,
                                                     solution):
    private = NeedFactory(enterprise=enterprise)
    response = api_as(vendor_user).post(f"/api/v1/needs/{private.pk}/proposals/",
                                        {"solution": solution.pk, "message": "Hi"},
                                        format="json")
    assert response.status_code == 404


def test_dashboard_and_need_page_show_feed_and_proposals(client, enterprise, enterprise_user,
                                                         vendor_user, solution):
    need = need_in(enterprise, scenario="2025-28", title="Spindle health for 8 lines")
    client.force_login(vendor_user)
    assert "Spindle health for 8 lines" in client.get(reverse("dashboard")).content.decode()
    response = client.post(reverse("need-propose", args=[need.pk]),
                           {"solution": solution.pk, "message": "We did this in Ningbo"})
    assert response.status_code == 302
    client.force_login(enterprise_user)
    page = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert "We did this in Ningbo" in page
