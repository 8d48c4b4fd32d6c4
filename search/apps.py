from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Owns the one index definition of published solutions, the search backends behind one
    interface (database: SQLite FTS5 / PostgreSQL full text; Elasticsearch), synonyms across
    English and Chinese, suggestions while typing, keeping the index in sync from outbox
    events, similar solutions, and the near-duplicate pre-check of submissions
    (search/checks.py). Matching needs to solutions is marketplace's (marketplace/matching/),
    a client of this search service."""

    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.checks import register as register_system_check
        from django.db.models.signals import post_delete, post_save

        from catalog.checks import register as register_check
        from catalog.models import (
            Industry,
            LifecycleStage,
            MaturityLevel,
            Region,
            Scenario,
            ScenarioLink,
            Technology,
        )

        from . import checks, concepts, consumers, index, synonyms

        consumers.register()
        # `manage.py check` (and every command) names a bad entry of the concept list.
        register_system_check(concepts.check_concepts)
        # Catalog never imports search: search adds its pre-check to catalog's registry.
        register_check("near_duplicate", checks.near_duplicate)
        # Synonyms are made of taxonomy names, documents name taxonomy codes, search pages
        # label facets with taxonomy rows (search.selectors.taxonomy_rows): all are kept in
        # memory and forgotten when the taxonomy changes.
        for model in (Scenario, ScenarioLink, LifecycleStage, Technology, Industry, Region,
                      MaturityLevel):
            for signal in (post_save, post_delete):
                for forget in (synonyms.forget, index.forget_taxonomy):
                    signal.connect(forget, sender=model, dispatch_uid=(
                        f"search.{forget.__module__}.{forget.__name__}.{model.__name__}."
                        f"{id(signal)}"))
