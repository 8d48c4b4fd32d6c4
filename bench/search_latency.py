"""Search and matching latency at catalog scale, on SQLite and on PostgreSQL.

For each engine, in a throwaway database (a SQLite file under /tmp; a PostgreSQL database
`zhizao_bench_search`, created on the server of --postgres-url and dropped at the end), it
seeds N generated solutions with bulk_create (bilingual texts built from the taxonomy's
scenario names, keywords and descriptions; a skewed spread over scenarios, industries and
regions, as a real catalog has; vendors, case studies with measured outcomes), rebuilds the
search index (timed), then times over repeated, varied requests:

- floor: a plain indexed `SELECT … ORDER BY published_at DESC LIMIT 20` on the index table;
- keyword search: one- and two-word queries in English and Chinese, with facet counts;
- faceted search: three facets selected (no words), with facet counts;
- matching: marketplace.matching.ranking.match_need for ad-hoc needs (words, scenarios,
  industry, region, levels, budget), the ranking POST /api/v1/match/ runs;
- suggestions (GET /api/v1/search/suggest/) and similar solutions;
- the bare full-text query a developer would write first, on a table the bench builds once
  from the same text (each entry's normalised terms, so both see the same words): on
  PostgreSQL a plain tsvector with a GIN index, `WHERE document @@ websearch_to_tsquery(…)
  ORDER BY ts_rank_cd(…) DESC LIMIT 20`; on SQLite an FTS5 table, `MATCH … ORDER BY bm25
  LIMIT 20`. No facet counts: it is the yardstick keyword search is held to
  (keyword_vs_bare_ratio = keyword p95 / bare p95);
- the search page, GET /search/?q=… (some with three facets selected) through
  django.test.Client, rendered end to end with its facets.

The index rebuild an operator runs is timed in a fresh process of its own, which reports its
peak resident memory (VmHWM) and what it held before the rebuild began.

Each engine runs in a subprocess of its own (Django is configured once per process). The
last line is key=value figures; the unprefixed ones are PostgreSQL's.

    .venv/bin/python bench/search_latency.py                       # 100,000, both engines
    .venv/bin/python bench/search_latency.py --solutions 20000 --engines sqlite
"""

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "zhizao_bench_search"
BATCH = 5000
ENGINES = ("sqlite", "postgresql")

# Where the catalog's weight lies: discrete machining and the manufacturing stage.
SCENARIO_WEIGHTS = {"2025-10": 9, "2025-27": 8, "2025-28": 8, "2025-24": 7, "2025-09": 6,
                    "2025-25": 5, "2025-29": 5, "2025-12": 5, "2025-16": 4, "2025-26": 4,
                    "2025-13": 4, "2025-02": 3, "2025-03": 3, "2025-04": 3, "2025-34": 3}
INDUSTRY_WEIGHTS = {"machine-tools": 8, "general-equipment": 7, "automotive-parts": 7,
                    "construction-machinery": 5, "basic-parts": 5, "electrical-equipment": 4,
                    "general": 4, "molds-dies": 3}
REGION_WEIGHTS = {"CN-JS": 10, "CN-ZJ": 9, "CN-GD": 8, "CN-SD": 7, "CN-SH": 6, "CN-BJ": 4,
                  "CN-HB": 3, "CN-AH": 3, "CN-HA": 3, "CN-LN": 3, "CN-SC": 3, "CN-FJ": 3,
                  "CN-HN": 2, "CN-TJ": 2, "CN-CQ": 2, "CN-HE": 2}
