"""Caps on an organisation's free texts, for the API and import_catalog alike (docs/api.md,
"Limits"). The profile is shown on every solution of a vendor: a few paragraphs."""

ORGANIZATION_DESCRIPTION_MAX_CHARS = 5_000
# The rest of a vendor's profile (accounts.profile checks them for every door).
LOGO_MAX_BYTES = 1024 * 1024  # a logo on a card: 1 MiB is plenty for PNG, JPEG or WebP
SERVICE_REGIONS_MAX = 50  # above the taxonomy's 31 regions: "all of them" fits
CERTIFICATIONS_MAX = 20
CONTACTS_MAX = 5
CERTIFICATION_TEXT_MAX_CHARS = 200  # name, issuer, number
CONTACT_TEXT_MAX_CHARS = 100  # name, title, phone
