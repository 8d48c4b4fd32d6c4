"""Latency of the plan-targets dashboard at national scale.

Seeds a throwaway database (bulk_create, with a progress bar) with N enterprises (members,
profiles, assessments), M solutions (scenarios, regions, industries), needs, smart factories
and a year of monthly snapshots, then times, over repeated requests:

- the dashboard selector (maturity.progress.dashboard_figures), with its query count;
- the operator's dashboard page through the Django test client;
- a floor: a plain indexed SELECT ... LIMIT 20 on the solutions.

    .venv/bin/python bench/targets_dashboard.py --enterprises 10000 --solutions 100000

By default it runs on a temporary SQLite file in /tmp and touches nothing else. With
DATABASE_URL (or --database-url) pointing at a PostgreSQL server, it creates a separate
database there (zhizao_bench_maturity), fills it, and drops it at the end.
The last line is key=value figures, dashboard_p95_ms among them.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "zhizao_bench_maturity"
BATCH = 5000


def _server_connection(url):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def create_postgres_database(url):
    """Create the bench database on the server of `url`; returns its URL."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    with _server_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def drop_postgres_database(url):
    from django.db import connections

    connections.close_all()
    with _server_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')


def configure(database_url):
    tmp = tempfile.mkdtemp(prefix="zhizao-bench-maturity-")
    os.environ["ZHIZAO_VAR_DIR"] = tmp
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["SEARCH_BACKEND"] = "database"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # whitenoise looks for collected static files, which a bench never collects.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # loads the taxonomy and the maturity model
    return tmp


def _bulk(model, objects, label):
    """bulk_create in batches, with a progress bar per table."""
    from tqdm import tqdm

    created = []
    with tqdm(total=len(objects), desc=f"{label:>22}", unit="row", file=sys.stderr,
              leave=False) as bar:
        for start in range(0, len(objects), BATCH):
            chunk = objects[start:start + BATCH]
            created += model.objects.bulk_create(chunk, batch_size=BATCH)
            bar.update(len(chunk))
    return created


