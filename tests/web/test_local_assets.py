"""Every asset is served by the site itself: no font, script, style or image from another
host on any page, the API docs (Swagger UI, ReDoc) and error pages included (hosts outside
mainland China may be blocked there, and the README promises docs that work offline)."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from .tour import PAGES, page_id, page_url

pytestmark = pytest.mark.django_db

OWN_HOSTS = {"testserver", "", None}
# url(...) and @import in CSS, inline or in a file.
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]?([^'");\s]+)""",
                     re.IGNORECASE)
ASSET_ATTRIBUTES = {("link", "href"), ("script", "src"), ("img", "src"), ("img", "srcset"),
                    ("source", "src"), ("source", "srcset"), ("iframe", "src"),
                    ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.css, self._in_style = [], [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in ASSET_ATTRIBUTES and value:
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
            if name == "style" and value:
                self.css.append(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.css.append(data)


def css_urls(text):
    return [a or b for a, b in CSS_URL.findall(text)]


def foreign(urls):
    return sorted({url for url in urls
                   if url.startswith("//") or urlsplit(url).scheme in ("http", "https")
                   and urlsplit(url).hostname not in OWN_HOSTS})


def foreign_assets(html):
    parser = Assets()
    parser.feed(html)
    return foreign(parser.urls + [url for css in parser.css for url in css_urls(css)])


def stylesheets(html):
    parser = Assets()
    parser.feed(html)
    return [url for url in parser.urls if url.endswith(".css")]


def test_the_check_catches_what_it_is_for():
    html = ('<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">'
            '<link rel="preconnect" href="https://fonts.gstatic.com"><script src="//cdn.x/a.js">'
            '</script><img src="http://img.cdn.cn/a.png" alt=""><style>@import "https://c.d/e.css";'
            'p{background:url(https://bg.cn/b.png)}</style><a href="https://vendor.cn/">ok</a>'
            '<script src="/static/js/htmx.min.js"></script><div style="background:url(\'http://s.cn/x\')">')
    assert foreign_assets(html) == sorted([
        "https://fonts.googleapis.com/css2?family=Roboto", "https://fonts.gstatic.com",
        "//cdn.x/a.js", "http://img.cdn.cn/a.png", "https://c.d/e.css", "https://bg.cn/b.png",
        "http://s.cn/x"])


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_site_pages_load_nothing_from_another_host(site, client, page):
    role, name, keys, query = page
    if role:
        client.force_login(site["users"][role])
    response = client.get(page_url(site, name, keys, query))
    assert response.status_code == 200
    assert foreign_assets(response.content.decode()) == []


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/", "/no-such-page/"])
def test_api_docs_and_error_pages_load_nothing_from_another_host(client, url):
    html = client.get(url).content.decode()
    assert foreign_assets(html) == []
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_swagger_ui_asks_no_online_validator(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert '"validatorUrl": null' in html


def test_redoc_is_themed_with_the_systems_fonts(client):
    html = client.get("/api/v1/redoc/").content.decode()
    assert "Redoc.init(" in html and "PingFang SC" in html


@pytest.mark.parametrize("url", ["/", "/api/v1/docs/", "/api/v1/redoc/"])
def test_stylesheets_import_nothing_from_another_host(client, url):
    """The site's CSS files and the docs' (sidecar) CSS name no font or image elsewhere."""
    sheets = stylesheets(client.get(url).content.decode())
    for sheet in sheets:
        path = finders.find(sheet.split("/static/", 1)[-1].split("?")[0])
        assert path, f"{sheet} is not a local static file"
        assert foreign(css_urls(Path(path).read_text(encoding="utf-8"))) == [], sheet


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_api_docs_let_the_browser_fetch_only_from_the_site(client, url):
    """ReDoc's sidebar asks cdn.redoc.ly for a logo whatever its options: the policy refuses it."""
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "https:" not in policy and "*" not in policy
