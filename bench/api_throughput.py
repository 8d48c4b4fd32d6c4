"""API throughput: the solutions list under gunicorn on PostgreSQL, against a trivial view.

In a throwaway PostgreSQL database (`zhizao_bench_api`, created on the server of
DATABASE_URL and dropped at the end) it migrates, seeds N published solutions (the catalog
generator of bench/search_latency.py: skewed taxonomy, vendors, case studies with outcomes),
then starts gunicorn with 2 sync workers on the project's WSGI app and loads, in alternating
rounds of a fixed time each (fair on a noisy machine):

- ceiling: GET /bench/ping, a view that returns {"ok": true} through the same middleware,
  on the same server (added by this module's URLconf, so production code has no such view);
- api: GET /api/v1/solutions/?page_size=50 with filters (industry, region, ordering),
  anonymous;
- api_key: the same with an enterprise's API key (catalog:read), as a partner portal's
  catalog sync reads it.

With the default settings both are served from the public list cache after the first
request (core/public_cache.py); `--public-cache-seconds 0` measures answers built afresh.

The load comes from wrk (Debian package `wrk`) when installed, else from a Python threaded
client. Target: the api's throughput at least 0.4 of the ceiling's. The last line is the
figures as key=value pairs.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/api_throughput.py --solutions 2000 --seconds 10 --rounds 3
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "zhizao_bench_api"
API_PATH = "/api/v1/solutions/?page_size=50&industry=machine-tools&region=CN-JS&ordering=-id"
PING_PATH = "/bench/ping"
# wrk prints what its Lua `done` hook writes: the figures we need, as JSON.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, '
    .. '"p50_ms": %f, "p95_ms": %f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


# The WSGI side: gunicorn loads `api_throughput:make_application()`.


def ping(request):
    from django.http import JsonResponse

    return JsonResponse({"ok": True})


def make_application():
    """The project's WSGI app with this module as URLconf: /bench/ping, then every URL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    from django.urls import include, path

    module = sys.modules[__name__]
    module.urlpatterns = [path(PING_PATH.lstrip("/"), ping), path("", include("config.urls"))]
    settings.ROOT_URLCONF = __name__
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# The driver.


def database_urls(server_url):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{BENCH_DATABASE}"))


def drop_database(server_url):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def prepare(count, seed_value):
    """Migrate and seed the bench database (in this process), then analyse it."""
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    sys.path.insert(0, str(BENCH))
    from search_latency import seed

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    ids = seed(count, random.Random(seed_value))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    key = partner_key()
    connection.close()
    return len(ids), time.perf_counter() - start, key


