"""The Redis cache backend (one client per pool) and the one-round-trip counter."""

import os
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from config.cache import RedisCache, count

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_cache():
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (CI sets it)")
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"cache-test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["counter", "plain"])


def test_one_client_serves_every_call_on_a_pool(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    redis_cache.set("plain", {"a": 1}, 30)
    assert redis_cache.get("plain") == {"a": 1}


def test_count_adds_one_and_sets_the_expiry_once(redis_cache):
    for _ in range(3):
        count(redis_cache, "counter", 60)
    assert redis_cache.get("counter") == 3
    full_key = redis_cache.make_and_validate_key("counter")
    ttl = redis_cache._cache.get_client(full_key).ttl(full_key)
    assert 0 < ttl <= 60


def test_count_elsewhere_adds_or_increments():
    cache = LocMemCache(f"count-{uuid.uuid4().hex}", {})
    count(cache, "counter", 60)
    count(cache, "counter", 60)
    assert cache.get("counter") == 2


def test_count_through_the_default_cache_proxy_takes_the_one_trip_path(settings, monkeypatch):
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (CI sets it)")
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"cache-test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import cache

    monkeypatch.setattr(type(cache._connections["default"]), "add", None)  # never reached
    count(cache, "proxied", 60)
    count(cache, "proxied", 60)
    assert cache.get("proxied") == 2
    cache.delete("proxied")
