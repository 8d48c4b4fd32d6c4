from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Owns people and organisations: the custom User, Organization (vendor, enterprise,
    operator), Membership with roles, and the hashed, scoped API keys partners use."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import topics
        from .api import schema  # noqa: F401 - registers the API key scheme with the schema
        from .api.authentication import forget_principals
        from .models import APIKey, Membership, Organization, User

        # Whatever decides what a key may do: remembered keys are checked afresh.
        for model in (APIKey, Membership, Organization):
            post_save.connect(forget_principals, sender=model, dispatch_uid=f"keys-{model}")
            post_delete.connect(forget_principals, sender=model, dispatch_uid=f"keys-{model}-")
        post_save.connect(_user_saved, sender=User, dispatch_uid="keys-user")
        post_delete.connect(forget_principals, sender=User, dispatch_uid="keys-user-")
        topics.declare()


def _user_saved(sender, update_fields=None, **kwargs):
    """A sign-in writes only `last_login`: no key's rights change with it."""
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    from .api.authentication import forget_principals

    forget_principals()
