"""Solution and vendor pages show the visible ratings' aggregates and the ratings with the
vendor's replies; a hidden rating is never shown nor counted."""

import pytest
from django.urls import reverse

from catalog.models import SolutionStatus
from marketplace import services
from tests.factories import EnterpriseFactory, MembershipFactory, SolutionFactory

from .factories import make_quote, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def solution(vendor):
    return SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)


def rated(vendor, solution, scores, text):
    enterprise = EnterpriseFactory()
    buyer = MembershipFactory(organization=enterprise).user
    quote = make_quote(make_request(enterprise, [vendor]), vendor, solution=solution)
    services.accept_quote(actor=buyer, quote=quote, version=quote.version)
    return services.rate(actor=buyer, quote=quote, scores=scores, text=text)


@pytest.fixture
def ratings(vendor, vendor_user, solution, operator):
    good = rated(
        vendor,
        solution,
        {"quality": 5, "delivery": 4, "communication": 4, "value": 3},
        "Spindle alarms down by half",
    )
    fair = rated(
        vendor,
        solution,
        {"quality": 3, "delivery": 2, "communication": 4, "value": 3},
        "Late by two weeks",
    )
    abusive = rated(
        vendor,
        solution,
        {"quality": 1, "delivery": 1, "communication": 1, "value": 1},
        "Crooks, all of them",
    )
    services.reply_to_rating(actor=vendor_user, rating=fair, text="The site was not ready.")
    staff = MembershipFactory(organization=operator).user
    services.hide_rating(actor=staff, rating=abusive, reason="Abusive language")
    return good, fair, abusive


def test_solution_page_shows_aggregates_ratings_and_replies_but_not_hidden_ones(
    client, solution, ratings
):
    page = client.get(reverse("solution-detail", args=[solution.pk])).content.decode()
    assert "2 ratings" in page
    assert "<strong>3.5</strong> / 5" in page  # (4.00 + 3.00) / 2
    assert "4.0 / 5" in page  # quality (5 + 3) / 2
    assert "Spindle alarms down by half" in page and "Late by two weeks" in page
    assert "The site was not ready." in page
    assert "Crooks" not in page


def test_vendor_page_shows_the_same_for_all_its_solutions(client, vendor, solution, ratings):
    other = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    rated(vendor, other, {"quality": 4, "delivery": 4, "communication": 4, "value": 4}, "Solid")
    page = client.get(reverse("vendor-detail", args=[vendor.pk])).content.decode()
    assert "3 ratings" in page and "Solid" in page and "The site was not ready." in page
    assert "Crooks" not in page
    assert other.title_en in page


def test_pages_without_ratings_say_so(client, solution, vendor):
    page = client.get(reverse("solution-detail", args=[solution.pk])).content.decode()
    assert "No ratings yet" in page
    assert (
        "No ratings yet" in client.get(reverse("vendor-detail", args=[vendor.pk])).content.decode()
    )


def test_ratings_add_a_fixed_number_of_queries_to_the_vendor_page(
    client, vendor, solution, django_assert_max_num_queries
):
    for _ in range(6):
        rated(
            vendor, solution, {"quality": 4, "delivery": 4, "communication": 4, "value": 4}, "Fine"
        )
    # 13: the page reads the regions once to name the vendor's (issue 15).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("vendor-detail", args=[vendor.pk]))
    assert "6 ratings" in response.content.decode()
