"""The catalog's taxonomy as accounts sees it (accounts.taxonomy): the regions and industries
an organisation may name, in the reader's language. Provided from CatalogConfig.ready()."""

from accounts.taxonomy import TaxonomyPort

from .models import Industry, Region


def _choices(model):
    return [(item.code, item.name) for item in model.objects.order_by("code")]


def regions():
    return _choices(Region)


def industries():
    return _choices(Industry)


PORT = TaxonomyPort(regions=regions, industries=industries)
