"""The link check: the URLs in a submission's descriptions and its vendor's website answer.

Asking is left to a checker class named by settings.LINK_CHECKER, with
`check(urls) -> {url: LinkResult}`: the default, HttpLinkChecker, asks over HTTP with the
standard library; a deployment without internet access, or a test, plugs in another."""

import http.client
import ipaddress
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from catalog.models import CheckResult

from . import CheckOutcome, register

# Enough to judge a submission; more would only keep it waiting on slow servers.
MAX_URLS = 20

# ASCII only: Chinese prose runs straight on after a link ("详见https://example.com。"),
# so a URL ends at the first character outside this set (percent-encoded paths still work).
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+", re.IGNORECASE)
_TRAILING = ".,;:!?'*"


# Names reserved for documentation, examples and tests (RFC 2606, RFC 6761): they are nobody's
# site, so asking them proves nothing either way. Links to them are "not checked": never a
# failure, never a reason for a second approval (the demo catalog's websites are such hosts).
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TOP_LEVEL = ("example", "test", "invalid", "localhost")


def is_reserved_host(host):
    """Whether `host` is one of the reserved example names or under one of them."""
    host = (host or "").lower().rstrip(".")
    if not host:
        return False
    if host.rsplit(".", 1)[-1] in RESERVED_TOP_LEVEL:
        return True
    return any(host == domain or host.endswith("." + domain) for domain in RESERVED_DOMAINS)


def is_reserved_url(url):
    try:
        return is_reserved_host(urllib.parse.urlsplit(url).hostname)
    except ValueError:
        return False


@dataclass(frozen=True)
class LinkResult:
    ok: bool
    status: int | None = None
    error: str = ""


def urls_in(text):
    """The http(s) URLs in `text`, bare or as markdown links, in order of appearance."""
    found = []
    for match in _URL.finditer(text or ""):
        url = match.group(0)
        # Sentence punctuation, markdown emphasis and the ")" closing a markdown link or a
        # parenthesis are not part of the URL; a balanced "(…)" (wiki pages) is.
        while url and (url[-1] in _TRAILING
                       or url.endswith(")") and url.count("(") < url.count(")")):
            url = url[:-1]
        if urllib.parse.urlsplit(url).hostname:
            found.append(url)
    return found


def links_of(subject, content):
    """{url: [where it was found]} for the vendor's website and both descriptions."""
    places = {}
    website = subject.vendor.website
    if website:
        places.setdefault(website, []).append("website")
    for name in ("description_en", "description_zh"):
        for url in urls_in(content.get(name)):
            if name not in places.setdefault(url, []):
                places[url].append(name)
    return places


def load_checker():
    return import_string(settings.LINK_CHECKER)()


class AddressNotAllowed(urllib.error.URLError):
    pass


