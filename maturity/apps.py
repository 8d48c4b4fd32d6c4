from django.apps import AppConfig


class MaturityConfig(AppConfig):
    """Owns the intelligent-manufacturing capability maturity model (GB/T 39116 style,
    versioned), enterprises' self-assessments and their scoring, the smart-factory registry,
    and the plan's targets with their live progress."""

    name = "maturity"
    default_auto_field = "django.db.models.BigAutoField"
