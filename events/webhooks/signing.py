"""How a delivery is signed, and how a receiver checks it.

The signature covers the timestamp and the exact body: `v1=<hex HMAC-SHA256(secret,
f"{timestamp}.{body}")>`. The timestamp lets a receiver refuse an old delivery replayed by
someone who captured it; the delivery id lets it recognise a retry it already handled."""

import hashlib
import hmac
import time

EVENT_HEADER = "X-Zhizao-Event"
DELIVERY_HEADER = "X-Zhizao-Delivery"
TIMESTAMP_HEADER = "X-Zhizao-Timestamp"
SIGNATURE_HEADER = "X-Zhizao-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE = 300


class SignatureError(ValueError):
    """The delivery is not signed with this secret, or is too old or from the future."""


def _as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def sign(secret, timestamp, body):
    """The hex signature of `body` (bytes or str) sent at `timestamp` (Unix seconds)."""
    message = _as_bytes(str(int(timestamp))) + b"." + _as_bytes(body)
    return hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def signature_headers(secret, *, topic, delivery_id, body, timestamp=None):
    timestamp = int(time.time() if timestamp is None else timestamp)
    return {
        EVENT_HEADER: topic,
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"{SCHEME}={sign(secret, timestamp, body)}",
    }


def _header(headers, name):
    # Frameworks hand headers over as dicts with any capitalisation.
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify_signature(secret, headers, body, tolerance=DEFAULT_TOLERANCE, now=None):
    """Check a received delivery: `headers` as received, `body` the raw bytes (before any JSON
    parsing). Returns True, or raises SignatureError saying what is wrong.

    Several `v1=` values, comma-separated, are accepted (any may match), which is how a
    receiver keeps working while a secret is being rotated on its side."""
    timestamp = _header(headers, TIMESTAMP_HEADER)
    signature = _header(headers, SIGNATURE_HEADER)
    if not timestamp or not signature:
        raise SignatureError("missing timestamp or signature header")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise SignatureError("the timestamp is not a number") from None
    now = time.time() if now is None else now
    if abs(now - sent_at) > tolerance:
        raise SignatureError("the timestamp is outside the tolerance")
    expected = sign(secret, sent_at, body)
    candidates = [
        part.strip()[len(SCHEME) + 1 :]
        for part in signature.split(",")
        if part.strip().startswith(SCHEME + "=")
    ]
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureError("the signature does not match")
    return True
