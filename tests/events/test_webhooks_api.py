"""/api/v1/webhooks/: organisation owners and admins, with the webhooks:manage scope."""

import pytest

from accounts.models import Membership
from events.models import WebhookAttempt, WebhookDelivery
from events.webhooks import services as webhooks
from tests.factories import MembershipFactory, VendorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]

URL = "/api/v1/webhooks/"


@pytest.fixture
def subscription(vendor, vendor_user, receiver):
    sub, _ = webhooks.create_subscription(
        actor=vendor_user, organization=vendor, url=f"{receiver.url}/in", topics=["rfq.received"]
    )
    return sub


def key_client(api, raw):
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return api


def test_admin_creates_a_subscription_and_sees_the_secret_once(
    api_as, vendor, vendor_user, receiver
):
    client = api_as(vendor_user)
    response = client.post(
        URL,
        {"url": f"{receiver.url}/in", "topics": ["quote.submitted"], "description": "ERP"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["organization"] == vendor.pk
    assert "secret" not in client.get(f"{URL}{body['id']}/").json()
    assert "secret" not in client.get(URL).json()["results"][0]


def test_unknown_topic_is_a_400_naming_it(api_as, vendor_user, receiver):
    response = api_as(vendor_user).post(
        URL,
        {"url": f"{receiver.url}/in", "topics": ["quote.submitted", "solution.eaten"]},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "solution.eaten" in response.json()["errors"]["topics"][0]


def test_empty_topics_are_refused(api_as, vendor_user, receiver):
    response = api_as(vendor_user).post(
        URL, {"url": f"{receiver.url}/in", "topics": []}, format="json"
    )
    assert response.status_code == 400 and "topics" in response.json()["errors"]


def test_topics_are_listed(api):
    names = {topic["name"] for topic in api.get(f"{URL}topics/").json()}
    assert {
        "solution.published",
        "solution.updated",
        "need.created",
        "rfq.received",
        "quote.submitted",
        "quote.accepted",
        "review.decided",
    } <= names


def test_plain_member_is_refused(api_as, vendor_member, subscription, receiver):
    client = api_as(vendor_member)
    assert client.get(URL).status_code == 403
    assert (
        client.post(
            URL, {"url": f"{receiver.url}/in", "topics": ["rfq.received"]}, format="json"
        ).status_code
        == 403
    )
    assert client.post(f"{URL}{subscription.pk}/ping/").status_code == 403


def test_admin_of_another_organisation_cannot_see_or_touch_it(api_as, subscription):
    other_admin = MembershipFactory(organization=VendorFactory(), role=Membership.Role.ADMIN).user
    client = api_as(other_admin)
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{subscription.pk}/").status_code == 404
    assert (
        client.patch(f"{URL}{subscription.pk}/", {"is_active": False}, format="json").status_code
        == 404
    )
    assert client.delete(f"{URL}{subscription.pk}/").status_code == 404
    assert client.post(f"{URL}{subscription.pk}/rotate-secret/").status_code == 404


def test_subscribing_for_an_organisation_you_do_not_administer_is_refused(
    api_as, vendor_user, enterprise, receiver
):
    response = api_as(vendor_user).post(
        URL,
        {"organization": enterprise.pk, "url": f"{receiver.url}/in", "topics": ["rfq.received"]},
        format="json",
    )
    assert response.status_code == 403


def test_api_key_needs_the_webhooks_manage_scope(api, vendor, vendor_user, key_for, subscription):
    without = key_client(api, key_for(vendor_user, vendor, ["catalog:read"]))
    assert without.get(URL).status_code == 403
    assert without.post(f"{URL}{subscription.pk}/ping/").status_code == 403


def test_api_key_with_the_scope_manages_its_own_organisation_only(
    api, vendor, vendor_user, key_for, subscription, enterprise, receiver
):
    Membership.objects.create(user=vendor_user, organization=enterprise, role=Membership.Role.OWNER)
    webhooks.create_subscription(
        actor=vendor_user, organization=enterprise, url=f"{receiver.url}/e", topics=["rfq.received"]
    )
    client = key_client(api, key_for(vendor_user, vendor, ["webhooks:manage"]))
    listed = client.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [subscription.pk]
    response = client.post(
        URL,
        {"organization": enterprise.pk, "url": f"{receiver.url}/x", "topics": ["rfq.received"]},
        format="json",
    )
    assert response.status_code == 403
    created = client.post(
        URL, {"url": f"{receiver.url}/x", "topics": ["rfq.received"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["organization"] == vendor.pk


def test_admin_of_several_organisations_must_say_which(api_as, vendor_user, enterprise, receiver):
    Membership.objects.create(user=vendor_user, organization=enterprise, role=Membership.Role.ADMIN)
    response = api_as(vendor_user).post(
        URL, {"url": f"{receiver.url}/in", "topics": ["rfq.received"]}, format="json"
    )
    assert response.status_code == 400 and "organization" in response.json()["errors"]


def test_update_and_disable_and_delete(api_as, vendor_user, subscription):
    client = api_as(vendor_user)
    response = client.patch(
        f"{URL}{subscription.pk}/",
        {"topics": ["quote.accepted"], "is_active": False},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["topics"] == ["quote.accepted"]
    assert response.json()["is_active"] is False
    assert response.json()["disabled_reason"] == "manual"
    assert client.delete(f"{URL}{subscription.pk}/").status_code == 204
    assert client.get(f"{URL}{subscription.pk}/").status_code == 404


def test_rotate_secret_returns_the_new_secret_once(api_as, vendor_user, subscription):
    old = subscription.secret
    response = api_as(vendor_user).post(f"{URL}{subscription.pk}/rotate-secret/")
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert response.json()["secret"] == subscription.secret != old


def test_ping_and_deliveries_with_attempts_filtered_by_status(
    api_as, vendor_user, subscription, receiver, on_commit
):
    client = api_as(vendor_user)
    receiver.answer(500, 500, 500)
    with on_commit():
        assert client.post(f"{URL}{subscription.pk}/ping/").status_code == 202
    with on_commit():
        client.post(f"{URL}{subscription.pk}/ping/")
    listed = client.get(f"{URL}{subscription.pk}/deliveries/").json()
    assert listed["count"] == 2
    failed = client.get(f"{URL}{subscription.pk}/deliveries/?status=failed").json()["results"]
    assert len(failed) == 1 and len(failed[0]["attempts"]) == 3
    assert failed[0]["attempts"][0]["status_code"] == 500
    bad = client.get(f"{URL}{subscription.pk}/deliveries/?status=lost")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_redeliver_endpoint(api_as, vendor_user, vendor_member, subscription, receiver, on_commit):
    receiver.answer(500, 500, 500)
    with on_commit():
        webhooks.ping(actor=vendor_user, subscription=subscription)
    delivery = WebhookDelivery.objects.get()
    assert (
        api_as(vendor_member)
        .post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")
        .status_code
        == 403
    )
    with on_commit():
        response = api_as(vendor_user).post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.series == 2
    again = api_as(vendor_user).get(f"/api/v1/webhook-deliveries/{delivery.pk}/").json()
    assert [a["series"] for a in again["attempts"]] == [2, 1, 1, 1]


def test_deliveries_list_runs_constant_queries(
    api_as, vendor_user, subscription, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, topic="ping", status="failed"
            )
            WebhookAttempt.objects.create(delivery=delivery, number=1, status_code=500)

    client = api_as(vendor_user)
    add(2)
    with django_assert_max_num_queries(10) as small:
        client.get(f"{URL}{subscription.pk}/deliveries/")
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"{URL}{subscription.pk}/deliveries/?page_size=50")


def test_web_pages_and_api_routes_have_distinct_url_names():
    from django.urls import reverse

    assert reverse("webhook-list") == "/account/webhooks/"
    assert reverse("webhook-detail", args=[7]) == "/account/webhooks/7/"
    assert reverse("webhook-subscription-list") == URL
    assert reverse("webhook-subscription-detail", args=[7]) == f"{URL}7/"
