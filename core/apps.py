from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom floor: API plumbing, the workflow kernel, the outbox core and the topic
    registry. It imports no other app of the project (tests/architecture checks it)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"
