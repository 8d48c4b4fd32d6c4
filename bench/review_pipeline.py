"""Throughput of the review pipeline on a real Celery worker, against no-op tasks on the same
worker: how much of the worker's capacity each submission costs.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/review_pipeline.py --n 1000
    # (e) alone, at several sizes, on PostgreSQL (DATABASE_URL) or on a SQLite file:
    .venv/bin/python bench/review_pipeline.py --near-duplicate-only --engine sqlite \\
        --near-duplicate-sizes 1000,10000,100000

It drops and creates a throwaway database (`zhizao_bench`, on the server of DATABASE_URL) and
migrates it, so real data is never touched; the worker keeps its database connection between
tasks, as docker/compose.yml runs it (DATABASE_CONN_MAX_AGE=60; set it to 0 to see the cost of
a connection per task); seeds N complete solutions of one vendor and one
reviewer; starts a worker on a private queue (tests/worker.py); then measures
  (a) N no-op tasks: the worker's bare task rate,
  (b) N submissions through catalog.services.submit_solution, until all are in review (the
      pre-checks, the assignment and the outbox deliveries all run on the worker),
  (c) the queries of services.run_prechecks for one fresh submission with 10 and with 100
      solutions already published (they should not grow with the catalog),
  (d) the floor: N tasks that make only the writes the issue asks of each submission's
      pre-check step (results, assignment, audit and outbox events, inbox notices), with
      no check run: no implementation of (b) with a task per submission can beat its rate,
  (e) the near-duplicate check's candidates, per submission, from the signature bands kept
      with the index and, as the baseline, from the search it used before, at each of
      --near-duplicate-sizes live listings (default: --published, 1,000; the plan's 2027
      target is 200 outstanding ones), with the whole check's cost both ways
      (bench/near_duplicate_cost.py),
and where the worker's time went, from its log. The last line holds the key figures.

The worker imports this file (`--include bench.review_pipeline`) for the no-op task, so
nothing below the task definitions runs on import.
"""

import argparse
import logging
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from celery import shared_task  # noqa: E402 - after the settings module is chosen

BENCH_DATABASE = "zhizao_bench"
DONE_KEY = "zhizao-bench:noop-done"


# Named explicitly: the bench runs as __main__ while the worker imports it as a module.
@shared_task(name="bench.noop", ignore_result=True)
def bench_noop():
    """Does nothing: what a task costs the worker by itself."""


@shared_task(name="bench.floor", ignore_result=True)
def bench_floor(solution_id, reviewer_id):
    """Only the writes the issue asks of every submission's pre-check step, and no check at
    all: read the submission, store its six check results, assign the reviewer, move it into
    review with its audit event and outbox event, put a notice in two inboxes; one commit.
    No implementation of the pipeline can cost the worker less than this."""
    from django.db import transaction
    from django.utils import timezone

    from catalog.models import CheckResult, ReviewEvent, Solution, SolutionStatus
    from core.models import OutboxEvent
    from events.models import Notification

    with transaction.atomic():
        solution = Solution.objects.select_for_update().get(pk=solution_id)
        CheckResult.objects.bulk_create(
            CheckResult(solution=solution, submission=1, code=code, passed=True)
            for code in ("completeness", "taxonomy", "outcomes", "near_duplicate",
                         "attachments", "links")
        )
        Solution.objects.filter(pk=solution_id).update(
            status=SolutionStatus.IN_REVIEW, reviewer_id=reviewer_id,
            review_due_at=timezone.now())
        ReviewEvent.objects.create(solution=solution, from_status=solution.status,
                                   to_status=SolutionStatus.IN_REVIEW)
        # Written as delivered: delivering it is not part of the floor.
        event = OutboxEvent.objects.create(topic="solution.in_review",
                                           aggregate_type="solution",
                                           aggregate_id=str(solution_id),
                                           payload={"vendor_id": solution.vendor_id},
                                           dispatched_at=timezone.now())
        Notification.objects.bulk_create(
            Notification(recipient_id=user_id, topic=event.topic, title="In review",
                         event=event)
            for user_id in {reviewer_id, solution.created_by_id or reviewer_id}
        )


