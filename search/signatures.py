"""MinHash signatures of the indexed solutions, kept as LSH bands beside the index, so the
near-duplicate check (search.checks) finds its candidates in a few indexed lookups instead of
a full-text search per submission.

What is hashed: per language, the set of terms of a solution's title, summary and
description (search.analysis, as `terms_by_language` in search.checks reads them). A
document's description is the index's text of the markdown (search.index.indexable_text);
the check compares the text a reader sees, which differs from it by little.

The signature: one-permutation MinHash with optimal densification. Each term is hashed once
(BLAKE2b, 64 bits: the same in every process, unlike Python's hash()); the hash's remainder
by SLOTS picks a slot and the rest is a value, each slot keeping its smallest value; an empty
slot takes the value of the first filled slot in a fixed pseudo-random order of its own. Two
sets agree on a slot with probability close to their Jaccard index, with one hash per term
(a rebuild of 100,000 solutions cannot afford SLOTS hashes of every term).

The bands: BANDS bands of ROWS slots each, one row (bucket, solution) per band and language,
the bucket the band's values mixed into a seed of the language and band. Two texts whose
Jaccard index is s share at least one bucket with probability 1 - (1 - s^ROWS)^BANDS; with
16 bands of 4: 0.9998 at s = 0.8 (DUPLICATE_SIMILARITY_FLAG's default), 0.988 at 0.7, 0.64
at 0.5, 0.12 at 0.3 and 0.025 at 0.2. The check's similarity is taken over the languages
both texts are written in; when it reaches s, the terms of one of those languages alone
reach s (the mediant of the languages' shares lies between them; exact when the two
languages' terms differ, as CJK bigrams and Latin words do), so one language's bands find
the pair with at least that probability.

A lookup reads at most BUCKET_SAMPLE solutions of each bucket (the oldest): a bucket that
many share holds near-duplicates of one another, and the cost of a lookup must not grow
with the catalog. Candidates are ranked by the buckets they share with the text, and the
check compares the first few: a pair sharing a bucket is compared unless that many others
share more buckets with the submission (then those are, very likely, near-duplicates too).
"""

import functools
import hashlib

from django.db import connections

from .backends.database import insert_rows
from .index import text_terms
from .models import PendingSignatures, SignatureBand

LANGUAGES = {
    "en": ("title_en", "summary_en", "description_en"),
    "zh": ("title_zh", "summary_zh", "description_zh"),
}
BANDS = 16
ROWS = 4
SLOTS = BANDS * ROWS
BUCKET_SAMPLE = 50
COLUMNS = ("bucket", "solution_id")


def _hash64(data):
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


@functools.lru_cache(maxsize=65536)
def _slot_and_value(term):
    """(slot, value) of a term: its hash's remainder by SLOTS and the rest. Remembered: the
    catalog's vocabulary is far smaller than its text."""
    value, slot = divmod(_hash64(term.encode()), SLOTS)
    return slot, value


# For each slot, every slot in a fixed pseudo-random order: where an empty slot takes its
# value from (optimal densification).
_DONORS = tuple(
    tuple(sorted(range(SLOTS), key=lambda donor, slot=slot: _hash64(f"{slot}:{donor}".encode())))
    for slot in range(SLOTS)
)


def signature(terms):
    """The SLOTS MinHash values of a set of terms, or None for no terms."""
    if not terms:
        return None
    slots = [None] * SLOTS
    for term in terms:
        slot, value = _slot_and_value(term)
        kept = slots[slot]
        if kept is None or value < kept:
            slots[slot] = value
    filled = list(slots)
    for slot, value in enumerate(filled):
        if value is None:
            for donor in _DONORS[slot]:
                if filled[donor] is not None:
                    slots[slot] = filled[donor]
                    break
    return slots


_MASK = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # an odd constant with well-spread bits (2^64 / golden ratio)
# Where each band's bucket hash starts, per language: buckets of different bands or
# languages never meet.
_BAND_SEEDS = {
    language: tuple(_hash64(f"{language}:{band}".encode()) for band in range(BANDS))
    for language in LANGUAGES
}


