"""The Redis cache backend (one client per pool), the one-round-trip counter and the
two-window rate check."""

import os
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from core.cache import RedisCache, count, count_within

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_cache():
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (CI sets it)")
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"cache-test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["counter", "plain", "now", "before"])


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
            "BACKEND": "core.cache.RedisCache",
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


def locmem():
    return LocMemCache(f"window-{uuid.uuid4().hex}", {})


@pytest.fixture(params=["redis", "locmem"])
def any_cache(request):
    if request.param == "redis":
        return request.getfixturevalue("redis_cache")
    return locmem()


def test_count_within_counts_until_the_estimate_reaches_the_limit(any_cache):
    any_cache.set("before", 4, 60)
    # 4 of the previous window weigh 0.5 each: 2, so 3 more fit under a limit of 5.
    answers = [count_within(any_cache, "now", "before", weight=0.5, limit=5, timeout=60)
               for _ in range(4)]
    assert answers == [(True, 0, 4), (True, 1, 4), (True, 2, 4), (False, 3, 4)]
    assert any_cache.get("now") == 3  # a refused request is not counted


def test_count_within_on_redis_sets_the_expiry_once_in_one_round_trip(redis_cache, monkeypatch):
    count_within(redis_cache, "now", "before", weight=1, limit=10, timeout=120)
    client = redis_cache._cache.get_client("now")
    full_key = redis_cache.make_and_validate_key("now")
    assert 0 < client.ttl(full_key) <= 120
    sent = []
    real = type(client).execute_command
    monkeypatch.setattr(type(client), "execute_command",
                        lambda self, *args, **kw: sent.append(args[0]) or real(self, *args, **kw))
    assert count_within(redis_cache, "now", "before", weight=1, limit=10, timeout=120)[0]
    assert sent == ["EVALSHA"]


def test_count_within_on_redis_survives_a_server_that_forgot_the_script(redis_cache):
    count_within(redis_cache, "now", "before", weight=1, limit=10, timeout=60)
    redis_cache._cache.get_client("now").script_flush()
    assert count_within(redis_cache, "now", "before", weight=1, limit=10, timeout=60) == (
        True, 1, 0)


def test_count_within_first_adds_what_was_admitted_earlier(any_cache):
    assert count_within(any_cache, "now", "before", weight=1, limit=10, timeout=60,
                        earlier=4) == (True, 4, 0)
    assert any_cache.get("now") == 5
    # Admitted late in the previous window: counted there.
    assert count_within(any_cache, "now", "before", weight=1, limit=10, timeout=60,
                        earlier=3, earlier_key="before") == (True, 5, 3)
    assert (any_cache.get("now"), any_cache.get("before")) == (6, 3)