def partner_key():
    """An enterprise's API key with catalog:read: a provincial portal syncing the catalog."""
    from accounts import services
    from accounts.models import Membership, Organization, User

    portal = Organization.objects.create(kind=Organization.Kind.ENTERPRISE, name="Bench portal",
                                         status=Organization.Status.VERIFIED)
    admin = User.objects.create_user("bench-portal", "portal@bench.invalid", "x")
    Membership.objects.create(user=admin, organization=portal, role=Membership.Role.OWNER)
    _, raw = services.create_api_key(actor=admin, organization=portal, name="Portal sync",
                                     scopes=["catalog:read"])
    return raw


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, workers, env):
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--pythonpath",
        f"{BENCH},{ROOT}",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "api_throughput:make_application()",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{PING_PATH}", timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def load_with_wrk(url, seconds, connections, script, headers=()):
    output = subprocess.run(
        [
            "wrk",
            *[part for header in headers for part in ("-H", header)],
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def load_with_threads(url, seconds, connections, _script=None, headers=()):
    """The fallback client: `connections` threads, each one request at a time."""
    import http.client

    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    samples, errors = [], [0]
    stop_at = time.perf_counter() + seconds

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                connection.request("GET", target, headers=dict(
                    header.split(": ", 1) for header in headers))
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                ok = False
            if ok:
                samples.append((time.perf_counter() - start) * 1000)
            else:
                errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(samples) or [0.0]
    p95 = statistics.quantiles(ordered, n=20)[-1] if len(ordered) > 1 else ordered[0]
    return {
        "requests": len(samples),
        "seconds": elapsed,
        "errors": errors[0],
        "non2xx": 0,
        "p50_ms": statistics.median(ordered),
        "p95_ms": p95,
        "rps": len(samples) / elapsed,
    }


def summarise(rounds):
    return {
        "rps": sum(r["requests"] for r in rounds) / sum(r["seconds"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p95_ms": statistics.median(r["p95_ms"] for r in rounds),
        "errors": sum(r["errors"] + r["non2xx"] for r in rounds),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solutions", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10, help="Per round and kind.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--public-cache-seconds", type=int, default=30,
        help="API_PUBLIC_CACHE_SECONDS for the server (0: every answer built afresh).",
    )
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL server (its database is left alone).")
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_urls(server_url),
            "SECRET_KEY": env.get("SECRET_KEY", "bench-only-secret-key"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "SEARCH_BACKEND": "database",
            # The throttle would answer 429 long before the server is saturated.
            "THROTTLE_ANON": "100000000/min",
            "THROTTLE_USER": "100000000/min",
            "THROTTLE_API_KEY": "100000000/min",
            # Plain HTTP on loopback, as behind the TLS-terminating proxy: no redirect.
            "SECURE_SSL_REDIRECT": "0",
            # As docker/compose.yml runs the web: connections kept between requests.
            "DATABASE_CONN_MAX_AGE": "60",
            "ZHIZAO_VAR_DIR": tempfile.mkdtemp(prefix="zhizao-bench-api-"),
            "PYTHONPATH": f"{BENCH}:{ROOT}",
        }
    )
    # No broker (tasks in-process); the cache is Redis when REDIS_URL is given, as in
    # production, so both workers share it; else each worker's memory.
    redis_url = env.pop("REDIS_URL", None)
    if redis_url and not env.get("CACHE_URL"):
        env["CACHE_URL"] = urlunsplit(urlsplit(redis_url)._replace(path="/9"))
    env["API_PUBLIC_CACHE_SECONDS"] = str(args.public_cache_seconds)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    load = load_with_wrk if use_wrk else load_with_threads
    server = None
    try:
        seeded, seed_seconds, key = prepare(args.solutions, args.seed)
        key_headers = (f"Authorization: Api-Key {key}",)
        print(f"seeded {seeded} solutions in {seed_seconds:.0f}s", file=sys.stderr)
        port = free_port()
        server = start_server(port, args.workers, env)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + API_PATH, timeout=30) as response:  # noqa: S310
            listed = json.load(response)
        print(
            f"api: {listed['count']} matching, {len(listed['results'])} on the page",
            file=sys.stderr,
        )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for url in (base + PING_PATH, base + API_PATH):  # warm both workers
            load(url, 2, args.connections, script.name)
        results = {"ceiling": [], "api": [], "api_key": []}
        kinds = (("ceiling", PING_PATH, ()), ("api", API_PATH, ()),
                 ("api_key", API_PATH, key_headers))
        for number in range(args.rounds):
            for kind, path, headers in kinds:
                figures = load(base + path, args.seconds, args.connections, script.name,
                               headers)
                results[kind].append(figures)
                print(
                    f"round {number + 1} {kind:8} {figures['rps']:8.1f} rps  "
                    f"p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms",
                    file=sys.stderr,
                )
        Path(script.name).unlink()
    finally:
        if server is not None:
            stop_server(server)
        from django.apps import apps

        if apps.ready:
            from django.db import connections

            connections.close_all()
        drop_database(server_url)

    ceiling, api = summarise(results["ceiling"]), summarise(results["api"])
    keyed = summarise(results["api_key"])
    ratio = api["rps"] / ceiling["rps"]
    print(f"\n{'':8} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8}", file=sys.stderr)
    for kind, figures in (("ceiling", ceiling), ("api", api), ("api_key", keyed)):
        print(
            f"{kind:8} {figures['rps']:8.1f} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f}",
            file=sys.stderr,
        )
    print(f"ratio {ratio:.2f} (target at least 0.40)", file=sys.stderr)
    print(
        f"solutions={seeded} workers={args.workers} client={'wrk' if use_wrk else 'python'} "
        f"public_cache_s={args.public_cache_seconds} "
        f"cache={'redis' if env.get('CACHE_URL') else 'locmem'} "
        f"api_rps={api['rps']:.1f} ceiling_rps={ceiling['rps']:.1f} ratio={ratio:.2f} "
        f"p50_ms={api['p50_ms']:.1f} p95_ms={api['p95_ms']:.1f} "
        f"key_rps={keyed['rps']:.1f} key_ratio={keyed['rps'] / ceiling['rps']:.2f} "
        f"key_p95_ms={keyed['p95_ms']:.1f} ceiling_p95_ms={ceiling['p95_ms']:.1f} "
        f"errors={api['errors'] + ceiling['errors'] + keyed['errors']}"
    )


if __name__ == "__main__":
    main()