@shared_task(name="bench.mark_done", ignore_result=True)
def bench_mark_done(key):
    """Queued after the no-ops: one worker takes its queue in order, so this runs last."""
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).set(key, time.time(), ex=3600)


def require_services():
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("bench/review_pipeline.py needs DATABASE_URL (PostgreSQL) and REDIS_URL, e.g.\n"
                 "  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test "
                 "REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/review_pipeline.py")
    return database_url


def recreate_database(server_url, name):
    """Drop and create `name` on the server of `server_url`; return its URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(server_url)
    if parts.path.lstrip("/") == name:
        sys.exit(f"DATABASE_URL already names {name}; give the URL of another database on "
                 "the same server")
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(server_url, name):
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def setup_django(bench_url):
    os.environ["DATABASE_URL"] = bench_url
    # As docker/compose.yml runs the worker (and the web): database connections kept between
    # tasks instead of a new one for each (a PostgreSQL connection costs milliseconds).
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    os.environ.setdefault("SEARCH_BACKEND", "database")
    import django

    django.setup()
    # Quiet here; the worker keeps logging at INFO: its "succeeded in" lines are measured.
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_people():
    from accounts.models import Membership, Organization, User

    # Made by the operator, so verified (a pending vendor could not submit).
    vendor = Organization.objects.create(kind=Organization.Kind.VENDOR, name="Bench vendor",
                                         status=Organization.Status.VERIFIED)
    operator = Organization.objects.create(kind=Organization.Kind.OPERATOR, name="Bench operator",
                                           status=Organization.Status.VERIFIED)
    vendor_user = User.objects.create_user("bench-vendor", "vendor@bench.invalid", "x")
    reviewer = User.objects.create_user("bench-reviewer", "reviewer@bench.invalid", "x")
    Membership.objects.create(user=vendor_user, organization=vendor, role=Membership.Role.OWNER)
    Membership.objects.create(user=reviewer, organization=operator,
                              role=Membership.Role.MEMBER, is_reviewer=True)
    return vendor, vendor_user, reviewer


def seed_solutions(vendor, count, status="draft", start=0):
    """`count` complete solutions (they pass the submission rules and the completeness check),
    in bulk: a handful of queries whatever the count."""
    from django.utils import timezone

    from catalog.models import (
        CaseStudy,
        CaseStudyOutcome,
        Industry,
        Region,
        Scenario,
        Solution,
        Technology,
    )

    scenarios = list(Scenario.objects.order_by("code"))
    industry = Industry.objects.get(code="machine-tools")
    technology = Technology.objects.get(code="iiot")
    regions = list(Region.objects.filter(code__in=["CN-JS", "CN-ZJ"]))
    published_at = timezone.now() if status == "published" else None
    solutions = Solution.objects.bulk_create(
        Solution(
            vendor=vendor, status=status, published_at=published_at, language="en",
            title_en=f"{scenarios[i % len(scenarios)].name_en} suite {start + i}",
            title_zh=f"{scenarios[i % len(scenarios)].name_zh}平台{start + i}",
            summary_en=f"Bench solution {start + i} for {scenarios[i % len(scenarios)].name_en}.",
            summary_zh=f"测试方案{start + i}",
            description_en=scenarios[i % len(scenarios)].description_en or "Bench solution.",
            description_zh=scenarios[i % len(scenarios)].description_zh or "测试方案。",
            maturity_from=1, maturity_to=3, price_min_cny=Decimal("300000"),
            price_max_cny=Decimal("900000"), delivery_weeks=12,
        )
        for i in range(count)
    )
    through = {name: getattr(Solution, name).through
               for name in ("scenarios", "industries", "technologies", "regions")}
    through["scenarios"].objects.bulk_create(
        through["scenarios"](solution_id=s.pk, scenario_id=scenarios[i % len(scenarios)].pk)
        for i, s in enumerate(solutions))
    through["industries"].objects.bulk_create(
        through["industries"](solution_id=s.pk, industry_id=industry.pk) for s in solutions)
    through["technologies"].objects.bulk_create(
        through["technologies"](solution_id=s.pk, technology_id=technology.pk)
        for s in solutions)
    through["regions"].objects.bulk_create(
        through["regions"](solution_id=s.pk, region_id=region.pk)
        for s in solutions for region in regions)
    studies = CaseStudy.objects.bulk_create(
        CaseStudy(solution=s, client=f"Bench client {s.pk}", year=2024, summary="Pilot line.")
        for s in solutions
    )
    CaseStudyOutcome.objects.bulk_create(
        CaseStudyOutcome(case_study=study, metric="Unplanned downtime", unit="h/month",
                         before=Decimal("40"), after=Decimal("22"))
        for study in studies
    )
    return solutions


def wait_for(predicate, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    sys.exit(f"timed out after {timeout}s waiting for {what}")


def settle(queue):
    """Let the worker finish what is queued (outbox sweeps) before it stops."""
    import redis

    from core.models import OutboxEvent

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    wait_for(lambda: client.llen(queue) == 0
             and not OutboxEvent.objects.filter(dispatched_at=None).exists(),
             timeout=300, what="the worker's queue to empty", interval=0.2)


def forget_queue(queue):
    """The private queue's keys in Redis: nothing is left to deliver on them."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def measure_noop(n):
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = f"{DONE_KEY}:{os.getpid()}:{time.time()}"
    start = time.perf_counter()
    for _ in range(n):
        bench_noop.delay()
    bench_mark_done.delay(key)
    sent = time.perf_counter() - start
    wait_for(lambda: client.exists(key), timeout=max(120, n / 20), what="the no-op tasks")
    elapsed = time.perf_counter() - start
    client.delete(key)
    return n / elapsed, elapsed, sent


