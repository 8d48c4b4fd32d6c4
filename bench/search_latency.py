"""Search latency of the database backend at catalog scale.

Seeds a throwaway database with N published solutions (texts drawn from the taxonomy's
scenario names and keywords, in both languages), builds the index, then times a mix of
queries: two-character and four-character Chinese words, English stems, facet filters, text
with facets, deep pages, and similar-solution lookups. Prints p50 / p95 / max per kind.

    .venv/bin/python bench/search_latency.py --solutions 2000 --queries 100

By default it runs on a temporary SQLite file and touches nothing else. To measure
PostgreSQL, give an empty database you are willing to fill:

    .venv/bin/python bench/search_latency.py --database-url postgresql://.../bench_search
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url):
    tmp = tempfile.mkdtemp(prefix="zhizao-bench-")
    os.environ["ZHIZAO_VAR_DIR"] = tmp
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["SEARCH_BACKEND"] = "database"
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp


def seed(count, rng):
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Organization
    from catalog.models import Industry, Region, Scenario, Solution, Technology
    from catalog.taxonomy import load_taxonomy

    load_taxonomy()
    scenarios = list(Scenario.objects.all())
    industries = list(Industry.objects.all())
    regions = list(Region.objects.all())
    technologies = list(Technology.objects.all())
    vendors = Organization.objects.bulk_create(
        Organization(kind=Organization.Kind.VENDOR, name=f"Bench vendor {i}",
                     name_zh=f"测试供应商{i}")
        for i in range(max(1, count // 10))
    )
    now = timezone.now()
    solutions = []
    picks = []
    for i in range(count):
        chosen = rng.sample(scenarios, k=rng.randint(1, 3))
        words_en = [kw for s in chosen for kw in s.keywords_en]
        words_zh = [kw for s in chosen for kw in s.keywords_zh]
        low = rng.choice([50_000, 200_000, 500_000, 1_500_000, 4_000_000])
        level = rng.randint(1, 4)
        solutions.append(Solution(
            vendor=rng.choice(vendors),
            status="published",
            published_at=now - timezone.timedelta(minutes=i),
            title_en=f"{chosen[0].name_en} suite {i}",
            title_zh=f"{chosen[0].name_zh}平台{i}",
            summary_en=" ".join(rng.sample(words_en, k=min(4, len(words_en)))),
            summary_zh="，".join(rng.sample(words_zh, k=min(4, len(words_zh)))),
            description_en=" ".join(s.description_en for s in chosen),
            description_zh="".join(s.description_zh for s in chosen),
            maturity_from=level,
            maturity_to=rng.randint(level, 5),
            price_min_cny=Decimal(low),
            price_max_cny=Decimal(low * rng.randint(2, 4)),
        ))
        picks.append(chosen)
    solutions = Solution.objects.bulk_create(solutions)
    through = {name: getattr(Solution, name).through
               for name in ("scenarios", "industries", "regions", "technologies")}
    through["scenarios"].objects.bulk_create(
        through["scenarios"](solution_id=s.pk, scenario_id=sc.pk)
        for s, chosen in zip(solutions, picks, strict=True) for sc in chosen
    )
    for name, pool, field in (("industries", industries, "industry_id"),
                              ("regions", regions, "region_id"),
                              ("technologies", technologies, "technology_id")):
        through[name].objects.bulk_create(
            through[name](solution_id=s.pk, **{field: item.pk})
            for s in solutions for item in rng.sample(pool, k=2)
        )
    return [s.pk for s in solutions]


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=50, help="repetitions per query kind")
    parser.add_argument("--database-url", default="", help="an empty database to fill")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    configure(args.database_url)
    from django.db import connection

    from search.backends import SearchQuery, get_backend
    from search.services import rebuild_index

    start = time.perf_counter()
    ids = seed(args.solutions, rng)
    seeded = time.perf_counter() - start
    start = time.perf_counter()
    rebuild_index()
    indexed = time.perf_counter() - start
    print(f"{connection.vendor}: seeded {len(ids)} solutions in {seeded:.1f}s, "
          f"indexed in {indexed:.1f}s ({len(ids) / indexed:.0f}/s)")

    backend = get_backend()
    kinds = {
        "cjk 2 chars (维护)": SearchQuery(text="维护"),
        "cjk 4 chars (预测性维护)": SearchQuery(text="预测性维护"),
        "english stem (scheduling)": SearchQuery(text="scheduling"),
        "two words (machine monitoring)": SearchQuery(text="machine monitoring"),
        "facets only": SearchQuery(filters={"stage": ["manufacturing"], "maturity": ["2"]}),
        "text + facets": SearchQuery(text="质量", filters={"industry": ["machine-tools"],
                                                           "price_band": ["300k-1m"]}),
        "deep page (page 20)": SearchQuery(page=20, page_size=20),
        "any word (need text)": SearchQuery(
            text="我们希望减少主轴故障停机 predictive maintenance for CNC lines", operator="or"
        ),
    }
    print(f"{'query':34} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, query in kinds.items():
        total = backend.search(query).total
        samples = timed(lambda q=query: backend.search(q), args.queries)
        report(label, total, samples)
    samples = timed(lambda: backend.more_like_this(rng.choice(ids), 5), args.queries)
    report("more like this", 5, samples)


def report(label, total, samples):
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    print(f"{label:34} {total:>6} {statistics.median(samples):>8.1f} {p95:>8.1f} "
          f"{max(samples):>8.1f}")


if __name__ == "__main__":
    main()
