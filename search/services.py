"""Keeping the search index in step with the catalog: one solution (from outbox events), a
catch-up pass, or a full rebuild."""

from catalog.models import Solution, SolutionStatus

from .backends import BackendUnavailable, get_backend
from .index import build_documents, iter_document_batches

BATCH_SIZE = 200


def sync_solutions(solution_ids):
    """Index those of the solutions that are published and remove the others (including
    ids that no longer exist). Idempotent: run it again and nothing changes."""
    ids = {int(pk) for pk in solution_ids}
    if not ids:
        return {"indexed": 0, "removed": 0}
    backend = get_backend()
    docs = build_documents(ids)
    gone = sorted(ids - {doc["id"] for doc in docs})
    if docs:
        backend.index(docs)
    if gone:
        backend.delete(gone)
    return {"indexed": len(docs), "removed": len(gone)}


def sync_solution(solution_id):
    """What the outbox consumer calls for solution.published / archived / updated."""
    return sync_solutions([solution_id])


def _published_versions():
    return {
        pk: updated_at.isoformat()
        for pk, updated_at in Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .values_list("pk", "updated_at")
    }


def rebuild_index(batch_size=BATCH_SIZE, progress=None):
    """Rebuild the whole index from the published solutions; `progress(n)` is called after
    each batch of n documents. Returns how many documents were indexed."""

    def batches():
        for docs in iter_document_batches(batch_size):
            yield docs
            if progress:
                progress(len(docs))

    return get_backend().rebuild(batches())


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
        backend.delete(to_remove)
    for start in range(0, len(to_index), batch_size):
        docs = build_documents(to_index[start : start + batch_size])
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
