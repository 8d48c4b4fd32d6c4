"""The checks the marketplace's services share: who may act for an organisation, and a
model's own validation with its errors by field."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts import selectors as people


def require_member(actor, organization, kind):
    if organization.kind != kind:
        raise PermissionDenied(_("This action is for %(kind)s organisations.") % {"kind": kind})
    if not (actor.is_superuser or people.is_member(actor, organization)):
        raise PermissionDenied(_("You are not a member of this organisation."))


def full_clean(instance, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
