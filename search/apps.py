from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Owns the one index definition of published solutions, the search backends behind one
    interface (database: SQLite FTS5 / PostgreSQL full text; Elasticsearch), keeping the index
    in sync from outbox events, matching needs to solutions, and the near-duplicate pre-check of
    submissions (search/checks.py)."""

    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog.checks import register as register_check

        from . import checks, consumers

        consumers.register()
        # Catalog never imports search: search adds its pre-check to catalog's registry.
        register_check("near_duplicate", checks.near_duplicate)
