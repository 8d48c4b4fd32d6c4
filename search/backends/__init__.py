"""The search backend in use, chosen by settings.SEARCH_BACKEND."""

from django.conf import settings

from .base import BackendUnavailable, SearchBackend, SearchHit, SearchQuery, SearchResults

__all__ = [
    "BackendUnavailable",
    "SearchBackend",
    "SearchHit",
    "SearchQuery",
    "SearchResults",
    "get_backend",
]

_backends = {}


def _settings_key():
    return (
        settings.SEARCH_BACKEND,
        settings.ELASTICSEARCH_URL,
        settings.ELASTICSEARCH_INDEX_PREFIX,
        settings.ELASTICSEARCH_TIMEOUT,
    )


def get_backend():
    """The database backend, or Elasticsearch with the database as its fallback.

    One instance per configuration, so the Elasticsearch client's connection pool is reused;
    a change of settings (as in tests) gets a new one."""
    key = _settings_key()
    if key not in _backends:
        from .database import DatabaseBackend

        if settings.SEARCH_BACKEND == "elasticsearch":
            from .elasticsearch import ElasticsearchBackend
            from .fallback import FallbackBackend

            _backends[key] = FallbackBackend(
                ElasticsearchBackend.from_settings(), DatabaseBackend()
            )
        else:
            _backends[key] = DatabaseBackend()
    return _backends[key]
