"""Two strangers find their way through the whole product in a real browser, in English and in
Chinese, with no help but the operator's and a reviewer's (people who already work here):

1. a solution provider signs up, verifies the address from the mail, registers the company,
   is verified from the operator's queue, invites a colleague who signs up from the link and
   joins, writes a solution, submits it, and a reviewer publishes it: it is live, verified;
2. a factory's buyer opens a published solution signed out, presses "Request a quote", signs
   up on the way, registers the enterprise (verified by the operator), comes back to the form
   with the vendor ticked, asks a second vendor too, both vendors quote, the buyer compares
   the quotes side by side and accepts one after the confirmation page.

Only the mails (read from Django's outbox: the live server runs in this process) and the
people and listings that were there before the strangers come from the test itself."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, Organization
from catalog import services as catalog_services
from catalog.models import Solution, SolutionStatus
from marketplace.models import Quote, QuoteRequest
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory, VendorFactory

from .conftest import log_in, screenshot
from .labels import say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xq7!long-enough-pass"
REGION = {"en": "Jiangsu", "zh-hans": "江苏省"}
# Valid GB 32100 codes (the last character is the check character of the other 17).
VENDOR_CODE = "91350100M000100Y43"
ENTERPRISE_CODE = "91320500MA1XXXXXXC"


def _shown(language, en, zh):
    return zh if language == "zh-hans" else en


# -- the people who were there before ---------------------------------------------------------

def the_operator_and_a_reviewer():
    operator_org = OperatorFactory(name="Zhizao Hub Operations")
    operator = MembershipFactory(organization=operator_org, role=Membership.Role.OWNER).user
    reviewer = MembershipFactory(organization=operator_org, role=Membership.Role.MEMBER,
                                 is_reviewer=True).user
    return operator, reviewer


def a_published_solution(reviewer, vendor_name, title, summary):
    """A vendor that was already on the site, with a solution a reviewer published."""
    vendor = VendorFactory(name=vendor_name)
    vendor_user = MembershipFactory(organization=vendor).user
    solution = SolutionFactory(vendor=vendor, title_en=title, summary_en=summary,
                               description_en=summary, title_zh="", summary_zh="",
                               description_zh="")
    catalog_services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    catalog_services.approve(actor=reviewer, subject=solution)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED
    return vendor_user, solution


# -- what a stranger does ---------------------------------------------------------------------

def confirm_the_address(page, email):
    """Open the verification link of the last mail to `email` and confirm."""
    sent = [m for m in mail.outbox if email in m.to]
    assert sent, f"no mail to {email}"
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", sent[-1].body).group(1)
    page.goto(link)
    page.locator("main form button[type=submit]").click()


def fill_the_sign_up_form(page, name, email):
    """Fill allauth's sign-up form (already open) and send it; the mail asks to verify."""
    email_field = page.locator("#id_email")
    if not email_field.input_value():
        email_field.fill(email)
    page.locator("#id_name").fill(name)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))


def register_the_organization(page, language, *, kind, name_zh, name, code):
    """Fill in the registration form (already open) and send it for verification."""
    page.locator(f"input[name=kind][value={kind}]").check()
    page.locator("#id_name_zh").fill(name_zh)
    page.locator("#id_name").fill(name)
    page.locator("#id_credit_code").fill(code)
    page.locator("#id_region").select_option(label=REGION[language])
    screenshot(page, f"stranger-{kind}-register-{language}")
    page.get_by_role("button", name=say(language, "Register for verification")).click()


def the_operator_verifies(page, language, code):
    """The operator opens the queue from the navigation and verifies the row of `code`."""
    page.goto("/dashboard/")
    page.locator("nav.main-nav").get_by_role(
        "link", name=say(language, "Organisations to verify")).click()
    row = page.locator("tr").filter(has_text=code)
    expect(row).to_be_visible()
    row.get_by_role("button", name=say(language, "Verify")).click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("tr").filter(has_text=code)).to_have_count(0)


# -- journey 1 --------------------------------------------------------------------------------

