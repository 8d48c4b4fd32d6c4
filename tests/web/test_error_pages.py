"""Under `make run` (DEBUG on) a visitor sees the site's own 404, 403, 400 and 500 pages in
their language, never Django's technical pages, unless the developer sets DEBUG_PAGES."""

import pytest
from django.test import Client

from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TECHNICAL_404 = "Using the URLconf defined in"
TECHNICAL_500 = "Traceback"


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    settings.DEBUG_PAGES = False
    return request.param


@pytest.fixture
def zh(client, compiled_translations):
    client.cookies["django_language"] = "zh-hans"
    return client


def assert_site_404(response, *, chinese=False):
    assert response.status_code == 404
    html = response.content.decode()
    assert TECHNICAL_404 not in html and "config.urls" not in html
    assert ("页面不存在" if chinese else "Page not found") in html
    # The way back: the site's look (header), the catalog and a search box.
    assert 'class="site-header"' in html and 'action="/search/"' in html and 'href="/"' in html


def test_unknown_solution_is_the_site_404(debug, client):
    assert_site_404(client.get("/solutions/999999/"))


def test_unknown_url_is_the_site_404(debug, client):
    assert_site_404(client.get("/no-such-page/"))


def test_unknown_solution_in_chinese(debug, zh):
    response = zh.get("/solutions/999999/")
    assert_site_404(response, chinese=True)
    assert '<html lang="zh-hans"' in response.content.decode()


def test_another_organisations_need_is_the_site_404_for_a_vendor(debug, as_user, vendor_user):
    need = NeedFactory()
    assert_site_404(as_user(vendor_user).get(f"/needs/{need.pk}/"))


def test_a_url_missing_its_slash_is_still_redirected(debug, client):
    response = client.get("/search")
    assert response.status_code == 301 and response["Location"] == "/search/"


def test_api_404_stays_problem_details(debug, client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_failing_view_gives_the_site_500(debug, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    response = Client(raise_request_exception=False).get("/test-errors/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert TECHNICAL_500 not in html and "secret detail" not in html
    assert "Something went wrong on our side" in html and 'action="/search/"' in html


def test_the_500_page_in_chinese(debug, settings, compiled_translations):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/test-errors/boom/").content.decode()
    assert "我们这边出了问题" in html and '<html lang="zh-hans"' in html


def test_a_failing_api_view_answers_problem_details(debug, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    response = Client(raise_request_exception=False).get("/api/v1/test-errors/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "secret detail" not in response.content.decode()


def test_a_suspicious_request_gives_the_site_400(debug, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    response = Client(raise_request_exception=False).get("/test-errors/suspicious/")
    assert response.status_code == 400
    html = response.content.decode()
    assert TECHNICAL_500 not in html and "This request could not be understood" in html


def test_a_refusal_gives_the_site_403(debug, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    response = Client().get("/test-errors/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You may not do this" in html and 'action="/search/"' in html


def test_debug_pages_give_the_technical_pages(settings, client):
    settings.DEBUG = True
    settings.DEBUG_PAGES = True
    assert TECHNICAL_404 in client.get("/no-such-page/").content.decode()
    response = client.get("/solutions/999999/")
    assert response.status_code == 404 and "Raised by:" in response.content.decode()
    settings.ROOT_URLCONF = "tests.web.error_urls"
    response = Client(raise_request_exception=False).get("/test-errors/boom/")
    assert response.status_code == 500 and "secret detail" in response.content.decode()
