"""Only an enterprise whose quote was accepted rates; the vendor replies once; operators hide."""

import pytest

from accounts.models import Membership
from catalog.models import SolutionStatus
from marketplace import selectors, services
from marketplace.models import Rating
from tests.factories import MembershipFactory, SolutionFactory, VendorFactory

from .factories import make_quote, make_request

pytestmark = pytest.mark.django_db

SCORES = {"quality": 5, "delivery": 4, "communication": 4, "value": 3}


@pytest.fixture
def solution(vendor):
    return SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)


@pytest.fixture
def accepted(enterprise, enterprise_user, vendor, solution):
    quote = make_quote(make_request(enterprise, [vendor]), vendor, solution=solution)
    return services.accept_quote(actor=enterprise_user, quote=quote, version=quote.version)


def rate_via_api(api_as, user, quote, **extra):
    return api_as(user).post("/api/v1/ratings/", {"quote": quote.pk, **SCORES,
                                                  "text": "Spindle alarms down by half",
                                                  **extra}, format="json")


def test_enterprise_rates_an_accepted_quote_once(api_as, accepted, enterprise_user, solution):
    response = rate_via_api(api_as, enterprise_user, accepted)
    assert response.status_code == 201, response.content
    assert response.json()["solution"] == solution.pk
    assert response.json()["score"] == "4.00"  # (5 + 4 + 4 + 3) / 4 in Decimal
    assert rate_via_api(api_as, enterprise_user, accepted).status_code == 400
    assert Rating.objects.count() == 1


def test_nobody_rates_without_an_accepted_quote(api_as, enterprise, enterprise_user, vendor,
                                                vendor_user, other_enterprise_user, accepted):
    second = VendorFactory()
    pending = make_quote(make_request(enterprise, [second]), second)
    assert rate_via_api(api_as, enterprise_user, pending).status_code == 403
    assert rate_via_api(api_as, vendor_user, accepted).status_code == 403  # vendor self-rating
    assert rate_via_api(api_as, other_enterprise_user, accepted).status_code == 403
    assert not Rating.objects.exists()


def test_scores_must_be_1_to_5(api_as, accepted, enterprise_user):
    response = rate_via_api(api_as, enterprise_user, accepted, quality=6)
    assert response.status_code == 400
    assert "quality" in response.json()["errors"]


def test_vendor_replies_once(api_as, accepted, enterprise_user, vendor_user,
                             other_vendor_user):
    rating_id = rate_via_api(api_as, enterprise_user, accepted).json()["id"]
    url = f"/api/v1/ratings/{rating_id}/reply/"
    assert api_as(other_vendor_user).post(url, {"text": "Hm"}, format="json").status_code == 403
    assert api_as(vendor_user).post(url, {"text": "Thank you!"},
                                    format="json").status_code == 200
    assert api_as(vendor_user).post(url, {"text": "Again"}, format="json").status_code == 400
    assert Rating.objects.get().vendor_reply == "Thank you!"


def test_aggregates_on_vendor_and_solution_leave_out_hidden_ratings(
    api_as, accepted, enterprise_user, vendor, solution, operator, vendor_user
):
    rating_id = rate_via_api(api_as, enterprise_user, accepted).json()["id"]
    summary = selectors.rating_summary(vendor=vendor)
    assert (summary["count"], summary["quality"], summary["score"]) == (1, 5, 4.0)
    assert api_as(vendor_user).get(
        f"/api/v1/ratings/summary/?solution={solution.pk}").json()["count"] == 1

    staff = MembershipFactory(organization=operator, role=Membership.Role.MEMBER).user
    url = f"/api/v1/ratings/{rating_id}/hide/"
    assert api_as(vendor_user).post(url, {"reason": "I dislike it"},
                                    format="json").status_code == 403
    assert api_as(staff).post(url, {"reason": ""}, format="json").status_code == 400
    hidden = api_as(staff).post(url, {"reason": "Insults the vendor's staff"}, format="json")
    assert hidden.status_code == 200
    assert selectors.rating_summary(solution=solution)["count"] == 0
    assert api_as(vendor_user).get("/api/v1/ratings/").json()["count"] == 0
    assert api_as(staff).get("/api/v1/ratings/").json()["count"] == 1
