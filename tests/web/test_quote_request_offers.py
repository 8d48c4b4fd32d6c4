"""A request for quotes started from one solution also offers the vendors of similar published
solutions, unticked: a buyer who came from one listing can ask several vendors at once and
compare their quotes side by side (issue 15, the second stranger's journey)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import SolutionStatus
from marketplace.models import QuoteRequest
from search.backends import BackendUnavailable
from search.services import sync_solution
from tests.factories import SolutionFactory, VendorFactory

pytestmark = pytest.mark.django_db

HINT = "Vendors of similar solutions are listed too"


def publish(**fields):
    solution = SolutionFactory(status=SolutionStatus.PUBLISHED, published_at=timezone.now(),
                               **fields)
    sync_solution(solution.pk)
    return solution


@pytest.fixture
def offers():
    """(the solution the buyer came from, a similar one of another vendor, another of the
    first vendor, one of a third vendor in another scenario)."""
    origin = publish(scenarios=["2025-28"], title_en="Spindle health monitoring")
    similar = publish(scenarios=["2025-28"], title_en="Spindle bearing diagnosis")
    same_vendor = publish(vendor=origin.vendor, scenarios=["2025-28"],
                          title_en="Spindle temperature watch")
    elsewhere = publish(scenarios=["2025-12"], title_en="Warehouse robots",
                        summary_en="Robots for the warehouse.", description_en="Robots.")
    return origin, similar, same_vendor, elsewhere


def composer(client, solution, **params):
    return client.get(reverse("quote-request-create"), {"solution": solution.pk, **params})


def test_the_vendors_of_similar_solutions_are_offered_unticked(as_user, enterprise_user,
                                                                offers):
    origin, similar, _same_vendor, elsewhere = offers
    response = composer(as_user(enterprise_user), origin)
    form = response.context["form"]
    offered = [pk for pk, _label in form.fields["vendors"].choices]
    assert offered[0] == origin.vendor_id and similar.vendor_id in offered
    assert len(offered) == len(set(offered))  # one line per vendor
    assert elsewhere.vendor_id not in offered
    assert form.initial["vendors"] == [origin.vendor_id]
    html = response.content.decode()
    assert HINT in html
    assert f"{similar.vendor.display_name} — Spindle bearing diagnosis" in html


def test_the_buyer_asks_both_in_one_request(as_user, enterprise_user, offers):
    origin, similar, *_ = offers
    response = as_user(enterprise_user).post(reverse("quote-request-create"), {
        "solution": origin.pk, "vendors": [origin.vendor_id, similar.vendor_id],
        "title": "Spindle monitoring for two lines", "requirements": "24 spindles."})
    quote_request = QuoteRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("quote-request-detail", args=[quote_request.pk])
    assert quote_request.solution == origin
    assert set(quote_request.vendors.values_list("pk", flat=True)) == {
        origin.vendor_id, similar.vendor_id}


def test_a_vendor_not_offered_is_refused_naming_the_field(as_user, enterprise_user, offers):
    origin, *_ = offers
    stranger = VendorFactory()
    response = as_user(enterprise_user).post(reverse("quote-request-create"), {
        "solution": origin.pk, "vendors": [origin.vendor_id, stranger.pk], "title": "T"})
    assert response.status_code == 200
    assert "vendors" in response.context["form"].errors
    assert not QuoteRequest.objects.exists()


def test_a_question_goes_to_the_solution_s_vendor_only(as_user, enterprise_user, offers):
    origin, *_ = offers
    response = composer(as_user(enterprise_user), origin, question="1")
    assert [pk for pk, _l in response.context["form"].fields["vendors"].choices] == [
        origin.vendor_id]
    assert HINT not in response.content.decode()


def test_a_search_outage_offers_the_solution_s_vendor_alone(as_user, enterprise_user, offers,
                                                            monkeypatch):
    from search import selectors

    def down(*args, **kwargs):
        raise BackendUnavailable("down")

    monkeypatch.setattr(selectors, "get_backend",
                        lambda: type("Down", (), {"more_like_this": down})())
    origin, *_ = offers
    response = composer(as_user(enterprise_user), origin)
    assert response.status_code == 200
    assert [pk for pk, _l in response.context["form"].fields["vendors"].choices] == [
        origin.vendor_id]
    assert HINT not in response.content.decode()


def test_the_hint_in_chinese(as_user, enterprise_user, offers, compiled_translations):
    origin, *_ = offers
    client = as_user(enterprise_user)
    client.cookies["django_language"] = "zh-hans"
    assert "同时列出了提供相似方案的服务商" in composer(client, origin).content.decode()


def test_the_vendor_asked_about_its_solution_finds_it_chosen_in_its_quote(
        as_user, enterprise, enterprise_user, offers):
    from accounts.models import Membership
    from marketplace import services
    from tests.factories import MembershipFactory

    origin, similar, *_ = offers
    quote_request = services.request_quotes(
        actor=enterprise_user, enterprise=enterprise, vendors=[origin.vendor, similar.vendor],
        title="Spindles", solution=origin)
    url = reverse("quote-create", args=[quote_request.pk])
    asked = MembershipFactory(organization=origin.vendor, role=Membership.Role.MEMBER).user
    other = MembershipFactory(organization=similar.vendor, role=Membership.Role.MEMBER).user
    assert as_user(asked).get(url).context["form"]["solution"].value() == origin.pk
    assert as_user(other).get(url).context["form"]["solution"].value() is None
