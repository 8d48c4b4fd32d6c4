"""Every list endpoint runs the same number of queries for a page of 1 and a page of 50.

The routes come from the URL resolver (every `*-list` route under /api/v1/, plus the
paginated lists that are not router routes), so a new list endpoint without a seeder here
fails test_every_list_route_has_a_seeder until one is added. Each seeder adds one more row
of its resource, with the relations its serializer shows (taxonomy, case studies, line
items, messages), so an N+1 shows up as a difference between the two page sizes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from accounts import services as accounts
from catalog import services as catalog
from catalog.models import Attachment, CaseStudy, CaseStudyOutcome, Industry, Region
from marketplace import services as marketplace
from marketplace.models import Follow
from maturity.models import SmartFactory
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    NeedFactory,
    OperatorFactory,
    SolutionFactory,
    VendorFactory,
)
from tests.marketplace.factories import make_quote, make_request
from tests.maturity.factories import CompletedAssessmentFactory, SmartFactoryFactory

pytestmark = pytest.mark.django_db

ROWS = 4
SCORES = {"quality": 4, "delivery": 5, "communication": 4, "value": 3}
SCENARIOS = [["2025-28"], ["2025-10", "2025-27"], ["2025-24"], ["2025-09", "2025-12"]]
# Paginated lists that are not router `-list` routes.
EXTRA_LISTS = ["/api/v1/review-queue/", "/api/v1/needs/feed/"]


def list_routes():
    """'/api/v1/<prefix>/' of every router list route."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif (pattern.name or "").endswith("-list"):
                route = prefix + str(pattern.pattern)
                if route.startswith("api/v1/") and "format" not in route:
                    yield "/" + route.replace("^", "").replace("$", "")

    return sorted(set(walk(get_resolver().url_patterns)))


class World:
    """One organisation of each kind with a member each; seeders add rows visible to them."""

    def __init__(self):
        self.vendor = VendorFactory()
        self.vendor_user = MembershipFactory(organization=self.vendor).user
        self.enterprise = EnterpriseFactory()
        self.buyer = MembershipFactory(organization=self.enterprise).user
        self.operator = OperatorFactory()
        self.staff = MembershipFactory(organization=self.operator).user
        self.n = 0

    def solution(self, **kwargs):
        self.n += 1
        kwargs.setdefault("vendor", self.vendor)
        kwargs.setdefault("status", "published")
        kwargs.setdefault("published_at", timezone.now())
        solution = SolutionFactory(scenarios=SCENARIOS[self.n % len(SCENARIOS)], **kwargs)
        study = CaseStudy.objects.create(
            solution=solution,
            client=f"Pump works {self.n}",
            year=2024,
            industry=Industry.objects.get(code="machine-tools"),
            region=Region.objects.get(code="CN-JS"),
            summary="Pilot on two lines.",
        )
        CaseStudyOutcome.objects.create(
            case_study=study, metric="downtime", unit="%", before=Decimal("12"), after=Decimal("7")
        )
        return solution

    def accepted_quote(self):
        vendor = VendorFactory()
        request = make_request(self.enterprise, [vendor, self.vendor])
        marketplace.post_message(actor=self.buyer, request=request, vendor=vendor, body="Hi")
        quote = make_quote(request, vendor, solution=self.solution(vendor=vendor))
        return marketplace.accept_quote(actor=self.buyer, quote=quote, version=quote.version)


def add_organization(world):
    VendorFactory()
    return None


def add_api_key(world):
    accounts.create_api_key(
        actor=world.vendor_user, organization=world.vendor, name="k", scopes=["catalog:read"]
    )
    return world.vendor_user


def add_solution(world):
    world.solution()
    return None


def add_attachment(world):
    Attachment.objects.create(
        solution=world.solution(status="draft"),
        file="a.pdf",
        original_name="a.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=world.vendor_user,
    )
    return world.vendor_user


def add_need(world):
    need = NeedFactory(enterprise=world.enterprise)
    need.scenarios.set([])
    return world.buyer


