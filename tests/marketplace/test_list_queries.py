"""New list endpoints run a constant number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import services
from tests.factories import VendorFactory

from .factories import make_quote, make_request, member_of

pytestmark = pytest.mark.django_db

SCORES = {"quality": 4, "delivery": 4, "communication": 4, "value": 4}


def add_rated_thread(enterprise, buyer):
    vendor = VendorFactory()
    request = make_request(enterprise, [vendor])
    services.post_message(actor=buyer, request=request, vendor=vendor, body="Hello")
    quote = services.accept_quote(actor=buyer, quote=make_quote(request, vendor), version=1)
    services.rate(actor=buyer, quote=quote, scores=SCORES)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/message-threads/", "/api/v1/ratings/"])
def test_list_queries_do_not_grow_with_rows(api_as, enterprise, url):
    buyer = member_of(enterprise)
    client = api_as(buyer)
    add_rated_thread(enterprise, buyer)
    one = count_queries(client, url)
    for _ in range(3):
        add_rated_thread(enterprise, buyer)
    assert count_queries(client, url) == one
