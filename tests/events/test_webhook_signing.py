"""Receivers verify deliveries: a tampered body, another secret or an old timestamp fail."""

import time

import pytest

from events.webhooks import SignatureError, signature_headers, verify_signature

SECRET = "whsec_test"
BODY = b'{"id":"d1","type":"ping"}'


def headers(**kwargs):
    return signature_headers(SECRET, topic="ping", delivery_id="d1", body=BODY, **kwargs)


def test_a_genuine_delivery_verifies():
    assert verify_signature(SECRET, headers(), BODY)


def test_header_names_are_case_insensitive():
    lowered = {key.lower(): value for key, value in headers().items()}
    assert verify_signature(SECRET, lowered, BODY)


def test_tampered_body_fails():
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(SECRET, headers(), BODY.replace(b"ping", b"pong"))


def test_another_secret_fails():
    with pytest.raises(SignatureError):
        verify_signature("whsec_other", headers(), BODY)


def test_old_timestamp_fails_even_with_a_valid_signature():
    old = headers(timestamp=time.time() - 301)
    with pytest.raises(SignatureError, match="tolerance"):
        verify_signature(SECRET, old, BODY)
    assert verify_signature(SECRET, old, BODY, tolerance=600)


def test_changed_timestamp_fails():
    forged = {**headers(), "X-Zhizao-Timestamp": str(int(time.time()) + 1)}
    with pytest.raises(SignatureError):
        verify_signature(SECRET, forged, BODY)


def test_missing_headers_fail():
    with pytest.raises(SignatureError, match="missing"):
        verify_signature(SECRET, {}, BODY)


def test_any_of_several_signatures_may_match():
    genuine = headers()
    genuine["X-Zhizao-Signature"] = "v1=deadbeef, " + genuine["X-Zhizao-Signature"]
    assert verify_signature(SECRET, genuine, BODY)
