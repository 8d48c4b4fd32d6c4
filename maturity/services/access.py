"""Who may act: the two checks every maturity service starts with."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.models import Organization


def require_enterprise_member(actor, enterprise):
    """Only the enterprise's own members assess it and register its factories."""
    if enterprise.kind != Organization.Kind.ENTERPRISE:
        raise PermissionDenied(_("Only enterprises assess their maturity and register "
                                 "factories."))
    if not (actor.is_superuser or people.is_member(actor, enterprise)):
        raise PermissionDenied(_("You are not a member of this enterprise."))


def require_operator(actor):
    if not people.is_operator(actor):
        raise PermissionDenied(_("Only the operator's staff can do this."))
