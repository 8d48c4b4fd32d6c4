"""Django's Redis cache, with one client object per connection pool instead of one per call.

Django builds a new `redis.Redis` for every cache operation; redis-py fills a table of
several hundred response callbacks in each one's constructor, which costs more than the
round trip to Redis on a fast path (measured: two thirds of the time of an API answer served
from the cache, throttle counts included). A `redis.Redis` shares its pool safely between
threads, so one per pool is enough.

When the cache cannot be reached, what only speeds the API up is skipped and throttles let
requests through (`cache_failed` logs it, at most once a minute per process): the API keeps
answering from the database rather than failing."""

import logging
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache that cannot be reached raises (redis-py wraps socket errors in RedisError).
UNAVAILABLE = (RedisError, OSError)
_last_warning = [0.0]


def cache_failed(what, exc):
    """Log that the cache could not be used for `what` (once a minute per process)."""
    now = time.monotonic()
    if now - _last_warning[0] >= 60:
        _last_warning[0] = now
        logger.warning("cache unavailable (%s): %s: %s", what, type(exc).__name__, exc)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def script(self, source, key):
        """A Lua script on the server that holds `key`, sent by its digest (EVALSHA: the
        source travels once per server, or again after the server forgot it)."""
        client = self.get_client(key, write=True)
        script = self._scripts.get((id(client), source))
        if script is None:
            script = self._scripts[(id(client), source)] = client.register_script(source)
        return script


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def backend_of(cache):
    """The backend behind `django.core.cache.cache` (a proxy to "default"), or `cache`."""
    if hasattr(cache, "_connections"):
        return cache._connections[cache._alias]
    return cache


def count(cache, key, timeout, amount=1):
    """Add `amount` to the counter at `key`, created with `timeout` seconds to live: one
    round trip on Redis (INCRBY, then EXPIRE only if it has none), add-or-incr elsewhere."""
    cache = backend_of(cache)
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        pipe = cache._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.incrby(full_key, amount)
        pipe.expire(full_key, int(timeout), nx=True)
        pipe.execute()
        return
    if not cache.add(key, amount, timeout):
        try:
            cache.incr(key, amount)
        except ValueError:  # expired between add and incr
            cache.set(key, amount, timeout)


# Counts a request in the current window when the sliding estimate allows it, in one step on
# the server: the read and the write cannot interleave with another worker's. First adds the
# requests this process admitted on its own since it last asked (ARGV[4], to KEYS[3]).
WINDOW_SCRIPT = """
local earlier = tonumber(ARGV[4])
if earlier > 0 then
  redis.call('INCRBY', KEYS[3], earlier)
  if redis.call('TTL', KEYS[3]) < 0 then
    redis.call('EXPIRE', KEYS[3], ARGV[3])
  end
end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[1]) + current >= tonumber(ARGV[2]) then
  return {0, current, previous}
end
redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return {1, current, previous}
"""


def count_within(cache, current_key, previous_key, *, weight, limit, timeout, earlier=0,
                 earlier_key=None):
    """The two-window rate check: allowed when `previous * weight + current < limit`, and
    then the current window's counter (at `current_key`, living `timeout` seconds) is one
    more. Returns (allowed, current, previous) as they were before this request.

    `earlier` requests admitted before without being counted are first added to
    `earlier_key` (the current window's counter unless told otherwise).

    One round trip on Redis (a Lua script, atomic); elsewhere a read, then `count()`."""
    cache = backend_of(cache)
    earlier_key = earlier_key or current_key
    try:
        return _count_within(cache, current_key, previous_key, weight, limit, timeout, earlier,
                             earlier_key)
    except UNAVAILABLE as exc:
        cache_failed("throttle", exc)  # no count to go by: the request is let through
        return True, 0, 0


def _count_within(cache, current_key, previous_key, weight, limit, timeout, earlier,
                  earlier_key):
    if isinstance(cache, RedisCache):
        keys = [cache.make_and_validate_key(current_key),
                cache.make_and_validate_key(previous_key),
                cache.make_and_validate_key(earlier_key)]
        allowed, current, previous = cache._cache.script(WINDOW_SCRIPT, keys[0])(
            keys=keys, args=[repr(float(weight)), int(limit), int(timeout), int(earlier)]
        )
        return bool(allowed), int(current), int(previous)
    if earlier:
        count(cache, earlier_key, timeout, earlier)
    counts = cache.get_many([current_key, previous_key])
    current, previous = counts.get(current_key, 0), counts.get(previous_key, 0)
    if previous * weight + current >= limit:
        return False, current, previous
    count(cache, current_key, timeout)
    return True, current, previous


class ProcessMemo:
    """What this process remembers, thread-safe; past `keep` entries the least recently used
    go first. Hold `lock` (re-entrant) to read and change an entry in one step."""

    def __init__(self):
        self.lock = threading.RLock()
        self._entries = OrderedDict()

    def get(self, key):
        with self.lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, value, keep):
        with self.lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > keep:
                self._entries.popitem(last=False)

    def pop(self, key):
        with self.lock:
            return self._entries.pop(key, None)

    def clear(self):
        with self.lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


class SharedVersion:
    """A version number in the default cache that retires what processes derived from the
    data before it changed, and that each process reads at most every `interval_setting`
    seconds (so a change shows that much later at most; 0 reads it every time).

    When the number is missing (a new or flushed cache) a random one is drawn, so nothing
    derived against an earlier cache is taken for current."""

    def __init__(self, key, interval_setting, default_interval=1):
        self.key = key
        self.interval_setting = interval_setting
        self.default_interval = default_interval
        self._read = (None, 0.0)  # (version, monotonic time until which it is current)

    def current(self):
        """The version, or None when the cache cannot be reached (then nothing derived may
        be taken for current)."""
        from django.core.cache import cache

        now = time.monotonic()
        version, until = self._read
        if version is not None and now < until:
            return version
        try:
            version = cache.get(self.key)
            if version is None:
                cache.add(self.key, secrets.randbits(52), None)
                version = cache.get(self.key)
        except UNAVAILABLE as exc:
            cache_failed(self.key, exc)
            return None
        interval = getattr(settings, self.interval_setting, self.default_interval)
        self._read = (version, now + interval)
        return version

    def bump(self):
        """Everything derived before now is stale (for other processes, once they read)."""
        from django.core.cache import cache

        self.forget()
        try:
            try:
                cache.incr(self.key)
            except ValueError:  # not there yet (or evicted): any new value will do
                cache.set(self.key, secrets.randbits(52), None)
        except UNAVAILABLE as exc:
            # Lost: what others derived stays until it expires (its users bound its age).
            cache_failed(self.key, exc)

    def forget(self):
        """Read the version again next time."""
        self._read = (None, 0.0)
