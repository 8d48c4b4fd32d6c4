"""With DEBUG off the site is HTTPS-only by default; with DEBUG on `make run` keeps working
on plain http://127.0.0.1:8000. Both are read in a fresh process with a clean environment,
as a deploy (or `make run`) would start one."""

import json
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(args, env):
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def _settings_of(env, *names):
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))")
    result = _run(["-c", code], {"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_only_debug_secret_and_hosts_set():
    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50))
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"DEBUG": "0", "SECRET_KEY": secret, "ALLOWED_HOSTS": "example.com"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_can_each_be_turned_down_from_the_environment():
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.com"}
    overridden = _settings_of(
        {**production, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "60",
         "SECURE_HSTS_PRELOAD": "0", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
         "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
         "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
         "CSRF_TRUSTED_ORIGINS": "https://portal.example.com"},
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS",
    )
    assert overridden == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 60, "SECURE_HSTS_PRELOAD": False,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://portal.example.com"],
    }


def test_production_trusts_https_origins_of_its_own_hosts_for_csrf():
    origins = _settings_of({"DEBUG": "0", "SECRET_KEY": "x" * 50,
                            "ALLOWED_HOSTS": "example.com,.zhizao.cn"}, "CSRF_TRUSTED_ORIGINS")
    assert origins["CSRF_TRUSTED_ORIGINS"] == ["https://example.com", "https://*.zhizao.cn"]


def test_debug_keeps_the_local_http_defaults():
    local = _settings_of({"DEBUG": "1"}, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    assert local == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0,
                     "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False}


@pytest.mark.django_db
def test_healthz_probe_over_plain_http_is_not_redirected(client, settings):
    """The container's own probe (docker/compose.yml) speaks plain HTTP to gunicorn."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/api/v1/solutions/").status_code == 301