def measure_floor(solutions, reviewer):
    """(d) The floor: the writes of each submission's pre-check step and nothing else."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = f"{DONE_KEY}:floor:{os.getpid()}:{time.time()}"
    start = time.perf_counter()
    for solution in solutions:
        bench_floor.delay(solution.pk, reviewer.pk)
    bench_mark_done.delay(key)
    wait_for(lambda: client.exists(key), timeout=max(120, len(solutions) / 5),
             what="the floor tasks")
    elapsed = time.perf_counter() - start
    client.delete(key)
    return len(solutions) / elapsed, elapsed


def measure_pipeline(solutions, vendor_user):
    from catalog import services
    from catalog.models import Solution, SolutionStatus
    from core.models import OutboxEvent

    ids = [s.pk for s in solutions]
    in_review = Solution.objects.filter(pk__in=ids, status=SolutionStatus.IN_REVIEW)
    start = time.perf_counter()
    for solution in solutions:
        services.submit_solution(actor=vendor_user, solution=solution)
    submitted = time.perf_counter() - start
    wait_for(lambda: in_review.count() == len(ids), timeout=max(300, len(ids)),
             what="every submission to reach review", interval=0.2)
    elapsed = time.perf_counter() - start
    wait_for(lambda: not OutboxEvent.objects.filter(dispatched_at=None).exists(),
             timeout=max(300, len(ids)), what="the outbox to drain", interval=0.2)
    drained = time.perf_counter() - start
    return len(ids) / elapsed, elapsed, submitted, drained


def queries_for_a_fresh_submission(vendor, vendor_user, published):
    """Queries of run_prechecks for one new submission, with `published` listings live."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from catalog import services, workflow
    from catalog.models import Solution, SolutionStatus
    from search.services import rebuild_index

    live = Solution.objects.filter(status=SolutionStatus.PUBLISHED).count()
    if live < published:
        seed_solutions(vendor, published - live, status="published", start=100_000 + live)
    rebuild_index()  # checks that look for near-duplicates see the live catalog
    [fresh] = seed_solutions(vendor, 1, start=200_000 + published)
    with transaction.atomic():  # submitted without queueing the task: it runs here
        workflow.transition(fresh, SolutionStatus.SUBMITTED, vendor_user)
    with CaptureQueriesContext(connection) as queries:
        services.run_prechecks("solution", fresh.pk)
    fresh.refresh_from_db()
    assert fresh.status == SolutionStatus.IN_REVIEW, fresh.status
    control = sum(1 for query in queries if query["sql"] in ("BEGIN", "COMMIT", "ROLLBACK"))
    return len(queries), control


