"""Project-level endpoints that belong to no single app."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


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


def _check_search():
    from search.backends import get_backend

    if not get_backend().ping():
        raise ConnectionError("search backend did not answer")


def _check_cache():
    from django.core.cache import cache

    from .cache import RedisCache, backend_of

    backend = backend_of(cache)
    if isinstance(backend, RedisCache):
        backend._cache.get_client(write=False).ping()


# Without these the product still answers, only slower: their failure is reported as
# "degraded" and does not make the instance unhealthy (every instance shares them).
DEGRADING = {"cache"}


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


@never_cache
def healthz(request):
    """200 when every configured component answers, 503 otherwise, with each one's state.

    Anyone may ask (load balancers, the container's probe), so the public answer names the
    components and their states only: an exception's text carries hosts, ports and versions.
    What failed goes to the log, and to operators signed in on the site."""
    report, details = {}, {}
    for name, check in component_checks().items():
        try:
            check()
        except Exception as exc:
            state = "degraded" if name in DEGRADING else "failing"
            logger.warning("healthz: %s %s: %s: %s", name, state, type(exc).__name__, exc)
            report[name] = {"status": state}
            details[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            report[name] = {"status": "ok"}
    if not settings.REDIS_URL:
        report["broker"] = {"status": "not configured"}
        details["broker"] = {"detail": "tasks run in-process"}
    healthy = all(item["status"] != "failing" for item in report.values())
    if details and _sees_details(request):
        for name, extra in details.items():
            report[name].update(extra)
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "components": report},
        status=200 if healthy else 503,
    )
