from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    """Owns the taxonomy (stages, links, scenarios, industries, technologies, maturity levels,
    regions, factory tiers, plan targets), vendors' Solutions with their CaseStudies, and the
    review workflow that takes a solution from draft to published."""

    name = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import consumers
        from .taxonomy import load_taxonomy_if_missing

        consumers.register()
        # The taxonomy is product data: a migrated (or flushed) database always has it.
        post_migrate.connect(load_taxonomy_if_missing, sender=self,
                             dispatch_uid="catalog.load_taxonomy")