CITIES = [("Suzhou", "苏州", "CN-JS"), ("Wuxi", "无锡", "CN-JS"), ("Hangzhou", "杭州", "CN-ZJ"),
          ("Ningbo", "宁波", "CN-ZJ"), ("Shenzhen", "深圳", "CN-GD"), ("Dongguan", "东莞", "CN-GD"),
          ("Qingdao", "青岛", "CN-SD"), ("Jinan", "济南", "CN-SD"), ("Shanghai", "上海", "CN-SH"),
          ("Beijing", "北京", "CN-BJ"), ("Wuhan", "武汉", "CN-HB"), ("Hefei", "合肥", "CN-AH"),
          ("Zhengzhou", "郑州", "CN-HA"), ("Shenyang", "沈阳", "CN-LN"),
          ("Chengdu", "成都", "CN-SC"),
          ("Xiamen", "厦门", "CN-FJ"), ("Changsha", "长沙", "CN-HN"), ("Tianjin", "天津", "CN-TJ")]
BRANDS = [("Lianxin", "联信"), ("Zhiyun", "智云"), ("Ruishi", "睿视"), ("Hengyuan", "恒远"),
          ("Qiming", "启明"), ("Haiyue", "海越"), ("Chuyun", "楚云"), ("Beichen", "北辰"),
          ("Tianhe", "天禾"), ("Jingwei", "经纬"), ("Huazhi", "华智"), ("Xinda", "信达"),
          ("Zhongke", "中科"), ("Dingsheng", "鼎盛"), ("Yuanjing", "远景"), ("Kaiwu", "开物")]
TRADES = [("Intelligent Technology", "智能科技"), ("Industrial Software", "工业软件"),
          ("Automation", "自动化"), ("Digital Engineering", "数字工程"),
          ("Information Technology", "信息技术"), ("Industrial Internet", "工业互联网")]
NOUNS = [("platform", "平台"), ("system", "系统"), ("suite", "套件"), ("solution", "解决方案"),
         ("toolkit", "工具包"), ("service", "服务")]
METRICS = ["非计划停机时间", "unplanned downtime", "scrap rate", "交付周期", "energy use"]
# Words an enterprise would type, for the keyword queries.
KEYWORD_QUERIES = ["预测性维护", "维护", "视觉检测", "排产", "MES", "数字孪生", "能耗", "质量追溯",
                   "设备联网", "立体仓库", "predictive maintenance", "scheduling", "vision",
                   "traceability", "energy", "digital twin", "OEE", "warehouse", "MES system",
                   "quality"]
NEED_TEXTS = [
    ("主轴故障频发，非计划停机多，希望提前发现设备隐患", "zh"),
    ("Our spindles keep failing and we lose a shift every week", "en"),
    ("人工目检漏检率高，想用机器视觉做表面缺陷检测", "zh"),
    ("Planners schedule 300 orders in Excel and rush orders wreck the plan", "en"),
    ("车间报工靠纸质单据，订单进度看不到", "zh"),
    ("We cannot trace which batch of castings went into a returned pump", "en"),
    ("空压机和涂装线电费太高，要分项计量和节能", "zh"),
    ("Forklifts deliver parts late and the line stops for missing material", "en"),
]


