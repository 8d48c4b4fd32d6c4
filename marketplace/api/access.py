"""Who reads a request for quotes and what hangs from it in the marketplace API. (The
organisation a person acts for is accounts.selectors.acting_organization.)"""

from accounts.api.policy import Access

# Reads of a request for quotes, its quotes and files: its two sides (the selectors show
# each only its own), and operator staff where the selectors allow.
PARTIES = Access.members("enterprise", "vendor", "operator", scope="catalog:read",
                         keys={"enterprise", "vendor"})
