"""Web pages of the marketplace, one module per sub-domain. Reads go through the selectors,
which scope everything to the reader's organisations; writes go through marketplace.services."""
