"""Under `make run` (DEBUG on) a visitor who lands on a missing page sees the site's own page
in their language and finds the way back through its search box."""

import pytest

from .conftest import sync_api

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language, title, search", [("en", "Page not found", "Search"),
                                                      ("zh-hans", "页面不存在", "搜索")])
def test_a_missing_page_leads_back_to_search(new_page, settings, language, title, search):
    settings.DEBUG = True
    settings.DEBUG_PAGES = False
    page = new_page(language)
    response = page.goto("/solutions/999999/")
    assert response.status == 404
    sync_api.expect(page.locator("main h1")).to_have_text(title)
    assert "URLconf" not in page.content()
    page.locator("main input[name=q]").fill("MES")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_url("**/search/?q=MES")
    assert page.locator("html").get_attribute("lang") == language
