"""Facet bitmaps: the database index's facets held in memory, for filters and counts that
stay fast at 100,000 solutions.

Counting facet values with SQL costs a row per solution and value matched (millions for a
broad selection); with a bitmap per facet value (a Python int, one bit per indexed solution)
a selection is a few ANDs and each count one `bit_count()`, whatever the catalog's size.
Bits are numbered in publication order (oldest first), so the newest solutions of a selection
are its highest bits. The SearchFacet and SearchEntry tables stay the truth; each process
loads its bitmaps from them and keeps them current from SearchIndexChange:

- every write to the index (search.backends.database) records, in its own transaction, which
  solutions it touched, or that it replaced everything (clear, rebuild). Writers take a row
  lock first, so changes are numbered in commit order;
- before answering, a process reads the changes after the one it has seen (one small
  query): none, it answers; some, it reloads those solutions' rows; a reset, a change it
  cannot place (rolled back, trimmed away) or too many, it reloads everything (a couple of
  seconds at 100,000).

A process that checked less than REFRESH_SECONDS ago, and has written nothing since, answers
without checking: another process's write shows within that time, as Elasticsearch shows a
write after its refresh interval. Its own writes show at once. Inside a transaction it always
checks: what it saw there may be rolled back.
"""

import threading
import time
import uuid
from dataclasses import dataclass, field, replace

from django.db import connections, transaction
from django.db.models import F

from .models import SearchEntry, SearchFacet, SearchIndexChange, SearchMarkedPhrase

# Changes kept for processes catching up; one further behind reloads everything.
KEEP_CHANGES = 2000
TRIM_EVERY = 200
# More changes than this to catch up on: reloading everything is as quick.
MAX_CHANGES_APPLIED = 500
REFRESH_SECONDS = 0.5

_lock = threading.RLock()
_bitmaps = {}  # database alias → FacetBitmaps
_checked_at = {}  # database alias → monotonic time of the last check, dropped by own writes


def bitset(positions, size):
    """An int with the bits at these positions set."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def highest_positions(bits, limit, offset=0):
    """Positions of the set bits of `bits`, highest first, skipping `offset` of them."""
    wanted = offset + limit
    found = []
    if bits <= 0 or limit <= 0:
        return found
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index in range(len(data) - 1, -1, -1):
        byte = data[index]
        if not byte:
            continue
        for bit in range(7, -1, -1):
            if byte >> bit & 1:
                found.append(index * 8 + bit)
                if len(found) >= wanted:
                    return found[offset:]
    return found[offset:]


def positions_of(bits):
    return highest_positions(bits, bits.bit_count())


@dataclass
class FacetBitmaps:
    change_id: int = 0  # the last SearchIndexChange reflected
    change_token: str = ""
    ids: list = field(default_factory=list)  # position → solution id (None when removed)
    positions: dict = field(default_factory=dict)  # solution id → position
    values: dict = field(default_factory=dict)  # (facet, value) → bits
    alive: int = 0
    ratings: dict = field(default_factory=dict)  # position → rating_avg (rated ones only)
    newest_key: tuple = (float("-inf"), 0)  # (publication time, id) of the last position
    # Tokens of the phrases every entry is marked with (search.marks): written by a rebuild,
    # which records a reset, so loaded with everything else.
    marked: frozenset = frozenset()

    # Reading

    @property
    def size(self):
        return len(self.ids)

    def any_of(self, facet, values):
        bits = 0
        for value in values:
            bits |= self.values.get((facet, str(value)), 0)
        return bits

    def of_ids(self, ids):
        positions = self.positions
        return bitset((p for p in map(positions.get, ids) if p is not None), self.size)

    def ids_at(self, positions):
        return [self.ids[position] for position in positions]

    def counts(self, selection, facets):
        """{facet: {value: count}} over `selection`, for these facets; zero counts left out."""
        counts = {name: {} for name in facets}
        for (facet, value), bits in self.values.items():
            if facet in counts:
                n = (bits & selection).bit_count()
                if n:
                    counts[facet][value] = n
        return counts

    def newest(self, selection, limit, offset=0):
        return self.ids_at(highest_positions(selection, limit, offset))

    def best_rated(self, selection, limit, offset=0):
        """Highest rating first, then newest; unrated ones after the rated, newest first."""
        rated = sorted(
            (position for position in self.ratings if selection >> position & 1),
            key=lambda position: (self.ratings[position], position),
            reverse=True,
        )
        wanted = offset + limit
        if len(rated) < wanted:
            unrated = selection & ~bitset(rated, self.size)
            rated += highest_positions(unrated, wanted - len(rated))
        return self.ids_at(rated[offset:wanted])

    # Building

    @classmethod
    def load(cls, using):
        """Everything, from the tables: the entries in publication order, then each facet
        value's entries as one row (a GROUP BY), which reads far faster than a row per
        entry and value (1.5 million at 100,000 solutions)."""
        latest = (SearchIndexChange.objects.using(using).order_by("-id")
                  .values_list("id", "token").first()) or (0, "")
        bitmaps = cls(change_id=latest[0], change_token=latest[1])
        entries = (SearchEntry.objects.using(using)
                   .order_by(F("published_at").asc(nulls_first=True), "pk")
                   .values_list("pk", "published_at", "rating_avg"))
        for pk, published_at, rating in entries:
            bitmaps._append(pk, published_at, rating)
        connection = connections[using]
        aggregate = ("string_agg(entry_id::text, ',')" if connection.vendor == "postgresql"
                     else "group_concat(entry_id)")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT facet, value, {aggregate} FROM search_searchfacet "  # noqa: S608
                           "GROUP BY facet, value")
            positions = bitmaps.positions
            for facet, value, ids in cursor.fetchall():
                bitmaps.values[(facet, value)] = bitset(
                    (positions[pk] for pk in map(int, ids.split(",")) if pk in positions),
                    bitmaps.size)
        bitmaps.alive = bitset(range(bitmaps.size), bitmaps.size)
        bitmaps.marked = frozenset(SearchMarkedPhrase.objects.using(using)
                                   .values_list("token", flat=True))
        return bitmaps

    def _append(self, pk, published_at, rating):
        position = len(self.ids)
        self.ids.append(pk)
        self.positions[pk] = position
        self.newest_key = max(self.newest_key, (
            published_at.timestamp() if published_at else float("-inf"), pk))
        if rating is not None:
            self.ratings[position] = rating
        return position

    def updated(self, using, solution_ids, change_id, change_token):
        """A copy with these solutions reloaded from the tables (gone ones removed), or None
        when publication order cannot be kept by appending (then reload everything)."""
        copy = replace(self, ids=list(self.ids), positions=dict(self.positions),
                       values=dict(self.values), ratings=dict(self.ratings),
                       change_id=change_id, change_token=change_token)
        removed = [copy.positions.pop(pk) for pk in solution_ids if pk in copy.positions]
        if removed:
            keep = ~bitset(removed, copy.size)
            copy.values = {key: bits & keep for key, bits in copy.values.items()}
            copy.alive &= keep
            for position in removed:
                copy.ids[position] = None
                copy.ratings.pop(position, None)
        rows = list(SearchEntry.objects.using(using).filter(pk__in=list(solution_ids))
                    .order_by(F("published_at").asc(nulls_first=True), "pk")
                    .values_list("pk", "published_at", "rating_avg"))
        for pk, published_at, rating in rows:
            before = copy.newest_key
            position = copy._append(pk, published_at, rating)
            if copy.newest_key == before:
                return None  # older than what is there: the bit order would lie
            copy.alive |= 1 << position
        if rows:
            grouped = {}
            for pk, facet, value in (SearchFacet.objects.using(using)
                                     .filter(entry_id__in=[row[0] for row in rows])
                                     .values_list("entry_id", "facet", "value")):
                grouped.setdefault((facet, value), []).append(copy.positions[pk])
            for key, positions in grouped.items():
                copy.values[key] = copy.values.get(key, 0) | bitset(positions, copy.size)
        return copy


def current(using="default"):
    """This process's bitmaps of the index in `using`, brought up to date."""
    with _lock:
        bitmaps = _bitmaps.get(using)
        checked = _checked_at.get(using)
        in_transaction = transaction.get_connection(using).in_atomic_block
        if (bitmaps is not None and checked and not in_transaction
                and time.monotonic() - checked < REFRESH_SECONDS):
            return bitmaps
        _checked_at[using] = time.monotonic()
        return _bring_up_to_date(using)


