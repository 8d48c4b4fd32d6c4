"""Loaded as a pytest plugin (`-p tests.environment`) so these defaults exist before
pytest-django reads the settings: the test run needs no environment of its own."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
