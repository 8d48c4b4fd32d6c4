"""The taxonomy codes an organisation carries (region, industry), seen from accounts.

The taxonomy is the catalog's, a floor above: accounts cannot import it. The catalog provides
it here from its ready() (`provide`), and accounts asks through this port: which codes exist,
with their names in the reader's language. Registration refuses a code the port does not
know; with no provider (a misconfigured project) it fails loudly rather than let any code in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class TaxonomyPort:
    # Each returns [(code, name in the active language), …] in the taxonomy's order.
    regions: Callable[[], list]
    industries: Callable[[], list]


_provider = None


def provide(port):
    global _provider
    _provider = port


def port():
    if _provider is None:
        raise ImproperlyConfigured("No taxonomy is provided to accounts (catalog's ready()).")
    return _provider


def region_choices():
    return list(port().regions())


def industry_choices():
    return list(port().industries())


def region_name(code):
    return dict(region_choices()).get(code, code)


def industry_name(code):
    return dict(industry_choices()).get(code, code)
