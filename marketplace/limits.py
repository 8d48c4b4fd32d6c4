"""Caps on the marketplace's lists and free texts: needs, requests for quotes, quotes,
proposals, messages and ratings.

The API serializers, the web forms and import_catalog read these numbers, and the services
check them again (docs/api.md, "Limits"). Taxonomy lists of a need use catalog.limits, the
same as a solution's. Stored data over a cap is left as it is; only new writes are held."""

# Shared with search, which ranks solutions for needs that are not stored.
from catalog.limits import NEED_DESCRIPTION_MAX_CHARS  # noqa: F401

INVITED_VENDORS_MAX = 50  # a private need's invitations
REQUIREMENTS_MAX_CHARS = 10_000  # a request for quotes' scope
QUOTE_LINE_ITEMS_MAX = 100  # a detailed bill of quantities; 10,000 were once accepted
QUOTE_TERMS_MAX_CHARS = 10_000
PROPOSAL_MESSAGE_MAX_CHARS = 5_000
MESSAGE_BODY_MAX_CHARS = 10_000
MESSAGE_ATTACHMENTS_MAX = 5  # files per message
RATING_TEXT_MAX_CHARS = 5_000  # a review, and the vendor's reply to it
# Why a quote is declined, a rating hidden, a thread read for a dispute.
REASON_MAX_CHARS = 2_000
