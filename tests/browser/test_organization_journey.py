"""A newcomer registers a solution provider, sees it awaiting verification; operator staff
verify it from the queue; the newcomer's dashboard then says it is verified. In English and
Chinese, with screenshots of each page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Organization
from tests.factories import MembershipFactory, OperatorFactory, UserFactory

from .conftest import log_in, screenshot
from .labels import say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODES = {"en": "91350100M000100Y43", "zh-hans": "91320500MA1XXXXXXC"}
REGION = {"en": "Jiangsu", "zh-hans": "江苏省"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_newcomer_registers_and_an_operator_verifies(new_page, language):
    newcomer = UserFactory()
    operator = MembershipFactory(organization=OperatorFactory()).user

    page = log_in(new_page(language), newcomer)
    page.goto("/dashboard/")
    page.get_by_role("link", name=say(language, "Register your organisation")).click()
    expect(page).to_have_url(re.compile(r"/organizations/register/$"))
    page.locator("input[name=kind][value=vendor]").check()
    page.locator("#id_name_zh").fill("常州精密机械有限公司")
    page.locator("#id_name").fill("Changzhou Precision Machinery")
    page.locator("#id_credit_code").fill(CODES[language].lower())
    page.locator("#id_region").select_option(label=REGION[language])
    screenshot(page, f"organization-register-{language}")
    page.get_by_role("button", name=say(language, "Register for verification")).click()
    expect(page.locator(".alert--info")).to_contain_text(
        say(language, "%(name)s is awaiting verification by the operator.",
            name="常州精密机械有限公司" if language == "zh-hans"
            else "Changzhou Precision Machinery"))
    screenshot(page, f"organization-status-pending-{language}")

    queue = log_in(new_page(language), operator)
    queue.goto("/operations/organizations/")
    row = queue.locator("tr").filter(has_text=CODES[language])
    expect(row).to_contain_text(REGION[language])
    screenshot(queue, f"organization-queue-{language}")
    row.get_by_role("button", name=say(language, "Verify")).click()
    expect(queue.locator(".messages")).to_be_visible()
    assert Organization.objects.get(credit_code=CODES[language]).is_verified

    page.goto("/organizations/status/")
    expect(page.locator(".chip")).to_have_text(say(language, "Verified"))
    screenshot(page, f"organization-status-verified-{language}")