TASK_LINE = re.compile(r"Task (\S+)\[[^\]]+\] succeeded in ([\d.e-]+)s")


def worker_time_by_task(log_path, offset):
    """Seconds the worker spent in each kind of task, from its log after `offset`."""
    busy, count = defaultdict(float), defaultdict(int)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        for line in log:
            match = TASK_LINE.search(line)
            if match:
                busy[match.group(1)] += float(match.group(2))
                count[match.group(1)] += 1
    return busy, count


def measure_on_worker(args, vendor, vendor_user, solutions, floor_solutions, reviewer):
    """(a) to (d) with a worker running; its queue's keys are removed afterwards."""
    from tests.worker import celery_worker

    worker_args = ("--include", "bench.review_pipeline", *args.worker_arg)
    with celery_worker(extra_args=worker_args) as queue:
        try:
            log_path = Path(tempfile.gettempdir()) / f"{queue}.log"  # where tests/worker.py logs
            noop_rate, noop_s, noop_sent = measure_noop(args.n)
            print(f"(a) {args.n} no-op tasks: {noop_s:.2f}s ({noop_rate:.0f}/s; sending took "
                  f"{noop_sent:.2f}s)")

            offset = os.path.getsize(log_path)
            rate, elapsed, submitted, drained = measure_pipeline(solutions, vendor_user)
            print(f"(b) {args.n} submissions in review after {elapsed:.2f}s ({rate:.1f}/s); "
                  f"submitting took {submitted:.2f}s; outbox drained after {drained:.2f}s")
            busy, count = worker_time_by_task(log_path, offset)
            for task in sorted(busy, key=busy.get, reverse=True):
                print(f"    worker: {task:34} {count[task]:6d} tasks {busy[task]:8.2f}s "
                      f"({busy[task] / count[task] * 1000:.1f} ms each)")
            print(f"    worker busy {sum(busy.values()):.2f}s in tasks: "
                  f"{sum(busy.values()) / args.n * 1000:.1f} ms per submission; a bare task "
                  f"costs {1000 / noop_rate:.2f} ms")

            # The first run in a process also fills per-process caches (taxonomy names for
            # the search analysis): measured apart, so the comparison is like for like.
            first, _ = queries_for_a_fresh_submission(vendor, vendor_user, 10)
            small, control = queries_for_a_fresh_submission(vendor, vendor_user, 10)
            large, _ = queries_for_a_fresh_submission(vendor, vendor_user, 100)
            print(f"(c) run_prechecks queries per submission: {small} with 10 published, "
                  f"{large} with 100 published (as Django logs them: {control} of them are "
                  f"BEGIN/COMMIT; the first run in this process: {first})")
            floor_rate, floor_s = measure_floor(floor_solutions, reviewer)
            print(f"(d) floor: {args.n} tasks making only the writes a submission's pre-check "
                  f"step must make (check results, assignment, audit and outbox events, two "
                  f"inbox notices; no check run): {floor_s:.2f}s ({floor_rate:.0f}/s, "
                  f"{floor_rate / noop_rate:.2f} of the no-op rate)")
            settle(queue)
        finally:
            forget_queue(queue)
    from near_duplicate_cost import near_duplicate_costs

    near_duplicates = near_duplicate_costs(args.near_duplicate_sizes)
    search_ms = near_duplicates[0]["search_ms"]
    print(f"    a pipeline paying only the search of the check at "
          f"{near_duplicates[0]['size']:,} listings could reach "
          f"{1000 / search_ms / noop_rate:.3f} of the no-op rate")
    return {"noop_rate": noop_rate, "pipeline_rate": rate, "small": small, "large": large,
            "floor_rate": floor_rate, "search_ms": search_ms,
            "near_duplicates": near_duplicates}


