"""Partner webhooks: signed deliveries of the outbox's events to organisations' endpoints.

Receivers check a delivery with `verify_signature(secret, headers, body)`."""

from .signing import SignatureError, sign, signature_headers, verify_signature

__all__ = ["SignatureError", "sign", "signature_headers", "verify_signature"]
