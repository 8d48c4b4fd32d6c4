"""One signed POST to an endpoint: no redirects followed, a timeout for every step, and the
connection made to the address that was checked (see addresses)."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from .addresses import URLNotAllowed, resolve

USER_AGENT = "ZhizaoHub-Webhooks/1.0"
# Enough of the answer to finish the exchange politely; the content is not kept.
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Response:
    status_code: int | None
    response_ms: int | None
    error: str = ""

    @property
    def ok(self):
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, endpoint, timeout):
        super().__init__(endpoint.host, endpoint.port, timeout=timeout)
        self._address = endpoint.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, endpoint, timeout):
        super().__init__(
            endpoint.host, endpoint.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = endpoint.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, headers, timeout=None):
    """POST `body` (bytes) with `headers`; never raises for network trouble: the Response
    says what happened (status code, or the error), with the time it took."""
    timeout = settings.WEBHOOK_TIMEOUT if timeout is None else timeout
    started = time.monotonic()

    def elapsed():
        return int((time.monotonic() - started) * 1000)

    try:
        endpoint = resolve(url)
    except URLNotAllowed as exc:
        return Response(status_code=None, response_ms=None, error=str(exc))
    connection_class = (
        _PinnedHTTPSConnection if endpoint.scheme == "https" else _PinnedHTTPConnection
    )
    connection = connection_class(endpoint, timeout)
    try:
        connection.request(
            "POST",
            endpoint.path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        answer = connection.getresponse()
        answer.read(MAX_RESPONSE_BYTES)
        return Response(status_code=answer.status, response_ms=elapsed())
    except TimeoutError:
        return Response(status_code=None, response_ms=elapsed(), error="timed out")
    except (OSError, http.client.HTTPException) as exc:
        return Response(
            status_code=None, response_ms=elapsed(), error=str(exc) or type(exc).__name__
        )
    finally:
        connection.close()
