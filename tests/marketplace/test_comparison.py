"""The asking enterprise compares quotes side by side: price, time, validity, fit, evidence."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import CaseStudy, Scenario, SolutionStatus
from tests.factories import NeedFactory, SolutionFactory, VendorFactory

from .factories import make_quote, make_request, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def compared(enterprise, vendor):
    need = NeedFactory(enterprise=enterprise, target_level=3)
    need.scenarios.set(Scenario.objects.filter(code__in=["2025-28"]))
    second = VendorFactory()
    fitting = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED,
                              maturity_from=2, maturity_to=4)
    fitting.scenarios.set(Scenario.objects.filter(code="2025-28"))
    CaseStudy.objects.create(solution=fitting, client="Ningbo Spindle Co.")
    CaseStudy.objects.create(solution=fitting, client="Hangzhou Lathe Works")
    other = SolutionFactory(vendor=second, status=SolutionStatus.PUBLISHED,
                            maturity_from=1, maturity_to=2)
    other.scenarios.clear()
    request = make_request(enterprise, [vendor, second], need=need)
    make_quote(request, vendor, solution=fitting)
    make_quote(request, second, solution=other, line_items=[
        {"description": "Everything", "quantity": Decimal("1"),
         "unit_price_cny": Decimal("99.99")}])
    return request


def test_comparison_shows_quotes_side_by_side_with_fit_and_evidence(
    api_as, compared, enterprise_user, vendor, django_assert_max_num_queries
):
    client = api_as(enterprise_user)
    with django_assert_max_num_queries(20):
        response = client.get(f"/api/v1/quote-requests/{compared.pk}/comparison/")
    assert response.status_code == 200, response.content
    cheap, dear = response.json()["results"]
    assert (cheap["total_cny"], dear["total_cny"]) == ("99.99", "300000.50")
    assert dear["vendor"]["id"] == vendor.pk
    assert dear["scenario_fit"] == {"matched": ["2025-28"], "of": 1}
    assert dear["maturity_fit"]["fits"] is True
    assert (dear["solution_case_studies"], dear["vendor_case_studies"]) == (2, 2)
    assert cheap["scenario_fit"] == {"matched": [], "of": 1}
    assert cheap["maturity_fit"]["fits"] is False
    assert cheap["vendor_case_studies"] == 0
    assert {"delivery_weeks", "valid_until", "is_expired"} <= set(cheap)


def test_query_count_does_not_grow_with_the_number_of_quotes(
    api_as, compared, enterprise_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(enterprise_user)
    url = f"/api/v1/quote-requests/{compared.pk}/comparison/"
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    third = VendorFactory()
    compared.vendors.add(third)
    make_quote(compared, third, solution=SolutionFactory(vendor=third,
                                                         status=SolutionStatus.PUBLISHED))
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).json()["results"]) == 3
    assert len(three.captured_queries) == len(two.captured_queries)


def test_invited_vendor_cannot_compare_and_other_enterprise_cannot_find_it(
    api_as, compared, vendor_user, other_enterprise_user
):
    url = f"/api/v1/quote-requests/{compared.pk}/comparison/"
    assert api_as(vendor_user).get(url).status_code == 403
    assert api_as(other_enterprise_user).get(url).status_code == 404
    assert api_as(member_of(VendorFactory())).get(url).status_code == 403


def test_request_page_shows_the_same_comparison(client, compared, enterprise_user):
    client.force_login(enterprise_user)
    page = client.get(reverse("quote-request-detail", args=[compared.pk])).content.decode()
    assert "Scenario fit" in page
    assert "1 of 1 scenarios" in page
    assert "2 for this solution" in page
    assert "reaches your target" in page and "misses your target" in page