def _bring_up_to_date(using):
    """The bitmaps of `using`, with the changes recorded since they were loaded."""
    with _lock:
        bitmaps = _bitmaps.get(using)
        changes = []
        if bitmaps is not None:
            changes = list(SearchIndexChange.objects.using(using)
                           .filter(id__gte=bitmaps.change_id).order_by("id")
                           .values_list("id", "token", "reset", "solution_ids")
                           [: MAX_CHANGES_APPLIED + 1])
        seen = bitmaps is not None and bool(changes) and changes[0][:2] == (
            bitmaps.change_id, bitmaps.change_token)
        if (seen and len(changes) == 1) or (
            bitmaps is not None and not changes and bitmaps.change_id == 0  # nothing written
        ):
            return bitmaps
        fresh = None
        if seen and len(changes) <= MAX_CHANGES_APPLIED and not any(
            reset for _, _, reset, _ in changes[1:]
        ):
            touched = {pk for _, _, _, ids in changes[1:] for pk in ids}
            last_id, last_token = changes[-1][:2]
            fresh = bitmaps.updated(using, touched, last_id, last_token)
        if fresh is None:
            fresh = FacetBitmaps.load(using)
        _bitmaps[using] = fresh
        return fresh


def forget(using=None):
    """Drop the bitmaps of this process (all databases by default)."""
    with _lock:
        if using is None:
            _bitmaps.clear()
            _checked_at.clear()
        else:
            _bitmaps.pop(using, None)
            _checked_at.pop(using, None)


def record_change(using, solution_ids=(), *, reset=False):
    """Inside the transaction of a write to the index: note what it touched. The lock on the
    latest change makes writers take their turn, so change ids follow commit order."""
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError("record_change belongs inside the index write's transaction")
    with _lock:
        _checked_at.pop(using, None)  # this process's next read checks
    # Also after this transaction ends (committed or rolled back): what it wrote, or undid,
    # must show in the next read here.
    transaction.on_commit(lambda: _unchecked(using), using=using)
    changes = SearchIndexChange.objects.using(using)
    changes.select_for_update().order_by("-id").values_list("id", flat=True).first()
    change = changes.create(token=uuid.uuid4().hex, reset=reset,
                            solution_ids=sorted({int(pk) for pk in solution_ids}))
    if change.pk % TRIM_EVERY == 0:
        changes.filter(id__lt=change.pk - KEEP_CHANGES).delete()
    # What this process wrote shows in its bitmaps now (the next read still checks): a
    # process that indexes is one that searches, and its first search is not the one to pay
    # for loading them. After a reset (a rebuild of 100,000) the next read loads instead.
    if not reset:
        _bring_up_to_date(using)
    return change


def _unchecked(using):
    with _lock:
        _checked_at.pop(using, None)
