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
        from django.db.models.signals import post_init

        from . import consumers, rating_averages, topics
        from .matching import consumers as matching_consumers
        from .matching import reasons
        from .models import Match

        matching_consumers.register()
        rating_averages.register()
        consumers.register()
        topics.declare()
        # Match rows store their reasons as codes; they are read as sentences in the reader's
        # language (matching/reasons.py).
        post_init.connect(reasons.render_match_reasons, sender=Match,
                          dispatch_uid="marketplace.render_match_reasons")
