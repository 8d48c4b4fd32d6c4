from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Owns the one index definition of published solutions, the search backends behind one
    interface (database: SQLite FTS5 / PostgreSQL full text; Elasticsearch), keeping the index
    in sync from outbox events, and matching needs to solutions."""

    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import consumers

        consumers.register()
