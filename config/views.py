"""Project-level endpoints that belong to no single app."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


class Degraded(Exception):
    """A component answers only in part (search from its fallback): slower or staler, not down."""


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _answers(backend):
    """Whether a search backend answers, and if not why (a client may raise instead of
    returning False, e.g. a 9.x client refused by an 8.x cluster)."""
    try:
        return bool(backend.ping()), "did not answer"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _check_search():
    from search.backends import get_backend
    from search.backends.fallback import FallbackBackend

    backend = get_backend()
    answers, reason = _answers(backend)
    if answers:
        return
    # Reads fall back to the database backend while the cluster is away (and writes are
    # retried), so the product still serves search: degraded, not failing.
    if isinstance(backend, FallbackBackend) and _answers(backend.fallback)[0]:
        raise Degraded(f"{backend.primary.name} {reason}; reads are answered by the "
                       f"{backend.fallback.name} backend")
    raise ConnectionError(f"search backend {reason}")


def _check_cache():
    from django.core.cache import cache

    from core.cache import RedisCache, backend_of

    backend = backend_of(cache)
    if isinstance(backend, RedisCache):
        backend._cache.get_client(write=False).ping()


# What readiness needs. Only these make it fail (503); every instance shares them, so a 503
# says "this deployment cannot serve", not "this instance is broken".
# - database: every page and API call reads it; nothing answers without it.
# - search: only when no backend answers; the cluster alone being away is degraded (above).
# Not essential, reported as "degraded" with 200:
# - broker: events wait in the outbox and the relay hands them on when it returns; no request
#   needs it to succeed.
# - cache: the API answers from the database, only slower.
ESSENTIAL = {"database", "search"}


def component_checks():
    """The components this deployment is configured to use, with how to check each."""
    checks = {"database": _check_database, "search": _check_search}
    if settings.REDIS_URL:
        checks["broker"] = _check_broker
    if settings.CACHE_URL:
        checks["cache"] = _check_cache
    return checks


def _sees_details(request):
    """Operator staff (and superusers) signed in on the site: they may read what failed.
    With the database down nobody can be told apart, and everyone gets the public answer."""
    from accounts.selectors import is_operator

    try:
        return is_operator(request.user)
    except Exception:  # the session or membership lookup needs the database that may be down
        return False


def _state_after(name, exc):
    if isinstance(exc, Degraded) or name not in ESSENTIAL:
        return "degraded"
    return "failing"


@never_cache
def liveness(request):
    """200 whenever the process serves requests. It asks no dependency on purpose: a restart
    cannot bring back a database or a cluster, and restarting every instance because a shared
    component is away turns an outage into a longer one."""
    return JsonResponse({"status": "ok"})


@never_cache
def readiness(request):
    """Whether this instance can serve: 200 while the essential components answer (some may
    be degraded), 503 otherwise, with each configured component's state.

    Anyone may ask (load balancers, the container's probe), so the public answer names the
    components and their states only: an exception's text carries hosts, ports and versions.
    What failed goes to the log, and to operators signed in on the site."""
    report, details = {}, {}
    for name, check in component_checks().items():
        try:
            check()
        except Exception as exc:
            state = _state_after(name, exc)
            logger.warning("healthz: %s %s: %s: %s", name, state, type(exc).__name__, exc)
            report[name] = {"status": state}
            details[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            report[name] = {"status": "ok"}
    if not settings.REDIS_URL:
        report["broker"] = {"status": "not configured"}
        details["broker"] = {"detail": "tasks run in-process"}
    ready = all(item["status"] != "failing" for item in report.values())
    if details and _sees_details(request):
        for name, extra in details.items():
            report[name].update(extra)
    return JsonResponse(
        {"status": "ok" if ready else "failing", "components": report},
        status=200 if ready else 503,
    )
