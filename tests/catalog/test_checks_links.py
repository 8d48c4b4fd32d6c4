"""The link check, against a local HTTP server (never the internet)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalog import revisions
from catalog.checks.links import (
    MAX_URLS,
    AddressNotAllowed,
    HttpLinkChecker,
    LinkResult,
    is_reserved_host,
    links,
    urls_in,
)
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

SLOW_SECONDS = 1.5


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /moved → /ok, /loop → /loop, /slow answers too late,
    /no-head refuses HEAD but answers GET."""

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def answer(self):
        self.server.requests.append((self.command, self.path))
        path = self.path
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        if path in ("/moved", "/loop"):
            self.send_response(302)
            self.send_header("Location", "/ok" if path == "/moved" else "/loop")
        elif path in ("/ok", "/slow") or (path == "/no-head" and self.command == "GET"):
            self.send_response(200)
        elif path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def http_checker(settings):
    """The default checker, quick to give up, allowed to reach the local test server."""
    settings.LINK_CHECKER = "catalog.checks.links.HttpLinkChecker"
    settings.LINK_CHECK_TIMEOUT = 0.3
    settings.LINK_CHECK_ALLOW_PRIVATE = True


class RecordingChecker:
    """A checker that answers "ok" without asking anyone, and remembers what it was given."""

    calls = []

    def check(self, urls):
        RecordingChecker.calls.append(list(urls))
        return {url: LinkResult(ok=True, status=200) for url in urls}


def test_urls_are_found_bare_and_in_markdown_without_trailing_punctuation():
    text = (
        "See [our report](https://example.com/report.pdf \"Report\") and "
        "<https://example.com/a>, or https://example.com/b. Also (https://example.com/c).\n"
        "Wiki: https://en.wikipedia.org/wiki/Lathe_(tool), **https://example.com/d**\n"
        "详见https://example.com/案例，或 http://example.org/x?y=1&z=2。 mailto:a@b.c ftp://x.y"
    )
    assert urls_in(text) == [
        "https://example.com/report.pdf",
        "https://example.com/a",
        "https://example.com/b",
        "https://example.com/c",
        "https://en.wikipedia.org/wiki/Lathe_(tool)",
        "https://example.com/d",
        "https://example.com/",
        "http://example.org/x?y=1&z=2",
    ]


def test_http_checker_tells_working_links_from_broken_ones(server, http_checker):
    base = server.url
    results = HttpLinkChecker().check(
        [f"{base}/ok", f"{base}/missing", f"{base}/moved", f"{base}/no-head", f"{base}/loop"]
    )
    assert results[f"{base}/ok"] == LinkResult(ok=True, status=200)
    assert results[f"{base}/missing"].ok is False
    assert results[f"{base}/missing"].status == 404
    assert results[f"{base}/moved"] == LinkResult(ok=True, status=200)  # after the redirect
    assert results[f"{base}/no-head"] == LinkResult(ok=True, status=200)  # by GET
    assert results[f"{base}/loop"].ok is False
    assert results[f"{base}/loop"].error == "too many redirects"
    # HEAD first, GET only where the server answered HEAD with an error; a redirect keeps HEAD.
    assert ("HEAD", "/ok") in server.requests and ("GET", "/ok") not in server.requests
    assert ("GET", "/no-head") in server.requests
    assert server.requests.count(("HEAD", "/moved")) == 1
    assert ("GET", "/moved") not in server.requests


def test_http_checker_gives_up_on_a_slow_server_within_the_timeout(server, http_checker):
    started = time.monotonic()
    result = HttpLinkChecker().check([f"{server.url}/slow"])[f"{server.url}/slow"]
    assert result == LinkResult(ok=False, status=None, error="timed out")
    assert time.monotonic() - started < SLOW_SECONDS
    assert server.requests == [("HEAD", "/slow")]  # a server that timed out is not asked again


