"""The maturity pages: the assessment flow, the results with what addresses the weakest
sub-domains, the registry, the dashboards and the CSV; in English and in Chinese."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from catalog.models import Scenario, SolutionStatus
from maturity import services
from maturity.models import Assessment, SmartFactory, Statement
from tests.factories import EnterpriseProfileFactory, NeedFactory, SolutionFactory

from .factories import CompletedAssessmentFactory, FactoryEvidenceFactory, SmartFactoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.fixture
def completed(enterprise, enterprise_user, answer_all):
    """Everything fully met except equipment management (level 1) and logistics (level 0),
    with a published solution for the equipment scenarios."""
    EnterpriseProfileFactory(organization=enterprise)
    assessment, _ = services.start_assessment(actor=enterprise_user, enterprise=enterprise)
    answer_all(enterprise_user, assessment, not_applicable=["sales"])
    weak = Statement.objects.filter(subdomain__model=assessment.model,
                                    subdomain__code__in=["equipment-management", "logistics"])
    services.save_progress(actor=enterprise_user, assessment=assessment, answers={
        s.code: "0" if (s.subdomain.code == "logistics" or s.level > 1) else "1"
        for s in weak.select_related("subdomain")
    })
    return services.complete_assessment(actor=enterprise_user, assessment=assessment)


def test_an_enterprise_starts_answers_and_completes_an_assessment(
    as_user, enterprise_user, enterprise, answer_all
):
    client = as_user(enterprise_user)
    page = client.get(reverse("maturity-assessment"))
    assert page.status_code == 200
    assert "Start the assessment" in page.content.decode()

    assert client.post(reverse("maturity-assessment")).status_code == 302
    assessment = Assessment.objects.get(enterprise=enterprise)
    overview = client.get(reverse("maturity-assessment")).content.decode()
    assert "0 of 20 done" in overview

    url = reverse("maturity-assessment-subdomain", args=["data"])
    form = client.get(url)
    assert form.status_code == 200
    fields = form.context["form"].statements
    assert len(fields) == 10
    response = client.post(url, {f"s_{s.pk}": "0.80" for s in fields} | {"next": "1"})
    assert response.status_code == 302
    assert response.url == reverse("maturity-assessment-subdomain", args=["integration"])
    assert assessment.answers.count() == 10

    # Not applicable, then everything else, then completion.
    client.post(reverse("maturity-assessment-subdomain", args=["sales"]),
                {"not_applicable": "on"})
    assert assessment.not_applicable.filter(code="sales").exists()
    answer_all(enterprise_user, assessment, not_applicable=["sales"])
    response = client.post(reverse("maturity-assessment-complete"))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED
    assert response.url == reverse("maturity-results", args=[assessment.pk])


def test_completing_too_early_says_what_is_missing(as_user, enterprise_user, enterprise):
    client = as_user(enterprise_user)
    client.post(reverse("maturity-assessment"))
    response = client.post(reverse("maturity-assessment-complete"), follow=True)
    assert "Answer every statement" in response.content.decode()


def test_results_show_level_radar_weakest_and_one_click_actions(
    as_user, enterprise_user, completed
):
    solution = SolutionFactory(status=SolutionStatus.PUBLISHED, scenarios=["2025-28"],
                               title_en="Spindle failure prediction")
    response = as_user(enterprise_user).get(reverse("maturity-results", args=[completed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # 17 of 19 applicable sub-domains fully met: every level's weighted score is over 0.8.
    assert completed.level == 5
    assert "<svg" in html and 'class="shape"' in html
    weakest = [item["row"].subdomain.code for item in response.context["recommendations"]]
    assert weakest[:2] == ["logistics", "equipment-management"]
    equipment = response.context["recommendations"][1]
    assert [s.code for s in equipment["scenarios"]] == ["2025-27", "2025-28", "2025-29"]
    assert [m.solution for m in equipment["matches"]] == [solution]
    assert "Spindle failure prediction" in html
    assert any("2025-28" in reason for reason in equipment["matches"][0].reasons)
    assert f'{reverse("quote-request-create")}?solution={solution.pk}' in html
    need = urlsplit(equipment["need_url"])
    assert need.path == reverse("need-create")
    params = parse_qs(need.query)
    assert params["current_level"] == ["1"] and params["target_level"] == ["2"]
    assert sorted(params["scenarios"]) == sorted(
        str(pk) for pk in Scenario.objects.filter(
            code__in=["2025-27", "2025-28", "2025-29"]).values_list("pk", flat=True))


def test_an_operator_reads_results_without_the_enterprises_actions(as_user, operator_user,
                                                                     completed):
    response = as_user(operator_user).get(reverse("maturity-results", args=[completed.pk]))
    assert response.status_code == 200
    assert reverse("need-create") not in response.content.decode()


def test_the_registry_flow_through_the_pages(as_user, enterprise_user, enterprise, operator_user,
                                             pdf, media_root, client):
    CompletedAssessmentFactory(enterprise=enterprise, level=3)
    page = as_user(enterprise_user).get(reverse("factory-create"))
    assert page.status_code == 200
    response = client.post(reverse("factory-create"), {
        "name": "Changzhou gear plant", "region": page.context["form"].fields["region"]
        .queryset.get(code="CN-JS").pk,
        "industry": page.context["form"].fields["industry"].queryset.get(code="robots").pk,
        "tier": page.context["form"].fields["tier"].queryset.get(code="excellent").pk,
        "year": "2025", "evidence": pdf(), "evidence_title": "MIIT letter",
    })
    factory = SmartFactory.objects.get(enterprise=enterprise)
    assert response.url == reverse("factory-detail", args=[factory.pk])
    detail = client.get(response.url).content.decode()
    assert "MIIT letter" in detail
    document = factory.evidence.get()
    download = client.get(reverse("factory-evidence", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    client.force_login(operator_user)
    client.post(reverse("factory-verify", args=[factory.pk]), {"note": "OK"})
    factory.refresh_from_db()
    assert factory.status == SmartFactory.Status.VERIFIED
    client.logout()
    listing = client.get(reverse("factory-list")).content.decode()
    assert "Changzhou gear plant" in listing


def test_the_registry_refuses_a_tier_above_the_enterprises_level(as_user, enterprise_user,
                                                                  enterprise, pdf):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    client = as_user(enterprise_user)
    form = client.get(reverse("factory-create")).context["form"]
    response = client.post(reverse("factory-create"), {
        "name": "Plant", "region": form.fields["region"].queryset.first().pk,
        "industry": form.fields["industry"].queryset.first().pk,
        "tier": form.fields["tier"].queryset.get(code="excellent").pk,
        "year": "2025", "evidence": pdf(),
    })
    assert response.status_code == 200
    assert "tier" in response.context["form"].errors
    assert not SmartFactory.objects.exists()


def test_the_public_list_shows_verified_factories_only(client, enterprise):
    SmartFactoryFactory(enterprise=enterprise, name="Verified plant", status="verified")
    SmartFactoryFactory(enterprise=enterprise, name="Pending plant")
    html = client.get(reverse("factory-list")).content.decode()
    assert "Verified plant" in html and "Pending plant" not in html


@pytest.fixture
def figures_data(enterprise, completed):
    SmartFactoryFactory(enterprise=enterprise, status="verified",
                        tier=SmartFactory.tier.field.related_model.objects.get(code="excellent"))
    need = NeedFactory()
    need.scenarios.set(Scenario.objects.filter(code="2025-09"))
    SolutionFactory(status=SolutionStatus.PUBLISHED)
    services.take_monthly_snapshot()


def test_the_operator_dashboard_shows_targets_breakdowns_gap_map_and_trend(
    as_user, operator_user, figures_data
):
    response = as_user(operator_user).get(reverse("targets-dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Excellent-tier smart factories in the mechanical industry" in html
    assert html.count("<svg") >= 4
    assert "Jiangsu" in html
    assert "2025-09 Intelligent shop-floor scheduling" in html
    assert response.context["figures"]["gap_map"][0]["code"] == "2025-09"


def test_the_csv_export_has_every_figure(as_user, operator_user, figures_data):
    response = as_user(operator_user).get(reverse("targets-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "code", "name", "metric", "value"]
    cells = {(r[0], r[1], r[3]): r[4] for r in rows[1:]}
    assert cells[("target", "excellent-smart-factories:2027", "current")] == "1"
    assert cells[("target", "excellent-smart-factories:2027", "target")] == "200"
    assert cells[("region", "CN-JS", "excellent_factories")] == "1"
    assert cells[("gap_map", "2025-09", "open_needs")] == "1"
    assert rows[-1][0] == "trend"


def test_the_public_summary_needs_no_sign_in(client, figures_data):
    response = client.get(reverse("targets-summary"))
    assert response.status_code == 200
    assert "Progress toward the plan" in response.content.decode()


@pytest.mark.parametrize("name, needs_operator", [
    ("targets-summary", False), ("targets-dashboard", True), ("factory-list", False),
])
def test_pages_render_in_chinese(compiled_translations, client, operator_user, figures_data,
                                 name, needs_operator):
    if needs_operator:
        client.force_login(operator_user)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse(name)).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "智造汇" in html


def test_results_and_assessment_render_in_chinese(compiled_translations, as_user,
                                                  enterprise_user, completed):
    client = as_user(enterprise_user)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("maturity-results", args=[completed.pk])).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "设备管理" in html and "物流" in html  # sub-domain names from the model
    services.start_assessment(actor=enterprise_user, enterprise=completed.enterprise)
    page = client.get(reverse("maturity-assessment-subdomain", args=["data"])).content.decode()
    assert "梳理了各核心业务活动所需的数据" in page  # statements in the reader's language


def test_evidence_downloads_are_for_the_factory_enterprise_and_operators(
    as_user, other_enterprise_user, operator_user, media_root
):
    document = FactoryEvidenceFactory()
    url = reverse("factory-evidence", args=[document.pk])
    assert as_user(other_enterprise_user).get(url).status_code == 404
    assert as_user(operator_user).get(url).status_code == 200


def test_results_cost_the_same_queries_whatever_the_catalog_size(
    as_user, enterprise_user, completed, django_assert_max_num_queries
):
    client = as_user(enterprise_user)
    url = reverse("maturity-results", args=[completed.pk])
    for _ in range(2):
        SolutionFactory(status=SolutionStatus.PUBLISHED, scenarios=["2025-28", "2025-40"])
    with django_assert_max_num_queries(55):  # three sub-domains matched, ~10 queries each
        client.get(url)
    for _ in range(10):
        SolutionFactory(status=SolutionStatus.PUBLISHED, scenarios=["2025-28", "2025-40"])
    with django_assert_max_num_queries(55):
        assert client.get(url).status_code == 200
