from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    """Owns the taxonomy (stages, links, scenarios, industries, technologies, maturity levels,
    regions, factory tiers, plan targets), vendors' Solutions with their CaseStudies, and the
    review workflow that takes a solution from draft to published."""

    name = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import taxonomy as organization_codes

        from . import consumers, taxonomy_port, topics
        from .checks import attachments, content, links  # noqa: F401 - they register themselves
        from .taxonomy import load_reference_data

        consumers.register()
        topics.declare()
        organization_codes.provide(taxonomy_port.PORT)
        # The taxonomy and review reasons are product data: a migrated database has them.
        post_migrate.connect(load_reference_data, sender=self,
                             dispatch_uid="catalog.load_taxonomy")

