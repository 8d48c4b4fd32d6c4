"""`manage.py seed_demo` (what `make run` loads): a demo that walks every path, seeded twice
without a change, and its logins printed and in the README."""

import socket
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from accounts import selectors as people
from accounts.models import Membership, Organization, User
from catalog import services as catalog_services
from catalog.models import CheckResult, ReviewEvent, Solution, SolutionStatus
from core.models import OutboxEvent
from importer import demo
from marketplace.models import Need, Quote, QuoteRequest
from marketplace.selectors.needs import need_feed_for

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"


def seed_demo():
    out = StringIO()
    # The events of the seed are delivered as a commit would (matching, notifications).
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo once per module, rolled back at its end; each test has its own savepoint."""
    from config.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            app.conf.task_always_eager = eager


def login(username):
    user = User.objects.get(username=username)
    assert user.check_password(demo.DEMO_PASSWORD), username
    return user


def organization_of(username, kind):
    return Organization.objects.get(kind=kind, memberships__user__username=username)


def test_every_login_is_printed_with_its_password_role_and_what_to_try(seeded):
    for entry in [*demo.LOGINS, demo.APPLICANT]:
        row = next(line for line in seeded.splitlines() if line.startswith(f"| {entry.username} "))
        assert demo.DEMO_PASSWORD in row and entry.role_label in row and entry.try_this in row


def test_the_readme_carries_the_same_logins(seeded):
    readme = README.read_text(encoding="utf-8")
    for entry in [*demo.LOGINS, demo.APPLICANT]:
        row = next((line for line in readme.splitlines()
                    if line.startswith(f"| `{entry.username}` ")), None)
        assert row, f"README has no row for {entry.username}"
        assert entry.role_label in row and entry.try_this in row
    assert demo.DEMO_PASSWORD in readme


def test_two_vendors_and_two_enterprises_each_with_a_login(seeded):
    vendors = {organization_of(name, "vendor") for name in ("vendor", "vendor2")}
    enterprises = {organization_of(name, "enterprise") for name in ("enterprise", "enterprise2")}
    assert len(vendors) == 2 and len(enterprises) == 2
    assert all(org.status == Organization.Status.VERIFIED for org in vendors | enterprises)
    for name in ("vendor", "vendor2", "enterprise", "enterprise2"):
        assert not people.is_operator(login(name))


def test_two_reviewers_and_an_operator_admin(seeded):
    for name in ("reviewer", "reviewer2"):
        assert people.is_reviewer(login(name)) and not people.is_operator_admin(login(name))
    admin = login("admin")
    assert admin.is_superuser and admin.is_staff
    assert people.is_operator_admin(admin) and people.is_operator(admin)
    assert admin.memberships.get().role == Membership.Role.OWNER


def test_needs_public_and_private_and_each_vendor_has_open_needs(seeded):
    assert Need.objects.filter(visibility=Need.Visibility.PUBLIC).count() >= 2
    assert Need.objects.filter(visibility=Need.Visibility.PRIVATE).exists()
    for name in ("vendor", "vendor2"):
        assert need_feed_for(organization_of(name, "vendor")).exists(), name


def test_a_quote_request_to_both_vendors_with_two_quotes_to_compare(seeded, client):
    request = QuoteRequest.objects.get(title=demo.QUOTE_REQUEST["title"])
    vendors = {organization_of("vendor", "vendor"), organization_of("vendor2", "vendor")}
    assert set(request.vendors.all()) == vendors
    assert request.enterprise == organization_of("enterprise", "enterprise")
    assert request.status == QuoteRequest.Status.OPEN
    quotes = Quote.objects.filter(request=request)
    assert {quote.vendor for quote in quotes} == vendors
    assert all(quote.total_cny > 0 and quote.solution_id for quote in quotes)

    client.force_login(login("enterprise"))
    html = client.get(reverse("quote-request-detail", args=[request.pk])).content.decode()
    assert all(vendor.name in html for vendor in vendors)


def test_an_organisation_awaits_verification(seeded):
    pending = organization_of("applicant", "vendor")
    assert pending.status == Organization.Status.PENDING
    assert pending.memberships.get().role == Membership.Role.OWNER


def snapshot():
    return {
        "users": sorted(User.objects.values_list("username", "password", "is_superuser")),
        "memberships": sorted(Membership.objects.values_list(
            "user__username", "organization_id", "role", "is_reviewer")),
        "organizations": sorted(Organization.objects.values_list("pk", "status", "updated_at")),
        "needs": sorted(Need.objects.values_list("pk", "visibility", "updated_at")),
        "requests": QuoteRequest.objects.count(),
        "quotes": sorted(Quote.objects.values_list("pk", "total_cny", "status")),
        "solutions": Solution.objects.count(),
        "review_events": ReviewEvent.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }


def test_seeding_twice_changes_nothing(seeded):
    before = snapshot()
    seed_demo()
    assert snapshot() == before


def test_a_changed_demo_password_is_given_back(seeded):
    user = User.objects.get(username="vendor2")
    user.set_password("something-else-42")
    user.save()
    seed_demo()
    login("vendor2")


def test_a_new_solution_of_the_demo_vendor_is_published_by_one_reviewer(seeded, monkeypatch,
                                                                         settings, client):
    """The walk of the demo: the vendor's website is a reserved example host, which the link
    check leaves unchecked (never looked up: no network), so one approval publishes it."""
    settings.LINK_CHECKER = "catalog.checks.links.HttpLinkChecker"

    def no_network(*args, **kwargs):
        raise AssertionError("the demo asked the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    vendor_user = login("vendor")
    vendor = organization_of("vendor", "vendor")
    assert vendor.website.endswith(".example.com")
    from catalog.models import Industry, Region, Scenario, Technology

    solution = catalog_services.create_solution(actor=vendor_user, vendor=vendor, data={
        "language": "zh",
        "title_en": "Coolant and lubrication monitoring for machining lines",
        "title_zh": "加工产线切削液与润滑状态监测",
        "summary_en": "Sensors on coolant tanks and lubrication pumps warn before a spindle "
                      "runs dry or the coolant degrades.",
        "summary_zh": "在切削液箱和润滑泵上加装传感器，在主轴缺润滑或切削液变质前预警。",
        "description_en": "Concentration, pH and flow sensors with an edge box; alerts in the "
                          "shop-floor app.",
        "description_zh": "浓度、pH值和流量传感器配合边缘盒子，告警推送到车间应用。",
        "maturity_from": 1, "maturity_to": 3, "deployment": Solution.Deployment.HYBRID,
        "price_min_cny": 150000, "price_max_cny": 400000, "delivery_weeks": 6,
        "scenarios": list(Scenario.objects.filter(code="2025-28")),
        "industries": list(Industry.objects.filter(code="machine-tools")),
        "technologies": list(Technology.objects.filter(code="iiot")),
        "regions": list(Region.objects.filter(code__in=["CN-JS", "CN-ZJ"])),
        "case_studies": [{
            "client": "浙江某机床厂", "year": 2025, "summary": "两条产线试点。",
            "outcomes": [{"metric": "主轴润滑故障", "unit": "次/月", "before": 6, "after": 1}],
        }],
    })
    with TestCase.captureOnCommitCallbacks(execute=True):
        catalog_services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW
    assert not solution.needs_second_approval
    links = CheckResult.objects.get(solution=solution, code="links")
    assert links.passed and links.details["example_addresses"][0]["url"] == vendor.website
    # Vendor and reviewer both read it as "not checked", with the address named.
    for who, url in ((vendor_user, reverse("solution-detail", args=[solution.pk])),
                     (login("reviewer"), reverse("review-decision", args=[solution.pk]))):
        client.force_login(who)
        html = client.get(url).content.decode()
        assert "Not checked: some links go to reserved example addresses" in html, who
        assert "Example addresses, not checked" in html and vendor.website in html

    with TestCase.captureOnCommitCallbacks(execute=True):
        catalog_services.approve(actor=login("reviewer"), subject=solution,
                                 comment="Clear and complete.")
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED
