"""Elasticsearch with the database backend behind it.

Reads fall back: when the cluster is unreachable (or cannot serve this client: see
search.backends.elasticsearch_errors), search and similar-solution queries are answered by
the database index, a warning is logged and a counter incremented. An error that is our bug
(a malformed query) is raised, not answered by the database. Writes do not:
the database index is written first (so the fallback stays current) and then the cluster; if
the cluster is unreachable the write raises, the outbox event stays pending and the dispatcher
retries it. Nothing is lost, only delayed.
"""

import logging
import threading
import time
from collections import Counter

from django.db import transaction

from .base import BackendUnavailable, SearchBackend

logger = logging.getLogger(__name__)

_fallbacks = Counter()
_lock = threading.Lock()


def record_fallback(operation, reason, *, level=logging.WARNING):
    with _lock:
        _fallbacks[operation] += 1
        count = _fallbacks[operation]
    logger.log(
        level,
        "search backend unreachable, %s answered by the database backend "
        "(fallback #%d in this process): %s",
        operation,
        count,
        reason,
    )


def fallback_count(operation=None):
    """How often this process fell back, for one operation or in all."""
    with _lock:
        return _fallbacks[operation] if operation else sum(_fallbacks.values())


def reset_fallback_count():
    with _lock:
        _fallbacks.clear()


class FallbackBackend(SearchBackend):
    # After a failed read, reads skip the cluster for this long: a cluster that times out
    # would otherwise cost every search the full timeout before it falls back.
    COOL_DOWN_SECONDS = 30

    def __init__(self, primary, fallback):
        self.primary = primary
        self.fallback = fallback
        self._skip_primary_until = 0.0

    @property
    def name(self):
        return self.primary.name

    def _read(self, operation, *args):
        if time.monotonic() < self._skip_primary_until:
            record_fallback(operation, "failed recently, not asked", level=logging.INFO)
            return getattr(self.fallback, operation)(*args)
        try:
            return getattr(self.primary, operation)(*args)
        except BackendUnavailable as exc:
            self._skip_primary_until = time.monotonic() + self.COOL_DOWN_SECONDS
            record_fallback(operation, exc)
            return getattr(self.fallback, operation)(*args)

    def search(self, query):
        return self._read("search", query)

    def more_like_this(self, solution_id, limit=5):
        return self._read("more_like_this", solution_id, limit)

    def documents(self, ids, *, long_texts=True):
        # The database holds the same documents (written first): no round trip needed.
        return self.fallback.documents(ids, long_texts=long_texts)

    def index(self, docs):
        docs = list(docs)
        self.fallback.index(docs)
        self.primary.index(docs)
        self._skip_primary_until = 0.0  # it answered: reads may use it again

    def delete(self, ids):
        ids = list(ids)
        self.fallback.delete(ids)
        self.primary.delete(ids)

    def clear(self):
        self.fallback.clear()
        self.primary.clear()

    def ping(self):
        return self.primary.ping()

    def indexed_versions(self):
        return self.primary.indexed_versions()

    def count(self):
        return self.primary.count()

    def rebuild(self, batches, live_ids=None):
        # One transaction around the database side: if the cluster fails halfway, the
        # fallback index rolls back to what it was instead of staying half-built.
        with transaction.atomic(using=self.fallback.using):
            self.fallback.clear()

            def mirrored():
                for docs in batches:
                    self.fallback.index(docs)
                    yield docs

            return self.primary.rebuild(mirrored(), live_ids=live_ids)

    def describe(self):
        info = {
            "fallback": self.fallback.name,
            "fallback_documents": self.fallback.count(),
            "fallbacks_in_this_process": fallback_count(),
        }
        try:
            info.update(self.primary.describe())
        except BackendUnavailable as exc:
            info["error"] = str(exc)
        return info
