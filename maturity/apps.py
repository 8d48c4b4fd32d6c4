from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MaturityConfig(AppConfig):
    """Owns the intelligent-manufacturing capability maturity model (GB/T 39116 style,
    versioned), enterprises' self-assessments and their scoring, the smart-factory registry,
    and the plan's targets with their live progress and monthly snapshots."""

    name = "maturity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import topics
        from .loading import load_on_migrate

        topics.declare()
        # The shipped model is product data, like the taxonomy it builds on: a migrated
        # database has it. (catalog loads the taxonomy first: it comes earlier in
        # INSTALLED_APPS.)
        post_migrate.connect(load_on_migrate, sender=self,
                             dispatch_uid="maturity.load_maturity_model")
