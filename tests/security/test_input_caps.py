"""Caps on nested lists and free texts (issue 13, item 7): the API, the web forms and the
services refuse what is over a cap with the field and the limit named, and store nothing.

The numbers come from catalog.limits and marketplace.limits; import_catalog holds the same
ones (tests/security/test_import_hostile_input.py)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog import limits as catalog_limits
from catalog.models import (
    Attachment,
    CaseStudy,
    Industry,
    Region,
    Scenario,
    Solution,
    SolutionRevision,
    SolutionStatus,
    Technology,
)
from marketplace import limits as market_limits
from marketplace.models import Message, Need, Proposal, Quote, QuoteRequest
from tests.factories import NeedFactory, SolutionFactory
from tests.marketplace.factories import make_request

pytestmark = pytest.mark.django_db

CASE_STUDY = {
    "client": "Jiangsu Precision Spindle Co.",
    "industry": "machine-tools",
    "year": 2024,
    "summary": "Eight machining lines.",
    "outcomes": [{"metric": "unplanned downtime", "unit": "h/month", "before": 120,
                  "after": 70}],
}
NEW_SOLUTION = {
    "language": "en",
    "title_en": "Predictive maintenance for CNC machine tools",
    "summary_en": "Spindle vibration monitoring and failure prediction.",
    "description_en": "An edge gateway samples vibration.",
    "scenarios": ["2025-28"],
    "industries": ["machine-tools"],
    "technologies": ["iiot"],
    "maturity_from": 1,
    "maturity_to": 3,
    "deployment": "hybrid",
    "case_studies": [CASE_STUDY],
}
OUTCOME = {"metric": "scrap rate", "unit": "%", "before": 5, "after": 3}


def errors_of(response, status=400):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()["errors"]


def named(errors, field, limit):
    """The errors name `field`, and somewhere in what they say, the limit."""
    assert field in errors, errors
    text = str(errors[field])
    assert f"{limit:,}" in text or str(limit) in text, text
    return text


def first_item(errors):
    """Errors of a nested list's first item (the error format keys items by their index)."""
    return errors["0"] if isinstance(errors, dict) else errors[0]


def scenario_codes(count):
    codes = list(Scenario.objects.order_by("code").values_list("code", flat=True))
    assert len(codes) >= count
    return codes[:count]


# The API ----------------------------------------------------------------------------------


def test_api_refuses_more_case_studies_than_the_cap(api_as, vendor_user):
    limit = catalog_limits.CASE_STUDIES_MAX
    payload = {**NEW_SOLUTION, "case_studies": [CASE_STUDY] * (limit + 1)}
    errors = errors_of(api_as(vendor_user).post("/api/v1/solutions/", payload, format="json"))
    named(errors, "case_studies", limit)
    assert not Solution.objects.exists() and not CaseStudy.objects.exists()


def test_api_takes_exactly_the_cap_of_case_studies(api_as, vendor_user):
    limit = catalog_limits.CASE_STUDIES_MAX
    payload = {**NEW_SOLUTION, "case_studies": [CASE_STUDY] * limit}
    response = api_as(vendor_user).post("/api/v1/solutions/", payload, format="json")
    assert response.status_code == 201, response.content
    assert CaseStudy.objects.count() == limit


def test_api_refuses_more_outcomes_per_case_study_than_the_cap(api_as, vendor_user):
    limit = catalog_limits.OUTCOMES_PER_CASE_STUDY_MAX
    study = {**CASE_STUDY, "outcomes": [OUTCOME] * (limit + 1)}
    payload = {**NEW_SOLUTION, "case_studies": [study]}
    errors = errors_of(api_as(vendor_user).post("/api/v1/solutions/", payload, format="json"))
    assert "case_studies" in errors
    named(first_item(errors["case_studies"]), "outcomes", limit)
    assert not Solution.objects.exists()


