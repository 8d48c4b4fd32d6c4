"""Loaded as a pytest plugin (`-p tests.environment`) so these defaults exist before
pytest-django reads the settings: the test run needs no environment of its own."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Throttling is tested by its own tests with their own rates; the rest of the suite (and the
# schema fuzzing, all from one address) must never meet a 429.
os.environ.setdefault("THROTTLE_ANON", "1000000/min")
os.environ.setdefault("THROTTLE_USER", "1000000/min")
os.environ.setdefault("THROTTLE_API_KEY", "1000000/min")
# The public list cache outlives a test's rolled-back data: tests that are about it turn it on.
os.environ.setdefault("API_PUBLIC_CACHE_SECONDS", "0")
# The suite (test client, live server, browser) speaks plain HTTP to 127.0.0.1: the HTTPS-only
# defaults of DEBUG off are tested on their own, in a fresh process (tests/security).
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
# Two-factor for admins and reviewers (on by default outside DEBUG) is tested by its own tests
# (tests/accounts/test_two_factor.py); the rest of the suite signs people in without it.
os.environ.setdefault("MFA_REQUIRED", "0")
# Sign-in rate limits and lockout count per address, and every test signs in from 127.0.0.1:
# their own tests (tests/accounts/test_signup.py) turn them on with the production rates.
os.environ.setdefault("ACCOUNT_RATE_LIMITS_ENABLED", "0")
