"""In a real browser, the API docs and the main pages ask no other host for anything: every
request another host would get is recorded and refused, so a font ReDoc injected, a CDN
script or a validator badge would show here."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def requests_elsewhere(page, live_server):
    own = urlsplit(live_server.url).netloc
    elsewhere = []

    def route(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own:
            elsewhere.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", route)
    return elsewhere


@pytest.mark.parametrize("path, ready", [
    ("/api/v1/redoc/", "#redoc-container h1"),
    ("/api/v1/docs/", "#swagger-ui .opblock"),
    ("/", "main h1"),
    ("/search/?q=MES", "main"),
    ("/no-such-page/", "main h1"),
])
def test_pages_ask_no_other_host(page, live_server, path, ready):
    elsewhere = requests_elsewhere(page, live_server)
    page.goto(path)
    page.locator(ready).first.wait_for(timeout=60_000)  # the schema takes a while to build
    page.wait_for_load_state("networkidle")
    assert elsewhere == []