def test_http_checker_refuses_addresses_inside_the_platform(server, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = False
    result = HttpLinkChecker(timeout=0.3).check([f"{server.url}/ok"])[f"{server.url}/ok"]
    assert result.ok is False
    assert result.error == "address not allowed"
    assert server.requests == []


def test_a_redirect_target_is_vetted_like_the_link_itself(server, http_checker):
    class PublicFirstHopOnly(HttpLinkChecker):
        """As if /moved were on the internet and redirected into the platform."""

        def refuse_unless_allowed(self, url):
            if not url.endswith("/moved"):
                raise AddressNotAllowed("address not allowed")

    result = PublicFirstHopOnly().check([f"{server.url}/moved"])[f"{server.url}/moved"]
    assert result == LinkResult(ok=False, status=None, error="address not allowed")
    assert server.requests == [("HEAD", "/moved")]


def test_links_check_reports_each_broken_link_with_where_it_was_found(server, http_checker,
                                                                       vendor):
    base = server.url
    vendor.website = f"{base}/moved"
    vendor.save()
    solution = SolutionFactory(
        vendor=vendor,
        description_en=f"Brochure: [PDF]({base}/ok). Old page: {base}/missing and {base}/ok.",
        description_zh=f"案例见{base}/slow。",
    )
    outcome = links(solution, revisions.snapshot(solution))

    assert not outcome.passed and outcome.severity == "error"
    assert outcome.flags_for_second_approval
    assert outcome.details["checked"] == 4
    assert outcome.details["broken"] == [
        {"url": f"{base}/missing", "found_in": ["description_en"], "status": 404,
         "error": "Not Found"},
        {"url": f"{base}/slow", "found_in": ["description_zh"], "status": None,
         "error": "timed out"},
    ]
    assert server.requests.count(("HEAD", "/ok")) == 2  # once directly, once after /moved


def test_links_check_passes_when_every_link_works(server, http_checker, vendor):
    vendor.website = f"{server.url}/ok"
    vendor.save()
    solution = SolutionFactory(vendor=vendor, description_en=f"See {server.url}/moved.")
    outcome = links(solution, revisions.snapshot(solution))
    assert outcome.passed and outcome.severity == "ok" and outcome.score == 1.0
    assert not outcome.flags_for_second_approval
    assert outcome.details == {"checked": 2, "broken": [], "not_checked": []}


def test_links_check_asks_each_distinct_url_once_and_at_most_the_cap(settings, vendor):
    settings.LINK_CHECKER = "tests.catalog.test_checks_links.RecordingChecker"
    RecordingChecker.calls.clear()
    urls = [f"https://www.lianxin-iot.cn/page/{n}" for n in range(MAX_URLS + 5)]
    solution = SolutionFactory(vendor=vendor, description_en=" ".join(urls + urls[:3]),
                               description_zh=urls[0])
    outcome = links(solution, revisions.snapshot(solution))
    assert RecordingChecker.calls == [urls[:MAX_URLS]]
    assert outcome.details["not_checked"] == urls[MAX_URLS:]
    assert outcome.passed


def test_no_links_means_no_checker_is_asked(settings, vendor):
    settings.LINK_CHECKER = "tests.catalog.test_checks_links.RecordingChecker"
    RecordingChecker.calls.clear()
    solution = SolutionFactory(vendor=vendor)
    outcome = links(solution, revisions.snapshot(solution))
    assert outcome.passed and outcome.details["checked"] == 0
    assert RecordingChecker.calls == []


@pytest.mark.parametrize("host", [
    "example.com", "www.example.com", "lianxin-iot.example.com", "EXAMPLE.ORG", "a.example.net.",
    "shop.example", "factory.test", "nowhere.invalid", "localhost", "app.localhost",
])
def test_reserved_example_hosts_are_recognised(host):
    assert is_reserved_host(host)


@pytest.mark.parametrize("host", [
    "notexample.com", "example.com.cn", "example.co", "testing.cn", "example-mes.com",
    "invalid.com", "localhost.cn", "",
])
def test_real_hosts_are_not_reserved(host):
    assert not is_reserved_host(host)


def test_links_to_reserved_hosts_are_not_checked_nor_failed(settings, vendor):
    settings.LINK_CHECKER = "tests.catalog.test_checks_links.RecordingChecker"
    RecordingChecker.calls.clear()
    vendor.website = "https://lianxin-iot.example.com"
    vendor.save()
    solution = SolutionFactory(vendor=vendor,
                               description_en="Demo: https://demo.test/a and https://real.cn/b")
    outcome = links(solution, revisions.snapshot(solution))
    assert RecordingChecker.calls == [["https://real.cn/b"]]  # the reserved hosts are not asked
    assert outcome.passed and not outcome.flags_for_second_approval
    assert outcome.severity == "warning" and outcome.message.startswith("Not checked")
    assert outcome.details["example_addresses"] == [
        {"url": "https://lianxin-iot.example.com", "found_in": ["website"]},
        {"url": "https://demo.test/a", "found_in": ["description_en"]},
    ]
    assert outcome.details["checked"] == 1 and outcome.score == 1.0


def test_the_real_checker_never_asks_a_reserved_host(http_checker, vendor, monkeypatch):
    """Not even a name lookup: the default checker would fail on them ("name not resolved")."""
    def no_lookup(*args, **kwargs):
        raise AssertionError("a reserved host was looked up")

    monkeypatch.setattr("socket.getaddrinfo", no_lookup)
    vendor.website = "https://zhiyun-mes.example.com"
    vendor.save()
    solution = SolutionFactory(vendor=vendor, description_en="See http://mes.example/x.")
    outcome = links(solution, revisions.snapshot(solution))
    assert outcome.passed and outcome.severity == "warning"
    assert not outcome.flags_for_second_approval and outcome.details["broken"] == []


def test_a_broken_real_link_still_fails_beside_reserved_ones(server, http_checker, vendor):
    vendor.website = "https://lianxin-iot.example.com"
    vendor.save()
    solution = SolutionFactory(vendor=vendor, description_en=f"Old page: {server.url}/missing")
    outcome = links(solution, revisions.snapshot(solution))
    assert not outcome.passed and outcome.severity == "error" and outcome.flags_for_second_approval
    assert [entry["url"] for entry in outcome.details["broken"]] == [f"{server.url}/missing"]
    assert outcome.details["example_addresses"][0]["url"] == "https://lianxin-iot.example.com"
