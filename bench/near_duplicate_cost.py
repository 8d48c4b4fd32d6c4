"""(e) of bench/review_pipeline.py: what the near-duplicate check costs each submission at
growing numbers of live listings, with its candidates from the signature bands kept with the
index (search.signatures) next to the search it ran before (the baseline), in the same
database and run.

At each size, published solutions are seeded up to it with bulk_create, as
bench/search_latency.py seeds them (bilingual texts from the taxonomy's scenarios, skewed
over scenarios and industries: solutions of one scenario share most of their words, as a
real catalog's do), and the index is rebuilt (timed, and the signature bands' share of it).
Then, for the same sampled submissions (drafts generated the same way), per submission:
  - candidates: search.signatures.similar_ids against solutions_sharing_words (the search);
  - the whole check (search.checks.near_duplicate: candidates, loading them, similarity),
    with the bands and with the search (PendingSignatures present);
  - how often both ways give the same verdict (flagged or not) and the same closest listing.
"""

import random
import statistics
import sys
import time

WARMUP = 5


def size_label(size):
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _per_call_ms(function, arguments):
    for argument in arguments[:WARMUP]:  # per-process caches (taxonomy, synonyms, terms)
        function(argument)
    samples = []
    for argument in arguments[WARMUP:]:
        start = time.perf_counter()
        function(argument)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.mean(samples)


def _seed_published(size, rng):
    from search_latency import seed

    from catalog.models import Solution, SolutionStatus

    live = Solution.objects.filter(status=SolutionStatus.PUBLISHED).count()
    if live < size:
        seed(size - live, rng)


def _submissions(count, rng):
    """`count` drafts written like the seeded listings, with the content a check reads."""
    from django.utils import timezone
    from search_latency import SCENARIO_WEIGHTS, _solution, _weighted

    from accounts.models import Organization
    from catalog.models import Industry, Scenario, Solution
    from catalog.revisions import content_of

    vendor = Organization.objects.create(kind=Organization.Kind.VENDOR, name="Bench submitter",
                                         status=Organization.Status.VERIFIED)
    scenarios = list(Scenario.objects.all())
    industries = list(Industry.objects.all())
    drafts = []
    for n in range(count):
        draft = _solution(rng, vendor, _weighted(rng, scenarios, SCENARIO_WEIGHTS),
                          [rng.choice(industries)], timezone.now(), n)
        draft.status, draft.published_at = "draft", None
        drafts.append(draft)
    return [(draft, content_of(draft)) for draft in Solution.objects.bulk_create(drafts)]


def _timed_rebuild():
    """(seconds of the whole rebuild, seconds of it writing signature bands)."""
    from search import signatures
    from search.services import rebuild_index

    spent = [0.0]
    originals = {name: getattr(signatures, name) for name in ("clear", "fill")}

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
        return wrapper

    for name, function in originals.items():
        setattr(signatures, name, timed(function))
    try:
        start = time.perf_counter()
        rebuild_index()
        return time.perf_counter() - start, spent[0]
    finally:
        for name, function in originals.items():
            setattr(signatures, name, function)


def _verdicts(subjects):
    from search.checks import near_duplicate

    return [near_duplicate(draft, content) for draft, content in subjects]


def measure(size, subjects):
    from search import checks, signatures
    from search.models import PendingSignatures, SignatureBand
    from search.selectors import solutions_sharing_words

    rebuild_s, signatures_s = _timed_rebuild()
    prepared = [(draft.pk, checks.terms_by_language(content), "\n".join(
        checks._text(content, name)
        for names in zip(*checks.LANGUAGES.values(), strict=True) for name in names))
        for draft, content in subjects]
    bands_ms = _per_call_ms(lambda item: signatures.similar_ids(
        item[1], exclude_id=item[0], limit=checks.CANDIDATES), prepared)
    search_ms = _per_call_ms(lambda item: solutions_sharing_words(
        item[2], exclude_ids=(item[0],), limit=checks.CANDIDATES), prepared)
    check_ms = _per_call_ms(lambda subject: checks.near_duplicate(*subject), subjects)
    with_bands = _verdicts(subjects)
    pending = PendingSignatures.objects.create()
    try:
        check_search_ms = _per_call_ms(lambda subject: checks.near_duplicate(*subject),
                                       subjects)
        with_search = _verdicts(subjects)
    finally:
        pending.delete()
    same_verdict = sum(a.flags_for_second_approval == b.flags_for_second_approval
                       for a, b in zip(with_bands, with_search, strict=True))
    same_closest = sum(
        [item["id"] for item in a.details["closest"][:1]]
        == [item["id"] for item in b.details["closest"][:1]]
        for a, b in zip(with_bands, with_search, strict=True))
    return {
        "size": size, "bands_ms": bands_ms, "search_ms": search_ms, "check_ms": check_ms,
        "check_search_ms": check_search_ms, "rebuild_s": rebuild_s,
        "signatures_s": signatures_s, "bands": SignatureBand.objects.count(),
        "same_verdict": same_verdict, "same_closest": same_closest,
        "flagged_bands": sum(o.flags_for_second_approval for o in with_bands),
        "flagged_search": sum(o.flags_for_second_approval for o in with_search),
        "sample": len(subjects),
    }


def near_duplicate_costs(sizes, sample=50, seed=7):
    """Figures of measure() at each size, smallest first; prints a line for each."""
    rng = random.Random(seed)
    subjects = _submissions(sample + WARMUP, rng)
    results = []
    for size in sorted(sizes):
        _seed_published(size, rng)
        figures = measure(size, subjects)
        results.append(figures)
        print(f"(e) near duplicates with {size:,} live listings, per submission: candidates "
              f"from the signature bands {figures['bands_ms']:.2f} ms, from the search "
              f"{figures['search_ms']:.1f} ms ({figures['search_ms'] / figures['bands_ms']:.0f}"
              f"x); whole check {figures['check_ms']:.1f} ms with the bands, "
              f"{figures['check_search_ms']:.1f} ms with the search; same verdict for "
              f"{figures['same_verdict']}/{figures['sample']} submissions (flagged "
              f"{figures['flagged_bands']} and {figures['flagged_search']}), same closest "
              f"listing for {figures['same_closest']}; rebuild {figures['rebuild_s']:.1f} s, "
              f"of which {figures['signatures_s']:.1f} s writing {figures['bands']:,} bands",
              flush=True)
        print(f"    ({sample} submissions after {WARMUP} to warm caches)", file=sys.stderr)
    return results


def summary_pairs(results):
    """key=value figures for the last line: per size, the bands' candidate cost (ms), the
    search's, their ratio, the whole check with the bands (ms) and the rebuild (s)."""
    pairs = []
    for figures in results:
        label = size_label(figures["size"])
        pairs += [f"near_duplicate_ms_{label}={figures['bands_ms']:.2f}",
                  f"near_duplicate_search_ms_{label}={figures['search_ms']:.1f}",
                  f"near_duplicate_ratio_{label}={figures['search_ms'] / figures['bands_ms']:.0f}",
                  f"near_duplicate_check_ms_{label}={figures['check_ms']:.1f}",
                  f"rebuild_s_{label}={figures['rebuild_s']:.1f}"]
    return pairs
