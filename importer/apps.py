from django.apps import AppConfig


class ImporterConfig(AppConfig):
    """Loads catalog files (JSON Lines, docs/import-format.md) and the demo data of `make run`.
    The top floor below config: it reads every app's models and writes through their
    services; nothing imports it."""

    name = "importer"
    default_auto_field = "django.db.models.BigAutoField"
