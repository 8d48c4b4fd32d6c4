"""Needs, requests for quotes and quotes through the API: rules and who may see what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import SolutionStatus
from events.models import Notification
from marketplace.models import Need, Quote, QuoteRequest
from tests.factories import (
    MembershipFactory,
    NeedFactory,
    SolutionFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

NEED = {
    "language": "zh",
    "title": "降低数控产线非计划停机",
    "description": "主轴故障导致停线，希望实现预测性维护。",
    "industry": "machine-tools",
    "region": "CN-ZJ",
    "stages": ["manufacturing"],
    "scenarios": ["2025-28"],
    "current_level": 1,
    "target_level": 2,
    "budget_max_cny": "800000",
}


def valid_until():
    return (timezone.localdate() + timedelta(days=30)).isoformat()


def quote_payload(request, **extra):
    return {
        "request": request.pk,
        "line_items": [
            {"description": "Edge gateways", "unit": "set", "quantity": "4",
             "unit_price_cny": "25000"},
            {"description": "Model training and rollout", "quantity": "1",
             "unit_price_cny": "200000.50"},
        ],
        "delivery_weeks": 10,
        "valid_until": valid_until(),
        "terms": "30% on order",
        **extra,
    }


@pytest.fixture
def quote_request(enterprise, enterprise_user, vendor):
    return QuoteRequest.objects.create(enterprise=enterprise, title="Predictive maintenance",
                                       created_by=enterprise_user)


@pytest.fixture
def rfq(quote_request, vendor):
    quote_request.vendors.set([vendor])
    return quote_request


def test_enterprise_posts_a_need(api_as, enterprise, enterprise_user, on_commit):
    with on_commit():
        response = api_as(enterprise_user).post("/api/v1/needs/", NEED, format="json")
    assert response.status_code == 201, response.content
    need = Need.objects.get()
    assert need.enterprise == enterprise
    assert list(need.scenarios.values_list("code", flat=True)) == ["2025-28"]


def test_need_with_target_below_current_is_refused(api_as, enterprise_user):
    response = api_as(enterprise_user).post("/api/v1/needs/",
                                            {**NEED, "current_level": 3, "target_level": 2},
                                            format="json")
    assert response.status_code == 400
    assert "target_level" in response.json()["errors"]
    assert not Need.objects.exists()


def test_vendor_cannot_post_needs(api_as, vendor_user):
    assert api_as(vendor_user).post("/api/v1/needs/", NEED, format="json").status_code == 403


def test_enterprise_cannot_see_another_enterprises_needs(api_as, other_enterprise_user,
                                                          enterprise):
    need = NeedFactory(enterprise=enterprise)
    client = api_as(other_enterprise_user)
    assert client.get("/api/v1/needs/").json()["count"] == 0
    assert client.get(f"/api/v1/needs/{need.pk}/").status_code == 404
    assert client.get(f"/api/v1/needs/{need.pk}/matches/").status_code == 404


def test_request_quotes_from_several_vendors(api_as, enterprise_user, vendor):
    second = VendorFactory()
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    response = api_as(enterprise_user).post(
        "/api/v1/quote-requests/",
        {"vendors": [vendor.pk, second.pk], "solution": solution.pk,
         "title": "Predictive maintenance for 8 lines", "requirements": "Spindles"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert sorted(response.json()["vendors"]) == sorted([vendor.pk, second.pk])


def test_request_to_too_many_vendors_is_refused(api_as, enterprise_user, settings):
    settings.QUOTE_REQUEST_MAX_VENDORS = 2
    vendors = [VendorFactory().pk for _ in range(3)]
    response = api_as(enterprise_user).post(
        "/api/v1/quote-requests/", {"vendors": vendors, "title": "Too many"}, format="json"
    )
    assert response.status_code == 400
    assert "vendors" in response.json()["errors"]
    assert not QuoteRequest.objects.exists()


def test_request_citing_another_enterprises_need_is_refused(api_as, enterprise_user, vendor):
    foreign_need = NeedFactory()
    response = api_as(enterprise_user).post(
        "/api/v1/quote-requests/",
        {"vendors": [vendor.pk], "need": foreign_need.pk, "title": "Borrowed need"},
        format="json",
    )
    assert response.status_code == 400
    assert "need" in response.json()["errors"]


def test_invited_vendor_quotes_and_the_total_is_computed(api_as, rfq, vendor_user, vendor,
                                                         enterprise_user, on_commit):
    with on_commit():
        response = api_as(vendor_user).post("/api/v1/quotes/",
                                            quote_payload(rfq, total_cny="1"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["total_cny"] == "300000.50"
    assert Notification.objects.filter(recipient=enterprise_user,
                                       topic="quote.submitted").exists()


def test_vendor_not_invited_cannot_quote(api_as, rfq, other_vendor_user):
    response = api_as(other_vendor_user).post("/api/v1/quotes/", quote_payload(rfq),
                                              format="json")
    assert response.status_code == 403
    assert not Quote.objects.exists()


def test_quote_with_past_validity_or_no_items_is_refused(api_as, rfq, vendor_user):
    client = api_as(vendor_user)
    past = quote_payload(rfq, valid_until=(timezone.localdate() - timedelta(days=1)).isoformat())
    assert "valid_until" in client.post("/api/v1/quotes/", past, format="json").json()["errors"]
    empty = quote_payload(rfq, line_items=[])
    assert "line_items" in client.post("/api/v1/quotes/", empty, format="json").json()["errors"]
    assert not Quote.objects.exists()


def test_vendor_quotes_only_once_per_request(api_as, rfq, vendor_user):
    client = api_as(vendor_user)
    assert client.post("/api/v1/quotes/", quote_payload(rfq), format="json").status_code == 201
    assert client.post("/api/v1/quotes/", quote_payload(rfq), format="json").status_code == 400
    assert Quote.objects.count() == 1


def test_enterprise_cannot_see_another_enterprises_quotes(api_as, rfq, vendor_user,
                                                          other_enterprise_user):
    quote_id = api_as(vendor_user).post("/api/v1/quotes/", quote_payload(rfq),
                                        format="json").json()["id"]
    client = api_as(other_enterprise_user)
    assert client.get(f"/api/v1/quotes/{quote_id}/").status_code == 404
    assert client.get(f"/api/v1/quote-requests/{rfq.pk}/").status_code == 404
    assert client.get("/api/v1/quotes/").json()["count"] == 0


def test_accepting_one_quote_declines_the_others(api_as, rfq, vendor_user, enterprise_user):
    second_vendor = VendorFactory()
    second_user = MembershipFactory(organization=second_vendor).user
    rfq.vendors.add(second_vendor)
    first = api_as(vendor_user).post("/api/v1/quotes/", quote_payload(rfq), format="json").json()
    api_as(second_user).post("/api/v1/quotes/", quote_payload(rfq), format="json")

    response = api_as(enterprise_user).post(f"/api/v1/quotes/{first['id']}/accept/",
                                            {"version": first["version"]}, format="json")

    assert response.status_code == 200
    assert dict(Quote.objects.values_list("vendor_id", "status")) == {
        rfq.vendors.get(pk=first["vendor"]["id"]).pk: "accepted",
        second_vendor.pk: "declined",
    }
    rfq.refresh_from_db()
    assert rfq.status == "accepted"


def test_vendor_cannot_accept_its_own_quote(api_as, rfq, vendor_user):
    quote_id = api_as(vendor_user).post("/api/v1/quotes/", quote_payload(rfq),
                                        format="json").json()["id"]
    assert api_as(vendor_user).post(f"/api/v1/quotes/{quote_id}/accept/").status_code == 403
    assert Quote.objects.get().status == "submitted"


def test_completed_assessment_sets_the_enterprise_profile_level(enterprise, on_commit):
    from core.outbox import emit
    from marketplace.models import EnterpriseProfile

    with on_commit():
        emit("assessment.completed", enterprise, enterprise_id=enterprise.pk, level=2)
    assert EnterpriseProfile.objects.get(organization=enterprise).maturity_level == 2


def test_need_form_is_prefilled_from_a_link(client, enterprise_user):
    from catalog.models import Scenario

    scenario = Scenario.objects.get(code="2025-28")
    client.force_login(enterprise_user)
    response = client.get(f"/needs/new/?title=Raise+data+to+level+3&scenarios={scenario.pk}"
                          "&target_level=3")
    form = response.context["form"]
    assert form.initial["title"] == "Raise data to level 3"
    assert form.initial["scenarios"] == [str(scenario.pk)]
    assert 'value="Raise data to level 3"' in response.content.decode()
