"""Marketplace helpers for tests: requests for quotes and quotes made through the services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace import services
from marketplace.models import QuoteRequest
from tests.factories import MembershipFactory

LINE_ITEMS = [
    {"description": "Edge gateways", "unit": "set", "quantity": Decimal("4"),
     "unit_price_cny": Decimal("25000")},
    {"description": "Model training", "quantity": Decimal("1"),
     "unit_price_cny": Decimal("200000.50")},
]


def member_of(organization):
    return MembershipFactory(organization=organization).user


def make_request(enterprise, vendors, *, need=None, title="Predictive maintenance"):
    request = QuoteRequest.objects.create(enterprise=enterprise, need=need, title=title)
    request.vendors.set(vendors)
    return request


def make_quote(request, vendor, *, actor=None, valid_days=30, line_items=LINE_ITEMS,
               delivery_weeks=10, solution=None):
    return services.submit_quote(
        actor=actor or member_of(vendor), request=request, vendor=vendor,
        line_items=[dict(item) for item in line_items], delivery_weeks=delivery_weeks,
        valid_until=timezone.localdate() + timedelta(days=valid_days), solution=solution,
    )
