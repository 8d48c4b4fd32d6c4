"""Quote revisions keep every version; vendors decline with a reason; one acceptance wins."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from marketplace import services
from marketplace.models import Quote, QuoteRequest
from tests.factories import EnterpriseFactory, VendorFactory

from .factories import make_quote, make_request, member_of

pytestmark = pytest.mark.django_db


def revision_payload(**extra):
    return {
        "line_items": [{"description": "Gateways", "quantity": "3", "unit_price_cny": "0.10"},
                       {"description": "Rollout", "quantity": "1", "unit_price_cny": "0.20"}],
        "delivery_weeks": 8,
        "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "terms": "50% on delivery",
        **extra,
    }


@pytest.fixture
def quote(enterprise, vendor, vendor_user, on_commit):
    with on_commit():  # deliver its event now, so later events schedule their own dispatch
        return make_quote(make_request(enterprise, [vendor]), vendor, actor=vendor_user)


def test_revision_keeps_the_previous_version_and_recomputes_the_total(api_as, quote,
                                                                      vendor_user):
    client = api_as(vendor_user)
    response = client.post(f"/api/v1/quotes/{quote.pk}/revise/",
                           revision_payload(total_cny="1"), format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    # 3 × 0.10 + 0.20 in Decimal: exactly 0.50, never 0.5000000001
    assert (body["status"], body["version"], body["total_cny"]) == ("revised", 2, "0.50")
    versions = client.get(f"/api/v1/quotes/{quote.pk}/versions/").json()["results"]
    assert [(v["version"], v["total_cny"]) for v in versions] == [(1, "300000.50"), (2, "0.50")]
    assert [i["description"] for i in versions[0]["line_items"]] == ["Edge gateways",
                                                                     "Model training"]
    assert Quote.objects.get().line_items.count() == 2


def test_a_revised_quote_can_be_revised_again_and_accepted(api_as, quote, vendor_user,
                                                           enterprise_user):
    client = api_as(vendor_user)
    client.post(f"/api/v1/quotes/{quote.pk}/revise/", revision_payload(), format="json")
    again = client.post(f"/api/v1/quotes/{quote.pk}/revise/", revision_payload(), format="json")
    assert again.json()["version"] == 3
    accepted = api_as(enterprise_user).post(f"/api/v1/quotes/{quote.pk}/accept/",
                                            {"version": 3}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"


def test_only_the_quoting_vendor_revises_or_declines(api_as, quote, enterprise_user,
                                                     other_vendor_user):
    for user in (enterprise_user, other_vendor_user):
        client = api_as(user)
        revise = client.post(f"/api/v1/quotes/{quote.pk}/revise/", revision_payload(),
                             format="json")
        decline = client.post(f"/api/v1/quotes/{quote.pk}/decline/", {"reason": "x"},
                              format="json")
        assert revise.status_code in (403, 404)
        assert decline.status_code in (403, 404)
    assert Quote.objects.get().status == "submitted"


def test_vendor_declines_with_a_reason(api_as, quote, vendor_user, enterprise_user):
    client = api_as(vendor_user)
    no_reason = client.post(f"/api/v1/quotes/{quote.pk}/decline/", {"reason": ""},
                            format="json")
    assert no_reason.status_code == 400
    response = client.post(f"/api/v1/quotes/{quote.pk}/decline/",
                           {"reason": "Capacity is booked until spring"}, format="json")
    assert response.status_code == 200
    assert response.json()["decline_reason"] == "Capacity is booked until spring"
    declined = api_as(enterprise_user).post(f"/api/v1/quotes/{quote.pk}/accept/",
                                            {"version": 1}, format="json")
    assert declined.status_code == 400
    assert "quote" in declined.json()["errors"]  # no longer live, whatever the version


def test_an_accepted_quote_cannot_be_revised(api_as, quote, vendor_user, enterprise_user):
    services.accept_quote(actor=enterprise_user, quote=quote, version=1)
    response = api_as(vendor_user).post(f"/api/v1/quotes/{quote.pk}/revise/",
                                        revision_payload(), format="json")
    assert response.status_code == 400
    assert Quote.objects.get().version == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks need PostgreSQL; SQLite serialises writers")
def test_two_acceptances_at_once_exactly_one_wins():
    enterprise = EnterpriseFactory()
    buyer = member_of(enterprise)
    first, second = VendorFactory(), VendorFactory()
    request = make_request(enterprise, [first, second])
    quotes = [make_quote(request, first), make_quote(request, second)]
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(quote):
        try:
            barrier.wait()
            services.accept_quote(actor=buyer, quote=quote, version=quote.version)
            outcomes.append("won")
        except Exception as exc:  # the loser sees the request settled
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(q,)) for q in quotes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ValidationError", "won"]
    assert sorted(Quote.objects.values_list("status", flat=True)) == ["accepted", "declined"]
    assert QuoteRequest.objects.get().status == "accepted"


def test_the_other_party_hears_of_revisions_and_declines(api_as, quote, vendor_user,
                                                         enterprise_user, on_commit):
    from events.models import Notification

    client = api_as(vendor_user)
    with on_commit():
        client.post(f"/api/v1/quotes/{quote.pk}/revise/", revision_payload(), format="json")
    with on_commit():
        client.post(f"/api/v1/quotes/{quote.pk}/decline/", {"reason": "Booked"}, format="json")
    topics = set(Notification.objects.filter(recipient=enterprise_user)
                 .values_list("topic", flat=True))
    assert {"quote.revised", "quote.declined"} <= topics
