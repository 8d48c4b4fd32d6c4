"""A need's matches and proposals, a request's quotes and comparison, a quote's versions and a
thread's messages are pages like every list of the API: `page_size` applies, each keeps its
order, and a page of many costs the same queries as a page of one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import CaseStudy, CaseStudyOutcome
from marketplace import services
from marketplace.models import Match, Need
from tests.factories import NeedFactory, OperatorFactory, SolutionFactory, VendorFactory

from .factories import make_quote, make_request, member_of

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"count", "next", "previous", "results"}


def lines(price):
    return [{"description": "Edge gateways", "quantity": Decimal("1"),
             "unit_price_cny": Decimal(price)}]


def published_with_evidence(reviewer, **fields):
    """A published solution as review leaves it: a reviewer, a case study with an outcome."""
    solution = SolutionFactory(status="published", reviewer=reviewer,
                               first_approved_by=reviewer, **fields)
    study = CaseStudy.objects.create(solution=solution, client="Ningbo Spindle Co.")
    CaseStudyOutcome.objects.create(case_study=study, metric="Downtime", unit="h",
                                    before=Decimal("40"), after=Decimal("12"))
    return solution


def matches(enterprise_user, count):
    need = NeedFactory(enterprise=enterprise_user.memberships.get().organization)
    reviewer = member_of(OperatorFactory())
    for rank in range(count, 0, -1):  # stored worst first: the order is the rank's
        Match.objects.create(need=need, rank=rank, score=1 / rank, reasons=["scenario"],
                             solution=published_with_evidence(reviewer))
    return enterprise_user, f"/api/v1/needs/{need.pk}/matches/", "rank", list(
        range(1, count + 1))


def proposals(enterprise_user, count):
    need = NeedFactory(enterprise=enterprise_user.memberships.get().organization,
                       visibility=Need.Visibility.PUBLIC)
    made = []
    for _ in range(count):
        vendor = VendorFactory()
        made.append(services.propose(
            actor=member_of(vendor), vendor=vendor, need=need, message="Spindle analytics",
            solution=SolutionFactory(vendor=vendor, status="published")).pk)
    return enterprise_user, f"/api/v1/needs/{need.pk}/proposals/", "id", made[::-1]


def _quoted_request(enterprise_user, count):
    vendors = [VendorFactory() for _ in range(count)]
    request = make_request(enterprise_user.memberships.get().organization, vendors)
    # Dearest first, so the lowest-total-first order is the view's, not the insertion's.
    quotes = [make_quote(request, vendor, line_items=lines(1000 * (count - n)),
                         solution=SolutionFactory(vendor=vendor, status="published"))
              for n, vendor in enumerate(vendors)]
    return request, [quote.pk for quote in quotes][::-1]


def quotes(enterprise_user, count):
    request, cheapest_first = _quoted_request(enterprise_user, count)
    return enterprise_user, f"/api/v1/quote-requests/{request.pk}/quotes/", "id", cheapest_first


def comparison(enterprise_user, count):
    request, cheapest_first = _quoted_request(enterprise_user, count)
    return (enterprise_user, f"/api/v1/quote-requests/{request.pk}/comparison/", "quote",
            cheapest_first)


def versions(enterprise_user, count):
    vendor = VendorFactory()
    seller = member_of(vendor)
    request = make_request(enterprise_user.memberships.get().organization, [vendor])
    quote = make_quote(request, vendor, actor=seller)
    for _ in range(count - 1):
        services.revise_quote(actor=seller, quote=quote, line_items=lines(500),
                              delivery_weeks=6,
                              valid_until=timezone.localdate() + timedelta(days=20))
    return seller, f"/api/v1/quotes/{quote.pk}/versions/", "version", list(
        range(1, count + 1))


def messages(enterprise_user, count):
    vendor = VendorFactory()
    request = make_request(enterprise_user.memberships.get().organization, [vendor])
    for number in range(count):
        services.post_message(actor=enterprise_user, request=request, vendor=vendor,
                              body=f"Message {number}")
    thread = request.threads.get()
    return enterprise_user, f"/api/v1/message-threads/{thread.pk}/messages/", "body", [
        f"Message {number}" for number in range(count)]


LISTS = [matches, proposals, quotes, comparison, versions, messages]


@pytest.mark.parametrize("build", LISTS, ids=lambda build: build.__name__)
def test_an_actions_list_is_a_page_in_its_own_order(api_as, enterprise_user, build):
    reader, url, key, expected = build(enterprise_user, 3)
    client = api_as(reader)
    first = client.get(url, {"page_size": 2}).json()
    assert set(first) == PAGE_KEYS
    assert first["count"] == 3 and first["previous"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert second["next"] is None
    assert [row[key] for row in first["results"] + second["results"]] == expected


@pytest.mark.parametrize("build", LISTS, ids=lambda build: build.__name__)
def test_an_actions_page_costs_the_same_queries_whatever_its_size(
    api_as, enterprise, enterprise_user, build, django_assert_max_num_queries
):
    small_reader, small_url, _, _ = build(enterprise_user, 1)
    large_reader, large_url, _, _ = build(enterprise_user, 8)
    with django_assert_max_num_queries(25) as one:
        assert api_as(small_reader).get(small_url).status_code == 200
    with django_assert_max_num_queries(len(one)):
        response = api_as(large_reader).get(large_url, {"page_size": 100})
    assert len(response.json()["results"]) == 8
