"""A reviewer decides a submission within its SLA; the vendor reads the feedback."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from catalog import services
from catalog.models import SolutionStatus
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory, VendorFactory

from .conftest import log_in, screenshot
from .labels import say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submitted_solution(vendor_user, vendor, title):
    """A complete solution submitted for review; its pre-checks run as the commit happens."""
    solution = SolutionFactory(vendor=vendor, title_en=title)
    services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW
    return solution


FEEDBACK = {"en": "Add a case study with measured results.",
            "zh-hans": "请补充一个有实测成效的应用案例。"}
# The time left on the queue: "2 days 3 h left" / "剩余 2 天 3 小时".
TIME_LEFT = {"en": r"^\d+ (days?|h|min).* left$", "zh-hans": r"^剩余 \d+ (天|小时|分钟)"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_reviewer_requests_changes_within_sla_and_vendor_sees_feedback(new_page, language):
    vendor = VendorFactory()
    vendor_user = MembershipFactory(organization=vendor).user
    reviewer = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.MEMBER,
                                 is_reviewer=True).user
    solution = submitted_solution(vendor_user, vendor, "Weld seam vision inspection")
    title = solution.title_en if language == "en" else solution.title_zh  # the reader's

    review = log_in(new_page(language), reviewer)
    review.goto("/review/")
    row = review.locator("tr.queue-row").filter(has_text=title)
    expect(row).to_be_visible()
    expect(row.locator(".time-left")).to_have_text(re.compile(TIME_LEFT[language]))
    expect(row.locator(".queue-due .chip")).to_have_text(say(language, "On track"))
    screenshot(review, f"review-queue-sla-{language}")

    row.get_by_role("link", name=title).click()
    expect(review).to_have_url(re.compile(rf"/review/{solution.pk}/$"))
    reject_only = say(language, "%(reason)s (reject only)", reason="")
    reasons = review.locator("#id_reason_codes label").filter(has_not_text=reject_only)
    reasons.first.locator("input").check()
    review.get_by_label(say(language, "Comment to the vendor")).fill(FEEDBACK[language])
    review.get_by_role("button", name=say(language, "Request changes")).click()
    expect(review).to_have_url(re.compile(r"/review/$"))
    told = say(language, "Changes requested; the vendor has been told.")
    expect(review.get_by_text(told)).to_be_visible()

    solution.refresh_from_db()
    assert solution.status == SolutionStatus.CHANGES_REQUESTED

    dashboard = log_in(new_page(language), vendor_user)
    dashboard.goto("/dashboard/")
    item = dashboard.locator(".item-list li").filter(has_text=title)
    expect(item).to_contain_text(FEEDBACK[language])
    expect(item.get_by_role("link", name=say(language, "Check and submit"))).to_be_visible()
    screenshot(dashboard, f"vendor-feedback-{language}")