def seed(enterprise_count, solution_count, rng):
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from catalog.models import FactoryTier, Industry, Region, Scenario, Solution
    from marketplace.models import EnterpriseProfile, Need
    from maturity.models import Assessment, MaturityModel, SmartFactory, TargetSnapshot

    now = timezone.now()
    scenarios = list(Scenario.objects.values_list("pk", flat=True))
    regions = list(Region.objects.all())
    industries = list(Industry.objects.all())
    tiers = list(FactoryTier.objects.all())
    model = MaturityModel.objects.get(is_current=True)
    need_count = max(1, enterprise_count // 2)
    factory_count = max(1, enterprise_count // 5)

    vendors = _bulk(Organization, [
        Organization(kind=Organization.Kind.VENDOR, name=f"Bench vendor {i}",
                     status=Organization.Status.VERIFIED)
        for i in range(max(1, solution_count // 100))], "vendors")
    statuses = ["published"] * 9 + ["draft"]
    solutions = _bulk(Solution, [
        Solution(vendor=rng.choice(vendors), status=rng.choice(statuses),
                 title_en=f"Bench solution {i}", title_zh=f"测试方案{i}",
                 published_at=now - timedelta(minutes=i),
                 price_min_cny=Decimal(100_000), price_max_cny=Decimal(500_000))
        for i in range(solution_count)], "solutions")
    for name, pool, column, low, high in (
        ("scenarios", scenarios, "scenario_id", 1, 3),
        ("regions", [r.pk for r in regions], "region_id", 2, 2),
        ("industries", [i.pk for i in industries], "industry_id", 1, 2),
    ):
        through = getattr(Solution, name).through
        _bulk(through, [through(solution_id=s.pk, **{column: pk})
                        for s in solutions for pk in rng.sample(pool, rng.randint(low, high))],
              f"solution {name}")

    enterprises = _bulk(Organization, [
        Organization(kind=Organization.Kind.ENTERPRISE, name=f"Bench enterprise {i}",
                     status=Organization.Status.VERIFIED,
                     region=rng.choice(regions).code if rng.random() < 0.95 else "")
        for i in range(enterprise_count)], "enterprises")
    users = _bulk(User, [
        User(username=f"bench-{i}", password="!",  # noqa: S106 (unusable, never checked)
             last_login=now - timedelta(days=rng.choice([3, 40, 200, 500, 900])))
        for i in range(enterprise_count)], "users")
    _bulk(Membership, [Membership(user=user, organization=org, role="owner")
                       for user, org in zip(users, enterprises, strict=True)], "memberships")
    _bulk(EnterpriseProfile, [EnterpriseProfile(organization=org, industry=rng.choice(industries))
                              for org in enterprises if rng.random() < 0.9], "profiles")
    levels = [0, 1, 1, 2, 2, 2, 3, 3, 4, 5]
    assessments = []
    for org in enterprises:
        if rng.random() < 0.7:
            level = rng.choice(levels)
            assessments.append(Assessment(
                enterprise=org, model=model, status="completed", level=level,
                score=Decimal(level), is_latest=True, completed_at=now))
    _bulk(Assessment, assessments, "assessments")

    needs = _bulk(Need, [
        Need(enterprise=rng.choice(enterprises), title=f"Bench need {i}",
             status="open" if rng.random() < 0.7 else "closed")
        for i in range(need_count)], "needs")
    _bulk(Need.scenarios.through, [
        Need.scenarios.through(need_id=need.pk, scenario_id=pk)
        for need in needs for pk in rng.sample(scenarios, 2)], "need scenarios")
    _bulk(SmartFactory, [
        SmartFactory(enterprise=rng.choice(enterprises), name=f"Bench plant {i}",
                     region=rng.choice(regions), industry=rng.choice(industries),
                     tier=rng.choice(tiers), year=2025,
                     status=rng.choice(["verified", "verified", "pending", "rejected"]))
        for i in range(factory_count)], "smart factories")
    month = timezone.localdate().replace(day=1)
    snapshots = []
    for back in range(12, 0, -1):
        first = (month - timedelta(days=31 * back)).replace(day=1)
        snapshots.append(TargetSnapshot(month=first, figures={
            "excellent_factories": 10 * (13 - back), "verified_factories": 30 * (13 - back),
            "pending_factories": 5, "active_enterprises": enterprise_count // 2,
            "assessed_enterprises": enterprise_count // 3,
            "enterprises_l2plus": enterprise_count // 5,
            "share_l2plus": round(0.3 + 0.01 * (12 - back), 4),
            "published_solutions": solution_count // (back + 1)}))
    _bulk(TargetSnapshot, snapshots, "monthly snapshots")
    return {"needs": need_count, "factories": factory_count}


def timed(fn, repeat):
    fn()  # warm caches and connections once
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples):
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--solutions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per kind")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="a PostgreSQL server; the bench creates and drops its own "
                             f"database ({BENCH_DATABASE}) there")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    server_url = args.database_url if args.database_url.startswith("postgres") else ""
    bench_url = create_postgres_database(server_url) if server_url else ""
    tmp = None
    try:
        tmp = configure(bench_url)
        run(args)
    finally:
        if server_url:
            drop_postgres_database(server_url)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args):
    rng = random.Random(args.seed)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership, Organization, User
    from catalog.models import Solution
    from maturity import progress

    start = time.perf_counter()
    counts = seed(args.enterprises, args.solutions, rng)
    seeded = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: seeded {args.enterprises} enterprises, {args.solutions} "
          f"solutions, {counts['needs']} needs, {counts['factories']} factories in "
          f"{seeded:.1f}s")

    operator = User.objects.create(username="bench-operator", password="!")  # noqa: S106
    Membership.objects.create(user=operator, organization=Organization.objects.create(
        kind=Organization.Kind.OPERATOR, name="Bench operator",
        status=Organization.Status.VERIFIED), role="admin")
    client = Client()
    client.force_login(operator)

    # Counted as soon as each block ends: every request clears the connection's query log.
    with CaptureQueriesContext(connection) as captured:
        figures = progress.dashboard_figures()
    selector_queries = len(captured)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/targets/dashboard/")
    page_queries = len(captured)
    assert response.status_code == 200, response.status_code
    headline = figures["headline"]
    print(f"figures: active enterprises {headline['active_enterprises']}, level 2+ share "
          f"{headline['share_l2plus']:.2%}, excellent factories "
          f"{headline['excellent_factories']}, published solutions "
          f"{headline['published_solutions']}")

    floor = timed(lambda: list(Solution.objects.filter(status="published").order_by("-pk")
                               .values_list("pk", flat=True)[:20]), args.repeat)
    selector = timed(progress.dashboard_figures, args.repeat)
    page = timed(lambda: client.get("/targets/dashboard/"), args.repeat)
    summary = timed(lambda: client.get("/targets/"), args.repeat)
    print(f"{'measure':34} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, queries, samples in (
        ("floor (indexed SELECT LIMIT 20)", 1, floor),
        ("dashboard selector", selector_queries, selector),
        ("dashboard page (test client)", page_queries, page),
        ("public summary page", "", summary),
    ):
        print(f"{label:34} {queries!s:>8} {statistics.median(samples):>8.1f} "
              f"{p95(samples):>8.1f} {max(samples):>8.1f}")
    print(" ".join([
        f"database={connection.vendor}",
        f"enterprises={args.enterprises}",
        f"solutions={args.solutions}",
        f"selector_queries={selector_queries}",
        f"page_queries={page_queries}",
        f"floor_p95_ms={p95(floor):.1f}",
        f"selector_p50_ms={statistics.median(selector):.1f}",
        f"selector_p95_ms={p95(selector):.1f}",
        f"dashboard_p50_ms={statistics.median(page):.1f}",
        f"dashboard_p95_ms={p95(page):.1f}",
        f"summary_p95_ms={p95(summary):.1f}",
    ]))


if __name__ == "__main__":
    main()
