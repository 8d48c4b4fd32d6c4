"""Second looks before irreversible acts: accepting a quote is confirmed on a page naming the
vendor, version, total and the quotes it declines; the rating form starts empty and is
optional; an empty quote says what is missing; declining a quote, closing a need and
withdrawing a revision each name their consequence first."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import RevisionStatus, SolutionRevision
from catalog.models import SolutionStatus as S
from marketplace import services
from marketplace.models import Need, Quote, QuoteLineItem, QuoteRequest, Rating
from tests.factories import NeedFactory, SolutionFactory

from .test_vendor_pages import form_data

pytestmark = pytest.mark.django_db

SCORES = ("quality", "delivery", "communication", "value")


@pytest.fixture
def need(enterprise):
    return NeedFactory(enterprise=enterprise, title="Cut spindle downtime")


@pytest.fixture
def quote_request(enterprise, enterprise_user, vendor, need, other_vendor_user):
    request = QuoteRequest.objects.create(enterprise=enterprise, need=need, title="Quote please",
                                          created_by=enterprise_user)
    request.vendors.set([vendor, other_vendor_user.memberships.get().organization])
    return request


def _quote(request, vendor, total):
    quote = Quote.objects.create(request=request, vendor=vendor, total_cny=total,
                                 delivery_weeks=10,
                                 valid_until=timezone.localdate() + timedelta(days=30))
    QuoteLineItem.objects.create(quote=quote, description="Gateway", quantity=1,
                                 unit_price_cny=total)
    return quote


@pytest.fixture
def two_quotes(quote_request, vendor, other_vendor_user):
    other = other_vendor_user.memberships.get().organization
    return (_quote(quote_request, vendor, Decimal("120000")),
            _quote(quote_request, other, Decimal("80000")))


def accept_url(quote, version=None):
    url = reverse("quote-accept", args=[quote.pk])
    return f"{url}?version={version}" if version is not None else url


# --- accepting a quote -----------------------------------------------------------------------


def test_accept_button_leads_to_a_confirmation_not_an_acceptance(as_user, enterprise_user,
                                                                 two_quotes):
    dear, cheap = two_quotes
    client = as_user(enterprise_user)
    page = client.get(reverse("quote-request-detail", args=[dear.request_id])).content.decode()
    form = re.search(rf'<form method="(\w+)" action="{accept_url(dear)}"', page)
    assert form.group(1) == "get"  # the button only opens the second look

    response = client.get(accept_url(dear, dear.version))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Accept version 1 of the quote of {dear.vendor.display_name}?" in html
    assert "for a total of ¥120,000.00 (CNY)" in html
    declined = re.search(r"<ul[^>]*data-declined-quotes>(.*?)</ul>", html, re.S).group(1)
    assert cheap.vendor.display_name in declined and "¥80,000.00" in declined
    assert "This other quote will be declined" in html
    assert "Confirm: accept version 1" in html
    assert f'href="{reverse("quote-request-detail", args=[dear.request_id])}">Cancel' in html
    assert re.search(r'method="post" action="[^"]+accept/">.*?name="version" value="1"',
                     html, re.S)
    dear.refresh_from_db()
    cheap.refresh_from_db()
    assert (dear.status, cheap.status) == (Quote.Status.SUBMITTED, Quote.Status.SUBMITTED)

    confirmed = client.post(accept_url(dear), {"version": 1})
    assert confirmed.status_code == 302
    dear.refresh_from_db()
    cheap.refresh_from_db()
    assert (dear.status, cheap.status) == (Quote.Status.ACCEPTED, Quote.Status.DECLINED)


def test_confirmation_of_a_revised_quote_says_it_changed(as_user, enterprise_user, two_quotes):
    dear, _cheap = two_quotes
    response = as_user(enterprise_user).get(accept_url(dear, 7))
    assert response.status_code == 200
    assert "changed this quote after you opened it" in response.content.decode()


def test_only_the_asking_enterprise_sees_the_confirmation(as_user, vendor_user, two_quotes):
    dear, _cheap = two_quotes
    assert as_user(vendor_user).get(accept_url(dear, 1)).status_code == 403


def test_a_settled_request_offers_no_confirmation(as_user, enterprise_user, two_quotes):
    dear, cheap = two_quotes
    services.accept_quote(actor=enterprise_user, quote=cheap, version=1)
    response = as_user(enterprise_user).get(accept_url(dear, 1))
    assert response.status_code == 302
    dear.refresh_from_db()
    assert dear.status == Quote.Status.DECLINED


def test_accept_confirmation_in_chinese(client, compiled_translations, enterprise_user,
                                        two_quotes):
    dear, _cheap = two_quotes
    client.force_login(enterprise_user)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(accept_url(dear, 1)).content.decode()
    assert "总价 ¥120,000.00（人民币）" in html
    assert "其他报价" in html and "将标记为未中选" in html
    assert "确认：接受第 1 版" in html and "取消" in html


# --- the rating form -------------------------------------------------------------------------


def test_rating_form_starts_empty_and_optional(as_user, enterprise_user, two_quotes):
    dear, _cheap = two_quotes
    services.accept_quote(actor=enterprise_user, quote=dear, version=1)
    client = as_user(enterprise_user)
    html = client.get(reverse("quote-request-detail", args=[dear.request_id])).content.decode()

    for name in SCORES:
        radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', html)
        assert len(radios) == 5, name
        assert not any("checked" in radio for radio in radios), name
    assert "Rate later" in html and "Optional." in html

    refused = client.post(reverse("quote-rate", args=[dear.pk]), {"quality": "4"}, follow=True)
    assert "Give each criterion a score from 1 to 5." in refused.content.decode()
    assert not Rating.objects.filter(quote=dear).exists()

    client.post(reverse("quote-rate", args=[dear.pk]), dict.fromkeys(SCORES, "4"))
    assert Rating.objects.get(quote=dear).quality == 4
    html = client.get(reverse("quote-request-detail", args=[dear.request_id])).content.decode()
    assert 'name="quality"' not in html  # rated: the form is gone


def test_rating_review_box_reads_as_a_review_in_chinese(client, compiled_translations,
                                                        enterprise_user, two_quotes):
    dear, _cheap = two_quotes
    services.accept_quote(actor=enterprise_user, quote=dear, version=1)
    client.force_login(enterprise_user)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("quote-request-detail", args=[dear.request_id])).content.decode()
    label = re.search(r'<label for="id_text">(.*?)<', html).group(1)
    assert label == "评价"
    assert "稍后评价" in html


# --- an empty quote --------------------------------------------------------------------------


def _empty_quote(quote_request):
    return {"items-TOTAL_FORMS": "5", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "100", "delivery_weeks": "",
            "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat()}


@pytest.mark.parametrize(("language", "missing", "weeks"), [
    ("en", "Add at least one line: what you offer and its price.",
     "Say in how many weeks you deliver."),
    ("zh-hans", "请至少添加一行：您提供的内容及其价格。", "请说明几周内交付。"),
])
def test_a_quote_with_no_lines_says_what_is_missing(client, compiled_translations, vendor_user,
                                                    quote_request, language, missing, weeks):
    client.force_login(vendor_user)
    client.cookies["django_language"] = language
    response = client.post(reverse("quote-create", args=[quote_request.pk]),
                           _empty_quote(quote_request))
    assert response.status_code == 200
    html = response.content.decode()
    assert missing in html and weeks in html
    assert "Please submit at least" not in html and "form" not in missing
    assert not Quote.objects.exists()


def test_a_half_filled_line_names_the_missing_price(as_user, vendor_user, quote_request):
    data = _empty_quote(quote_request)
    data.update({"items-0-description": "Gateway", "items-0-quantity": "1",
                 "delivery_weeks": "4"})
    response = as_user(vendor_user).post(reverse("quote-create", args=[quote_request.pk]), data)
    assert "Give the unit price of this line, in CNY." in response.content.decode()


# --- declining a quote, closing a need, withdrawing a revision -------------------------------


def test_vendor_declines_only_after_reading_the_consequence(as_user, vendor_user, two_quotes):
    mine, _other = two_quotes
    client = as_user(vendor_user)
    page = client.get(reverse("quote-request-detail", args=[mine.request_id])).content.decode()
    assert f'href="{reverse("quote-decline", args=[mine.pk])}"' in page

    confirm = client.get(reverse("quote-decline", args=[mine.pk]))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "you cannot send another quote on this request" in html
    assert "¥120,000.00" in html and mine.request.enterprise.display_name in html
    mine.refresh_from_db()
    assert mine.status == Quote.Status.SUBMITTED

    empty = client.post(reverse("quote-decline", args=[mine.pk]), {"reason": ""})
    assert empty.status_code == 400 and "Say why you decline." in empty.content.decode()

    done = client.post(reverse("quote-decline", args=[mine.pk]), {"reason": "Fully booked"})
    assert done.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.decline_reason) == (Quote.Status.DECLINED, "Fully booked")


def test_another_vendor_cannot_open_the_decline_page(as_user, other_vendor_user, two_quotes):
    mine, _other = two_quotes
    assert as_user(other_vendor_user).get(
        reverse("quote-decline", args=[mine.pk])).status_code in (403, 404)


def test_closing_a_need_is_confirmed_first(as_user, enterprise_user, need):
    client = as_user(enterprise_user)
    page = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    assert f'href="{reverse("need-close", args=[need.pk])}"' in page

    confirm = client.get(reverse("need-close", args=[need.pk]))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Close the need “Cut spindle downtime”?" in html
    assert "Vendors can no longer propose on it" in html
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN

    assert client.post(reverse("need-close", args=[need.pk])).status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED


def test_a_vendor_gets_no_close_confirmation(as_user, vendor_user, enterprise):
    need = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
    response = as_user(vendor_user).get(reverse("need-close", args=[need.pk]))
    assert response.status_code == 403


def test_withdrawing_a_revision_is_confirmed_first(client, compiled_translations, vendor_user,
                                                  vendor):
    live = SolutionFactory(vendor=vendor, status=S.PUBLISHED, title_en="Spindle monitoring")
    client.force_login(vendor_user)
    client.post(reverse("solution-edit", args=[live.pk]), form_data(title_en="Renamed"))
    revision = SolutionRevision.objects.get(solution=live)
    url = reverse("revision-withdraw", args=[live.pk, revision.number])

    page = client.get(reverse("revision-detail", args=[live.pk, revision.number]))
    assert f'href="{url}"' in page.content.decode()
    confirm = client.get(url).content.decode()
    assert "Withdraw revision 1?" in confirm
    assert "The live listing stays exactly as it is." in confirm
    client.cookies["django_language"] = "zh-hans"
    assert "撤回第 1 次修订？" in client.get(url).content.decode()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.DRAFT

    assert client.post(url).status_code == 302
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.WITHDRAWN
