"""Keeping the search index in step with the catalog: one solution (from outbox events), a
vendor's solutions (a renamed vendor), a catch-up pass, or a full rebuild. The suggestion
rows (search.suggestions) and the near-duplicate check's signature bands (search.signatures)
follow the index, written first, whatever the backend: they live in the database, like the
fallback of Elasticsearch."""

import contextlib
import multiprocessing
import queue

from django.db import connections, transaction

from catalog.models import Solution, SolutionStatus

from . import signatures, suggestions
from .backends import BackendUnavailable, get_backend
from .backends.database import REBUILT_TABLES, DatabaseBackend
from .index import analysed, build_documents, iter_document_batches, remembered_terms

BATCH_SIZE = 200


def sync_solutions(solution_ids, backend=None):
    """Index those of the solutions that are published and remove the others (including
    ids that no longer exist). Idempotent: run it again and nothing changes."""
    ids = {int(pk) for pk in solution_ids}
    if not ids:
        return {"indexed": 0, "removed": 0}
    backend = backend or get_backend()
    docs = build_documents(ids)
    gone = sorted(ids - {doc["id"] for doc in docs})
    if docs:
        suggestions.sync(docs)
        signatures.add(docs)
        backend.index(docs)
    if gone:
        suggestions.remove(gone)
        signatures.remove(gone)
        backend.delete(gone)
    return {"indexed": len(docs), "removed": len(gone)}


def sync_solution(solution_id):
    """What the outbox consumer calls for solution.published / archived / updated: the
    database side (the suggestions, and the index or, beside a cluster, its fallback). The
    cluster is written by sync_solution_in_cluster, a consumer of its own, so a cluster
    outage holds back only that delivery and searches keep finding the solution meanwhile."""
    backend = get_backend()
    return sync_solutions([solution_id], backend=getattr(backend, "fallback", backend))


def sync_solution_in_cluster(solution_id):
    """The cluster side of sync_solution; nothing to do without a cluster. (The signature
    bands are the database side's.)"""
    cluster = getattr(get_backend(), "primary", None)
    if cluster is None:
        return None
    ids = {int(solution_id)}
    docs = build_documents(ids)
    gone = sorted(ids - {doc["id"] for doc in docs})
    if docs:
        cluster.index(docs)
    if gone:
        cluster.delete(gone)
    return {"indexed": len(docs), "removed": len(gone)}


def set_rating(solution_id, average, count):
    """What the marketplace calls when a solution's ratings change: `average` (1-5, rounded to
    two places) of its `count` visible ratings, or count 0 when it has none left. Stored in
    search's own table and reindexed at once; when the search backend is unreachable this
    raises, and the caller (an outbox consumer) is retried."""
    from .models import SolutionRating

    if count:
        SolutionRating.objects.update_or_create(
            solution_id=solution_id, defaults={"average": average, "count": count})
    else:
        SolutionRating.objects.filter(solution_id=solution_id).delete()
    return sync_solution(solution_id)


def sync_vendor(vendor_id, batch_size=BATCH_SIZE):
    """Reindex a vendor's published solutions (its name is in their documents) and refresh its
    suggestion. What the consumer of organization.updated calls."""
    ids = list(
        Solution.objects.filter(vendor_id=vendor_id, status=SolutionStatus.PUBLISHED)
        .order_by("pk").values_list("pk", flat=True)
    )
    report = {"indexed": 0, "removed": 0}
    for start in range(0, len(ids), batch_size):
        done = sync_solutions(ids[start : start + batch_size])
        report = {key: report[key] + done[key] for key in report}
    with transaction.atomic():
        suggestions.refresh_vendors([vendor_id])
    return report


def _published_versions():
    return {
        pk: updated_at.isoformat()
        for pk, updated_at in Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .values_list("pk", "updated_at")
    }


def _read_ahead(batches, depth=2):
    """The items of the iterable `batches`, produced ahead by a child process (started now)
    on the other core, with database connections of its own. Documents are built and their
    texts analysed there (most of a rebuild's Python) while this process writes the previous
    batch. Forked: the child iterates its copy of `batches`; what it yields or raises is
    pickled back."""
    context = multiprocessing.get_context("fork")
    items = context.Queue(maxsize=depth)
    connections.close_all()  # no connection crosses the fork
    reader = context.Process(target=_produce, args=(batches, items), daemon=True,
                             name="search-rebuild-reader")
    reader.start()
    return _received(items, reader)


def _received(items, reader):
    """What the read-ahead child puts in `items`, until its end; the child is ended at the
    latest when this is."""
    try:
        while True:
            try:
                item = items.get(timeout=READ_AHEAD_POLL_SECONDS)
            except queue.Empty:
                if not reader.is_alive():
                    raise RuntimeError("The rebuild's reader ended without a word") from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()


READ_AHEAD_POLL_SECONDS = 1


def _produce(batches, items):
    """The read-ahead child's work: every item of `batches`, then None (or what it raised)."""
    try:
        for item in batches:
            items.put(item)
        items.put(None)
    except Exception as exc:  # noqa: BLE001 - handed to the parent, raised there
        items.put(exc)
    finally:
        connections.close_all()


