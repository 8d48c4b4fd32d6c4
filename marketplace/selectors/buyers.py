"""Who may become a buyer here: what stands between a reader and a quote request or a need."""

from accounts import selectors as people
from accounts.models import Organization

ENTERPRISE = "enterprise"  # may ask for quotes and post needs
ANONYMOUS = "anonymous"  # signs in or up first
NO_ORGANIZATION = "no_organization"  # signed in, registers an enterprise first
OTHER_KIND = "other_kind"  # signed in for a solution provider or the operator: may not


def buyer_standing(user):
    """One of ENTERPRISE, ANONYMOUS, NO_ORGANIZATION, OTHER_KIND (never trusted for
    permission: the services decide; this only says which way the page points)."""
    if not user.is_authenticated:
        return ANONYMOUS
    if people.primary_organization(user, Organization.Kind.ENTERPRISE) is not None:
        return ENTERPRISE
    if not people.organizations_of(user).exists():
        return NO_ORGANIZATION
    return OTHER_KIND
