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
        _provide_region_codes()
        topics.declare()
        organization_codes.provide(taxonomy_port.PORT)
        # The taxonomy and review reasons are product data: a migrated database has them.
        post_migrate.connect(load_reference_data, sender=self,
                             dispatch_uid="catalog.load_taxonomy")


def _provide_region_codes():
    """Let accounts check an organisation's regions served against the taxonomy (it sits a
    floor below and cannot read it itself)."""
    from accounts import profile

    from .models import Region

    profile.known_region_codes = lambda: set(Region.objects.values_list("code", flat=True))
