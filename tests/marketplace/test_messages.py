"""A thread per request and vendor: the two parties only; operators' dispute reads are logged."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from events.models import Notification
from marketplace.models import MessageAccessLog, MessageThread
from tests.factories import MembershipFactory, VendorFactory

from .factories import make_request, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rfq(enterprise, vendor):
    return make_request(enterprise, [vendor])


@pytest.fixture
def thread_id(api_as, rfq, vendor, enterprise_user, on_commit):
    with on_commit():  # deliver its event now, as a real commit would
        response = api_as(enterprise_user).post("/api/v1/message-threads/", {
            "request": rfq.pk, "vendor": vendor.pk, "body": "Can you deliver before March?"
        }, format="json")
    assert response.status_code == 201, response.content
    return MessageThread.objects.get().pk


def test_enterprise_and_vendor_talk_in_one_thread(api_as, thread_id, vendor_user, rfq,
                                                  enterprise_user, on_commit):
    with on_commit():
        reply = api_as(vendor_user).post(f"/api/v1/message-threads/{thread_id}/messages/",
                                         {"body": "Yes, in 8 weeks."}, format="json")
    assert reply.status_code == 201
    assert Notification.objects.filter(recipient=enterprise_user,
                                       topic="message.posted").exists()
    bodies = [m["body"] for m in api_as(enterprise_user).get(
        f"/api/v1/message-threads/{thread_id}/messages/").json()["results"]]
    assert bodies == ["Can you deliver before March?", "Yes, in 8 weeks."]
    # a vendor may omit `vendor`: it writes in its own thread
    api_as(vendor_user).post("/api/v1/message-threads/",
                             {"request": rfq.pk, "body": "Sent the datasheet."}, format="json")
    assert MessageThread.objects.count() == 1


def test_nobody_else_reads_or_writes_the_thread(api_as, thread_id, rfq, other_enterprise_user,
                                                other_vendor_user, reviewer):
    for user in (other_enterprise_user, other_vendor_user):
        client = api_as(user)
        assert client.get("/api/v1/message-threads/").json()["count"] == 0
        assert client.get(f"/api/v1/message-threads/{thread_id}/messages/").status_code == 404
        assert client.post(f"/api/v1/message-threads/{thread_id}/messages/",
                           {"body": "Hello"}, format="json").status_code == 404
    # Operator staff are no party to any thread: they read one only through dispute-read.
    client = api_as(reviewer)
    assert client.get("/api/v1/message-threads/").status_code == 403
    assert client.get(f"/api/v1/message-threads/{thread_id}/messages/").status_code == 403
    assert client.post(f"/api/v1/message-threads/{thread_id}/messages/",
                       {"body": "Hello"}, format="json").status_code == 403


def test_a_second_invited_vendor_never_sees_the_first_vendors_thread(api_as, thread_id, rfq):
    second = VendorFactory()
    rfq.vendors.add(second)
    client = api_as(member_of(second))
    assert client.get(f"/api/v1/message-threads/{thread_id}/").status_code == 404
    assert client.get("/api/v1/message-threads/").json()["count"] == 0


def test_operator_reads_a_thread_for_a_dispute_and_the_access_is_logged(api_as, thread_id,
                                                                         operator):
    staff = MembershipFactory(organization=operator, role=Membership.Role.MEMBER).user
    client = api_as(staff)
    url = f"/api/v1/message-threads/{thread_id}/dispute-read/"
    assert client.post(url, {"reason": ""}, format="json").status_code == 400
    response = client.post(url, {"reason": "Dispute #42 about delivery dates"}, format="json")
    assert response.status_code == 200
    assert [m["body"] for m in response.json()] == ["Can you deliver before March?"]
    log = MessageAccessLog.objects.get()
    assert (log.operator, log.reason) == (staff, "Dispute #42 about delivery dates")


def test_parties_cannot_use_the_dispute_read(api_as, thread_id, enterprise_user):
    url = f"/api/v1/message-threads/{thread_id}/dispute-read/"
    assert api_as(enterprise_user).post(url, {"reason": "curious"},
                                        format="json").status_code == 403
    assert not MessageAccessLog.objects.exists()


def test_thread_page_for_the_parties_only(client, rfq, vendor, vendor_user, enterprise_user,
                                          other_vendor_user):
    url = reverse("message-thread", args=[rfq.pk, vendor.pk])
    client.force_login(vendor_user)
    assert client.post(url, {"body": "Datasheet attached"}).status_code == 302
    client.force_login(enterprise_user)
    assert "Datasheet attached" in client.get(url).content.decode()
    client.force_login(other_vendor_user)
    assert client.get(url).status_code == 404
