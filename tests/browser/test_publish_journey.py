"""A vendor writes a draft, checks and submits it; a reviewer approves it; readers find it."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from catalog.models import Solution, SolutionStatus
from tests.factories import MembershipFactory, OperatorFactory, VendorFactory

from .conftest import log_in
from .labels import LABELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_draft(page, title, title_zh):
    page.goto("/solutions/new/")
    page.locator("#id_language").select_option("en")
    page.locator("#id_title_en").fill(title)
    page.locator("#id_summary_en").fill("Spindle vibration monitoring for CNC machining lines.")
    page.locator("#id_description_en").fill("Edge gateway and models that predict failures.")
    page.locator("#id_scenarios input[type=checkbox]").first.check()
    page.locator("#id_industries input[type=checkbox]").first.check()
    # A complete draft: a thin one is flagged by the checks and then needs two approvals.
    page.locator("#id_title_zh").fill(title_zh)
    page.locator("#id_technologies input[type=checkbox]").first.check()
    page.locator("#id_regions input[type=checkbox]").first.check()
    page.locator("#id_price_min_cny").fill("200000")
    page.locator("#id_price_max_cny").fill("600000")
    page.locator("#id_delivery_weeks").fill("10")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_vendor_publishes_a_solution_through_review(new_page, language):
    label = LABELS[language]
    vendor_user = MembershipFactory(organization=VendorFactory()).user
    reviewer = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.MEMBER,
                                 is_reviewer=True).user
    title, title_zh = "Gearbox acoustic inspection", "齿轮箱声学检测"
    shown = title if language == "en" else title_zh  # pages show the reader's language

    vendor = log_in(new_page(language), vendor_user)
    fill_draft(vendor, title, title_zh)
    vendor.get_by_role("button", name=label["save_draft"]).click()
    expect(vendor).to_have_url(re.compile(r"/solutions/\d+/edit/$"))
    solution = Solution.objects.get(title_en=title)

    vendor.get_by_role("link", name=label["check"], exact=True).click()
    expect(vendor.locator("#check-result .alert--success")).to_be_visible()
    vendor.locator("aside").get_by_role("button", name=label["submit"]).click()
    expect(vendor).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW  # the pre-checks ran after commit

    review = log_in(new_page(language), reviewer)
    review.goto("/review/")
    expect(review.get_by_role("heading", name=label["review_queue"])).to_be_visible()
    review.get_by_role("link", name=shown).click()
    expect(review).to_have_url(f"{review.url.split('/review/')[0]}/review/{solution.pk}/")
    review.get_by_role("button", name=label["approve"]).click()
    expect(review).to_have_url(re.compile(r"/review/$"))

    vendor.goto(f"/solutions/{solution.pk}/")
    expect(vendor.get_by_role("heading", level=1, name=shown)).to_be_visible()
    expect(vendor.get_by_role("link", name=label["propose_change"])).to_be_visible()
    if language != "en":
        expect(vendor.locator("html")).to_have_attribute("lang", language)

    reader = new_page(language)
    reader.goto("/search/?q=Gearbox")
    expect(reader.get_by_role("link", name=shown)).to_be_visible()
