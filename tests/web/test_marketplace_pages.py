"""The enterprise's and vendor's marketplace pages: needs, matches, requests for quotes, quotes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Industry, Region, Scenario, SolutionStatus
from marketplace.models import Match, Need, Quote, QuoteLineItem, QuoteRequest
from tests.factories import NeedFactory, SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(enterprise):
    return NeedFactory(enterprise=enterprise, title="Cut spindle downtime")


@pytest.fixture
def matched_need(need, published, other_vendor_user):
    other = SolutionFactory(vendor=other_vendor_user.memberships.get().organization,
                            status=SolutionStatus.PUBLISHED, title_en="Vibration analytics")
    Match.objects.create(need=need, solution=published, rank=1, score=0.91,
                         reasons=["Serves the scenario you chose."])
    Match.objects.create(need=need, solution=other, rank=2, score=0.64,
                         reasons=["Covers your region."])
    return need


@pytest.fixture
def quote_request(enterprise, enterprise_user, vendor, need):
    request = QuoteRequest.objects.create(enterprise=enterprise, need=need, title="Quote please",
                                          requirements="Two lines, 40 spindles.",
                                          created_by=enterprise_user)
    request.vendors.set([vendor])
    return request


def _quote(request, vendor, total, days=30):
    quote = Quote.objects.create(request=request, vendor=vendor, total_cny=total,
                                 delivery_weeks=10,
                                 valid_until=timezone.localdate() + timedelta(days=days))
    QuoteLineItem.objects.create(quote=quote, description="Gateway", quantity=1,
                                 unit_price_cny=total)
    return quote


def test_enterprise_posts_a_need_through_the_form(as_user, enterprise_user, enterprise):
    client = as_user(enterprise_user)
    assert client.get(reverse("need-create")).status_code == 200
    response = client.post(reverse("need-create"), {
        "title": "Automate weld inspection",
        "description": "Manual visual checks miss porosity.",
        "language": "en",
        "industry": Industry.objects.get(code="machine-tools").pk,
        "region": Region.objects.get(code="CN-ZJ").pk,
        "scenarios": [Scenario.objects.get(code="2025-24").pk],
        "current_level": "1",
        "target_level": "3",
        "budget_max_cny": "500000",
    })
    need = Need.objects.get(enterprise=enterprise)
    assert response.status_code == 302
    assert response.url == reverse("need-detail", args=[need.pk])
    assert need.title == "Automate weld inspection"
    assert need.target_level == 3
    assert list(need.scenarios.values_list("code", flat=True)) == ["2025-24"]


def test_need_form_sets_a_deadline_and_public_visibility(as_user, enterprise_user,
                                                        enterprise):
    deadline = timezone.localdate() + timedelta(days=14)
    response = as_user(enterprise_user).post(reverse("need-create"), {
        "title": "Open call: spindle monitoring", "language": "en",
        "deadline": deadline.isoformat(), "visibility": "public",
    })
    assert response.status_code == 302
    need = Need.objects.get(enterprise=enterprise)
    assert (need.deadline, need.visibility) == (deadline, "public")
    page = as_user(enterprise_user).get(response.url).content.decode()
    assert "Public: every vendor may see it" in page


def test_need_form_refuses_a_target_below_the_current_level(as_user, enterprise_user):
    response = as_user(enterprise_user).post(reverse("need-create"), {
        "title": "Backwards", "language": "en", "current_level": "3", "target_level": "1",
    })
    assert response.status_code == 200
    assert "target_level" in response.context["form"].errors
    assert not Need.objects.exists()


def test_vendors_cannot_post_needs(as_user, vendor_user):
    assert as_user(vendor_user).get(reverse("need-create")).status_code == 403


def test_need_detail_shows_ranked_matches_with_reasons(as_user, enterprise_user, matched_need,
                                                       published):
    response = as_user(enterprise_user).get(reverse("need-detail", args=[matched_need.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(published.title_en) < html.index("Vibration analytics")
    assert "Serves the scenario you chose." in html and "Covers your region." in html
    assert response.context["composer"] is not None


@pytest.mark.parametrize("who", ["other_enterprise_user", "vendor_user"])
def test_need_is_404_for_other_organisations(request, as_user, who, need):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("need-detail", args=[need.pk])).status_code == 404


def test_enterprise_requests_quotes_from_matched_vendors(as_user, enterprise_user, matched_need,
                                                         vendor, other_vendor_user):
    other_vendor = other_vendor_user.memberships.get().organization
    response = as_user(enterprise_user).post(reverse("quote-request-create"), {
        "need": matched_need.pk,
        "vendors": [vendor.pk, other_vendor.pk],
        "title": "Quote for spindle monitoring",
        "requirements": "40 spindles on two lines.",
    })
    quote_request = QuoteRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("quote-request-detail", args=[quote_request.pk])
    assert quote_request.need == matched_need
    assert set(quote_request.vendors.all()) == {vendor, other_vendor}


def test_composer_offers_only_the_matched_vendors(as_user, enterprise_user, matched_need,
                                                  other_enterprise_user):
    from tests.factories import VendorFactory

    stranger = VendorFactory()
    response = as_user(enterprise_user).post(reverse("quote-request-create"), {
        "need": matched_need.pk, "vendors": [stranger.pk], "title": "Sneaky",
    })
    assert response.status_code == 200
    assert "vendors" in response.context["form"].errors
    assert not QuoteRequest.objects.exists()


def test_composer_from_a_solution_page(as_user, enterprise_user, published):
    client = as_user(enterprise_user)
    page = client.get(reverse("quote-request-create"), {"solution": published.pk})
    assert page.status_code == 200
    response = client.post(reverse("quote-request-create"), {
        "solution": published.pk, "vendors": [published.vendor_id], "title": "One quote",
    })
    assert response.status_code == 302
    assert QuoteRequest.objects.get().solution == published


@pytest.mark.parametrize("who", ["other_enterprise_user", "other_vendor_user"])
def test_quote_request_is_404_for_everyone_not_involved(request, as_user, who, quote_request):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("quote-request-detail", args=[quote_request.pk])).status_code == 404
    assert client.get(reverse("quote-create", args=[quote_request.pk])).status_code == 404


def test_invited_vendor_answers_with_a_quote(as_user, vendor_user, vendor, quote_request,
                                             published):
    client = as_user(vendor_user)
    assert client.get(reverse("quote-request-detail", args=[quote_request.pk])).status_code == 200
    assert client.get(reverse("quote-create", args=[quote_request.pk])).status_code == 200
    data = {
        "items-TOTAL_FORMS": "5", "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "5",
        "items-0-description": "Edge gateway", "items-0-unit": "pcs",
        "items-0-quantity": "2", "items-0-unit_price_cny": "15000",
        "items-1-description": "Commissioning", "items-1-quantity": "1",
        "items-1-unit_price_cny": "20000.50",
        "delivery_weeks": "8",
        "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "terms": "30% on order.",
        "solution": published.pk,
    }
    response = client.post(reverse("quote-create", args=[quote_request.pk]), data)
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.vendor == vendor and quote.solution == published
    assert quote.total_cny == Decimal("50000.50")
    assert quote.line_items.count() == 2


def test_quote_form_shows_line_item_errors_inline(as_user, vendor_user, quote_request):
    data = {
        "items-TOTAL_FORMS": "5", "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "5",
        "items-0-description": "Gateway", "items-0-quantity": "0",
        "items-0-unit_price_cny": "10",
        "delivery_weeks": "8",
        "valid_until": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    response = as_user(vendor_user).post(reverse("quote-create", args=[quote_request.pk]), data)
    assert response.status_code == 200
    assert "quantity" in response.context["items"].forms[0].errors
    assert "valid_until" in response.context["form"].errors
    assert not Quote.objects.exists()


def test_enterprise_compares_quotes_side_by_side_and_accepts_one(
    as_user, enterprise_user, quote_request, vendor, other_vendor_user
):
    other_vendor = other_vendor_user.memberships.get().organization
    quote_request.vendors.add(other_vendor)
    cheap = _quote(quote_request, other_vendor, Decimal("80000"))
    dear = _quote(quote_request, vendor, Decimal("120000"))
    client = as_user(enterprise_user)

    page = client.get(reverse("quote-request-detail", args=[quote_request.pk]))
    assert page.status_code == 200
    assert [q.pk for q in page.context["quotes"]] == [cheap.pk, dear.pk]
    assert "¥80,000.00" in page.content.decode()

    response = client.post(reverse("quote-accept", args=[dear.pk]), {"version": dear.version})
    assert response.status_code == 302
    dear.refresh_from_db()
    cheap.refresh_from_db()
    quote_request.refresh_from_db()
    assert dear.status == Quote.Status.ACCEPTED
    assert cheap.status == Quote.Status.DECLINED
    assert quote_request.status == QuoteRequest.Status.ACCEPTED


def test_vendor_sees_only_its_own_quote_and_cannot_accept(as_user, vendor_user, quote_request,
                                                          vendor, other_vendor_user):
    other_vendor = other_vendor_user.memberships.get().organization
    quote_request.vendors.add(other_vendor)
    mine = _quote(quote_request, vendor, Decimal("100000"))
    _quote(quote_request, other_vendor, Decimal("90000"))
    client = as_user(vendor_user)

    page = client.get(reverse("quote-request-detail", args=[quote_request.pk]))
    assert [q.pk for q in page.context["quotes"]] == [mine.pk]
    assert "¥90,000" not in page.content.decode()

    assert client.post(reverse("quote-accept", args=[mine.pk])).status_code == 403
    mine.refresh_from_db()
    assert mine.status == Quote.Status.SUBMITTED


def test_expired_quote_cannot_be_accepted(as_user, enterprise_user, quote_request, vendor):
    expired = _quote(quote_request, vendor, Decimal("1000"), days=-1)
    response = as_user(enterprise_user).post(reverse("quote-accept", args=[expired.pk]),
                                             {"version": expired.version}, follow=True)
    assert response.status_code == 200
    assert "expired" in response.content.decode()
    expired.refresh_from_db()
    assert expired.status == Quote.Status.SUBMITTED


def test_enterprise_closes_its_need(as_user, enterprise_user, need):
    response = as_user(enterprise_user).post(reverse("need-close", args=[need.pk]))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED


def test_vendor_revises_and_declines_its_quote_on_the_page(as_user, enterprise, vendor,
                                                           vendor_user):
    from marketplace import services as marketplace_services

    quote_request = QuoteRequest.objects.create(enterprise=enterprise, title="Spindles")
    quote_request.vendors.set([vendor])
    quote = marketplace_services.submit_quote(
        actor=vendor_user, request=quote_request, vendor=vendor,
        line_items=[{"description": "Sensors", "quantity": Decimal("2"),
                     "unit_price_cny": Decimal("10")}],
        delivery_weeks=4, valid_until=timezone.localdate() + timedelta(days=10),
    )
    client = as_user(vendor_user)
    detail = client.get(reverse("quote-request-detail", args=[quote_request.pk]))
    assert reverse("quote-revise", args=[quote.pk]) in detail.content.decode()
    form = client.get(reverse("quote-revise", args=[quote.pk]))
    assert 'value="Sensors"' in form.content.decode()
    response = client.post(reverse("quote-revise", args=[quote.pk]), {
        "items-TOTAL_FORMS": "5", "items-INITIAL_FORMS": "1", "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "5",
        "items-0-description": "Sensors", "items-0-quantity": "3",
        "items-0-unit_price_cny": "10",
        "delivery_weeks": "5", "valid_until": (timezone.localdate()
                                               + timedelta(days=20)).isoformat(),
    })
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.version, quote.total_cny, quote.status) == (2, Decimal("30.00"), "revised")
    client.post(reverse("quote-decline", args=[quote.pk]), {"reason": "Team unavailable"})
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == ("declined", "Team unavailable")


def test_enterprise_rates_the_accepted_quote_on_the_page(as_user, enterprise, enterprise_user,
                                                         vendor, vendor_user):
    from marketplace import services as marketplace_services
    from marketplace.models import Rating

    quote_request = QuoteRequest.objects.create(enterprise=enterprise, title="Spindles")
    quote_request.vendors.set([vendor])
    quote = marketplace_services.submit_quote(
        actor=vendor_user, request=quote_request, vendor=vendor,
        line_items=[{"description": "Sensors", "quantity": Decimal("2"),
                     "unit_price_cny": Decimal("10")}],
        delivery_weeks=4, valid_until=timezone.localdate() + timedelta(days=10),
    )
    client = as_user(enterprise_user)
    detail = reverse("quote-request-detail", args=[quote_request.pk])
    assert "rating-title" not in client.get(detail).content.decode()  # nothing accepted yet
    marketplace_services.accept_quote(actor=enterprise_user, quote=quote, version=quote.version)
    assert "rating-title" in client.get(detail).content.decode()
    client.post(reverse("quote-rate", args=[quote.pk]), {
        "quality": "5", "delivery": "4", "communication": "5", "value": "4", "text": "Solid"})
    assert Rating.objects.get().score == Decimal("4.50")
    assert "rating-title" not in client.get(detail).content.decode()
    as_user(vendor_user).post(reverse("quote-rate", args=[quote.pk]), {
        "quality": "5", "delivery": "5", "communication": "5", "value": "5"})
    assert Rating.objects.count() == 1
