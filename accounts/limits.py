"""Caps on an organisation's free texts, for the API and import_catalog alike (docs/api.md,
"Limits"). The profile is shown on every solution of a vendor: a few paragraphs."""

ORGANIZATION_DESCRIPTION_MAX_CHARS = 5_000