def write_a_solution(page, title, title_zh):
    page.locator("#id_language").select_option("en")
    page.locator("#id_title_en").fill(title)
    page.locator("#id_title_zh").fill(title_zh)
    page.locator("#id_summary_en").fill("Acoustic inspection of gearboxes at the end of line.")
    page.locator("#id_description_en").fill("Microphones and models find faulty gears in "
                                            "seconds, before the gearbox leaves the plant.")
    for group in ("scenarios", "industries", "technologies", "regions"):
        page.locator(f"#id_{group} input[type=checkbox]").first.check()
    page.locator("#id_price_min_cny").fill("200000")
    page.locator("#id_price_max_cny").fill("600000")
    page.locator("#id_delivery_weeks").fill("10")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_stranger_becomes_a_verified_vendor_and_publishes(new_page, language):
    operator, reviewer = the_operator_and_a_reviewer()
    company_zh, company_en = "常州声学检测科技有限公司", "Changzhou Acoustic Inspection"
    company = _shown(language, company_en, company_zh)
    founder_email, colleague_email = "zhang.min@example.com", "chen.jie@example.com"

    # Signs up from the header, verifies the address from the mail.
    founder = new_page(language)
    founder.goto("/")
    founder.locator("header").get_by_role("link", name=say(language, "Sign up")).click()
    fill_the_sign_up_form(founder, "张敏", founder_email)
    screenshot(founder, f"stranger-verify-email-{language}")
    confirm_the_address(founder, founder_email)
    expect(founder.locator("form[action='/accounts/logout/']")).to_be_visible()

    # Registers the company from the dashboard; it waits for the operator.
    founder.locator("nav.main-nav").get_by_role("link", name=say(language, "Dashboard")).click()
    founder.get_by_role("link", name=say(language, "Register your organisation")).click()
    register_the_organization(founder, language, kind="vendor", name_zh=company_zh,
                              name=company_en, code=VENDOR_CODE.lower())
    expect(founder.locator(".alert--info")).to_contain_text(
        say(language, "%(name)s is awaiting verification by the operator.", name=company))

    queue = log_in(new_page(language), operator)
    the_operator_verifies(queue, language, VENDOR_CODE)
    screenshot(queue, f"stranger-vendor-verified-{language}")
    # Hears of it in the inbox, which leads to the organisation's page.
    founder.reload()
    founder.locator("header a.inbox-link").click()
    notice = founder.locator("main li").filter(
        has_text=say(language, "Your organisation was verified"))
    notice.locator("button.btn--primary").click()
    expect(founder).to_have_url(re.compile(r"/organizations/status/$"))
    expect(founder.locator(".chip")).to_have_text(say(language, "Verified"))

    # Invites a colleague, who signs up from the link and joins.
    founder.locator("nav.main-nav").get_by_role("link", name=say(language, "Organisation"),
                                                exact=True).click()
    founder.get_by_label(say(language, "Email address")).fill(colleague_email)
    founder.get_by_role("button", name=say(language, "Send the invitation")).click()
    expect(founder.locator(f'[data-testid="invitation-{colleague_email}"]')).to_be_visible()
    screenshot(founder, f"stranger-vendor-invites-{language}")
    invitation = [m for m in mail.outbox if colleague_email in m.to][-1]
    link = re.search(r"(/invitations/[\w-]+/)", invitation.body).group(1)

    colleague = new_page(language)
    colleague.goto(link)
    expect(colleague.get_by_role("heading", level=1)).to_contain_text(company)
    colleague.get_by_role("link", name=say(language, "Create an account")).click()
    expect(colleague.locator("#id_email")).to_have_value(colleague_email)
    fill_the_sign_up_form(colleague, "陈杰", colleague_email)
    confirm_the_address(colleague, colleague_email)
    expect(colleague).to_have_url(re.compile(re.escape(link) + "$"))
    colleague.get_by_role("button", name=say(language, "Accept")).click()
    expect(colleague).to_have_url(re.compile(r"/dashboard/$"))
    expect(colleague.locator(".header-org")).to_have_text(company)

    # Writes a solution, checks and submits it.
    title, title_zh = "Gearbox end-of-line acoustic test", "齿轮箱下线声学检测"
    shown = _shown(language, title, title_zh)
    founder.locator("nav.main-nav").get_by_role("link", name=say(language, "Dashboard")).click()
    founder.get_by_role("link", name=say(language, "New solution")).first.click()
    write_a_solution(founder, title, title_zh)
    founder.get_by_role("button", name=say(language, "Save draft")).click()
    expect(founder).to_have_url(re.compile(r"/solutions/\d+/edit/$"))
    solution = Solution.objects.get(title_en=title)
    founder.get_by_role("link", name=say(language, "Check"), exact=True).click()
    expect(founder.locator("#check-result .alert--success")).to_be_visible()
    founder.locator("aside").get_by_role("button",
                                         name=say(language, "Submit for review")).click()
    expect(founder).to_have_url(re.compile(rf"/solutions/{solution.pk}/$"))

    # A reviewer approves it from the queue.
    review = log_in(new_page(language), reviewer)
    review.locator("nav.main-nav").get_by_role("link",
                                               name=say(language, "Review queue")).click()
    review.get_by_role("link", name=shown).click()
    expect(review).to_have_url(re.compile(rf"/review/{solution.pk}/$"))
    review.get_by_role("button", name=say(language, "Approve and publish")).click()
    expect(review).to_have_url(re.compile(r"/review/$"))

    # Anyone finds it live, by a verified vendor.
    reader = new_page(language)
    reader.goto("/search/?q=Gearbox")
    reader.locator(".result-list").get_by_role("link", name=shown).click()
    expect(reader.get_by_role("heading", level=1, name=shown)).to_be_visible()
    expect(reader.locator(".page-header .badge--verified")).to_have_text(
        say(language, "Verified"))
    expect(reader.locator(".page-header")).to_contain_text(company)
    screenshot(reader, f"stranger-solution-live-{language}")
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED
    assert Organization.objects.get(credit_code=VENDOR_CODE).memberships.count() == 2


