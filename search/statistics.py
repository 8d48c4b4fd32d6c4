"""The term statistics of the database index (SearchTerm rows and SearchEntry.length), kept in
the transaction that writes the entries, and read back as search.scoring.Statistics.

Writers change the counts by difference: what the replaced entries held comes off, what the
new ones hold goes on, one upsert per term in term order (two writers touching the same terms
lock them in the same order, so they wait for each other rather than deadlock). A rebuild
counts everything in Python and writes the rows once.

Readers keep what they looked up with the facet bitmaps' change (search.bitmaps): any write
to the index is a new change, so no reader ranks with statistics older than the entries it
ranks, and a process that saw no write asks the database nothing again.
"""

import threading
from collections import Counter

from django.db import connections
from django.db.models import Avg

from .models import SearchEntry, SearchTerm
from .scoring import Statistics, terms_of

UPSERT_ROWS_PER_STATEMENT = 500


def held_terms(columns):
    """The distinct terms of an entry's term columns (space-separated terms)."""
    held = set()
    for text in columns:
        if text:
            held.update(text.split())
    return held


def apply(using, removed=(), added=()):
    """Change the counts for entries removed and added: each an iterable of term-column
    tuples (one per entry)."""
    delta = Counter()
    for columns in removed:
        delta.subtract(held_terms(columns))
    for columns in added:
        delta.update(held_terms(columns))
    changes = sorted((term, count) for term, count in delta.items() if count)
    if not changes:
        return
    connection = connections[using]
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(changes), UPSERT_ROWS_PER_STATEMENT):
            chunk = changes[start : start + UPSERT_ROWS_PER_STATEMENT]
            cursor.execute(
                f"INSERT INTO {table} (term, entries) VALUES "  # noqa: S608 - a model's table
                + ", ".join(["(%s, %s)"] * len(chunk))
                + " ON CONFLICT (term) DO UPDATE SET entries = "
                f"{table}.entries + excluded.entries",
                [value for change in chunk for value in change],
            )
        gone = [term for term, count in changes if count < 0]
        for start in range(0, len(gone), UPSERT_ROWS_PER_STATEMENT):
            chunk = gone[start : start + UPSERT_ROWS_PER_STATEMENT]
            cursor.execute(
                f"DELETE FROM {table} WHERE entries <= 0 AND term IN "  # noqa: S608
                f"({', '.join(['%s'] * len(chunk))})", chunk)


def reset(using):
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(SearchTerm._meta.db_table)}")  # noqa: S608


class Counting:
    """The counts of a rebuild, gathered batch by batch and written once at the end."""

    def __init__(self):
        self.counts = Counter()

    def add(self, rows_columns):
        for columns in rows_columns:
            self.counts.update(held_terms(columns))

    def rows(self):
        """(term, entries) rows of SearchTerm, in term order."""
        return sorted(self.counts.items())


_lock = threading.Lock()
_cache = {}  # database alias → (change key, average length, {term: entries})


def statistics(using, change, entries, terms):
    """Statistics for ranking with `terms`, as of the bitmaps' `change` ((id, token) of the
    last write seen) when the index holds `entries` entries."""
    with _lock:
        key, average, known = _cache.get(using, (None, None, {}))
        if key != change:
            average, known = None, {}
        missing = [term for term in terms if term not in known]
    if average is None:
        average = (SearchEntry.objects.using(using).aggregate(average=Avg("length"))["average"]
                   or 0.0)
    if missing:
        found = dict.fromkeys(missing, 0)
        found.update(SearchTerm.objects.using(using).filter(term__in=missing)
                     .values_list("term", "entries"))
        known = {**known, **found}
    with _lock:
        if len(known) > 50_000:
            known = {term: known[term] for term in terms}
        _cache[using] = (change, average, known)
    return Statistics(entries=entries, average_length=float(average),
                      frequencies={term: known[term] for term in terms})


def for_clauses(using, maps, clauses):
    """Statistics for ranking these clauses against the index whose facet bitmaps
    (search.bitmaps) are `maps`."""
    return statistics(using, (maps.change_id, maps.change_token), maps.alive.bit_count(),
                      terms_of(clauses))


def forget(using=None):
    with _lock:
        if using is None:
            _cache.clear()
        else:
            _cache.pop(using, None)
