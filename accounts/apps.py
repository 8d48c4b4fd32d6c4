from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Owns people and organisations: the custom User, Organization (vendor, enterprise,
    operator), Membership with roles, and the hashed, scoped API keys partners use."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .api import schema  # noqa: F401 - registers the API key scheme with the schema
