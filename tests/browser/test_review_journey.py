"""A reviewer decides a submission within its SLA; the vendor reads the feedback."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from catalog import services
from catalog.models import SolutionStatus
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory, VendorFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submitted_solution(vendor_user, vendor, title):
    """A complete solution submitted for review; its pre-checks run as the commit happens."""
    solution = SolutionFactory(vendor=vendor, title_en=title)
    services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW
    return solution


def test_reviewer_requests_changes_within_sla_and_vendor_sees_feedback(new_page):
    vendor = VendorFactory()
    vendor_user = MembershipFactory(organization=vendor).user
    reviewer = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.MEMBER,
                                 is_reviewer=True).user
    solution = submitted_solution(vendor_user, vendor, "Weld seam vision inspection")

    review = log_in(new_page(), reviewer)
    review.goto("/review/")
    row = review.locator("tr.queue-row").filter(has_text=solution.title_en)
    expect(row).to_be_visible()
    expect(row.locator(".time-left")).to_have_text(re.compile(r"\d+ (days?|h|min).* left"))
    expect(row.locator(".queue-due .chip")).to_have_text("On track")

    row.get_by_role("link", name=solution.title_en).click()
    expect(review).to_have_url(re.compile(rf"/review/{solution.pk}/$"))
    reasons = review.locator("#id_reason_codes label").filter(has_not_text="(reject only)")
    reasons.first.locator("input").check()
    review.get_by_label("Comment to the vendor").fill("Add a case study with measured results.")
    review.get_by_role("button", name="Request changes").click()
    expect(review).to_have_url(re.compile(r"/review/$"))
    expect(review.get_by_text("Changes requested; the vendor has been told.")).to_be_visible()

    solution.refresh_from_db()
    assert solution.status == SolutionStatus.CHANGES_REQUESTED

    dashboard = log_in(new_page(), vendor_user)
    dashboard.goto("/dashboard/")
    item = dashboard.locator(".item-list li").filter(has_text=solution.title_en)
    expect(item).to_contain_text("Add a case study with measured results.")
    expect(item.get_by_role("link", name="Check and submit")).to_be_visible()
