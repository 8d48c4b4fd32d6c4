"""Faults against gunicorn and a real worker (with its beat): what is lost, how long recovery
takes. The same faults as tests/faults, at the production settings (visibility timeout,
relay interval, search timeout) and over HTTP.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/faults.py

In a throwaway database (`zhizao_bench_faults`, on the server of DATABASE_URL, dropped at the
end) it seeds a vendor (with an API key for submitting), a reviewer (a session for
approving) and draft solutions, starts gunicorn and a worker on a private queue, both reaching
Redis through a TCP proxy (the cache stays direct: only the broker is at fault), then:

  baseline   --batch submissions over HTTP: seconds until all are checked (in review);
  broker     the proxy is cut (the port closed) for --outage seconds; --batch submissions
             meanwhile must answer 200; seconds from the broker's return until all are
             checked (target 30 s);
  worker     --kill-batch submissions, the worker and its beat killed with SIGKILL once the
             first is checked, a worker restarted: seconds from the restart until every
             submission is checked (target 120 s), and how many never are (target 0);
  database   --kill-batch submissions, the worker's busy database connections terminated
             for 2 s: seconds until all are checked;
  search     gunicorn and the worker restarted with ELASTICSEARCH_URL at a closed port, then
             at a listener that never answers (the production ELASTICSEARCH_TIMEOUT): a
             submission is checked, a reviewer publishes it (must answer 200), the vendor is
             told (within 30 s), search still finds it (the database index).

The last line holds the figures: submit_ok_while_broker_down=1 checks_after_broker_back_s=…
worker_kill_lost=0 worker_recovery_s=… publish_ok_while_search_down=1
notified_while_search_down=1 and the number of submissions.
"""

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

BENCH_DATABASE = "zhizao_bench_faults"
# Each batch of drafts gets titles of its own (seed_solutions numbers them from `start`).
BATCH_STARTS = itertools.count(1000, 1000)
CHECKS_TARGET_S = 30
RECOVERY_TARGET_S = 120


def require_services():
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("bench/faults.py needs DATABASE_URL (a PostgreSQL server; its database is left "
                 "alone) and REDIS_URL (a Redis database of its own), e.g.\n"
                 "  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres "
                 "REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/faults.py")
    return database_url


# People and requests.


