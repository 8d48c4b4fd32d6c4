"""Screenshots of the main pages in both languages, saved under test-artifacts/screenshots/."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from catalog import services
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory, VendorFactory

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each page's first heading says, per language (locale/zh_Hans).
HEADINGS = {
    "en": {"search": "Search solutions", "review": "Review queue", "dashboard": "Dashboard"},
    "zh-hans": {"search": "搜索解决方案", "review": "审核队列", "dashboard": "工作台"},
}


def switch_language(page, language):
    """Use the header's language switcher, as a reader would."""
    switcher = page.locator("form.lang-switch")
    switcher.locator(f"button[value='{language}']").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_main_pages_render_in_both_languages(new_page, language):
    heading = HEADINGS[language]
    reviewer = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.MEMBER,
                                 is_reviewer=True).user
    vendor = VendorFactory()
    vendor_user = MembershipFactory(organization=vendor).user
    live = SolutionFactory(vendor=vendor, title_en="Smart energy metering",
                           title_zh="智能能耗计量", summary_en="Meters and dashboards for plants.")
    services.submit_solution(actor=vendor_user, solution=live)
    services.approve(actor=reviewer, subject=live)
    pending = SolutionFactory(vendor=vendor, title_en="Tool wear prediction",
                              title_zh="刀具磨损预测",
                              summary_en="Acoustic emission sensing on milling tools.",
                              description_en="Spectral features estimate remaining tool life.")
    services.submit_solution(actor=vendor_user, solution=pending)

    page = log_in(new_page("en"), reviewer)
    page.goto("/")
    if language != "en":
        switch_language(page, language)
    screenshot(page, f"home-{language}")

    page.goto("/search/?q=energy")
    expect(page.get_by_role("heading", level=1, name=heading["search"])).to_be_visible()
    expect(page.locator(".result-list li")).to_have_count(1)
    screenshot(page, f"search-{language}")

    page.goto(f"/solutions/{live.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(live.title_en if language == "en"
                                                                else live.title_zh)
    screenshot(page, f"solution-{language}")

    page.goto("/review/")
    expect(page.get_by_role("heading", level=1, name=heading["review"])).to_be_visible()
    expect(page.locator("tr.queue-row")).to_have_count(1)
    screenshot(page, f"review-queue-{language}")

    page.goto(f"/review/{pending.pk}/")
    expect(page.locator("#decision-title")).to_be_visible()
    screenshot(page, f"review-decision-{language}")

    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1, name=heading["dashboard"])).to_be_visible()
    screenshot(page, f"dashboard-{language}")
