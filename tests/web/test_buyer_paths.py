"""Visitors become buyers: "Request a quote" and "Post a need" on every public solution,
vendor and scenario page lead a visitor through signing in (or up) and back to the form,
filled in; a signed-in person with no organisation is told to register one; a vendor is
told why they are not offered."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.shortcuts import resolve_url
from django.urls import reverse

from catalog.models import LifecycleStage, Scenario
from marketplace.models import QuoteRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CODE = "2025-28"


def button(html, label):
    """The href of the link button reading `label` (the buyer actions' buttons)."""
    match = re.search(rf'<a class="btn[^"]*" href="([^"]+)">{re.escape(label)}</a>', html)
    assert match, f"no button {label!r}"
    return unescape(match.group(1))


def next_of(url):
    return parse_qs(urlsplit(url).query)["next"][0]


@pytest.fixture
def scenario():
    return Scenario.objects.select_related("stage").get(code=CODE)


# --- a visitor -------------------------------------------------------------------------------


def test_visitor_on_a_solution_page_is_offered_quote_need_and_question(client, published):
    html = client.get(reverse("solution-detail", args=[published.pk])).content.decode()

    start = reverse("buyer-start")
    quote = button(html, "Request a quote")
    assert quote.startswith(f"{start}?next=")
    assert next_of(quote) == f"{reverse('quote-request-create')}?solution={published.pk}"
    need = next_of(button(html, "Post a need"))
    assert need.startswith(reverse("need-create"))
    scenario = Scenario.objects.get(code=CODE)
    assert parse_qs(urlsplit(need).query)["scenarios"] == [str(scenario.pk)]
    question = next_of(button(html, "Ask a question"))
    assert parse_qs(urlsplit(question).query) == {"solution": [str(published.pk)],
                                                   "question": ["1"]}
    assert 'data-buyer-standing="anonymous"' in html


def test_visitor_on_vendor_and_scenario_pages_is_offered_both(client, vendor, scenario):
    html = client.get(reverse("vendor-detail", args=[vendor.pk])).content.decode()
    assert next_of(button(html, "Request a quote")) == (
        f"{reverse('quote-request-create')}?vendor={vendor.pk}")
    assert next_of(button(html, "Post a need")) == reverse("need-create")

    html = client.get(reverse("scenario-detail", args=[CODE])).content.decode()
    need = parse_qs(urlsplit(next_of(button(html, "Post a need"))).query)
    assert need == {"scenarios": [str(scenario.pk)], "stages": [str(scenario.stage_id)]}
    quote = parse_qs(urlsplit(next_of(button(html, "Request a quote"))).query)
    assert quote["scenarios"] == [str(scenario.pk)] and quote["quotes"] == ["1"]


def test_the_stop_before_signing_in_keeps_next(client, published):
    wanted = f"{reverse('quote-request-create')}?solution={published.pk}"
    response = client.get(reverse("buyer-start"), {"next": wanted})

    assert response.status_code == 200
    html = response.content.decode()
    sign_in = button(html, "Sign in")
    assert sign_in.startswith(f"{resolve_url(settings.LOGIN_URL)}?next=")
    assert next_of(sign_in) == wanted
    assert "data-signup" in html  # the way to a new account (allauth's page once merged)
    assert "<h1>Request a quote</h1>" in html


def test_the_stop_refuses_a_next_on_another_site(client):
    response = client.get(reverse("buyer-start"), {"next": "https://evil.example/steal"})
    html = response.content.decode()
    assert next_of(button(html, "Sign in")) == reverse("dashboard")
    assert 'href="https://evil.example' not in html


def test_signed_in_reader_goes_straight_on(as_user, enterprise_user, published):
    wanted = f"{reverse('quote-request-create')}?solution={published.pk}"
    response = as_user(enterprise_user).get(reverse("buyer-start"), {"next": wanted})
    assert response.status_code == 302 and response.url == wanted


def test_visitor_comes_back_to_the_quote_form_filled_in(client, enterprise_user, published):
    wanted = f"{reverse('quote-request-create')}?solution={published.pk}"
    response = client.get(wanted)
    assert response.status_code == 302
    assert next_of(response.url) == wanted  # the sign-in page brings them back

    client.force_login(enterprise_user)
    form = client.get(wanted).context["form"]
    assert form.initial["title"] == published.title
    assert form.initial["vendors"] == [published.vendor_id]


# --- someone signed in -----------------------------------------------------------------------


def test_enterprise_member_requests_a_quote_from_a_vendor_page(as_user, enterprise_user,
                                                               vendor):
    client = as_user(enterprise_user)
    html = client.get(reverse("vendor-detail", args=[vendor.pk])).content.decode()
    url = button(html, "Request a quote")
    assert url == f"{reverse('quote-request-create')}?vendor={vendor.pk}"

    page = client.get(url)
    assert page.context["form"].initial == {"title": f"Request to {vendor.display_name}",
                                            "vendors": [vendor.pk]}
    assert f'name="vendor" value="{vendor.pk}"' in page.content.decode()
    response = client.post(url, {"vendor": vendor.pk, "vendors": [vendor.pk],
                                 "title": f"Request to {vendor.display_name}"})
    assert response.status_code == 302
    quote_request = QuoteRequest.objects.get()
    assert list(quote_request.vendors.all()) == [vendor]
    assert quote_request.solution is None


def test_ask_a_question_prefills_a_question(as_user, enterprise_user, published):
    page = as_user(enterprise_user).get(reverse("quote-request-create"),
                                        {"solution": published.pk, "question": 1})
    assert page.context["form"].initial["title"] == f"Question about {published.title}"
    assert "Write your question under Requirements." in page.content.decode()


def test_need_form_reads_the_scenario_and_stage_and_ignores_the_unknown(
    as_user, enterprise_user, scenario
):
    client = as_user(enterprise_user)
    html = client.get(reverse("scenario-detail", args=[CODE])).content.decode()
    url = button(html, "Post a need")

    form = client.get(url).context["form"]
    assert form.initial == {"scenarios": [str(scenario.pk)], "stages": [str(scenario.stage_id)]}

    missing_stage = LifecycleStage.objects.order_by("-pk").first().pk + 1
    response = client.get(reverse("need-create"), {
        "scenarios": [scenario.pk, 999_999, "x"], "stages": [missing_stage],
        "current_level": "abc", "target_level": "3", "industry": "999999",
        "title": "Spindle downtime",
    })
    assert response.status_code == 200
    assert response.context["form"].initial == {
        "scenarios": [str(scenario.pk)], "target_level": "3", "title": "Spindle downtime",
    }
    checked = re.findall(r'name="scenarios" value="(\d+)"[^>]*checked', response.content.decode())
    assert checked == [str(scenario.pk)]


def test_without_an_organisation_one_is_told_to_register(client, published):
    client.force_login(UserFactory())
    html = client.get(reverse("solution-detail", args=[published.pk])).content.decode()
    assert 'data-buyer-standing="no_organization"' in html
    url = button(html, "Request a quote")

    response = client.get(url)
    assert response.status_code == 403
    assert "Register your organisation first" in response.content.decode()
    assert "A quote is requested on behalf of an enterprise" in response.content.decode()
    need = client.get(reverse("need-create"))
    assert need.status_code == 403
    assert "A need is posted on behalf of an enterprise" in need.content.decode()
    assert not QuoteRequest.objects.exists()


def test_a_vendor_is_told_why_and_offered_no_dead_button(as_user, other_vendor_user,
                                                         published):
    client = as_user(other_vendor_user)
    html = client.get(reverse("solution-detail", args=[published.pk])).content.decode()
    assert 'data-buyer-standing="other_kind"' in html
    assert "Quotes are requested and needs posted by enterprises." in html
    assert reverse("quote-request-create") not in html and reverse("need-create") not in html
    # The form itself refuses them too: the page only points the way.
    response = client.get(reverse("quote-request-create"), {"solution": published.pk})
    assert response.status_code == 403


def test_the_vendor_itself_sees_no_buyer_actions_on_its_listing(as_user, vendor_user,
                                                                 published):
    html = as_user(vendor_user).get(reverse("solution-detail", args=[published.pk]))
    assert "buyer-actions" not in html.content.decode()


# --- in Chinese ------------------------------------------------------------------------------


def test_buyer_actions_in_chinese(client, compiled_translations, published, other_vendor_user):
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("solution-detail", args=[published.pk])).content.decode()
    assert "申请报价" in html and "发布需求" in html and "向服务商提问" in html
    assert "请先登录或注册账号" in html

    start = client.get(button(html, "申请报价")).content.decode()
    assert "询价和发布需求均以企业名义进行" in start and "登录" in start

    client.force_login(other_vendor_user)
    html = client.get(reverse("solution-detail", args=[published.pk])).content.decode()
    assert "询价和发布需求由企业进行" in html

    client.force_login(UserFactory())
    page = client.get(reverse("need-create")).content.decode()
    assert "请先登记您的组织" in page


# --- through sign-up (django-allauth) ---------------------------------------------------------


def test_a_stranger_signs_up_and_lands_on_the_form_they_wanted(client, published):
    wanted = f"{reverse('quote-request-create')}?solution={published.pk}"
    html = client.get(reverse("buyer-start"), {"next": wanted}).content.decode()
    sign_up = button(html, "Create an account")
    assert sign_up.startswith(f"{reverse('account_signup')}?next=")
    assert next_of(sign_up) == wanted

    password = "Xq7!long-enough-pass"
    client.post(sign_up, {"name": "李娜", "email": "li.na@factory.cn", "password1": password,
                          "password2": password, "next": wanted})
    confirm = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    response = client.post(confirm)

    assert response.status_code == 302 and response.url == wanted
    # Signed in, with no organisation yet: told to register one, the choice kept.
    page = client.get(response.url)
    assert page.status_code == 403
    assert "Register your organisation first" in page.content.decode()
