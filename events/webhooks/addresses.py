"""Which endpoint URLs the platform will call.

Webhook URLs come from partners and are called from inside the platform, so an address that
is not public (loopback, private networks, link-local cloud metadata) is refused, both when
the subscription is saved and again before each attempt, because DNS may have changed. The
request then connects to the very address that was checked, so a name that resolves
differently a moment later (DNS rebinding) cannot slip past. Tests with a local server set
WEBHOOK_ALLOW_PRIVATE; plain http needs WEBHOOK_ALLOW_HTTP."""

import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


class URLNotAllowed(ValueError):
    """The URL may not be called; the message says why, for the person who entered it."""


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address to connect to


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url):
    """Check `url` and resolve it to an Endpoint, or raise URLNotAllowed."""
    parts = urllib.parse.urlsplit(url or "")
    allowed_schemes = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed_schemes:
        raise URLNotAllowed(
            _("Use an https:// URL.") if parts.scheme == "http" else _("Use an http(s) URL.")
        )
    if not parts.hostname:
        raise URLNotAllowed(_("The URL has no host."))
    if parts.username or parts.password:
        raise URLNotAllowed(
            _("Put no user name or password in the URL; deliveries are signed instead.")
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise URLNotAllowed(_("The URL's port is not valid.")) from None
    host = parts.hostname
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
        infos = socket.getaddrinfo(ascii_host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise URLNotAllowed(_("The URL's host name cannot be resolved.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise URLNotAllowed(_("The URL's host name cannot be resolved."))
    if not settings.WEBHOOK_ALLOW_PRIVATE and not all(_is_public(a) for a in addresses):
        raise URLNotAllowed(
            _("The URL points to a private, loopback or otherwise non-public address.")
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Endpoint(
        scheme=parts.scheme,
        host=ascii_host,
        port=port,
        path=urllib.parse.quote(path, safe="/:@!$&'()*+,;=%~-._?"),
        address=addresses[0],
    )