def _analysed_batches(batch_size):
    """(documents, their analysed texts, their signature bands) a batch at a time: what a
    reader does ahead."""
    for docs in iter_document_batches(batch_size):
        terms = analysed(docs)
        with remembered_terms(docs, terms):
            yield docs, terms, signatures.rows(docs)


def rebuild_index(batch_size=BATCH_SIZE, progress=None):
    """Rebuild the whole index from the published solutions; `progress(n)` is called after
    each batch of n documents. Returns how many documents were indexed.

    On PostgreSQL, outside a transaction, documents are read and analysed ahead by another
    process (_read_ahead). Inside a transaction (tests) another connection would not see what
    it holds, and SQLite has one writer whose readers wait: there, batches are read in turn."""
    connection = connections["default"]
    documents = _analysed_batches(batch_size)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        documents = _read_ahead(documents)

    def batches():
        # Closed on failure too, before the transaction rolls back: the reader's cursor (or
        # process) ends while what it belongs to still exists.
        with contextlib.closing(documents):
            suggestions.clear()
            signatures.clear()
            for docs, terms, bands in documents:
                # The entries index the texts the reader analysed.
                with remembered_terms(docs, terms):
                    suggestions.fill(docs)
                    signatures.fill(bands)
                    yield docs
                if progress:
                    progress(len(docs))
        suggestions.refresh_all_vendors()

    def published_ids():
        return set(Solution.objects.filter(status=SolutionStatus.PUBLISHED)
                   .values_list("pk", flat=True))

    backend = get_backend()
    since = _last_change_id()
    total = backend.rebuild(batches(), live_ids=published_ids)
    _catch_up(backend, since)
    _vacuum_after_rebuild(connection)
    return total


def _last_change_id():
    from .models import SearchIndexChange

    return SearchIndexChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _catch_up(backend, since):
    """Writes to the index while a rebuild ran on PostgreSQL (an outbox consumer indexing a
    solution) went to the old tables, dropped at the swap, unless the rebuild read their
    solutions after them: the solutions they touched (their recorded changes since `since`,
    search.bitmaps) are indexed again."""
    from .models import SearchIndexChange

    if (not isinstance(backend, DatabaseBackend)
            or connections[backend.using].vendor != "postgresql"):
        return
    touched = SearchIndexChange.objects.filter(id__gt=since, reset=False)
    ids = {pk for solution_ids in touched.values_list("solution_ids", flat=True)
           for pk in solution_ids}
    if ids:
        sync_solutions(ids, backend=backend)


def _vacuum_after_rebuild(connection):
    """On PostgreSQL, VACUUM ANALYZE what a rebuild rewrote: until then reading the new rows
    visits the heap for visibility. Swapped-in tables come with fresh indexes and
    statistics; a rebuild in place (the fallback beside Elasticsearch) leaves the GIN
    indexes' new entries in a pending list that every search scans, and the planner's
    statistics (search.backends.full_text reads them) describing the old rows. Autovacuum
    would get there in its own time; a search at 100,000 solutions is several times slower
    before it does. VACUUM cannot run inside a transaction: inside one (tests) this is left
    to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) " + ", ".join(REBUILT_TABLES))


def stale_entries():
    """(ids to index, ids to remove): published solutions missing from the index or changed
    since they were indexed, and indexed ones no longer published."""
    indexed = get_backend().indexed_versions()
    published = _published_versions()
    to_index = sorted(pk for pk, version in published.items() if indexed.get(pk) != version)
    to_remove = sorted(pk for pk in indexed if pk not in published)
    return to_index, to_remove


def update_index(batch_size=BATCH_SIZE, progress=None):
    """Catch up without a rebuild, e.g. after Elasticsearch was unreachable for a while."""
    to_index, to_remove = stale_entries()
    backend = get_backend()
    if to_remove:
        suggestions.remove(to_remove)
        signatures.remove(to_remove)
        backend.delete(to_remove)
    for start in range(0, len(to_index), batch_size):
        docs = build_documents(to_index[start : start + batch_size])
        suggestions.sync(docs)
        signatures.add(docs)
        backend.index(docs)
        if progress:
            progress(len(docs))
    return {"indexed": len(to_index), "removed": len(to_remove)}


def index_status():
    """What an operator needs to judge the index: backend, reachability, counts."""
    backend = get_backend()
    status = {
        "backend": backend.name,
        "reachable": backend.ping(),
        "published": Solution.objects.filter(status=SolutionStatus.PUBLISHED).count(),
    }
    try:
        to_index, to_remove = stale_entries()
        status.update(indexed=backend.count(), to_index=len(to_index), to_remove=len(to_remove))
    except BackendUnavailable as exc:
        status.update(indexed=None, error=str(exc))
    describe = getattr(backend, "describe", None)
    if describe:
        try:
            status.update(describe())
        except BackendUnavailable as exc:
            status.setdefault("error", str(exc))
    return status
