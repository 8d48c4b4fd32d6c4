"""Matching ranks from the search index: the search tests' database backend and `publish`
(a published, indexed solution) hold here too."""

from tests.search.conftest import backend, database_search_backend, publish  # noqa: F401
