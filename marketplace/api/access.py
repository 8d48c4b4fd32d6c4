"""Who acts in the marketplace API: the organisation a person acts for, and the parties that
read a request for quotes and what hangs from it."""

from rest_framework.exceptions import PermissionDenied

from accounts import selectors as people
from accounts.api.policy import Access


def acting_org(user, kind, what):
    organization = people.primary_organization(user, kind)
    if organization is None:
        raise PermissionDenied(f"Only members of a{'n' if kind[0] in 'aeiou' else ''} "
                               f"{kind} organisation can {what}.")
    return organization


# Reads of a request for quotes, its quotes and files: its two sides (the selectors show
# each only its own), and operator staff where the selectors allow.
PARTIES = Access.members("enterprise", "vendor", "operator", scope="catalog:read",
                         keys={"enterprise", "vendor"})