def buckets(terms_by_language):
    """The bucket of each band of each language's signature ({language: set of terms}): the
    band's values mixed into its seed, as a signed 64-bit number (a BigIntegerField)."""
    keys = set()
    for language, terms in terms_by_language.items():
        values = signature(terms)
        if values is None:
            continue
        for band, key in enumerate(_BAND_SEEDS[language]):
            for value in values[band * ROWS:(band + 1) * ROWS]:
                key = ((key ^ value) * _MIX) & _MASK
                key ^= key >> 29
            keys.add(key - (1 << 64) if key >> 63 else key)
    return keys


def document_terms(doc):
    """{language: set of terms} of an index document (search.index.build_document)."""
    return {
        language: frozenset(term for name in names
                            for term in text_terms(doc.get(name) or "").split())
        for language, names in LANGUAGES.items()
    }


def rows(docs):
    """The (bucket, solution id) rows of these documents' bands."""
    return [(bucket, doc["id"]) for doc in docs for bucket in buckets(document_terms(doc))]


# Writing: search.services calls these wherever it writes the index, whatever the backend.


def add(docs):
    """Write the bands of these documents, replacing those they had."""
    docs = list({doc["id"]: doc for doc in docs}.values())
    if docs:
        remove([doc["id"] for doc in docs])
        insert_rows(SignatureBand, COLUMNS, rows(docs))


def fill(band_rows):
    """Write these rows (from rows()) of documents that have no bands (a rebuild, after
    clear(), which computes them ahead)."""
    insert_rows(SignatureBand, COLUMNS, band_rows)


def remove(ids):
    ids = [int(pk) for pk in ids]
    if ids:
        SignatureBand.objects.filter(solution_id__in=ids).delete()


def clear():
    """No bands, and none pending: the index is being rewritten whole."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(SignatureBand._meta.db_table)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's own table
    PendingSignatures.objects.all().delete()


# Reading


def available():
    """True when the bands cover the index (see PendingSignatures)."""
    return not PendingSignatures.objects.exists()


def similar_ids(terms_by_language, *, exclude_id=None, limit=10):
    """Ids of up to `limit` indexed solutions sharing the most buckets with a text given as
    {language: set of terms}, most first (then oldest first); never `exclude_id`.

    One query: each bucket an index range scan of at most BUCKET_SAMPLE rows (on PostgreSQL
    a lateral join over the array of buckets, planned once; on SQLite, which plans fast, a
    UNION ALL of one scan per bucket), counted per solution in the database."""
    keys = sorted(buckets(terms_by_language))
    if not keys:
        return []
    connection = connections["default"]
    table = connection.ops.quote_name(SignatureBand._meta.db_table)
    exclude_id = -1 if exclude_id is None else int(exclude_id)  # no solution has id -1
    if connection.vendor == "postgresql":
        sampled = (f"SELECT s.solution_id FROM unnest(%s::bigint[]) AS k(bucket) "  # noqa: S608
                   f"CROSS JOIN LATERAL (SELECT solution_id FROM {table} AS b "
                   f"WHERE b.bucket = k.bucket AND b.solution_id <> %s "
                   f"ORDER BY b.solution_id LIMIT {BUCKET_SAMPLE}) AS s")
        params = [keys, exclude_id]
    else:
        one = (f"SELECT solution_id FROM (SELECT solution_id FROM {table} "  # noqa: S608
               f"WHERE bucket = %s AND solution_id <> %s ORDER BY solution_id "
               f"LIMIT {BUCKET_SAMPLE})")
        sampled = " UNION ALL ".join([one] * len(keys))
        params = [value for key in keys for value in (key, exclude_id)]
    with connection.cursor() as cursor:
        # The table is the model's own; every value is a parameter.
        cursor.execute(f"SELECT solution_id, COUNT(*) AS n FROM ({sampled}) AS hits "  # noqa: S608
                       "GROUP BY solution_id ORDER BY n DESC, solution_id LIMIT %s",
                       [*params, limit])
        return [pk for pk, _shared in cursor.fetchall()]
