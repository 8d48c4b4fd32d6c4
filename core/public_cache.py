"""A shared cache of the public catalog's list answers, for anonymous readers.

Everyone who is not signed in and sends no API key sees the same published catalog, so the
rendered answer to the same URL (same host, query, language and format) can be served from
the cache (Redis in production, shared by every worker) instead of being queried and
serialised again. A viewset may share that answer with signed-in callers and API keys that
see exactly what anonymous readers see (`shares_public_answer`); everyone else always gets
a fresh answer. Authentication, scopes and throttles run first in every case.

Freshness: every outbox event moves a version number that every entry is checked against,
so a publish, a revision swap, an archive, a vendor's rename or a rating retires the answers
built before it as soon as the event is dispatched (after commit; the beat sweep delivers it
if the broker was down). Each worker process reads the version from the shared cache at most
every `API_PUBLIC_CACHE_VERSION_SECONDS` (default 1; 0 reads it on every request), so a
change shows at most that long after its dispatch. `API_PUBLIC_CACHE_SECONDS` bounds how long
an entry may live in any case; 0 turns the cache off.

Each worker process also keeps the last `LOCAL_ENTRIES` answers it served in its own memory,
so a hit needs no round trip to the shared cache at all (a page of 50 solutions is about
130 kB; under load each round trip to Redis also waits for a core). Those copies obey the same
version and the same expiry as the shared ones. When the version is missing (a new or flushed
cache) a random one is drawn, so a copy made against an earlier cache is never taken for a
current one.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

from .cache import UNAVAILABLE, ProcessMemo, SharedVersion, cache_failed

VERSION_KEY = "api:public:version"
KEY_PREFIX = "api:public:v3:"  # v3: no review internals in public answers
HIT_HEADER = "X-Cache"
LOCAL_ENTRIES = 64

_local = ProcessMemo()  # key -> (version, expires_at, content, content_type)
VERSION = SharedVersion(VERSION_KEY, "API_PUBLIC_CACHE_VERSION_SECONDS")


def _timeout():
    return getattr(settings, "API_PUBLIC_CACHE_SECONDS", 0)


def bump_version(event=None):
    """An outbox consumer: whatever changed, public answers built before it are stale."""
    if _timeout() <= 0:
        return
    VERSION.bump()


def forget_local():
    """Drop this process's copies and its reading of the version (tests, a flushed cache)."""
    _local.clear()
    VERSION.forget()


def _is_current(entry, version, now):
    return entry is not None and entry[0] == version and entry[1] > now


def _recall(key, version, now):
    """This process's copy, else the shared one (remembered here), if current."""
    entry = _local.get(key)
    if _is_current(entry, version, now):
        return entry
    try:
        entry = cache.get(key)
    except UNAVAILABLE as exc:
        cache_failed("public list", exc)
        return None
    if not _is_current(entry, version, now):
        return None
    _local.put(key, entry, LOCAL_ENTRIES)
    return entry


def _key(request):
    parts = "\n".join(
        (
            request.get_host(),
            request.get_full_path(),
            translation.get_language() or "",
            request.accepted_media_type or "",
        )
    )
    return f"{KEY_PREFIX}{hashlib.sha256(parts.encode()).hexdigest()}"


def _cacheable(request):
    return (
        _timeout() > 0
        and request.method == "GET"
        and getattr(request.accepted_renderer, "format", None) == "json"
    )


class PublicListCacheMixin:
    """For a viewset whose list is the same for every anonymous reader. It sits after
    authentication, permissions and throttling (they run in `initial()`), so an anonymous
    client's rate still counts on a cached answer."""

    def shares_public_answer(self, request):
        """Whether this caller's list is the anonymous one. Anonymous readers only, unless
        the viewset knows better (it runs after authentication, scopes and throttles)."""
        return not request.user.is_authenticated

    def list(self, request, *args, **kwargs):
        if not (_cacheable(request) and self.shares_public_answer(request)):
            return super().list(request, *args, **kwargs)
        key = _key(request)
        # As read from the shared cache within the last API_PUBLIC_CACHE_VERSION_SECONDS.
        version = VERSION.current()
        if version is None:  # the cache cannot be reached: an answer built afresh
            return super().list(request, *args, **kwargs)
        cached = _recall(key, version, time.time())
        if cached is not None:
            _, _, content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response[HIT_HEADER] = "hit"
            return response
        request._public_cache_entry = (key, version)
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        entry = getattr(request, "_public_cache_entry", None)
        if entry and response.status_code == 200 and hasattr(response, "render"):
            key, version = entry
            response.render()
            timeout = _timeout()
            cached = (version, time.time() + timeout, response.content, response["Content-Type"])
            _local.put(key, cached, LOCAL_ENTRIES)
            try:
                cache.set(key, cached, timeout)
            except UNAVAILABLE as exc:
                cache_failed("public list", exc)
            response[HIT_HEADER] = "miss"
        return response