def configure(engine, postgres_url):
    """Point Django at a fresh throwaway database of `engine`; returns a cleanup function."""
    os.environ["ZHIZAO_VAR_DIR"] = tempfile.mkdtemp(prefix="zhizao-bench-search-")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["SEARCH_BACKEND"] = "database"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["ALLOWED_HOSTS"] = "testserver"  # django.test.Client's host
    os.environ.pop("REDIS_URL", None)
    cleanup = None
    if engine == "sqlite":
        path = Path(os.environ["ZHIZAO_VAR_DIR"]) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

        def cleanup():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        os.environ["DATABASE_URL"] = create_postgres_database(postgres_url)

        def cleanup():
            drop_postgres_database(postgres_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return cleanup


def create_postgres_database(url):
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def drop_postgres_database(url):
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')


# Seeding


def _weighted(rng, items, weights, default=1, k=1):
    population = list(items)
    cumulative = list(itertools.accumulate(weights.get(key(i), default) for i in population))
    chosen = []
    while len(chosen) < k and len(chosen) < len(population):
        pick = rng.choices(population, cum_weights=cumulative)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def key(item):
    return getattr(item, "code", item)


def seed(count, rng):
    """Vendors, `count` published solutions with their taxonomy and case studies: bulk_create
    in batches, with a progress bar. Returns the solution ids."""
    from decimal import Decimal

    from django.utils import timezone
    from tqdm import tqdm

    from accounts.models import Organization
    from catalog.models import (
        CaseStudy,
        CaseStudyOutcome,
        Industry,
        Region,
        Scenario,
        Solution,
        Technology,
    )

    scenarios = list(Scenario.objects.select_related("link"))
    industries = list(Industry.objects.all())
    regions = {region.code: region for region in Region.objects.all()}
    technologies = list(Technology.objects.all())
    siblings = {}
    for scenario in scenarios:
        siblings.setdefault(scenario.link_id, []).append(scenario)

    vendors = []
    for i in range(max(1, count // 20)):
        city, city_zh, region = rng.choice(CITIES)
        brand, brand_zh = rng.choice(BRANDS)
        trade, trade_zh = rng.choice(TRADES)
        vendors.append(Organization(
            kind=Organization.Kind.VENDOR, region=region, status=Organization.Status.VERIFIED,
            name=f"{city} {brand} {trade} Co., Ltd. {i}",
            name_zh=f"{city_zh}{brand_zh}{trade_zh}有限公司{i}",
        ))
    vendors = Organization.objects.bulk_create(vendors, batch_size=BATCH)
    # A few vendors list many solutions, most list a few.
    vendor_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.7
                                               for rank in range(len(vendors))))

    now = timezone.now()
    through = {name: getattr(Solution, name).through
               for name in ("scenarios", "industries", "regions", "technologies")}
    ids = []
    with tqdm(total=count, unit="solution", desc="seeding", file=sys.stderr) as bar:
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            rows, picks = [], []
            for _ in range(size):
                primary = _weighted(rng, scenarios, SCENARIO_WEIGHTS)[0]
                chosen = [primary]
                if rng.random() < 0.45:
                    chosen += rng.sample(siblings[primary.link_id],
                                         k=min(rng.randint(1, 2), len(siblings[primary.link_id])))
                chosen = list(dict.fromkeys(chosen))
                sectors = _weighted(rng, industries, INDUSTRY_WEIGHTS, k=rng.randint(1, 3))
                vendor = rng.choices(vendors, cum_weights=vendor_weights)[0]
                served = [vendor.region] + [key(r) for r in _weighted(
                    rng, regions, REGION_WEIGHTS, k=rng.randint(0, 4))]
                served = [] if rng.random() < 0.1 else list(dict.fromkeys(served))
                rows.append(_solution(rng, vendor, chosen, sectors, now, start + len(rows)))
                picks.append((chosen, sectors, served, rng.sample(technologies,
                                                                  k=rng.randint(1, 3))))
            solutions = Solution.objects.bulk_create(rows)
            ids += [s.pk for s in solutions]
            links = {name: [] for name in through}
            studies = []
            for solution, (chosen, sectors, served, techs) in zip(solutions, picks, strict=True):
                links["scenarios"] += [through["scenarios"](solution_id=solution.pk,
                                                            scenario_id=s.pk) for s in chosen]
                links["industries"] += [through["industries"](solution_id=solution.pk,
                                                              industry_id=i.pk) for i in sectors]
                links["regions"] += [through["regions"](solution_id=solution.pk,
                                                        region_id=regions[r].pk) for r in served]
                links["technologies"] += [through["technologies"](
                    solution_id=solution.pk, technology_id=t.pk) for t in techs]
                for n in range(rng.choice([0, 0, 0, 1, 1, 2])):
                    studies.append(CaseStudy(
                        solution=solution, client=f"{rng.choice(CITIES)[1]}某装备企业{n}",
                        industry=rng.choice(sectors), year=rng.randint(2019, 2025),
                        region=regions[served[0]] if served else None,
                        summary=f"{chosen[0].name_zh}项目试点，覆盖{rng.randint(2, 12)}条产线。",
                    ))
            for name, objects in links.items():
                through[name].objects.bulk_create(objects, batch_size=BATCH)
            studies = CaseStudy.objects.bulk_create(studies, batch_size=BATCH)
            CaseStudyOutcome.objects.bulk_create(
                [CaseStudyOutcome(case_study=study, metric=rng.choice(METRICS),
                    unit="%", before=Decimal(rng.randint(20, 90)),
                    after=Decimal(rng.randint(5, 19)))
                 for study in studies if rng.random() < 0.6],
                batch_size=BATCH,
            )
            bar.update(size)
    return ids


def _solution(rng, vendor, chosen, sectors, now, n):
    from datetime import timedelta
    from decimal import Decimal

    from catalog.models import Solution

    primary, sector = chosen[0], sectors[0]
    noun, noun_zh = rng.choice(NOUNS)
    keywords_en = [kw for s in chosen for kw in s.keywords_en]
    keywords_zh = [kw for s in chosen for kw in s.keywords_zh]
    lead_en = rng.choice(primary.keywords_en or [primary.name_en])
    lead_zh = rng.choice(primary.keywords_zh or [primary.name_zh])
    level = rng.choices([1, 2, 3, 4], weights=[3, 4, 2, 1])[0]
    low = None if rng.random() < 0.1 else Decimal(int(rng.lognormvariate(13.1, 0.8)) // 1000 * 1000)
    bullets_en = "\n".join(f"- {kw}" for kw in rng.sample(keywords_en, k=min(3, len(keywords_en))))
    bullets_zh = "\n".join(f"- {kw}" for kw in rng.sample(keywords_zh, k=min(3, len(keywords_zh))))
    return Solution(
        vendor=vendor,
        status="published",
        language=rng.choice(["zh", "zh", "en"]),
        published_at=now - timedelta(minutes=7 * n + rng.randint(0, 6)),
        title_en=f"{lead_en[:1].upper()}{lead_en[1:]} {noun} for {sector.name_en.lower()}",
        title_zh=f"面向{sector.name_zh}的{lead_zh}{noun_zh}",
        summary_en=f"{primary.name_en}: " + ", ".join(rng.sample(keywords_en,
                                                                 k=min(4, len(keywords_en)))),
        summary_zh=f"{primary.name_zh}：" + "、".join(rng.sample(keywords_zh,
                                                              k=min(4, len(keywords_zh)))),
        description_en=" ".join(s.description_en for s in chosen) + "\n\n" + bullets_en,
        description_zh="".join(s.description_zh for s in chosen) + "\n\n" + bullets_zh,
        maturity_from=level,
        maturity_to=rng.randint(level, 5),
        deployment=rng.choice(["on_premise", "cloud", "hybrid"]),
        price_min_cny=low,
        price_max_cny=low * rng.randint(2, 4) if low is not None else None,
        delivery_weeks=rng.randint(4, 30),
    )


# Timing


def timed(fn, arguments, repeat, warmup=3):
    for argument in arguments[:warmup]:
        fn(argument)
    samples = []
    for i in range(repeat):
        argument = arguments[i % len(arguments)]
        start = time.perf_counter()
        fn(argument)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentiles(samples):
    ordered = sorted(samples)
    p95 = statistics.quantiles(ordered, n=20)[-1] if len(ordered) > 1 else ordered[0]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def faceted_queries(rng, n):
    from search.backends import SearchQuery
    from search.index import PRICE_BANDS

    values = {
        "stage": ["manufacturing", "supply-chain", "management", "rd-design"],
        "industry": list(INDUSTRY_WEIGHTS),
        "region": list(REGION_WEIGHTS)[:8],
        "maturity": ["1", "2", "3", "4"],
        "price_band": [band.code for band in PRICE_BANDS],
        "deployment": ["cloud", "hybrid", "on_premise"],
    }
    queries = []
    for _ in range(n):
        facets = rng.sample(sorted(values), k=3)
        queries.append(SearchQuery(filters={f: [rng.choice(values[f])] for f in facets}))
    return queries


def ad_hoc_needs(rng, n):
    from decimal import Decimal

    from catalog.models import Industry, LifecycleStage, Region, Scenario
    from marketplace.matching.ranking import AdHocNeed

    scenarios = list(Scenario.objects.all())
    needs = []
    for i in range(n):
        text, language = NEED_TEXTS[i % len(NEED_TEXTS)]
        chosen = rng.sample(scenarios, k=rng.choice([0, 1, 1, 2]))
        current = rng.randint(0, 3)
        needs.append(AdHocNeed(
            title=text, language=language, description="",
            industry=Industry.objects.get(code=rng.choice(list(INDUSTRY_WEIGHTS))),
            region=Region.objects.get(code=rng.choice(list(REGION_WEIGHTS))),
            scenarios=Scenario.objects.filter(pk__in=[s.pk for s in chosen]),
            stages=LifecycleStage.objects.filter(code__in=rng.choice(
                [[], ["manufacturing"], ["supply-chain"]])),
            current_level=current, target_level=min(current + 1, 5),
            budget_max_cny=Decimal(rng.choice([300_000, 800_000, 2_000_000])),
        ))
    return needs


# The bare query


def build_bare_table():
    """The table the bare query reads, built once from the index's text: each entry's
    normalised terms (search.analysis.terms), so that the bare query and the product find the
    same words (without them, PostgreSQL's parser would take a Chinese sentence for one
    word). A plain tsvector with a GIN index on PostgreSQL, an FTS5 table on SQLite."""
    from django.db import connection

    from search.index import TEXT_FIELDS

    texts = [f"coalesce({field.column}, '')" for field in TEXT_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TABLE bench_bare AS SELECT solution_id, "  # noqa: S608 - the model's columns
                f"to_tsvector('simple', concat_ws(' ', {', '.join(texts)})) AS document "
                "FROM search_searchentry")
            cursor.execute("CREATE INDEX bench_bare_document ON bench_bare USING gin (document)")
            cursor.execute("VACUUM ANALYZE bench_bare")
        else:
            cursor.execute("CREATE VIRTUAL TABLE bench_bare USING fts5(document)")
            together = " || ' ' || ".join(texts)
            cursor.execute(
                "INSERT INTO bench_bare (rowid, document) "  # noqa: S608 - the model's columns
                f"SELECT solution_id, {together} FROM search_searchentry")


def bare_query(text):
    """The full-text query a developer would write first: every word, ranked by the
    database's own function over the whole text, the best 20."""
    from django.db import connection

    from search.analysis import terms

    words = terms(text)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT solution_id FROM bench_bare "
                "WHERE document @@ websearch_to_tsquery('simple', %s) "
                "ORDER BY ts_rank_cd(document, websearch_to_tsquery('simple', %s)) DESC "
                "LIMIT 20", [words, words])
        else:
            cursor.execute(
                "SELECT rowid FROM bench_bare WHERE bench_bare MATCH %s "
                "ORDER BY bm25(bench_bare) LIMIT 20",
                [" ".join(f'"{word}"' for word in words.split())])
        return cursor.fetchall()


def page_urls(rng):
    """GET /search/ addresses: each keyword alone, then with three facets selected."""
    from urllib.parse import urlencode

    urls = []
    for text, facets in zip(KEYWORD_QUERIES, faceted_queries(rng, len(KEYWORD_QUERIES)),
                            strict=True):
        urls.append("/search/?" + urlencode({"q": text}))
        urls.append("/search/?" + urlencode({"q": text, **facets.filters}, doseq=True))
    return urls


def search_page_fetcher():
    """GET one address through django.test.Client: middleware, view, template, as a visitor
    (not signed in) would be answered. Anything but 200 stops the bench."""
    from django.test import Client

    client = Client()

    def fetch(url):
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response.content

    return fetch


def run_engine(args):
    """Seed, rebuild and time one engine; prints its table to stderr and returns figures."""
    from django.db import connection

    from marketplace.matching.ranking import match_need
    from search import suggestions
    from search.backends import SearchQuery, get_backend

    rng = random.Random(args.seed)
    start = time.perf_counter()
    ids = seed(args.solutions, rng)
    seeded = time.perf_counter() - start
    built = timed_rebuild(len(ids), args.batch_size, "first build")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load

    backend = get_backend()
    build_bare_table()

    def floor(_):
        with connection.cursor() as cursor:
            cursor.execute("SELECT solution_id FROM search_searchentry "
                           "ORDER BY published_at DESC LIMIT 20")
            cursor.fetchall()

    kinds = {
        "floor (indexed SELECT LIMIT 20)": (floor, [None]),
        "bare full-text query (LIMIT 20)": (bare_query, KEYWORD_QUERIES),
        "keyword search": (backend.search, [SearchQuery(text=q) for q in KEYWORD_QUERIES]),
        "faceted search (3 facets)": (backend.search, faceted_queries(rng, 40)),
        "keyword + 3 facets": (backend.search, [
            SearchQuery(text=q, filters=f.filters)
            for q, f in zip(KEYWORD_QUERIES, faceted_queries(rng, len(KEYWORD_QUERIES)),
                            strict=True)
        ]),
        "matching (ad-hoc need)": (match_need, ad_hoc_needs(rng, 24)),
        "suggestions": (suggestions.suggest, ["预测", "predictive mai", "MES", "vis", "数字孪",
                                              "Suzhou", "苏州联", "warehouse"]),
        "similar solutions": (backend.more_like_this, rng.sample(ids, 20)),
        # Its own generator: the figures above stay those of earlier runs of the bench.
        "search page (GET /search/)": (search_page_fetcher(),
                                       page_urls(random.Random(args.seed + 1))),
    }
    figures = {"engine": connection.vendor, "solutions": len(ids), "seed_s": seeded,
               "build_s": built, "kinds": {}}
    print(f"\n{connection.vendor}: seeded {len(ids)} solutions in {seeded:.0f}s, first index "
          f"build {built:.1f}s", file=sys.stderr)
    print(f"{'request':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}", file=sys.stderr)
    for label, (fn, arguments) in kinds.items():
        stats = percentiles(timed(fn, arguments, args.queries))
        figures["kinds"][label] = stats
        print(f"{label:34} {stats['p50']:>8.1f} {stats['p95']:>8.1f} {stats['max']:>8.1f}",
              file=sys.stderr)
    # What an operator runs (search_index rebuild): everything afresh over a full index, in a
    # process of its own so that its memory is the rebuild's.
    rebuilt = rebuild_in_fresh_process(args)
    figures.update(rebuilt)
    print(f"index rebuild over the full index: {figures['rebuild_s']:.1f}s, peak RSS "
          f"{figures['rebuild_peak_rss_mb']:.0f} MB ({figures['rebuild_start_rss_mb']:.0f} MB "
          "before it began)", file=sys.stderr)
    return figures


def rebuild_in_fresh_process(args):
    """{rebuild_s, rebuild_peak_rss_mb, rebuild_start_rss_mb} of a rebuild run by a new
    process on this engine's database (the environment configure set)."""
    from django.db import connections

    connections.close_all()  # SQLite: no connection of ours holds the file meanwhile
    command = [sys.executable, __file__, "--rebuild-worker", "--batch-size",
               str(args.batch_size)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rss_mb():
    """This process's peak resident memory in MB: VmHWM, the high-water mark of its own
    memory map. ru_maxrss would not do: Linux carries it over from the parent across fork and
    exec, so a new process begins with its parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rebuild_worker(args):
    """The rebuild, timed, in this process (Django configured from the environment)."""
    import django

    django.setup()
    from catalog.models import Solution, SolutionStatus

    count = Solution.objects.filter(status=SolutionStatus.PUBLISHED).count()
    start_rss = _rss_mb()
    seconds = timed_rebuild(count, args.batch_size, "rebuild")
    return {"rebuild_s": seconds, "rebuild_peak_rss_mb": _rss_mb(),
            "rebuild_start_rss_mb": start_rss}


def timed_rebuild(count, batch_size, label):
    from tqdm import tqdm

    from search.services import rebuild_index

    start = time.perf_counter()
    with tqdm(total=count, unit="solution", desc=label, file=sys.stderr) as bar:
        rebuild_index(batch_size=batch_size, progress=bar.update)
    return time.perf_counter() - start


SHORT = {"floor (indexed SELECT LIMIT 20)": "floor",
         "bare full-text query (LIMIT 20)": "bare", "keyword search": "keyword",
         "faceted search (3 facets)": "faceted", "keyword + 3 facets": "keyword_faceted",
         "matching (ad-hoc need)": "match", "suggestions": "suggest",
         "similar solutions": "similar", "search page (GET /search/)": "search_page"}


def summary_line(results):
    """key=value figures; the unprefixed ones are PostgreSQL's (the production target)."""
    pairs = []
    for figures in results:
        prefix = "" if figures["engine"] == "postgresql" else f"{figures['engine']}_"
        for label, stats in figures["kinds"].items():
            pairs.append(f"{prefix}{SHORT[label]}_p95_ms={stats['p95']:.1f}")
        bare = figures["kinds"]["bare full-text query (LIMIT 20)"]["p95"]
        for kind in ("keyword search", "keyword + 3 facets"):
            pairs.append(f"{prefix}{SHORT[kind]}_vs_bare_ratio="
                         f"{figures['kinds'][kind]['p95'] / bare:.2f}")
        pairs.append(f"{prefix}rebuild_s={figures['rebuild_s']:.1f}")
        pairs.append(f"{prefix}rebuild_peak_rss_mb={figures['rebuild_peak_rss_mb']:.0f}")
    pairs.append(f"solutions={results[0]['solutions']}" if results else "solutions=0")
    return " ".join(pairs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100, help="timed requests per kind")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a database on the server where zhizao_bench_search is created and dropped")
    parser.add_argument("--batch-size", type=int, default=1000, help="rebuild batch size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.rebuild_worker:
        print(json.dumps(rebuild_worker(args)))
        return

    if args.worker:
        cleanup = configure(args.worker, args.postgres_url)
        try:
            figures = run_engine(args)
        finally:
            cleanup()
        print(json.dumps(figures))
        return

    results = []
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        command = [sys.executable, __file__, "--worker", engine,
                   "--solutions", str(args.solutions), "--queries", str(args.queries),
                   "--postgres-url", args.postgres_url, "--batch-size", str(args.batch_size),
                   "--seed", str(args.seed)]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print()
    print(f"{'request':34} " + " ".join(f"{r['engine'] + ' p50':>15} {r['engine'] + ' p95':>15}"
                                         for r in results))
    for label in SHORT:
        print(f"{label:34} " + " ".join(
            f"{r['kinds'][label]['p50']:>15.1f} {r['kinds'][label]['p95']:>15.1f}"
            for r in results))
    print(f"{'first index build (s)':34} " + " ".join(f"{r['build_s']:>31.1f}" for r in results))
    print(f"{'index rebuild (s)':34} " + " ".join(f"{r['rebuild_s']:>31.1f}" for r in results))
    print(f"{'index rebuild peak RSS (MB)':34} "
          + " ".join(f"{r['rebuild_peak_rss_mb']:>31.0f}" for r in results))
    print(summary_line(results))


if __name__ == "__main__":
    main()
