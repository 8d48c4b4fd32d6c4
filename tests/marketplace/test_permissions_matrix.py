"""Who sees what across the marketplace: one enterprise never sees another's needs, requests,
quotes or messages; a vendor sees only the requests sent to it; nobody rates without an
accepted quote."""

import pytest

from marketplace import services
from tests.factories import EnterpriseFactory, NeedFactory, VendorFactory

from .factories import make_quote, make_request, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Enterprise A asks vendor X; enterprise B asks vendor Y. Each pair has a thread."""
    a, b = EnterpriseFactory(), EnterpriseFactory()
    x, y = VendorFactory(), VendorFactory()
    users = {name: member_of(org) for name, org in
             {"a": a, "b": b, "x": x, "y": y}.items()}
    need_a = NeedFactory(enterprise=a)
    need_b = NeedFactory(enterprise=b)
    rfq_a = make_request(a, [x], need=need_a)
    rfq_b = make_request(b, [y], need=need_b)
    quote_a = make_quote(rfq_a, x, actor=users["x"])
    quote_b = make_quote(rfq_b, y, actor=users["y"])
    services.post_message(actor=users["a"], request=rfq_a, vendor=x, body="A to X")
    services.post_message(actor=users["b"], request=rfq_b, vendor=y, body="B to Y")
    return {"users": users, "need": {"a": need_a, "b": need_b},
            "rfq": {"a": rfq_a, "b": rfq_b}, "quote": {"a": quote_a, "b": quote_b}}


def ids(client, url):
    return {row["id"] for row in client.get(url).json()["results"]}


@pytest.mark.parametrize("reader, side", [("a", "a"), ("b", "b")])
def test_enterprise_sees_only_its_own(api_as, world, reader, side):
    other = "b" if side == "a" else "a"
    client = api_as(world["users"][reader])
    assert ids(client, "/api/v1/needs/") == {world["need"][side].pk}
    assert ids(client, "/api/v1/quote-requests/") == {world["rfq"][side].pk}
    assert ids(client, "/api/v1/quotes/") == {world["quote"][side].pk}
    assert len(ids(client, "/api/v1/message-threads/")) == 1
    for url in (f"/api/v1/needs/{world['need'][other].pk}/",
                f"/api/v1/quote-requests/{world['rfq'][other].pk}/",
                f"/api/v1/quote-requests/{world['rfq'][other].pk}/comparison/",
                f"/api/v1/quotes/{world['quote'][other].pk}/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("reader, side", [("x", "a"), ("y", "b")])
def test_vendor_sees_only_requests_sent_to_it(api_as, world, reader, side):
    other = "b" if side == "a" else "a"
    client = api_as(world["users"][reader])
    assert ids(client, "/api/v1/quote-requests/") == {world["rfq"][side].pk}
    assert ids(client, "/api/v1/quotes/") == {world["quote"][side].pk}
    assert ids(client, "/api/v1/needs/") == set()  # private needs, not invited
    assert client.get(f"/api/v1/quote-requests/{world['rfq'][other].pk}/").status_code == 404
    assert client.post("/api/v1/message-threads/", {
        "request": world["rfq"][other].pk, "body": "Hello"}, format="json").status_code == 404


@pytest.mark.parametrize("rater", ["a", "b", "x", "y"])
def test_nobody_rates_a_quote_that_was_not_accepted(api_as, world, rater):
    response = api_as(world["users"][rater]).post("/api/v1/ratings/", {
        "quote": world["quote"]["a"].pk, "quality": 5, "delivery": 5, "communication": 5,
        "value": 5}, format="json")
    assert response.status_code == 403
