"""A shared cache of the public catalog's list answers, for anonymous readers.

Everyone who is not signed in and sends no API key sees the same published catalog, so the
rendered answer to the same URL (same host, query, language and format) can be served from
the cache (Redis in production, shared by every worker) instead of being queried and
serialised again. A viewset may share that answer with signed-in callers and API keys that
see exactly what anonymous readers see (`shares_public_answer`); everyone else always gets
a fresh answer. Authentication, scopes and throttles run first in every case.

Freshness: every outbox event moves a version number that is part of the cache key, so a
publish, a revision swap, an archive, a vendor's rename or a rating makes the next request
build a new answer as soon as the event is dispatched (after commit; the beat sweep delivers
it if the broker was down). `API_PUBLIC_CACHE_SECONDS` bounds how long an entry may live in
any case; 0 turns the cache off.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

VERSION_KEY = "api:public:version"
HIT_HEADER = "X-Cache"


def _timeout():
    return getattr(settings, "API_PUBLIC_CACHE_SECONDS", 0)


def bump_version(event=None):
    """An outbox consumer: whatever changed, public answers built before it are stale."""
    if _timeout() <= 0:
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (or evicted): any new value retires the old entries
        cache.set(VERSION_KEY, 1, None)


def _key(request):
    parts = "\n".join(
        (
            request.get_host(),
            request.get_full_path(),
            translation.get_language() or "",
            request.accepted_media_type or "",
        )
    )
    return f"api:public:{hashlib.sha256(parts.encode()).hexdigest()}"


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
        # One round trip: the entry and the version it must have been built at.
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY, 0)
        cached = found.get(key)
        if cached is not None and cached[0] == version:
            _, content, content_type = cached
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
            cache.set(key, (version, response.content, response["Content-Type"]), _timeout())
            response[HIT_HEADER] = "miss"
        return response
