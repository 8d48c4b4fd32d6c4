"""A phone at 390 x 844: every main page fits the viewport's width (signed out, and signed in
as vendor, enterprise, reviewer and operator, in English and Chinese); filter panels fold
behind a "Filters (n)" toggle that counts the active filters; the navigation opens from a menu
button and reaches every item. Screenshots go to test-artifacts/screenshots/ as the other
browser tests' do."""

import contextlib
import re

import pytest
from playwright.sync_api import expect

from events.models import WebhookSubscription
from tests.web import tour

from .conftest import FACTORY_PASSWORD, SCREENSHOTS, TIMEOUT_MS, screenshot
from .labels import say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "zh-hans"]

# Pages the tour of tests/web/tour.py does not visit, worth a look on a phone.
MORE_PAGES = [
    ("reviewer", "review-queue", (), "status=in_review"),
    ("operator", "dead-letters", (), ""),
    ("operator", "review-queue", (), ""),
    ("enterprise", "factory-list", (), "status=pending&tier=basic"),
    ("vendor", "webhook-detail", ("webhook",), ""),
    ("operator", "organization-queue", (), "status=all"),
    ("vendor", "organization-status", (), ""),
    ("vendor", "organization-register", (), ""),
]
# A long address with no place to break: it must wrap, not widen the page.
LONG_URL = ("https://hooks.integration-partner.example.com/zhizao-hub/webhooks/"
            "solutions-quotes-and-needs/receiver-endpoint-0123456789abcdef0123456789abcdef")

