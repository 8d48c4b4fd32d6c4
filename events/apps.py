from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Delivers events to people and partners (the outbox itself is in core): the notices
    that say who hears of each event of the apps below (notices/), in-app notifications with
    each person's email preference (immediate, daily digest, off), and partner webhooks:
    subscriptions, signed deliveries and their attempts."""

    name = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import subscribe

        from . import notices
        from .webhooks import services as webhooks
        from .webhooks.attempts import DISABLED_TOPIC

        subscribe("*", webhooks.fan_out)
        subscribe(DISABLED_TOPIC, webhooks.notify_disabled)
        notices.register()