@pytest.mark.parametrize("field", ["description_en", "description_zh"])
def test_api_refuses_a_description_over_the_cap(api_as, vendor_user, field):
    limit = catalog_limits.DESCRIPTION_MAX_CHARS
    payload = {**NEW_SOLUTION, field: "长" * (limit + 1)}
    errors = errors_of(api_as(vendor_user).post("/api/v1/solutions/", payload, format="json"))
    named(errors, field, limit)
    assert not Solution.objects.exists()


def test_api_refuses_a_summary_and_a_case_study_text_over_their_caps(api_as, vendor_user):
    payload = {**NEW_SOLUTION,
               "summary_en": "x" * (catalog_limits.SUMMARY_MAX_CHARS + 1),
               "case_studies": [{**CASE_STUDY,
                                 "summary": "x" * (catalog_limits.CASE_STUDY_TEXT_MAX_CHARS
                                                   + 1)}]}
    errors = errors_of(api_as(vendor_user).post("/api/v1/solutions/", payload, format="json"))
    named(errors, "summary_en", catalog_limits.SUMMARY_MAX_CHARS)
    named(first_item(errors["case_studies"]), "summary",
          catalog_limits.CASE_STUDY_TEXT_MAX_CHARS)


def test_api_refuses_more_scenarios_than_the_cap(api_as, vendor_user):
    limit = catalog_limits.RELATIONS_MAX["scenarios"]
    payload = {**NEW_SOLUTION, "scenarios": scenario_codes(limit + 1)}
    errors = errors_of(api_as(vendor_user).post("/api/v1/solutions/", payload, format="json"))
    named(errors, "scenarios", limit)
    assert not Solution.objects.exists()


@pytest.mark.parametrize("field", ["industries", "technologies", "regions", "stages"])
def test_api_refuses_a_taxonomy_list_repeating_codes_past_the_cap(api_as, vendor_user, field,
                                                                  django_assert_max_num_queries):
    code = {"industries": "machine-tools", "technologies": "iiot", "regions": "CN-JS",
            "stages": "manufacturing"}[field]
    limit = catalog_limits.RELATIONS_MAX[field]
    payload = {**NEW_SOLUTION, field: [code] * 5000}
    # Refused before a query per code is made.
    with django_assert_max_num_queries(40):
        response = api_as(vendor_user).post("/api/v1/solutions/", payload, format="json")
    named(errors_of(response), field, limit)


def test_api_revision_of_a_live_listing_is_held_to_the_same_caps(api_as, vendor, vendor_user):
    published = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    limit = catalog_limits.CASE_STUDIES_MAX
    response = api_as(vendor_user).patch(f"/api/v1/solutions/{published.pk}/",
                                         {"case_studies": [CASE_STUDY] * (limit + 1)},
                                         format="json")
    named(errors_of(response), "case_studies", limit)
    assert not SolutionRevision.objects.exists()


