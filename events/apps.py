from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Owns the transactional outbox: events written with the state change that caused them,
    the registry of consumers that react to them, their dispatch, and in-app notifications."""

    name = "events"
    default_auto_field = "django.db.models.BigAutoField"
