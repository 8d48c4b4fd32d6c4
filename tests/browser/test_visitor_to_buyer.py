"""A visitor on a solution page presses "Request a quote", signs in on the way and lands on
the quote-request form with the solution's vendor chosen and the title filled in."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import SolutionStatus
from marketplace.models import QuoteRequest
from tests.factories import EnterpriseFactory, MembershipFactory, SolutionFactory

from .conftest import FACTORY_PASSWORD, screenshot
from .labels import say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_visitor_signs_in_from_a_solution_page_and_finds_the_form_filled(new_page, language):
    solution = SolutionFactory(status=SolutionStatus.PUBLISHED, title_en="Spindle monitoring",
                               title_zh="主轴监测")
    buyer = MembershipFactory(organization=EnterpriseFactory()).user
    page = new_page(language)

    page.goto(f"/solutions/{solution.pk}/")
    screenshot(page, f"solution-buyer-actions-{language}")
    page.locator(".buyer-actions").get_by_role(
        "link", name=say(language, "Request a quote")).click()
    expect(page).to_have_url(re.compile(r"/start/\?next="))
    screenshot(page, f"buyer-start-{language}")
    expect(page.get_by_role("link", name=say(language, "Create an account"))).to_be_visible()
    page.locator("main").get_by_role("link", name=say(language, "Sign in"), exact=True).click()

    page.locator("#id_login").fill(buyer.username)
    page.locator("#id_password").fill(FACTORY_PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/quote-requests/new/\?solution={solution.pk}$"))
    title = solution.title_zh if language == "zh-hans" else solution.title_en
    expect(page.locator("#id_title")).to_have_value(title)
    expect(page.locator(f"input[name=vendors][value='{solution.vendor_id}']")).to_be_checked()
    page.get_by_role("button", name=say(language, "Send the request")).click()
    expect(page).to_have_url(re.compile(r"/quote-requests/\d+/$"))
    assert QuoteRequest.objects.get().solution == solution
