"""Simplified Chinese number formats; everything not set here comes from Django's zh_Hans.

Amounts in yuan are grouped by thousands with commas (¥1,234,567.00), as invoices, quotes
and financial statements in China write them."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