def sizes(text):
    values = [int(part) for part in text.split(",") if part.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("comma-separated positive numbers, e.g. 1000,10000")
    return values


def near_duplicates_only(args):
    """(e) alone, in a throwaway database of --engine: no worker, no broker."""
    from near_duplicate_cost import near_duplicate_costs, summary_pairs

    if args.engine == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="zhizao-bench-near-duplicates-"))
        os.environ["ZHIZAO_VAR_DIR"] = str(directory)
        setup_django(f"sqlite:///{directory / 'bench.sqlite3'}")
        cleanup = None
    else:
        server_url = os.environ.get("DATABASE_URL", "")
        if not server_url.startswith(("postgres://", "postgresql://")):
            sys.exit("--engine postgresql needs DATABASE_URL (PostgreSQL)")
        setup_django(recreate_database(server_url, args.database))

        def cleanup():
            drop_database(server_url, args.database)
    try:
        results = near_duplicate_costs(args.near_duplicate_sizes)
    finally:
        if cleanup and not args.keep:
            cleanup()
    print(f"engine={args.engine} " + " ".join(summary_pairs(results)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="solutions and no-op tasks")
    parser.add_argument("--database", default=BENCH_DATABASE, help="throwaway database name")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--published", type=int, default=1000,
                        help="live listings for the near-duplicate check's cost (e), unless "
                             "--near-duplicate-sizes says otherwise")
    parser.add_argument("--near-duplicate-sizes", type=sizes,
                        help="live listings at which (e) is measured, e.g. 1000,10000,100000")
    parser.add_argument("--near-duplicate-only", action="store_true",
                        help="measure (e) alone (no worker or broker needed)")
    parser.add_argument("--engine", choices=("postgresql", "sqlite"), default="postgresql",
                        help="with --near-duplicate-only: sqlite runs on a throwaway file")
    parser.add_argument("--profile-sample", type=int, default=50,
                        help="submissions profiled in-process at the end")
    parser.add_argument("--worker-arg", action="append", default=[],
                        help="extra `celery worker` option, e.g. --worker-arg=--pool=prefork")
    args = parser.parse_args()
    args.near_duplicate_sizes = args.near_duplicate_sizes or [args.published]
    if args.near_duplicate_only:
        return near_duplicates_only(args)
    if args.engine != "postgresql":
        parser.error("the pipeline runs on PostgreSQL; --engine sqlite needs "
                     "--near-duplicate-only")

    server_url = require_services()
    bench_url = recreate_database(server_url, args.database)
    try:
        setup_django(bench_url)
        from django.db import connection

        vendor, vendor_user, reviewer = seed_people()
        solutions = seed_solutions(vendor, args.n)
        floor_solutions = seed_solutions(vendor, args.n, start=400_000)
        print(f"database {args.database} on {connection.settings_dict['HOST']}: "
              f"{args.n} draft solutions seeded")
        figures = measure_on_worker(args, vendor, vendor_user, solutions, floor_solutions,
                                    reviewer)
        if args.profile_sample > 0:
            from pipeline_profile import profile_in_process

            sample = seed_solutions(vendor, min(args.n, args.profile_sample), start=300_000)
            profile_in_process(sample, vendor_user)
    finally:
        if not args.keep:
            drop_database(server_url, args.database)

    from near_duplicate_cost import summary_pairs

    print(f"n={args.n} noop_rate={figures['noop_rate']:.1f} "
          f"pipeline_rate={figures['pipeline_rate']:.1f} "
          f"ratio={figures['pipeline_rate'] / figures['noop_rate']:.3f} "
          f"floor_rate={figures['floor_rate']:.1f} "
          f"floor_ratio={figures['floor_rate'] / figures['noop_rate']:.3f} "
          f"near_duplicate_search_ms={figures['search_ms']:.1f} "
          f"search_bound_ratio={1000 / figures['search_ms'] / figures['noop_rate']:.3f} "
          f"queries_per_submission_small={figures['small']} "
          f"queries_per_submission_large={figures['large']} "
          + " ".join(summary_pairs(figures["near_duplicates"])))


if __name__ == "__main__":
    main()