class HttpLinkChecker:
    """HEAD each URL (GET when the server answers HEAD with an error: many refuse it), follow
    redirects, and count any 2xx or 3xx answer as working. Distinct URLs are asked in
    parallel, each once, within settings.LINK_CHECK_TIMEOUT per connection step.

    The URLs come from vendors and are fetched from inside the platform, so addresses that
    are not public (loopback, private networks, cloud metadata) are refused, also as a
    redirect target, unless settings.LINK_CHECK_ALLOW_PRIVATE is true (tests with a local
    server). The check resolves the name before the request does, so DNS rebinding between
    the two is not covered; a deployment that needs that should egress through a proxy."""

    user_agent = "ZhizaoHub-LinkCheck/1.0"
    max_workers = 8
    TIMED_OUT = "timed out"

    def __init__(self, timeout=None, allow_private=None):
        self.timeout = settings.LINK_CHECK_TIMEOUT if timeout is None else timeout
        self.allow_private = (getattr(settings, "LINK_CHECK_ALLOW_PRIVATE", False)
                              if allow_private is None else allow_private)

    def check(self, urls):
        urls = list(dict.fromkeys(urls))
        if not urls:
            return {}
        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(urls))) as pool:
            return dict(zip(urls, pool.map(self.check_one, urls), strict=True))

    def check_one(self, url):
        result = self._ask(url, "HEAD")
        # Only a server that answered may answer GET differently; one that could not be
        # reached (name, connection, timeout, refused address) would fail again.
        if result.ok or result.status is None:
            return result
        return self._ask(url, "GET")

    def refuse_unless_allowed(self, url):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AddressNotAllowed("only http and https links are checked")
        if self.allow_private:
            return
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port,
                                                                     proto=socket.IPPROTO_TCP)}
        except socket.gaierror as exc:
            raise urllib.error.URLError(exc) from exc
        if not all(ipaddress.ip_address(address.split("%")[0]).is_global
                   for address in addresses):
            raise AddressNotAllowed("address not allowed")

    def _ask(self, url, method):
        try:
            target = _ascii_url(url)
            self.refuse_unless_allowed(target)
            opener = urllib.request.build_opener(_GuardedRedirects(self))
            # The scheme was checked just above: http or https only.
            request = urllib.request.Request(target, method=method,  # noqa: S310
                                             headers={"User-Agent": self.user_agent})
            with opener.open(request, timeout=self.timeout) as response:
                return LinkResult(ok=200 <= response.status < 400, status=response.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            if str(exc.msg).startswith(urllib.request.HTTPRedirectHandler.inf_msg):
                return LinkResult(ok=False, status=exc.code, error="too many redirects")
            return LinkResult(ok=200 <= exc.code < 400, status=exc.code, error=str(exc.reason))
        except TimeoutError:
            return LinkResult(ok=False, error=self.TIMED_OUT)
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                return LinkResult(ok=False, error=self.TIMED_OUT)
            return LinkResult(ok=False, error=str(exc.reason))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return LinkResult(ok=False, error=str(exc) or type(exc).__name__)


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, checker):
        self.checker = checker

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.checker.refuse_unless_allowed(newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"  # urllib would turn a redirected HEAD into a GET
        return new


def _ascii_url(url):
    """`url` as http.client accepts it: an IDNA host, non-ASCII path and query escaped."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("no host in the URL")
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    elif ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    if parts.username:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    safe = "/:@!$&'()*+,;=%~-._"
    return urllib.parse.urlunsplit((
        parts.scheme, netloc, urllib.parse.quote(parts.path, safe=safe),
        urllib.parse.quote(parts.query, safe=safe + "?"), "",
    ))


def links(subject, content):
    places = links_of(subject, content)
    reserved = [url for url in places if is_reserved_url(url)]
    urls = [url for url in places if url not in reserved]
    checked, not_checked = urls[:MAX_URLS], urls[MAX_URLS:]
    results = load_checker().check(checked) if checked else {}
    broken = []
    for url in checked:
        result = results.get(url) or LinkResult(ok=False, error="no answer from the checker")
        if not result.ok:
            broken.append({"url": url, "found_in": places[url], "status": result.status,
                           "error": result.error})
    if broken:
        severity, message = CheckResult.Severity.ERROR, gettext_noop("Some links are broken")
    elif reserved:
        severity, message = CheckResult.Severity.WARNING, gettext_noop(
            "Not checked: some links go to reserved example addresses (such as example.com), "
            "which belong to no one. Replace them with your real addresses before buyers "
            "see them.")
    elif checked:
        severity, message = CheckResult.Severity.OK, gettext_noop("All links work")
    else:
        severity, message = CheckResult.Severity.OK, gettext_noop("No links to check")
    details = {"checked": len(checked), "broken": broken, "not_checked": not_checked}
    if reserved:
        details["example_addresses"] = [{"url": url, "found_in": places[url]}
                                        for url in reserved]
    return CheckOutcome(
        code="links",
        passed=not broken,
        severity=severity,
        score=round(1 - len(broken) / len(checked), 3) if checked else None,
        message=message,
        details=details,
        flags_for_second_approval=bool(broken),
    )


register("links", links)