# -- journey 2 --------------------------------------------------------------------------------

OFFERS = [  # (vendor, title, summary): distinct texts, one scenario (so they are similar)
    ("Suzhou Spindle Tech", "Spindle health monitoring",
     "Vibration sensors on CNC spindles predict bearing wear."),
    ("Wuxi Machine Analytics", "Machine tool failure forecasting",
     "Controller logs and AI forecast breakdowns of lathes."),
]


def send_a_quote(page, language, quote_request, solution, unit_price, weeks):
    """A vendor finds the request on the dashboard and answers it with a quote offering
    its `solution` (already chosen when the request is about it)."""
    page.goto("/dashboard/")
    row = page.locator("li").filter(has_text=quote_request.title)
    row.get_by_role("link", name=say(language, "Answer with a quote")).click()
    offered = page.locator("#id_solution")
    if quote_request.solution_id == solution.pk:
        expect(offered).to_have_value(str(solution.pk))
    else:
        offered.select_option(label=solution.title_en)
    page.locator("#id_items-0-description").fill("Sensors, gateway, models and training")
    page.locator("#id_items-0-quantity").fill("1")
    page.locator("#id_items-0-unit_price_cny").fill(unit_price)
    page.locator("#id_delivery_weeks").fill(weeks)
    valid_until = dt.date.today() + dt.timedelta(days=30)
    page.locator("#id_valid_until").fill(valid_until.isoformat())
    page.get_by_role("button", name=say(language, "Send the quote")).click()
    expect(page).to_have_url(re.compile(r"/quote-requests/\d+/$"))
    expect(page.get_by_text(say(language, "Quote sent."))).to_be_visible()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_stranger_asks_two_vendors_from_a_solution_page_and_accepts(new_page, language):
    operator, reviewer = the_operator_and_a_reviewer()
    offers = [a_published_solution(reviewer, *offer) for offer in OFFERS]
    (first_vendor_user, first), (second_vendor_user, second) = offers
    company_zh, company_en = "无锡精工机械有限公司", "Wuxi Precision Works"
    buyer_email = "liu.yang@example.com"

    # Signed out on a published solution, presses "Request a quote" and signs up on the way.
    buyer = new_page(language)
    buyer.goto("/search/?q=spindle")
    buyer.locator(".result-list").get_by_role("link", name=first.title_en).click()
    expect(buyer).to_have_url(re.compile(rf"/solutions/{first.pk}/$"))
    buyer.locator(".buyer-actions").get_by_role(
        "link", name=say(language, "Request a quote")).click()
    expect(buyer).to_have_url(re.compile(r"/start/\?next="))
    screenshot(buyer, f"stranger-buyer-start-{language}")
    buyer.get_by_role("link", name=say(language, "Create an account")).click()
    fill_the_sign_up_form(buyer, "刘洋", buyer_email)
    confirm_the_address(buyer, buyer_email)

    # Back at the form's address, told to register the enterprise first, and does.
    expect(buyer).to_have_url(re.compile(rf"/quote-requests/new/\?solution={first.pk}$"))
    screenshot(buyer, f"stranger-buyer-organization-needed-{language}")
    buyer.locator("main").get_by_role(
        "link", name=say(language, "Register your organisation")).click()
    register_the_organization(buyer, language, kind="enterprise", name_zh=company_zh,
                              name=company_en, code=ENTERPRISE_CODE)

    # Back at the form, the vendor of the solution ticked; the operator verifies meanwhile.
    expect(buyer).to_have_url(re.compile(rf"/quote-requests/new/\?solution={first.pk}$"))
    the_operator_verifies(log_in(new_page(language), operator), language, ENTERPRISE_CODE)
    buyer.reload()
    expect(buyer.locator(f"input[name=vendors][value='{first.vendor_id}']")).to_be_checked()
    expect(buyer.locator("#id_title")).to_have_value(first.title_en)
    screenshot(buyer, f"stranger-buyer-form-{language}")

    # Asks a second vendor too, offered beside the first for a similar solution.
    composer = buyer.locator("main form")
    composer.get_by_label(re.compile(re.escape(second.vendor.display_name))).check()
    request_title = "Spindle monitoring for two machining lines"
    composer.locator("#id_title").fill(request_title)
    composer.locator("#id_requirements").fill("Two lines, 24 spindles, start in spring.")
    composer.get_by_role("button", name=say(language, "Send the request")).click()
    expect(buyer).to_have_url(re.compile(r"/quote-requests/\d+/$"))
    quote_request = QuoteRequest.objects.get(title=request_title)
    assert quote_request.enterprise.name == company_en
    assert quote_request.solution == first
    assert set(quote_request.vendors.all()) == {first.vendor, second.vendor}

    # Both vendors answer, each signed in in their own browser.
    for (vendor_user, solution), price in zip(offers, ("520000", "480000"), strict=True):
        send_a_quote(log_in(new_page(language), vendor_user), language, quote_request,
                     solution, price, "10")

    # The buyer compares them side by side, and accepts the lower after a second look.
    buyer.goto("/dashboard/")
    buyer.get_by_role("link", name=request_title).first.click()
    table = buyer.locator("table.quote-compare")
    for solution in (first, second):
        expect(table.get_by_role("columnheader",
                                 name=solution.vendor.display_name)).to_be_visible()
    expect(table.locator("td.is-best")).to_contain_text("¥480,000.00")
    screenshot(buyer, f"stranger-buyer-compares-{language}")
    accept = 'Accept<span class="visually-hidden"> the quote of %(name)s</span>'
    table.get_by_role("button", name=say(language, accept,
                                         name=second.vendor.display_name)).click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(say(
        language, "Accept version %(version)s of the quote of %(name)s?", version=1,
        name=second.vendor.display_name))
    expect(buyer.locator(".alert--warning")).to_contain_text(say(
        language, "You accept version %(version)s of the quote of %(name)s, for a total of "
        "¥%(total)s (CNY).", version=1, name=second.vendor.display_name, total="480,000.00"))
    expect(buyer.locator("dl.facts")).to_contain_text(second.title_en)
    declined = buyer.locator("[data-declined-quotes]")
    expect(declined).to_contain_text(first.vendor.display_name)
    expect(declined).to_contain_text("¥520,000.00")
    screenshot(buyer, f"stranger-buyer-confirms-{language}")
    buyer.get_by_role("button", name=say(language, "Confirm: accept version %(version)s",
                                         version=1)).click()

    accepted = "Quote accepted. The other quotes on this request are declined."
    expect(buyer.get_by_text(say(language, accepted))).to_be_visible()
    expect(buyer).to_have_url(re.compile(rf"/quote-requests/{quote_request.pk}/$"))
    screenshot(buyer, f"stranger-buyer-accepted-{language}")
    statuses = dict(Quote.objects.filter(request=quote_request)
                    .values_list("vendor_id", "status"))
    assert statuses == {second.vendor_id: "accepted", first.vendor_id: "declined"}
