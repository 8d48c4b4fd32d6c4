"""Which errors from Elasticsearch mean "the cluster cannot serve this now" (reads fall back
to the database backend, writes stay pending in the outbox and are retried) and which mean
"this request is wrong" (raised as they are)."""

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, SniffingError
from elasticsearch import ApiError, UnsupportedProductError, helpers

# The test for "unavailable": would the same request succeed later without a change to our
# code? Then reads fall back and writes stay pending in the outbox. Otherwise the request is
# wrong (our bug: a mapping the document breaks, a malformed query) and the error is raised
# as it is, so it shows in the logs and the outbox's last_error instead of hiding behind the
# database backend's answers as an outage would.
#
# Transport failures: refused, reset, TLS, timeouts, sniffing. SerializationError is a
# TransportError too, but it means a document or an answer we could not encode or decode:
# retrying gives the same result.
UNAVAILABLE_TRANSPORT = (TransportConnectionError, ConnectionTimeout, SniffingError)
# Answers the cluster gives when it cannot serve now: a missing index (deleted, or not yet
# created), a timeout, overload, and server errors (5xx).
UNAVAILABLE_STATUSES = {404, 408, 429}
# The cluster refuses us, not the request: credentials or roles, fixed in the deployment.
# Refused requests (406, 415) and the 400 below are a client and a cluster of major versions
# that cannot talk (the 9.x client asks for `compatible-with=9`; an 8.x cluster answers 400
# media_type_header_exception, a 7.x one 406). The fix is an upgrade, not a code change.
REFUSED_STATUSES = {401, 403, 406, 415}
COMPATIBILITY_ERROR_TYPES = {"media_type_header_exception"}


def _error_type(body, message=""):
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error.get("type", "")
    return message if isinstance(message, str) else ""


def _status_unavailable(status, error_type):
    return (
        status in UNAVAILABLE_STATUSES
        or status in REFUSED_STATUSES
        or status >= 500
        or error_type in COMPATIBILITY_ERROR_TYPES
    )


def unavailable(exc):
    """Errors that mean "the cluster cannot serve this now" rather than "this request is
    wrong" (see UNAVAILABLE_TRANSPORT and the statuses above)."""
    if isinstance(exc, UNAVAILABLE_TRANSPORT):
        return True
    if isinstance(exc, UnsupportedProductError):
        # The product check: the answer did not come from Elasticsearch (a proxy's page, an
        # incompatible fork). Nothing our request can change.
        return True
    if isinstance(exc, ApiError):
        return _status_unavailable(exc.status_code, _error_type(exc.body, exc.message))
    if isinstance(exc, helpers.BulkIndexError):
        # Per-document failures. Overload or unassigned shards on every failed document is an
        # outage; one document refused for itself (a mapping error: 400) is our bug, and
        # retrying would fail the same way, so it is raised as it is.
        return bool(exc.errors) and all(_item_unavailable(item) for item in exc.errors)
    return False


def _item_unavailable(item):
    _, info = next(iter(item.items()))
    return _status_unavailable(int(info.get("status") or 0), _error_type(info))
