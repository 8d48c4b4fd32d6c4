"""A vendor's pages: create and edit a draft through the form, check it, submit it."""

import pytest
from django.urls import reverse

from catalog.models import Industry, Region, Scenario, Solution, SolutionStatus, Technology
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus


def form_data(**overrides):
    data = {
        "language": "zh",
        "title_en": "Predictive maintenance for CNC machine tools",
        "title_zh": "数控机床预测性维护",
        "summary_en": "Spindle vibration monitoring and failure prediction.",
        "summary_zh": "主轴振动监测与故障预测。",
        "description_en": "## How it works\nAn edge gateway samples vibration.",
        "description_zh": "",
        "scenarios": [Scenario.objects.get(code="2025-28").pk],
        "industries": [Industry.objects.get(code="machine-tools").pk],
        "technologies": [Technology.objects.get(code="iiot").pk],
        "regions": [Region.objects.get(code="CN-JS").pk],
        "maturity_from": "1",
        "maturity_to": "3",
        "deployment": "hybrid",
        "price_min_cny": "300000",
        "price_max_cny": "1200000",
        "delivery_weeks": "12",
    }
    data.update(overrides)
    return data


def test_vendor_creates_a_draft_through_the_form(as_user, vendor_user, vendor):
    client = as_user(vendor_user)
    assert client.get(reverse("solution-create")).status_code == 200

    response = client.post(reverse("solution-create"), form_data())

    solution = Solution.objects.get(vendor=vendor)
    assert response.status_code == 302
    assert response.url == reverse("solution-edit", args=[solution.pk])
    assert solution.status == S.DRAFT
    assert solution.title_zh == "数控机床预测性维护"
    assert list(solution.scenarios.values_list("code", flat=True)) == ["2025-28"]
    assert solution.created_by == vendor_user


def test_invalid_draft_shows_inline_errors_and_saves_nothing(as_user, vendor_user):
    client = as_user(vendor_user)
    response = client.post(reverse("solution-create"),
                           form_data(price_min_cny="900000", price_max_cny="100",
                                     maturity_from="4", maturity_to="2"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "price_max_cny" in form.errors and "maturity_to" in form.errors
    html = response.content.decode()
    assert 'id="id_price_max_cny_error"' in html
    assert 'aria-invalid="true"' in html
    assert not Solution.objects.exists()


def test_only_solution_providers_create_solutions(as_user, enterprise_user, client):
    assert client.get(reverse("solution-create")).status_code == 302  # to sign in
    assert as_user(enterprise_user).get(reverse("solution-create")).status_code == 403


def test_vendor_edits_its_draft(as_user, vendor_user, draft):
    client = as_user(vendor_user)
    assert client.get(reverse("solution-edit", args=[draft.pk])).status_code == 200
    response = client.post(reverse("solution-edit", args=[draft.pk]),
                           form_data(title_en="Renamed draft"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_en == "Renamed draft"


def test_other_vendor_cannot_see_or_edit_a_draft(as_user, other_vendor_user, draft):
    client = as_user(other_vendor_user)
    for name in ("solution-edit", "solution-check"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    assert client.post(reverse("solution-submit", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_check_lists_what_stops_a_submission_without_changing_state(as_user, vendor_user,
                                                                     vendor):
    incomplete = SolutionFactory(vendor=vendor, summary_en="", summary_zh="", scenarios=[])
    incomplete.scenarios.clear()
    client = as_user(vendor_user)

    response = client.get(reverse("solution-check", args=[incomplete.pk]))

    assert response.status_code == 200
    codes = {problem["code"] for problem in response.context["problems"]}
    assert codes == {"missing_summary", "missing_scenario"}
    incomplete.refresh_from_db()
    assert incomplete.status == S.DRAFT


def test_check_answers_htmx_with_the_partial_only(as_user, vendor_user, draft):
    response = as_user(vendor_user).get(reverse("solution-check", args=[draft.pk]),
                                        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert response.context["problems"] == []


def test_incomplete_submission_is_refused_with_the_reasons(as_user, vendor_user, vendor):
    incomplete = SolutionFactory(vendor=vendor, description_en="", description_zh="")
    response = as_user(vendor_user).post(reverse("solution-submit", args=[incomplete.pk]))
    assert response.status_code == 200
    assert "Describe the solution." in response.content.decode()
    incomplete.refresh_from_db()
    assert incomplete.status == S.DRAFT


def test_vendor_creates_then_submits_through_the_forms(as_user, vendor_user, vendor):
    client = as_user(vendor_user)
    client.post(reverse("solution-create"), form_data())
    solution = Solution.objects.get(vendor=vendor)

    response = client.post(reverse("solution-submit", args=[solution.pk]))

    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == S.SUBMITTED
    assert solution.review_events.get().to_status == S.SUBMITTED


def test_submitting_twice_is_refused_with_a_message(as_user, vendor_user, draft):
    client = as_user(vendor_user)
    client.post(reverse("solution-submit", args=[draft.pk]))
    response = client.post(reverse("solution-submit", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot be submitted" in response.content.decode()


def test_submitted_solution_is_no_longer_editable(as_user, vendor_user, in_review):
    response = as_user(vendor_user).get(reverse("solution-edit", args=[in_review.pk]))
    assert response.status_code == 302
    assert response.url == reverse("solution-detail", args=[in_review.pk])


def test_submit_needs_post(as_user, vendor_user, draft):
    assert as_user(vendor_user).get(reverse("solution-submit", args=[draft.pk])).status_code == 405
