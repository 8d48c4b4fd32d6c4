from django.apps import AppConfig


class ChangesConfig(AppConfig):
    """Owns the change feed: every outbox event that changes a resource a partner can read,
    numbered in commit order with who may see it, so partners sync incrementally through
    /api/v1/changes/ without missing or repeating a change."""

    name = "changes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import consumers

        consumers.register()