class Http:
    """Requests to gunicorn as a partner (API key) or a person (session and CSRF token)."""

    def __init__(self, base, headers):
        self.base, self.headers = base, headers

    @classmethod
    def with_key(cls, base, raw_key):
        return cls(base, {"Authorization": f"Api-Key {raw_key}"})

    @classmethod
    def as_person(cls, base, user):
        from django.conf import settings
        from django.test import Client
        from django.utils.crypto import get_random_string

        client = Client()
        client.force_login(user)  # a session in the project's session store
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        token = get_random_string(32)
        return cls(base, {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
                                    f"{settings.CSRF_COOKIE_NAME}={token}",
                          "X-CSRFToken": token})

    def request(self, method, path, body=None, timeout=30):
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, "Content-Type": "application/json"}
        request = urllib.request.Request(self.base + path, data=data, headers=headers,  # noqa: S310
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.read()[:500]


def seed():
    from review_pipeline import seed_people

    from accounts import services

    vendor, vendor_user, reviewer = seed_people()
    _, raw_key = services.create_api_key(actor=vendor_user, organization=vendor,
                                         name="Bench faults", scopes=["solutions:write"])
    return vendor, vendor_user, reviewer, raw_key


def drafts(vendor, count):
    from review_pipeline import seed_solutions

    return [solution.pk
            for solution in seed_solutions(vendor, count, start=next(BATCH_STARTS))]


def submit(api, ids):
    """Submit each over HTTP; how many answered 200 with the status submitted."""
    ok = 0
    for pk in ids:
        status, body = api.request("POST", f"/api/v1/solutions/{pk}/submit/")
        ok += status == 200 and body.get("status") == "submitted"
    return ok


def checked(ids):
    from catalog.models import Solution

    return Solution.objects.filter(pk__in=ids, status="in_review").count()


def wait_until(predicate, timeout, interval=0.1):
    """Seconds until `predicate()` held, or None if it did not within `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    return None


def twice_in_review(ids):
    from django.db.models import Count

    from catalog.models import ReviewEvent

    return (ReviewEvent.objects.filter(solution_id__in=ids, to_status="in_review")
            .values("solution_id").annotate(n=Count("id")).filter(n__gt=1).count())


def figure(seconds):
    return "never" if seconds is None else f"{seconds:.1f}"


# Processes.


class Stack:
    """gunicorn and a worker with its beat, on one private queue, with `env` on top of the
    bench's environment."""

    def __init__(self, queue, env):
        from tests.worker import Worker

        self.queue, self.env = queue, {**env, "CELERY_QUEUE": queue}
        self.worker = Worker(queue, beat=True, env=self.env)
        self.server = None
        self.base = None

    def start(self):
        from api_throughput import free_port, start_server

        port = free_port()
        self.server = start_server(port, 2, {**os.environ, **self.env})
        self.base = f"http://127.0.0.1:{port}"
        self.worker.start()
        return self

    def stop(self):
        from api_throughput import stop_server

        self.worker.stop()
        if self.server is not None:
            stop_server(self.server)
            self.server = None


def web_env(bench_url, redis_url, cache_url):
    return {
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "CACHE_URL": cache_url,
        # As docker/compose.yml runs the web and the worker: connections kept.
        "DATABASE_CONN_MAX_AGE": "60",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "SEARCH_BACKEND": "database",
        "THROTTLE_ANON": "100000000/min",
        "THROTTLE_USER": "100000000/min",
        "THROTTLE_API_KEY": "100000000/min",
        "ZHIZAO_VAR_DIR": tempfile.mkdtemp(prefix="zhizao-bench-faults-"),
    }


# The faults.


def baseline(stack, api, vendor, batch):
    ids = drafts(vendor, batch)
    start = time.monotonic()
    submitted = submit(api, ids)
    seconds = wait_until(lambda: checked(ids) == batch, RECOVERY_TARGET_S)
    print(f"baseline: {submitted}/{batch} submissions answered 200; all checked after "
          f"{figure(seconds and time.monotonic() - start)}s")
    return seconds and time.monotonic() - start


def broker_outage(proxy, api, vendor, batch, outage):
    ids = drafts(vendor, batch)
    proxy.cut()
    cut = time.monotonic()
    submitted = submit(api, ids)
    per_request = (time.monotonic() - cut) / batch
    early = checked(ids)
    time.sleep(max(0.0, outage - (time.monotonic() - cut)))  # the outage's length is the point
    proxy.restore()
    down = time.monotonic() - cut
    seconds = wait_until(lambda: checked(ids) == batch, 3 * CHECKS_TARGET_S)
    print(f"broker: cut for {down:.1f}s; {submitted}/{batch} "
          f"submissions answered 200 ({per_request * 1000:.0f} ms each), {early} checked "
          f"during the outage; all checked {figure(seconds)}s after its return "
          f"(target {CHECKS_TARGET_S}s)")
    return submitted == batch, seconds


def worker_killed(stack, api, vendor, batch):
    ids = drafts(vendor, batch)
    submit(api, ids)
    wait_until(lambda: checked(ids) >= 1, RECOVERY_TARGET_S, interval=0.02)
    stack.worker.kill()
    left = batch - checked(ids)
    restart = time.monotonic()
    stack.worker.start()
    ready = time.monotonic() - restart
    seconds = wait_until(lambda: checked(ids) == batch, RECOVERY_TARGET_S + 60)
    lost = batch - checked(ids)
    print(f"worker: killed (SIGKILL, with its beat) with {left}/{batch} submissions "
          f"unchecked; restarted, answering after {ready:.1f}s; all checked "
          f"{figure(seconds and seconds + ready)}s after the restart (target "
          f"{RECOVERY_TARGET_S}s); lost {lost}; moved into review twice {twice_in_review(ids)}")
    return lost, seconds and seconds + ready


def database_killed(api, vendor, batch):
    from django.db import connection

    ids = drafts(vendor, batch)
    submit(api, ids)
    wait_until(lambda: checked(ids) >= 1, RECOVERY_TARGET_S, interval=0.02)
    killed, deadline = 0, time.monotonic() + 2
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                           "AND xact_start IS NOT NULL")
            killed += cursor.fetchone()[0]
            time.sleep(0.05)
    left = batch - checked(ids)
    seconds = wait_until(lambda: checked(ids) == batch, RECOVERY_TARGET_S)
    print(f"database: {killed} busy connections terminated over 2 s with {left}/{batch} "
          f"unchecked; all checked {figure(seconds)}s after; lost {batch - checked(ids)}; "
          f"moved into review twice {twice_in_review(ids)}")
    return batch - checked(ids), seconds


