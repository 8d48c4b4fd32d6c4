"""The public vendor directory and a vendor's page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts import selectors as people
from accounts.models import Organization
from catalog import selectors
from catalog.profile_forms import VendorDirectoryForm

DIRECTORY_PAGE_SIZE = 24


def vendor_list(request):
    form = VendorDirectoryForm(request.GET or None,
                               offer_unverified=people.is_operator(request.user))
    filters = form.filters()
    vendors = selectors.vendor_directory(
        **{**filters, "show": filters.get("show") or "verified"})
    page = Paginator(vendors, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    regions = selectors.regions_by_code()
    scenarios = selectors.scenarios_of_vendors([vendor.pk for vendor in page])
    cards = [
        {"vendor": vendor, "region": regions.get(vendor.region),
         "scenarios": scenarios.get(vendor.pk, [])}
        for vendor in page
    ]
    querystring = urlencode({name: value for name, value in filters.items() if value})
    return render(request, "catalog/vendor_list.html", {
        "form": form, "page_obj": page, "cards": cards, "querystring": querystring,
        "active_filters": sum(1 for value in filters.values() if value),
    })


def vendor_detail(request, pk):
    vendor = get_object_or_404(Organization, pk=pk, kind=Organization.Kind.VENDOR)
    is_member = people.is_member(request.user, vendor)
    if not (vendor.is_verified or is_member or people.is_operator(request.user)):
        # Awaiting verification or rejected: a claim nobody has checked is not shown to the
        # public (its members and operator staff see the page).
        raise Http404
    solutions = selectors.published_solutions().filter(vendor=vendor).order_by(
        "-published_at", "-pk"
    )
    page = Paginator(solutions, 12).get_page(request.GET.get("page"))
    regions = selectors.regions_by_code()
    return render(request, "catalog/vendor_detail.html", {
        "vendor": vendor,
        "page_obj": page,
        "is_member": is_member,
        "region": regions.get(vendor.region),
        "service_regions": [regions[code] for code in vendor.service_regions if code in regions],
    })