def add_quote_request(world):
    make_request(
        world.enterprise,
        [VendorFactory(), world.vendor],
        need=NeedFactory(enterprise=world.enterprise),
    )
    return world.buyer


def add_quote(world):
    request = make_request(world.enterprise, [world.vendor])
    make_quote(request, world.vendor)
    return world.buyer


def add_rated_thread(world):
    quote = world.accepted_quote()
    marketplace.rate(actor=world.buyer, quote=quote, scores=SCORES, text="Good")
    return world.buyer


def add_assessment(world):
    CompletedAssessmentFactory(enterprise=world.enterprise, is_latest=False)
    return world.buyer


def add_factory(world):
    SmartFactoryFactory(enterprise=world.enterprise, status=SmartFactory.Status.VERIFIED)
    return world.staff


def add_follow(world):
    Follow.objects.create(user=world.buyer, target_type="solution", solution=world.solution())
    return world.buyer


def add_webhook(world):
    from events.models import WebhookSubscription

    WebhookSubscription.objects.create(
        organization=world.vendor,
        url="https://example.com/h",
        topics=["solution.published"],
        secret="s" * 40,
    )
    return world.vendor_user


def add_notification(world):
    from events.models import Notification

    Notification.objects.create(recipient=world.buyer, topic="quote.accepted", title="Hi")
    return world.buyer


def add_review_item(world):
    solution = world.solution(status="draft")
    catalog.submit_solution(actor=world.vendor_user, solution=solution)
    return world.staff


def add_fitting_need(world):
    solution = world.solution()
    need = NeedFactory(enterprise=EnterpriseFactory(), visibility="public")
    need.scenarios.set(solution.scenarios.all())
    return world.vendor_user


def fixed_rows(world):
    """Taxonomy, review reasons and model versions ship with the migrations."""
    return None


SEEDERS = {
    "/api/v1/organizations/": add_organization,
    "/api/v1/api-keys/": add_api_key,
    "/api/v1/solutions/": add_solution,
    "/api/v1/review-reasons/": fixed_rows,
    "/api/v1/attachments/": add_attachment,
    "/api/v1/needs/": add_need,
    "/api/v1/quote-requests/": add_quote_request,
    "/api/v1/quotes/": add_quote,
    "/api/v1/message-threads/": add_rated_thread,
    "/api/v1/ratings/": add_rated_thread,
    "/api/v1/follows/": add_follow,
    "/api/v1/maturity-models/": fixed_rows,
    "/api/v1/assessments/": add_assessment,
    "/api/v1/factories/": add_factory,
    "/api/v1/webhooks/": add_webhook,
    "/api/v1/notifications/": add_notification,
    "/api/v1/review-queue/": add_review_item,
    "/api/v1/needs/feed/": add_fitting_need,
}


def seeder_for(route):
    if route.startswith("/api/v1/taxonomy/"):
        return fixed_rows
    return SEEDERS.get(route)


def count_queries(client, url):
    """(queries run, rows answered) for a GET of `url`."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return len(ctx.captured_queries), len(rows)


def test_every_list_route_has_a_seeder():
    assert [route for route in list_routes() if seeder_for(route) is None] == []


@pytest.mark.parametrize("route", list_routes() + EXTRA_LISTS)
def test_list_runs_the_same_queries_for_a_page_of_1_and_of_50(route, api, api_as, on_commit):
    seeder = seeder_for(route)
    if seeder is None:
        pytest.fail(f"No seeder for {route}: add one to SEEDERS.")
    world = World()
    with on_commit():
        for _ in range(ROWS):
            user = seeder(world)
    client = api_as(user) if user is not None else api
    client.get(route)  # warm per-process caches (content types, taxonomy) out of the count
    one, _ = count_queries(client, f"{route}?page_size=1")
    fifty, rows = count_queries(client, f"{route}?page_size=50")
    if seeder is not fixed_rows:
        assert rows >= ROWS, f"{route}: the seeder's rows are not listed ({rows})"
    assert fifty == one, f"{route}: {one} queries for a page of 1, {fifty} for a page of 50"