def search_outage(name, stack, vendor, vendor_user, reviewer, raw_key, phase):
    from catalog.models import Solution
    from core.models import OutboxEvent
    from events.models import Notification

    api = Http.with_key(stack.base, raw_key)
    # A draft on a scenario of its own per phase: the listing an earlier phase published would
    # otherwise be a near duplicate, and a flagged submission needs a second reviewer.
    pk = drafts(vendor, phase + 1)[-1]
    submit(api, [pk])
    checks_s = wait_until(lambda: checked([pk]) == 1, CHECKS_TARGET_S)
    submitted_at = Solution.objects.get(pk=pk).submitted_at
    start = time.monotonic()
    status, _ = Http.as_person(stack.base, reviewer).request(
        "POST", f"/api/v1/solutions/{pk}/approve/", {"submitted_at": submitted_at.isoformat()})
    answer_s = time.monotonic() - start
    decided = Solution.objects.get(pk=pk)
    published = status == 200 and decided.status == "published"
    if decided.needs_second_approval:
        print(f"search at a {name}: the submission was flagged for a second approval "
              f"({decided.status}); the bench has one reviewer")
    told = Notification.objects.filter(recipient=vendor_user, topic="solution.published",
                                       event__aggregate_id=str(pk))
    event = OutboxEvent.objects.filter(topic="solution.published", aggregate_id=str(pk))
    # Until the vendor is told, or the relay has tried the event (and delivered what it could).
    wait_until(lambda: told.exists() or event.filter(attempts__gte=1).exists(), CHECKS_TARGET_S)
    notified_s = time.monotonic() - start if told.exists() else None
    title = Solution.objects.get(pk=pk).title_en
    _, found = Http(stack.base, {}).request("GET", f"/api/v1/search/?q={quote(title)}")
    found = isinstance(found, dict) and pk in [hit.get("id") for hit in found.get("results", [])]
    last_error = (event.values_list("last_error", flat=True).first() or "")[:120]
    print(f"search at a {name}: submission checked after {figure(checks_s)}s; publishing "
          f"answered {status} in {answer_s:.1f}s, published={int(published)}; vendor told: "
          f"{'no' if notified_s is None else f'after {notified_s:.1f}s'}; search (anonymous, "
          f"over HTTP) finds it: {int(found)}"
          + (f"; the event's last error: {last_error}" if last_error else ""))
    return published, notified_s is not None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=8, help="submissions in the baseline and "
                        "during the broker outage")
    parser.add_argument("--kill-batch", type=int, default=32,
                        help="submissions when the worker and the database connections die")
    parser.add_argument("--outage", type=float, default=15, help="seconds the broker is down")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    server_url = require_services()
    from review_pipeline import drop_database, forget_queue, recreate_database, setup_django

    from tests.tcp_proxy import Silent, TcpProxy, closed_port
    from tests.worker import new_queue

    redis_url = os.environ["REDIS_URL"]
    bench_url = recreate_database(server_url, BENCH_DATABASE)
    queue = new_queue().replace("test-", "bench-faults-")
    stacks = []
    redis = urlsplit(redis_url)
    proxy = TcpProxy((redis.hostname or "127.0.0.1", redis.port or 6379)).open()
    silent = Silent().open()
    try:
        os.environ["DATABASE_CONN_MAX_AGE"] = "60"
        setup_django(bench_url)
        from django.conf import settings

        vendor, vendor_user, reviewer, raw_key = seed()
        proxied = urlunsplit(redis._replace(netloc=f"127.0.0.1:{proxy.port}"))
        env = web_env(bench_url, proxied, settings.CACHE_URL)
        stack = Stack(queue, env)
        stacks.append(stack)
        stack.start()
        api = Http.with_key(stack.base, raw_key)
        print(f"database {BENCH_DATABASE}; gunicorn at {stack.base}; worker and beat on "
              f"{queue}; Redis through a proxy on port {proxy.port}; visibility timeout "
              f"{settings.CELERY_VISIBILITY_TIMEOUT}s, relay every "
              f"{settings.OUTBOX_RELAY_SECONDS:g}s")

        baseline(stack, api, vendor, args.batch)
        submit_ok, broker_back_s = broker_outage(proxy, api, vendor, args.batch, args.outage)
        kill_lost, recovery_s = worker_killed(stack, api, vendor, args.kill_batch)
        database_killed(api, vendor, args.kill_batch)
        stack.stop()

        published_all, notified_all = True, True
        for phase, (name, url) in enumerate((
                ("closed port", f"http://127.0.0.1:{closed_port()}"),
                ("listener that never answers", silent.url("http")))):
            stack = Stack(queue, {**env, "SEARCH_BACKEND": "elasticsearch",
                                  "ELASTICSEARCH_URL": url})
            stacks.append(stack)
            stack.start()
            published, notified = search_outage(name, stack, vendor, vendor_user, reviewer,
                                                 raw_key, phase)
            published_all &= published
            notified_all &= notified
            stack.stop()
    finally:
        for stack in stacks:
            stack.stop()
        proxy.close()
        silent.close()
        forget_queue(queue)
        if not args.keep:
            drop_database(server_url, BENCH_DATABASE)

    print(f"submit_ok_while_broker_down={int(submit_ok)} "
          f"checks_after_broker_back_s={figure(broker_back_s)} "
          f"worker_kill_lost={kill_lost} worker_recovery_s={figure(recovery_s)} "
          f"publish_ok_while_search_down={int(published_all)} "
          f"notified_while_search_down={int(notified_all)} "
          f"submissions_broker={args.batch} submissions_worker_kill={args.kill_batch}")


if __name__ == "__main__":
    main()
