"""Playwright (sync API) against pytest-django's live server, driving Debian's chromium.

No browser is downloaded: the folder is skipped when /usr/bin/chromium is absent. Chinese
screenshots need a CJK font on the machine (Debian: fonts-wqy-microhei or fonts-noto-cjk),
or their text shows as empty boxes; the tests themselves read the DOM and pass either way."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# tests themselves (factories, assertions) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000
FACTORY_PASSWORD = "pass-word-123"  # what tests.factories.UserFactory sets
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
]

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="browser tests need playwright (requirements-dev.txt)")

from tests.web.conftest import compiled_translations  # noqa: E402, F401  (a session fixture)


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, compiled_translations):  # noqa: F811
    """new_page(language="en") -> a page in a fresh context (own cookies) on the live server."""
    contexts = []

    def make(language="en"):
        context = browser.new_context(base_url=live_server.url, locale=language,
                                      viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "django_language", "value": language,
                              "url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, user, password=FACTORY_PASSWORD):
    """Sign in through the real login form and wait until the site knows the user."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    sync_api.expect(page.locator("form[action='/accounts/logout/']")).to_be_visible()
    return page


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