# The widest elements that stick out of the viewport, outermost first, each with the
# nearest ancestor that has an id or a class: what a failure names so a reader can find it.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const clips = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX !== "visible" && node.getBoundingClientRect().right <= limit + 0.5)
        return true;
    }
    return false;
  };
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      text += "." + el.className.trim().split(/\\s+/).join(".");
    return text;
  };
  const path = (el) => {
    const parts = [];
    for (let node = el; node && node !== document.body && parts.length < 4;
         node = node.parentElement) parts.unshift(name(node));
    return parts.join(" > ");
  };
  // Outside a scroll container first; when none is (an absolutely positioned element can
  // escape its scroll container), every element past the edge.
  const past = (skipClipped) => {
    const found = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= limit + 0.5 || (skipClipped && clips(el))) continue;
      if (el.parentElement && found.some((w) => w.el === el.parentElement)) continue;
      found.push({el, right: Math.round(box.right), width: Math.round(box.width)});
    }
    return found;
  };
  let wide = past(true);
  if (!wide.length) wide = past(false);
  wide.sort((a, b) => b.right - a.right);
  return {
    scrollWidth: root.scrollWidth,
    limit,
    widest: wide.slice(0, 5).map((w) => ({
      element: path(w.el), right: w.right, width: w.width,
      text: (w.el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60),
    })),
  };
}"""


@contextlib.contextmanager
def phone(browser, live_server, language):
    context = browser.new_context(base_url=live_server.url, locale=language, viewport=PHONE,
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "django_language", "value": language,
                          "url": live_server.url}])
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page, user):
    """The login form, on a phone: the header's own link opens it."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.username)
    page.locator("#id_password").fill(FACTORY_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/accounts/logout/']")).to_be_attached()


def screenshot_screen(page, name):
    """What the phone's screen shows (the header's menu), not the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def overflow_report(page):
    return page.evaluate(OVERFLOW_JS)


def describe(url, report):
    lines = [f"{url}: the page is {report['scrollWidth']} px wide at {report['limit']} px"]
    for item in report["widest"]:
        lines.append(f"  {item['element']} reaches {item['right']} px "
                     f"({item['width']} px wide): {item['text']!r}")
    return "\n".join(lines)


def shot_name(language, page_spec):
    return "phone-" + re.sub(r"[^a-z0-9-]+", "-", tour.page_id(page_spec)) + f"-{language}"


@pytest.fixture
def browser_site(settings, tmp_path):
    """The tour's small, complete site, built in the live server's database (committed)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    site = tour.build_site(contextlib.nullcontext)
    site["webhook"] = WebhookSubscription.objects.create(
        organization=site["vendor_org"], url=LONG_URL, topics=["solution.published"],
        secret="s" * 40, created_by=site["users"]["vendor"])
    return site


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_fits_a_phone(browser, live_server, compiled_translations,
                                      browser_site, language):
    site = browser_site
    pages = [spec for spec in tour.PAGES if spec[1] != "account_login"] + MORE_PAGES
    pages.insert(0, (None, "account_login", (), ""))
    by_role = {}
    for spec in pages:
        by_role.setdefault(spec[0], []).append(spec)
    failures = []
    for role, specs in by_role.items():
        with phone(browser, live_server, language) as page:
            if role is not None:
                sign_in(page, site["users"][role])
            for spec in specs:
                _, name, keys, query = spec
                url = tour.page_url(site, name, keys, query)
                response = page.goto(url)
                assert response.status == 200, f"{url} answered {response.status}"
                assert page.locator("html").get_attribute("lang") == language
                report = overflow_report(page)
                if report["scrollWidth"] > PHONE["width"]:
                    failures.append(describe(url, report))
                screenshot(page, shot_name(language, spec))
    assert not failures, "Wider than a phone:\n" + "\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_filters_fold_behind_a_counting_toggle(browser, live_server,
                                                      compiled_translations, browser_site,
                                                      language):
    with phone(browser, live_server, language) as page:
        page.goto("/search/?scenario=2025-28&scenario=2025-01&sort=newest")
        panel = page.locator("details.filter-panel")
        toggle = panel.locator("summary")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_text(say(language, "Filters (%(counter)s)", counter=2))
        # Folded on a phone: the results come first, within the first screen.
        expect(panel).not_to_have_attribute("open", re.compile(".*"))
        expect(panel.locator("fieldset").first).to_be_hidden()
        results = page.locator("#results-title")
        assert results.bounding_box()["y"] < PHONE["height"] / 2
        screenshot(page, f"phone-search-filters-closed-{language}")
        toggle.click()
        expect(panel.locator("fieldset").first).to_be_visible()
        screenshot(page, f"phone-search-filters-open-{language}")
        # A change refreshes the results in place (htmx): the panel stays open, recounted.
        # A click, not uncheck(): uncheck() reads the box back at once, while htmx may be
        # swapping the panel; the expectations below wait for the new one.
        panel.locator("input[name=scenario][value='2025-01']").click()
        expect(page).not_to_have_url(re.compile("2025-01"))
        expect(toggle).to_have_text(say(language, "Filters (%(counter)s)", counter=1))
        expect(panel).to_have_attribute("open", "")
        expect(panel.locator("fieldset").first).to_be_visible()

        page.goto("/search/")
        expect(page.locator("details.filter-panel summary")).to_have_text(
            say(language, "Filters"))

        # On a wide screen the panel is open, its toggle out of the way.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/search/?scenario=2025-28")
        expect(page.locator("details.filter-panel")).to_have_attribute("open", "")
        expect(page.locator("details.filter-panel summary")).to_be_hidden()
        expect(page.locator("details.filter-panel fieldset").first).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_review_queue_filters_count_what_is_set(browser, live_server, compiled_translations,
                                                browser_site, language):
    with phone(browser, live_server, language) as page:
        sign_in(page, browser_site["users"]["reviewer"])
        page.goto("/review/?status=in_review&sla=overdue")
        toggle = page.locator("details.filter-panel summary")
        expect(toggle).to_have_text(say(language, "Filters (%(counter)s)", counter=2))
        expect(page.locator("details.filter-panel form")).to_be_hidden()
        toggle.click()
        expect(page.locator("details.filter-panel form")).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_opens_and_reaches_every_item(browser, live_server, compiled_translations,
                                               browser_site, language):
    with phone(browser, live_server, language) as page:
        sign_in(page, browser_site["users"]["enterprise"])
        page.goto("/")
        button = page.locator("button.menu-toggle")
        menu = page.locator("#site-menu")
        dashboard = menu.get_by_role("link", name=say(language, "Dashboard"), exact=True)
        expect(button).to_be_visible()
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(dashboard).to_be_hidden()
        screenshot_screen(page, f"phone-menu-closed-{language}")

        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        for label in ("Dashboard", "Maturity", "Factories", "Search", "Inbox", "Settings"):
            expect(menu.get_by_role("link", name=re.compile(re.escape(say(language, label))))
                   .first).to_be_visible()
        expect(menu.get_by_role("button", name=say(language, "Sign out"))).to_be_visible()
        expect(menu.locator("form.lang-switch")).to_be_visible()
        assert overflow_report(page)["scrollWidth"] <= PHONE["width"]
        screenshot_screen(page, f"phone-menu-open-{language}")

        page.keyboard.press("Escape")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(dashboard).to_be_hidden()
        expect(button).to_be_focused()

        button.click()
        dashboard.click()
        expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_without_javascript_the_menu_items_are_all_there(browser, live_server,
                                                          compiled_translations):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto("/search/?scenario=2025-28")
        expect(page.locator("button.menu-toggle")).to_be_hidden()
        expect(page.locator("#site-menu").get_by_role("link", name="Search",
                                                         exact=True)).to_be_visible()
        toggle = page.locator("details.filter-panel summary")
        expect(toggle).to_have_text("Filters (1)")
        assert overflow_report(page)["scrollWidth"] <= PHONE["width"]
    finally:
        context.close()
