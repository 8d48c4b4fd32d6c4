from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Owns the transactional outbox: events written with the state change that caused them,
    the registry of consumers that react to them, their dispatch, in-app notifications with
    each person's email preference (immediate, daily digest, off), and partner webhooks:
    subscriptions, signed deliveries and their attempts."""

    name = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .registry import subscribe
        from .webhooks import services as webhooks

        subscribe("*", webhooks.fan_out)
        subscribe(webhooks.DISABLED_TOPIC, webhooks.notify_disabled)
