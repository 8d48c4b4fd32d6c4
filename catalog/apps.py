from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Owns the taxonomy (stages, links, scenarios, industries, technologies, maturity levels,
    regions, factory tiers, plan targets), vendors' Solutions with their CaseStudies, and the
    review workflow that takes a solution from draft to published."""

    name = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import consumers

        consumers.register()
