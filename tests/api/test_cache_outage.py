"""When the cache (Redis) cannot be reached the API keeps answering from the database:
throttles let requests through, nothing is served from or remembered against the cache,
and the outage is logged."""

import logging

import pytest
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.api import authentication
from core import cache as core_cache
from core.cache import SharedVersion
from core.public_cache import HIT_HEADER
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/solutions/"


@pytest.fixture
def cache_down(settings, monkeypatch):
    """A Redis cache nobody listens for (port 1 refuses at once)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.API_PUBLIC_CACHE_SECONDS = 30
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min", "api_key": "2/min"},
    }
    monkeypatch.setattr(core_cache, "_last_warning", [0.0])


def published(vendor):
    return SolutionFactory(vendor=vendor, status="published")


def test_anonymous_lists_are_answered_and_not_throttled(api, vendor, cache_down, caplog):
    published(vendor)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        responses = [api.get(URL) for _ in range(4)]  # twice the rate
    assert [r.status_code for r in responses] == [200] * 4
    assert all(HIT_HEADER not in r for r in responses)  # built afresh, nothing stored
    assert len(responses[-1].json()["results"]) == 1
    assert "cache unavailable" in caplog.text
    assert caplog.text.count("cache unavailable") == 1  # once a minute, not per request


def test_keys_authenticate_from_the_database_and_are_not_remembered(
    enterprise, enterprise_user, vendor, cache_down
):
    published(vendor)
    _, raw = account_services.create_api_key(
        actor=enterprise_user, organization=enterprise, name="ERP", scopes=["catalog:read"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert [client.get(URL).status_code for _ in range(3)] == [200] * 3
    assert len(authentication._principals) == 0


def test_a_shared_version_without_its_cache(cache_down):
    version = SharedVersion("api:test:version", "API_PUBLIC_CACHE_VERSION_SECONDS")
    assert version.current() is None
    version.bump()  # lost, logged, and no error for the caller


def test_a_remembered_key_is_checked_again_after_a_while(
    enterprise, enterprise_user, settings, monkeypatch
):
    """Even if a change was announced while the cache was down, an entry does not outlive
    REMEMBER_FOR."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "remember-for"}}
    clock = {"now": 100.0}
    monkeypatch.setattr(authentication.time, "monotonic", lambda: clock["now"])
    _, raw = account_services.create_api_key(
        actor=enterprise_user, organization=enterprise, name="ERP", scopes=["catalog:read"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get(URL).status_code == 200
    from django.utils import timezone

    from accounts.models import APIKey

    APIKey.objects.update(revoked_at=timezone.now())  # no signal: nobody is told
    assert client.get(URL).status_code == 200
    clock["now"] += authentication.REMEMBER_FOR + 1
    assert client.get(URL).status_code == 401
