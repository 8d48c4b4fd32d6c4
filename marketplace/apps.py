from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    """Owns the demand side: enterprise profiles, posted Needs and their ranked Matches,
    vendors' Proposals, QuoteRequests to vendors and their versioned Quotes (states and
    expiries in workflow.py), the Message threads between the parties, and Ratings of
    delivered work; also the catalog import, which brings in vendors, enterprises, solutions
    and needs together."""

    name = "marketplace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import consumers, rating_averages, topics
        from .matching import consumers as matching_consumers

        matching_consumers.register()
        rating_averages.register()
        consumers.register()
        topics.declare()
