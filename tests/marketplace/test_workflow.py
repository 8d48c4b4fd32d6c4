"""States and deadlines of needs, requests and quotes: one table each, expiries by beat."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.api.problems import problem_exception_handler
from core.models import OutboxEvent
from core.workflow import TransitionNotAllowed
from marketplace import services, tasks, workflow
from marketplace.models import Need, Quote, QuoteRequest
from tests.factories import NeedFactory, VendorFactory

from .factories import make_quote, make_request

pytestmark = pytest.mark.django_db


def topics(instance):
    return list(OutboxEvent.objects.filter(
        aggregate_type=instance._meta.label_lower, aggregate_id=str(instance.pk)
    ).order_by("id").values_list("topic", flat=True))


def test_closing_a_need_writes_an_outbox_event(enterprise, enterprise_user):
    need = NeedFactory(enterprise=enterprise)
    services.close_need(actor=enterprise_user, need=need)
    services.close_need(actor=enterprise_user, need=need)  # closing twice changes nothing
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED
    assert topics(need) == ["need.closed"]


def test_vendor_cannot_close_an_enterprises_need(enterprise, vendor_user):
    need = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
    with pytest.raises(PermissionDenied):
        workflow.transition_need(need, Need.Status.CLOSED, actor=vendor_user)
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


def test_a_move_missing_from_the_table_is_refused(enterprise, enterprise_user):
    need = NeedFactory(enterprise=enterprise, status=Need.Status.CLOSED)
    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.transition_need(need, Need.Status.OPEN, actor=enterprise_user)
    assert refused.value.allowed == []


def test_a_refused_move_answers_409_naming_the_moves_allowed(enterprise, vendor):
    request = make_request(enterprise, [vendor])
    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.transition_request(request, QuoteRequest.Status.OPEN)
    response = problem_exception_handler(refused.value, {})
    assert response.status_code == 409
    assert response.data["type"] == "about:blank#transition-not-allowed"
    assert response.data["current_status"] == "open"
    assert response.data["allowed"] == ["accepted", "closed", "expired"]
    request.refresh_from_db()
    assert request.status == QuoteRequest.Status.OPEN


def test_only_the_system_expires_a_request(enterprise, enterprise_user, vendor):
    request = make_request(enterprise, [vendor])
    with pytest.raises(PermissionDenied):
        workflow.transition_request(request, QuoteRequest.Status.EXPIRED, actor=enterprise_user)
    workflow.transition_request(request, QuoteRequest.Status.EXPIRED)
    assert topics(request) == ["rfq.expired"]


def test_need_past_its_deadline_closes_and_its_open_requests_expire(enterprise, vendor):
    today = timezone.localdate()
    need = NeedFactory(enterprise=enterprise, deadline=today + timedelta(days=3))
    request = make_request(enterprise, [vendor], need=need)
    keeps = NeedFactory(enterprise=enterprise, deadline=today + timedelta(days=10))

    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert tasks.expire_marketplace_items() == {"needs": 0, "requests": 0, "quotes": 0}
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        first = tasks.expire_marketplace_items()
        second = tasks.expire_marketplace_items()

    assert first == {"needs": 1, "requests": 1, "quotes": 0}
    assert second == {"needs": 0, "requests": 0, "quotes": 0}
    need.refresh_from_db(), request.refresh_from_db(), keeps.refresh_from_db()
    assert (need.status, request.status, keeps.status) == ("closed", "expired", "open")
    assert topics(need) == ["need.closed"]
    assert topics(request) == ["rfq.expired"]


def test_quote_past_its_validity_expires_and_cannot_be_accepted(enterprise, enterprise_user,
                                                                 vendor):
    request = make_request(enterprise, [vendor])
    quote = make_quote(request, vendor, valid_days=5)
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        assert tasks.expire_marketplace_items()["quotes"] == 1
        assert tasks.expire_marketplace_items()["quotes"] == 0
        with pytest.raises(ValidationError):
            services.accept_quote(actor=enterprise_user, quote=quote, version=quote.version)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.EXPIRED
    assert topics(quote) == ["quote.submitted", "quote.expired"]


def test_a_quote_holds_through_its_last_valid_day_and_has_expired_the_next(enterprise, vendor):
    quote = make_quote(make_request(enterprise, [vendor]), vendor, valid_days=5)
    last_day = quote.valid_until
    day_after = last_day + timedelta(days=1)
    assert not quote.is_expired(last_day) and quote.is_expired(day_after)
    assert not Quote.objects.expired(last_day).exists()
    assert list(Quote.objects.expired(day_after)) == [quote]


def test_accepting_declines_other_live_quotes_with_events(enterprise, enterprise_user, vendor):
    second = VendorFactory()
    request = make_request(enterprise, [vendor, second])
    chosen, other = make_quote(request, vendor), make_quote(request, second)
    services.accept_quote(actor=enterprise_user, quote=chosen, version=chosen.version)
    other.refresh_from_db(), request.refresh_from_db()
    assert other.status == Quote.Status.DECLINED
    assert other.decline_reason
    assert request.status == QuoteRequest.Status.ACCEPTED
    assert topics(other)[-1] == "quote.declined"
    assert topics(request) == ["rfq.accepted"]


def test_need_deadline_in_the_past_is_refused(api_as, enterprise_user):
    response = api_as(enterprise_user).post("/api/v1/needs/", {
        "title": "Late", "deadline": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }, format="json")
    assert response.status_code == 400
    assert "deadline" in response.json()["errors"]


def test_public_need_cannot_invite_vendors(api_as, enterprise_user, vendor):
    response = api_as(enterprise_user).post("/api/v1/needs/", {
        "title": "Open call", "visibility": "public", "invited_vendors": [vendor.pk],
    }, format="json")
    assert response.status_code == 400
    assert "invited_vendors" in response.json()["errors"]


class TestNeedVisibility:
    def test_vendor_sees_open_public_needs_and_private_ones_it_was_invited_to(
        self, api_as, enterprise, vendor, vendor_user
    ):
        public = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
        invited = NeedFactory(enterprise=enterprise)
        invited.invited_vendors.add(vendor)
        NeedFactory(enterprise=enterprise)  # private, not invited
        NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC,
                    status=Need.Status.CLOSED)
        ids = {n["id"] for n in api_as(vendor_user).get("/api/v1/needs/").json()["results"]}
        assert ids == {public.pk, invited.pk}

    def test_vendor_never_sees_the_matches_of_a_need(self, api_as, enterprise, vendor_user):
        public = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
        client = api_as(vendor_user)
        assert client.get(f"/api/v1/needs/{public.pk}/").status_code == 200
        # Matches are the enterprise's alone: a vendor's role is refused before any lookup.
        assert client.get(f"/api/v1/needs/{public.pk}/matches/").status_code == 403

    def test_another_enterprise_never_sees_a_public_need(self, api_as, enterprise,
                                                         other_enterprise_user):
        public = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
        client = api_as(other_enterprise_user)
        assert client.get(f"/api/v1/needs/{public.pk}/").status_code == 404
        assert client.get("/api/v1/needs/").json()["count"] == 0
