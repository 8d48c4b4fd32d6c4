"""An enterprise searches with facets, posts a need, asks two vendors for quotes, compares the
quotes side by side and accepts one."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from catalog import services
from catalog.models import Industry, SolutionStatus
from marketplace.models import QuoteRequest
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    OperatorFactory,
    SolutionFactory,
    VendorFactory,
)

from .conftest import log_in, screenshot
from .labels import say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Distinct texts, so the duplicate check does not ask for a second approval.
OFFERS = [
    ("Spindle health monitoring", "Vibration sensors on CNC spindles predict bearing wear."),
    ("Machine tool failure forecasting", "Controller logs and AI forecast breakdowns of lathes."),
]


def published_solution(reviewer, title, summary):
    vendor = VendorFactory()
    vendor_user = MembershipFactory(organization=vendor).user
    solution = SolutionFactory(vendor=vendor, title_en=title, summary_en=summary,
                               description_en=summary, title_zh="", summary_zh="",
                               description_zh="")
    services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    services.approve(actor=reviewer, subject=solution)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED
    return vendor_user, solution


def answer_with_a_quote(page, language, quote_request, description, unit_price, weeks):
    page.goto(f"/quote-requests/{quote_request.pk}/quote/")
    page.locator("#id_items-0-description").fill(description)
    page.locator("#id_items-0-quantity").fill("1")
    page.locator("#id_items-0-unit_price_cny").fill(unit_price)
    page.locator("#id_delivery_weeks").fill(weeks)
    valid_until = dt.date.today() + dt.timedelta(days=30)
    page.locator("#id_valid_until").fill(valid_until.isoformat())
    page.get_by_role("button", name=say(language, "Send the quote")).click()
    expect(page).to_have_url(re.compile(rf"/quote-requests/{quote_request.pk}/$"))
    expect(page.get_by_text(say(language, "Quote sent."))).to_be_visible()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_enterprise_compares_quotes_from_two_vendors_and_accepts_one(new_page, language):
    reviewer = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.MEMBER,
                                 is_reviewer=True).user
    offers = [published_solution(reviewer, title, summary) for title, summary in OFFERS]
    buyer = MembershipFactory(organization=EnterpriseFactory()).user

    page = log_in(new_page(language), buyer)
    page.goto("/search/?q=CNC")
    results = page.locator(".result-list")
    expect(results.get_by_role("link", name=OFFERS[0][0])).to_be_visible()
    industry = page.locator("input[type=checkbox][name=industry]").first
    # htmx reloads the results and pushes the filter into the address. A click, not check():
    # check() reads the box back at once, while htmx may be swapping it.
    industry.click()
    expect(page).to_have_url(re.compile(r"[?&]industry="))
    expect(page.locator("input[type=checkbox][name=industry]:checked")).to_have_count(1)
    screenshot(page, f"search-facets-{language}")

    page.goto("/needs/new/")
    page.locator("#id_title").fill("Stop unplanned spindle breakdowns")
    page.locator("#id_description").fill("Our CNC lines stop when spindles fail.")
    page.locator("#id_industry").select_option(
        str(Industry.objects.get(code="machine-tools").pk))
    page.locator("#id_scenarios input[type=checkbox][value]").first.check()
    page.locator("#id_budget_max_cny").fill("900000")
    page.get_by_role("button", name=say(language, "Post the need")).click()
    expect(page).to_have_url(re.compile(r"/needs/\d+/$"))

    composer = page.locator("section[aria-labelledby=composer-title]")
    expect(composer).to_be_visible()
    for _vendor_user, solution in offers:
        composer.get_by_label(re.compile(re.escape(solution.vendor.display_name))).check()
    composer.locator("#id_title").fill("Quote: spindle monitoring for two lines")
    composer.locator("#id_requirements").fill("Two machining lines, 24 spindles.")
    composer.get_by_role("button", name=say(language, "Send the request")).click()
    expect(page).to_have_url(re.compile(r"/quote-requests/\d+/$"))
    quote_request = QuoteRequest.objects.get(title="Quote: spindle monitoring for two lines")

    prices = ["480000", "520000"]
    for (vendor_user, _solution), price in zip(offers, prices, strict=True):
        answer_with_a_quote(log_in(new_page(language), vendor_user), language, quote_request,
                            "Sensors, gateway and models", price, "10")

    page.goto(f"/quote-requests/{quote_request.pk}/")
    table = page.locator("table.quote-compare")
    for _user, solution in offers:
        expect(table.get_by_role("columnheader", name=solution.vendor.display_name)).to_be_visible()
    expect(table.locator("td.is-best")).to_contain_text("¥480,000.00")  # both languages
    screenshot(page, f"quote-comparison-{language}")
    cheaper = offers[0][1].vendor.display_name
    accept = 'Accept<span class="visually-hidden"> the quote of %(name)s</span>'
    table.get_by_role("button", name=say(language, accept, name=cheaper)).click()
    # The second look: the vendor, the version, the total and the quote it declines.
    expect(page.locator("[data-declined-quotes]")).to_contain_text("¥520,000.00")
    screenshot(page, f"quote-accept-confirm-{language}")
    page.get_by_role("button", name=say(language, "Confirm: accept version %(version)s",
                                        version=1)).click()
    accepted = "Quote accepted. The other quotes on this request are declined."
    expect(page.get_by_text(say(language, accepted))).to_be_visible()
    quote_request.refresh_from_db()
    accepted = quote_request.quotes.get(status="accepted")
    assert accepted.vendor == offers[0][1].vendor