def test_api_refuses_an_attachment_past_the_cap(api_as, vendor, vendor_user, settings,
                                                tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    draft = SolutionFactory(vendor=vendor)
    limit = catalog_limits.ATTACHMENTS_PER_SOLUTION_MAX
    Attachment.objects.bulk_create(
        Attachment(solution=draft, file=f"attachments/x/{i}.pdf", original_name=f"{i}.pdf",
                   content_type="application/pdf", size=10)
        for i in range(limit)
    )
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
           b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
           b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    response = api_as(vendor_user).post(
        "/api/v1/attachments/",
        {"solution": draft.pk, "file": SimpleUploadedFile("plan.png", png)},
        format="multipart",
    )
    named(errors_of(response), "solution", limit)
    assert Attachment.objects.filter(solution=draft).count() == limit


@pytest.fixture
def rfq(enterprise, vendor):
    return make_request(enterprise, [vendor])


def quote_payload(rfq, **extra):
    return {
        "request": rfq.pk,
        "line_items": [{"description": "Edge gateway", "unit": "set", "quantity": "1",
                        "unit_price_cny": "100"}],
        "delivery_weeks": 10,
        "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "terms": "30% on order",
        **extra,
    }


def test_api_refuses_more_quote_lines_than_the_cap(api_as, vendor_user, rfq):
    limit = market_limits.QUOTE_LINE_ITEMS_MAX
    line = {"description": "Bolt", "quantity": "1", "unit_price_cny": "1"}
    response = api_as(vendor_user).post(
        "/api/v1/quotes/", quote_payload(rfq, line_items=[line] * (limit + 1)), format="json")
    named(errors_of(response), "line_items", limit)
    assert not Quote.objects.exists()


def test_api_refuses_a_revision_with_more_quote_lines_than_the_cap(api_as, vendor_user, rfq):
    client = api_as(vendor_user)
    quote = client.post("/api/v1/quotes/", quote_payload(rfq), format="json").json()
    limit = market_limits.QUOTE_LINE_ITEMS_MAX
    line = {"description": "Bolt", "quantity": "1", "unit_price_cny": "1"}
    body = quote_payload(rfq, line_items=[line] * (limit + 1))
    body.pop("request")
    response = client.post(f"/api/v1/quotes/{quote['id']}/revise/", body, format="json")
    named(errors_of(response), "line_items", limit)
    assert Quote.objects.get().version == 1


def test_api_refuses_quote_terms_over_the_cap(api_as, vendor_user, rfq):
    limit = market_limits.QUOTE_TERMS_MAX_CHARS
    response = api_as(vendor_user).post(
        "/api/v1/quotes/", quote_payload(rfq, terms="x" * (limit + 1)), format="json")
    named(errors_of(response), "terms", limit)
    assert not Quote.objects.exists()


def test_api_refuses_request_requirements_over_the_cap(api_as, enterprise_user, vendor):
    limit = market_limits.REQUIREMENTS_MAX_CHARS
    response = api_as(enterprise_user).post("/api/v1/quote-requests/", {
        "vendors": [vendor.pk], "title": "Predictive maintenance",
        "requirements": "x" * (limit + 1),
    }, format="json")
    named(errors_of(response), "requirements", limit)
    assert not QuoteRequest.objects.exists()


NEED = {"language": "en", "title": "Cut downtime", "description": "Spindles fail.",
        "industry": "machine-tools", "region": "CN-ZJ", "current_level": 1,
        "target_level": 2}


def test_api_refuses_a_need_description_over_the_cap(api_as, enterprise_user):
    limit = market_limits.NEED_DESCRIPTION_MAX_CHARS
    response = api_as(enterprise_user).post(
        "/api/v1/needs/", {**NEED, "description": "x" * (limit + 1)}, format="json")
    named(errors_of(response), "description", limit)
    assert not Need.objects.exists()


def test_api_refuses_a_need_with_more_scenarios_than_the_cap(api_as, enterprise_user):
    limit = catalog_limits.RELATIONS_MAX["scenarios"]
    response = api_as(enterprise_user).post(
        "/api/v1/needs/", {**NEED, "scenarios": scenario_codes(limit + 1)}, format="json")
    named(errors_of(response), "scenarios", limit)
    assert not Need.objects.exists()


def test_api_refuses_a_need_inviting_more_vendors_than_the_cap(api_as, enterprise_user,
                                                               vendor):
    limit = market_limits.INVITED_VENDORS_MAX
    response = api_as(enterprise_user).post(
        "/api/v1/needs/", {**NEED, "invited_vendors": [vendor.pk] * (limit + 1)},
        format="json")
    named(errors_of(response), "invited_vendors", limit)
    assert not Need.objects.exists()


def test_api_refuses_a_proposal_message_over_the_cap(api_as, vendor, vendor_user, enterprise):
    need = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    limit = market_limits.PROPOSAL_MESSAGE_MAX_CHARS
    response = api_as(vendor_user).post(f"/api/v1/needs/{need.pk}/proposals/", {
        "solution": solution.pk, "message": "x" * (limit + 1)}, format="json")
    named(errors_of(response), "message", limit)
    assert not Proposal.objects.exists()


# The web forms ----------------------------------------------------------------------------


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def solution_form_data(**overrides):
    data = {
        "language": "en",
        "title_en": "Predictive maintenance for CNC machine tools",
        "title_zh": "",
        "summary_en": "Spindle vibration monitoring.",
        "summary_zh": "",
        "description_en": "An edge gateway samples vibration.",
        "description_zh": "",
        "scenarios": [Scenario.objects.get(code="2025-28").pk],
        "industries": [Industry.objects.get(code="machine-tools").pk],
        "technologies": [Technology.objects.get(code="iiot").pk],
        "regions": [Region.objects.get(code="CN-JS").pk],
        "maturity_from": "1",
        "maturity_to": "3",
        "deployment": "hybrid",
        "price_min_cny": "",
        "price_max_cny": "",
        "delivery_weeks": "12",
    }
    data.update(overrides)
    return data


def test_solution_form_refuses_a_description_over_the_cap(as_user, vendor_user):
    limit = catalog_limits.DESCRIPTION_MAX_CHARS
    response = as_user(vendor_user).post(reverse("solution-create"),
                                         solution_form_data(description_en="x" * (limit + 1)))
    assert response.status_code == 200
    named(response.context["form"].errors, "description_en", limit)
    assert not Solution.objects.exists()


def test_solution_form_refuses_more_scenarios_than_the_cap(as_user, vendor_user):
    limit = catalog_limits.RELATIONS_MAX["scenarios"]
    pks = list(Scenario.objects.filter(code__in=scenario_codes(limit + 1))
               .values_list("pk", flat=True))
    response = as_user(vendor_user).post(reverse("solution-create"),
                                         solution_form_data(scenarios=pks))
    assert response.status_code == 200
    named(response.context["form"].errors, "scenarios", limit)
    assert not Solution.objects.exists()


def test_need_form_refuses_a_description_over_the_cap(as_user, enterprise_user):
    limit = market_limits.NEED_DESCRIPTION_MAX_CHARS
    response = as_user(enterprise_user).post(reverse("need-create"), {
        "title": "Cut downtime", "description": "x" * (limit + 1), "language": "en",
        "visibility": "private"})
    assert response.status_code == 200
    named(response.context["form"].errors, "description", limit)
    assert not Need.objects.exists()


def quote_form_data(rows):
    data = {
        "items-TOTAL_FORMS": str(rows), "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "5",
        "delivery_weeks": "8",
        "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "terms": "30% on order.",
    }
    for i in range(rows):
        data.update({f"items-{i}-description": f"Item {i}", f"items-{i}-quantity": "1",
                     f"items-{i}-unit_price_cny": "10"})
    return data


def test_quote_form_takes_as_many_lines_as_the_api(as_user, vendor_user, rfq):
    limit = market_limits.QUOTE_LINE_ITEMS_MAX
    response = as_user(vendor_user).post(reverse("quote-create", args=[rfq.pk]),
                                         quote_form_data(limit))
    assert response.status_code == 302
    assert Quote.objects.get().line_items.count() == limit


def test_quote_form_refuses_more_lines_than_the_cap(as_user, vendor_user, rfq):
    limit = market_limits.QUOTE_LINE_ITEMS_MAX
    response = as_user(vendor_user).post(reverse("quote-create", args=[rfq.pk]),
                                         quote_form_data(limit + 1))
    assert response.status_code == 200
    assert str(limit) in " ".join(response.context["items"].non_form_errors())
    assert not Quote.objects.exists()


def test_quote_form_refuses_terms_over_the_cap(as_user, vendor_user, rfq):
    limit = market_limits.QUOTE_TERMS_MAX_CHARS
    data = {**quote_form_data(1), "terms": "x" * (limit + 1)}
    response = as_user(vendor_user).post(reverse("quote-create", args=[rfq.pk]), data)
    assert response.status_code == 200
    named(response.context["form"].errors, "terms", limit)
    assert not Quote.objects.exists()


def test_message_page_refuses_a_body_over_the_cap(as_user, enterprise_user, rfq, vendor):
    limit = market_limits.MESSAGE_BODY_MAX_CHARS
    response = as_user(enterprise_user).post(
        reverse("message-thread", args=[rfq.pk, vendor.pk]), {"body": "x" * (limit + 1)},
        follow=True)
    assert response.status_code == 200
    assert f"{limit:,}" in response.content.decode() or str(limit) in response.content.decode()
    assert not Message.objects.exists()


def test_quote_decline_refuses_a_reason_over_the_cap(as_user, vendor, vendor_user, rfq):
    from tests.marketplace.factories import make_quote

    quote = make_quote(rfq, vendor, actor=vendor_user)
    limit = market_limits.REASON_MAX_CHARS
    as_user(vendor_user).post(reverse("quote-decline", args=[quote.pk]),
                              {"reason": "x" * (limit + 1)})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUBMITTED and quote.decline_reason == ""


def test_services_refuse_too_many_case_studies_whatever_the_door(vendor, vendor_user):
    from django.core.exceptions import ValidationError

    from catalog import services

    limit = catalog_limits.CASE_STUDIES_MAX
    study = {"client": "A", "summary": "", "outcomes": []}
    with pytest.raises(ValidationError) as caught:
        services.create_solution(actor=vendor_user, vendor=vendor,
                                 data={"title_en": "T", "case_studies": [study] * (limit + 1)})
    assert "case_studies" in caught.value.message_dict
    assert not Solution.objects.exists()


def test_stored_listings_over_a_cap_are_left_as_they_are(api_as, vendor_user, vendor):
    """Caps bind new writes; what is already stored is read as before."""
    limit = catalog_limits.CASE_STUDIES_MAX
    solution = SolutionFactory(vendor=vendor, description_en="x" * (
        catalog_limits.DESCRIPTION_MAX_CHARS + 10))
    CaseStudy.objects.bulk_create(CaseStudy(solution=solution, client=f"c{i}", position=i)
                                  for i in range(limit + 5))
    response = api_as(vendor_user).get(f"/api/v1/solutions/{solution.pk}/")
    assert response.status_code == 200
    assert len(response.json()["case_studies"]) == limit + 5


def test_api_refuses_an_organisation_description_over_the_cap(api_as, vendor, vendor_user):
    from accounts.limits import ORGANIZATION_DESCRIPTION_MAX_CHARS as limit

    response = api_as(vendor_user).patch(f"/api/v1/organizations/{vendor.pk}/",
                                         {"description": "x" * (limit + 1)}, format="json")
    named(errors_of(response), "description", limit)
    vendor.refresh_from_db()
    assert len(vendor.description) <= limit


def test_the_too_many_message_is_in_the_readers_language(api_as, vendor_user):
    limit = catalog_limits.CASE_STUDIES_MAX
    payload = {**NEW_SOLUTION, "case_studies": [CASE_STUDY] * (limit + 1)}
    response = api_as(vendor_user).post("/api/v1/solutions/", payload, format="json",
                                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert f"最多 {limit} 项" in str(errors_of(response)["case_studies"])


def test_match_refuses_an_ad_hoc_need_over_the_caps(api_as, enterprise_user):
    scenarios = catalog_limits.RELATIONS_MAX["scenarios"]
    text = catalog_limits.NEED_DESCRIPTION_MAX_CHARS
    response = api_as(enterprise_user).post("/api/v1/match/", {
        **NEED, "scenarios": ["2025-28"] * (scenarios + 1),
        "description": "x" * (text + 1)}, format="json")
    errors = errors_of(response)
    named(errors, "scenarios", scenarios)
    named(errors, "description", text)


def test_a_request_for_quotes_naming_thousands_of_vendors_is_refused_at_once(
    api_as, enterprise_user, vendor, settings, django_assert_max_num_queries
):
    limit = settings.QUOTE_REQUEST_MAX_VENDORS
    with django_assert_max_num_queries(20):
        response = api_as(enterprise_user).post("/api/v1/quote-requests/", {
            "vendors": [vendor.pk] * 10_000, "title": "Predictive maintenance"}, format="json")
    named(errors_of(response), "vendors", limit)
    assert not QuoteRequest.objects.exists()
