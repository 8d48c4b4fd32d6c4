import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Membership, Organization, User
from catalog.models import (
    CaseStudy,
    CaseStudyOutcome,
    LifecycleStage,
    ReviewEvent,
    Solution,
    SolutionStatus,
)
from core.models import OutboxEvent
from importer.services import CatalogImportError, ImportActorError, import_catalog
from marketplace.models import EnterpriseProfile, Need
from tests.factories import MembershipFactory, SolutionFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

# The demo catalog shipped with the repository (`make run` loads it through seed_demo).
DEMO_CATALOG = Path(__file__).resolve().parents[2] / "importer" / "data" / "demo_catalog.jsonl"

VENDOR = {"type": "vendor", "ref": "v-001", "name": "Suzhou Lianxin Intelligent Technology",
          "name_zh": "苏州联信智能科技", "region": "CN-JS", "website": "https://example.com",
          "description": "IIoT for machining plants.", "credit_code": "91320500MA1XXXXXXC"}
ENTERPRISE = {"type": "enterprise", "ref": "e-001", "name": "Quheng Machine Tool",
              "name_zh": "衢恒机床", "region": "CN-ZJ", "industry": "machine-tools",
              "size": "medium", "maturity_level": 1}
SOLUTION = {
    "type": "solution", "ref": "s-0001", "vendor": "v-001", "language": "zh",
    "title": "数控机床预测性维护", "title_en": "Predictive maintenance for CNC machines",
    "summary": "主轴故障提前预警。", "description": "振动监测与AI模型。",
    "scenarios": ["2025-28"], "industries": ["machine-tools", "general-equipment"],
    "technologies": ["iiot", "ai-ml"], "maturity_from": 1, "maturity_to": 3,
    "regions": ["CN-JS", "CN-ZJ"], "deployment": "hybrid",
    "price_min_cny": 300000, "price_max_cny": 1200000.5, "delivery_weeks": 12,
    "case_studies": [{"client": "浙江某机床厂", "industry": "machine-tools", "region": "CN-ZJ",
                      "year": 2024, "summary": "两条产线试点。",
                      "outcomes": [{"metric": "unplanned downtime", "unit": "h/month",
                                    "before": 120, "after": 70.5}]}],
    "status": "published",
}
DRAFT = {"type": "solution", "ref": "s-0002", "vendor": "v-001", "language": "en",
         "title": "OEE monitoring", "summary": "See OEE per machine.",
         "industries": ["molds-dies"], "technologies": ["scada"], "maturity_from": 1,
         "maturity_to": 2, "deployment": "cloud", "status": "draft"}
NEED = {"type": "need", "ref": "n-001", "enterprise": "e-001", "language": "en",
        "title": "Cut spindle downtime", "description": "Predictive maintenance wanted.",
        "industry": "machine-tools", "region": "CN-ZJ", "stages": ["manufacturing"],
        "scenarios": ["2025-28", "2025-27"], "current_level": 1, "target_level": 2,
        "budget_max_cny": 800000}
GOOD = [VENDOR, ENTERPRISE, SOLUTION, DRAFT, NEED]


def write_catalog(tmp_path, *lines, name="catalog.jsonl"):
    """Objects become JSON lines; strings are written as they are (for broken JSON)."""
    path = tmp_path / name
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
                     for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def edited(obj, **changes):
    result = copy.deepcopy(obj)
    for key, value in changes.items():
        if value is ...:
            result.pop(key)
        else:
            result[key] = value
    return result


def row_counts():
    models = (Organization, EnterpriseProfile, Solution, CaseStudy, CaseStudyOutcome, Need,
              ReviewEvent, OutboxEvent, User, Membership)
    return {model.__name__: model.objects.count() for model in models}


def codes(manager):
    return set(manager.values_list("code", flat=True))


@pytest.fixture
def operator_user(reviewer):
    return reviewer


def test_demo_catalog_imports_every_kind_with_published_and_draft_solutions():
    report = import_catalog(DEMO_CATALOG)

    assert Organization.objects.filter(kind="vendor").count() == 8
    assert Organization.objects.filter(kind="enterprise").count() == 6
    assert EnterpriseProfile.objects.count() == 6
    published = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    assert published.count() == 33
    assert Solution.objects.filter(status=SolutionStatus.DRAFT).count() == 3
    assert Need.objects.count() == 8
    assert report.published == 33
    assert ReviewEvent.objects.filter(reason_codes=["imported"]).count() == 33
    stages = LifecycleStage.objects.filter(scenarios__solutions__status="published")
    assert codes(stages.distinct()) == codes(LifecycleStage.objects)
    assert published.filter(title_zh__contains="MES系统").exists()
    assert published.filter(title_zh__contains="预测性维护").exists()
    assert published.filter(summary_en__icontains="production scheduling").exists()
    assert published.exclude(title_en="").exclude(title_zh="").count() >= 20
    for solution in published:
        assert 1 <= solution.case_studies.count() <= 2, solution.external_ref
    assert CaseStudyOutcome.objects.filter(case_study__solution__in=published).count() >= 33
    assert not any(o.before == o.after for o in CaseStudyOutcome.objects.all())
    assert set(Need.objects.values_list("language", flat=True)) == {"en", "zh"}


def test_demo_catalog_reimport_changes_nothing():
    import_catalog(DEMO_CATALOG)
    before = row_counts()

    report = import_catalog(DEMO_CATALOG)

    assert row_counts() == before
    assert not report.changed


def test_small_catalog_creates_rows_and_relations(tmp_path, operator_user):
    report = import_catalog(write_catalog(tmp_path, *GOOD))

    vendor = Organization.objects.get(kind="vendor", external_ref="v-001")
    assert (vendor.name, vendor.name_zh, vendor.region) == (VENDOR["name"], "苏州联信智能科技",
                                                            "CN-JS")
    assert (vendor.website, vendor.credit_code) == ("https://example.com", "91320500MA1XXXXXXC")
    enterprise = Organization.objects.get(kind="enterprise", external_ref="e-001")
    profile = enterprise.enterprise_profile
    assert (profile.industry.code, profile.size, profile.maturity_level) == (
        "machine-tools", "medium", 1)

    solution = Solution.objects.get(external_ref="s-0001")
    assert solution.vendor == vendor
    assert (solution.language, solution.title_zh, solution.title_en) == (
        "zh", "数控机床预测性维护", "Predictive maintenance for CNC machines")
    assert (solution.summary_zh, solution.summary_en) == ("主轴故障提前预警。", "")
    assert solution.description_zh == "振动监测与AI模型。"
    assert codes(solution.scenarios) == {"2025-28"}
    assert codes(solution.industries) == {"machine-tools", "general-equipment"}
    assert codes(solution.technologies) == {"iiot", "ai-ml"}
    assert codes(solution.regions) == {"CN-JS", "CN-ZJ"}
    assert (solution.maturity_from, solution.maturity_to, solution.deployment) == (1, 3, "hybrid")
    assert solution.price_max_cny == Decimal("1200000.50")
    assert solution.delivery_weeks == 12
    study = solution.case_studies.get()
    assert (study.client, study.industry.code, study.region.code, study.year) == (
        "浙江某机床厂", "machine-tools", "CN-ZJ", 2024)
    outcome = study.outcomes.get()
    assert (outcome.metric, outcome.unit, outcome.before, outcome.after) == (
        "unplanned downtime", "h/month", 120, Decimal("70.5"))

    assert solution.status == SolutionStatus.PUBLISHED
    event = solution.review_events.get()
    assert (event.from_status, event.to_status, event.reason_codes, event.actor) == (
        "draft", "published", ["imported"], operator_user)
    assert OutboxEvent.objects.filter(topic="solution.published",
                                      aggregate_id=str(solution.pk)).count() == 1

    draft = Solution.objects.get(external_ref="s-0002")
    assert draft.status == SolutionStatus.DRAFT
    assert (draft.title_en, draft.title_zh) == ("OEE monitoring", "")
    assert not draft.review_events.exists()

    need = Need.objects.get(external_ref="n-001")
    assert (need.enterprise, need.language, need.industry.code, need.region.code) == (
        enterprise, "en", "machine-tools", "CN-ZJ")
    assert (need.current_level, need.target_level, need.budget_max_cny) == (1, 2, 800000)
    assert codes(need.stages) == {"manufacturing"}
    assert codes(need.scenarios) == {"2025-28", "2025-27"}
    assert report.counts["solution"]["created"] == 2
    assert "solutions 2 created, 0 updated, 0 unchanged" in report.summary()


def test_reimporting_the_same_file_writes_nothing(tmp_path, operator_user):
    path = write_catalog(tmp_path, *GOOD)
    import_catalog(path)
    before = row_counts()
    stamps = sorted(Solution.objects.values_list("updated_at", flat=True))

    report = import_catalog(path)

    assert row_counts() == before
    assert sorted(Solution.objects.values_list("updated_at", flat=True)) == stamps
    assert {kind: dict(c) for kind, c in report.counts.items()} == {
        "vendor": {"unchanged": 1}, "enterprise": {"unchanged": 1},
        "solution": {"unchanged": 2}, "need": {"unchanged": 1},
    }


def test_edited_reimport_updates_in_place(tmp_path, operator_user):
    import_catalog(write_catalog(tmp_path, *GOOD))
    study = {"client": "Jiangsu gear maker", "outcomes": [
        {"metric": "MTTR", "unit": "h", "before": 6, "after": 3},
        {"metric": "spare parts stock", "before": 420, "after": 310}]}
    edits = [
        edited(VENDOR, website=..., name="Lianxin Intelligent"),
        edited(ENTERPRISE, size="large"),
        edited(SOLUTION, summary="新摘要", scenarios=["2025-27", "2025-29"], regions=...,
               case_studies=[study]),
        edited(DRAFT, status="published"),
        edited(NEED, budget_max_cny=900000, stages=[]),
    ]
    events_before = OutboxEvent.objects.count()

    report = import_catalog(write_catalog(tmp_path, *edits))

    assert {kind: c["updated"] for kind, c in report.counts.items()} == {
        "vendor": 1, "enterprise": 1, "solution": 2, "need": 1}
    vendor = Organization.objects.get(kind="vendor", external_ref="v-001")
    assert (vendor.name, vendor.website) == ("Lianxin Intelligent", "")
    assert EnterpriseProfile.objects.get().size == "large"
    solution = Solution.objects.get(external_ref="s-0001")
    assert solution.summary_zh == "新摘要"
    assert codes(solution.scenarios) == {"2025-27", "2025-29"}
    assert not solution.regions.exists()
    assert [s.client for s in solution.case_studies.all()] == ["Jiangsu gear maker"]
    assert [o.metric for o in CaseStudyOutcome.objects.all()] == ["MTTR", "spare parts stock"]
    assert Solution.objects.get(external_ref="s-0002").status == SolutionStatus.PUBLISHED
    need = Need.objects.get()
    assert need.budget_max_cny == 900000
    assert not need.stages.exists()
    assert Solution.objects.count() == 2
    # One event for the newly published draft, one telling search the published one changed.
    new_topics = sorted(OutboxEvent.objects.order_by("id")[events_before:].values_list(
        "topic", flat=True))
    assert new_topics == ["solution.published", "solution.updated"]


def test_republishing_a_published_solution_and_draft_lines_never_demote(tmp_path,
                                                                        operator_user):
    import_catalog(write_catalog(tmp_path, VENDOR, SOLUTION))
    events = ReviewEvent.objects.count()

    import_catalog(write_catalog(tmp_path, VENDOR, edited(SOLUTION, status="draft")))

    assert Solution.objects.get().status == SolutionStatus.PUBLISHED
    assert ReviewEvent.objects.count() == events


BAD_LINES = [
    ("bad_json", '{"type": "vendor", "ref": ', "invalid JSON"),
    ("not_an_object", "[1, 2]", "expected a JSON object"),
    ("unknown_type", edited(VENDOR, type="supplier", ref="x"), "unknown type 'supplier'"),
    ("missing_type", edited(VENDOR, type=..., ref="x"), "missing key 'type'"),
    ("unknown_key", edited(VENDOR, ref="v-002", ceo="Li"), "vendor v-002: ceo: unknown key"),
    ("unknown_nested_key",
     edited(SOLUTION, ref="s-9", case_studies=[{"client": "c", "budget": 1}]),
     "case_studies[0].budget: unknown key"),
    ("missing_required_key", edited(SOLUTION, ref="s-9", title=...),
     "solution s-9: title: required key is missing"),
    ("missing_outcome_value",
     edited(SOLUTION, ref="s-9", case_studies=[{"client": "c", "outcomes": [
         {"metric": "m", "before": 1}]}]),
     "case_studies[0].outcomes[0].after: required key is missing"),
    ("unknown_scenario", edited(SOLUTION, ref="s-9", scenarios=["2025-99"]),
     "scenarios: unknown scenario code '2025-99'"),
    ("unknown_industry", edited(ENTERPRISE, ref="e-9", industry="shipbuilding"),
     "industry: unknown industry code 'shipbuilding'"),
    ("unknown_technology", edited(SOLUTION, ref="s-9", technologies=["iiot", "quantum"]),
     "technologies: unknown technology code 'quantum'"),
    ("unknown_stage", edited(NEED, ref="n-9", stages=["design"]),
     "stages: unknown lifecycle stage code 'design'"),
    ("unknown_region", edited(VENDOR, ref="v-9", region="CN-XX"),
     "region: unknown region code 'CN-XX'"),
    ("unknown_region_in_list", edited(SOLUTION, ref="s-9", regions=["CN-JS", "TW"]),
     "regions: unknown region code 'TW'"),
    ("bad_vendor_reference", edited(SOLUTION, ref="s-9", vendor="v-404"),
     "vendor: unknown vendor ref 'v-404'"),
    ("bad_enterprise_reference", edited(NEED, ref="n-9", enterprise="v-001"),
     "enterprise: unknown enterprise ref 'v-001'"),
    ("duplicate_ref", edited(VENDOR, name="Another"), "duplicate ref (already defined on line 1)"),
    ("maturity_range", edited(SOLUTION, ref="s-9", maturity_from=4, maturity_to=2),
     "maturity_to: must not be below maturity_from"),
    ("maturity_level_out_of_range", edited(SOLUTION, ref="s-9", maturity_to=6),
     "maturity_to: must be from 1 to 5"),
    ("price_range", edited(SOLUTION, ref="s-9", price_min_cny=900, price_max_cny=100),
     "price_max_cny: must not be below price_min_cny"),
    ("negative_price", edited(SOLUTION, ref="s-9", price_min_cny=-1),
     "price_min_cny: must not be below 0"),
    ("need_levels", edited(NEED, ref="n-9", current_level=3, target_level=2),
     "target_level: must not be below current_level"),
    ("enterprise_maturity", edited(ENTERPRISE, ref="e-9", maturity_level=9),
     "maturity_level: must be from 0 to 5"),
    ("language", edited(NEED, ref="n-9", language="fr"), "language: must be one of en, zh"),
    ("deployment", edited(SOLUTION, ref="s-9", deployment="edge"),
     "deployment: must be one of on_premise, cloud, hybrid"),
    ("status", edited(SOLUTION, ref="s-9", status="approved"),
     "status: must be one of draft, published"),
    ("size", edited(ENTERPRISE, ref="e-9", size="huge"), "size: must be one of micro"),
    ("wrong_type", edited(SOLUTION, ref="s-9", delivery_weeks="12"), "delivery_weeks: must be"),
    ("bilingual_conflict", edited(SOLUTION, ref="s-9", title_zh="别的标题"),
     "title_zh: differs from 'title'"),
]


@pytest.mark.parametrize(("bad", "reason"), [(line, reason) for _, line, reason in BAD_LINES],
                         ids=[name for name, _, _ in BAD_LINES])
def test_bad_line_is_reported_with_its_line_and_nothing_is_written(tmp_path, bad, reason):
    path = write_catalog(tmp_path, VENDOR, ENTERPRISE, SOLUTION, NEED, bad)
    before = row_counts()

    with pytest.raises(CatalogImportError) as caught:
        import_catalog(path)

    assert [(e.line, reason in e.message) for e in caught.value.errors] == [(5, True)], (
        caught.value.errors)
    assert row_counts() == before


def test_every_bad_line_of_a_file_is_reported_at_once(tmp_path):
    path = write_catalog(
        tmp_path, VENDOR, "{oops", edited(VENDOR, ref="v-2", region="CN-XX", fax="1"), "",
        edited(SOLUTION, scenarios=["nope"], maturity_from=5, maturity_to=1),
    )

    with pytest.raises(CatalogImportError) as caught:
        import_catalog(path)

    lines = [error.line for error in caught.value.errors]
    assert lines == [2, 3, 3, 5, 5]
    assert "line 3: vendor v-2: fax: unknown key" in str(caught.value)


def test_refs_imported_before_may_be_referenced(tmp_path, operator_user):
    import_catalog(write_catalog(tmp_path, VENDOR, ENTERPRISE, name="first.jsonl"))

    report = import_catalog(write_catalog(tmp_path, SOLUTION, NEED, name="second.jsonl"))

    assert Solution.objects.get().vendor.external_ref == "v-001"
    assert Need.objects.get().enterprise.external_ref == "e-001"
    assert report.counts["need"]["created"] == 1


def test_lines_may_be_given_instead_of_a_path(operator_user):
    lines = [json.dumps(VENDOR).encode(), "", json.dumps(edited(SOLUTION, status="draft"))]

    report = import_catalog(lines)

    assert report.counts["solution"]["created"] == 1
    assert Solution.objects.get().vendor.external_ref == "v-001"


def test_a_failure_while_writing_rolls_back_the_whole_import(tmp_path, monkeypatch,
                                                             operator_user):
    from catalog import workflow

    def broken(solution, actor):
        raise RuntimeError("database went away")

    monkeypatch.setattr(workflow, "record_import", broken)
    before = row_counts()

    with pytest.raises(RuntimeError):
        import_catalog(write_catalog(tmp_path, *GOOD))

    assert row_counts() == before


def test_a_check_of_the_services_names_the_line_and_nothing_is_written(tmp_path, monkeypatch,
                                                                      operator_user):
    # The file's validation makes the services' checks too; should they ever differ, the
    # service's refusal is reported like a bad line.
    from catalog import services

    def refuse(content):
        raise ValidationError({"price_max_cny": ["Refused by the service."]})

    monkeypatch.setattr(services, "validate_content", refuse)
    before = row_counts()

    with pytest.raises(CatalogImportError) as caught:
        import_catalog(write_catalog(tmp_path, *GOOD))

    assert [str(error) for error in caught.value.errors] == [
        "line 3: solution s-0001: price_max_cny: Refused by the service.",
        "line 4: solution s-0002: price_max_cny: Refused by the service.",
    ]
    assert row_counts() == before


def test_imported_needs_are_announced_as_posted_and_authored_by_the_importer(tmp_path,
                                                                             operator_user):
    import_catalog(write_catalog(tmp_path, ENTERPRISE, NEED))

    need = Need.objects.get()
    assert need.created_by == operator_user
    event = OutboxEvent.objects.get(topic="need.created")
    assert (event.aggregate_id, event.payload["enterprise_id"], event.payload["source"]) == (
        str(need.pk), need.enterprise_id, "import")


def test_importer_user_is_created_in_the_operator_organisation_when_none_exists(tmp_path):
    import_catalog(write_catalog(tmp_path, VENDOR, SOLUTION))

    importer = User.objects.get(username="importer")
    assert not importer.has_usable_password()
    assert importer.memberships.get().organization.name == "Zhizao Hub Operations"
    assert ReviewEvent.objects.get().actor == importer


def test_an_existing_operator_member_or_superuser_is_preferred(tmp_path):
    admin = UserFactory(is_superuser=True)

    import_catalog(write_catalog(tmp_path, VENDOR, SOLUTION))

    assert ReviewEvent.objects.get().actor == admin
    assert not User.objects.filter(username="importer").exists()


def test_a_signed_up_user_named_importer_is_never_made_operator(tmp_path):
    MembershipFactory(user__username="importer", organization=VendorFactory())
    before = row_counts()

    with pytest.raises(ImportActorError):
        import_catalog(write_catalog(tmp_path, VENDOR, SOLUTION))

    assert row_counts() == before
    assert not Organization.objects.filter(kind="operator").exists()


def test_reimport_leaves_solutions_the_file_does_not_mention_alone(tmp_path, operator_user):
    other = SolutionFactory(status=SolutionStatus.PUBLISHED)

    import_catalog(write_catalog(tmp_path, *GOOD))

    other.refresh_from_db()
    assert other.status == SolutionStatus.PUBLISHED
    assert other.external_ref is None


def test_command_prints_a_summary(tmp_path, operator_user):
    out = StringIO()

    call_command("import_catalog", str(write_catalog(tmp_path, *GOOD)), stdout=out)

    assert ("Catalog imported: vendors 1 created, 0 updated, 0 unchanged; enterprises 1 created"
            in out.getvalue())
    assert "solutions 2 created" in out.getvalue()
    assert Solution.objects.count() == 2


def test_command_fails_on_a_bad_file_listing_the_lines(tmp_path):
    path = write_catalog(tmp_path, VENDOR, edited(VENDOR, ref="v-2", colour="red"))

    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", str(path), "--quiet", stdout=StringIO())

    assert "line 2: vendor v-2: colour: unknown key" in str(caught.value)
    assert not Organization.objects.exists()


def test_command_check_only_validates(tmp_path):
    out = StringIO()

    call_command("import_catalog", str(write_catalog(tmp_path, *GOOD)), "--check", stdout=out)

    assert "Catalog is valid: 5 records" in out.getvalue()
    assert not Organization.objects.exists()


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_catalog", str(tmp_path / "absent.jsonl"))


def test_the_demo_catalog_imports_cleanly_and_twice_changes_nothing():
    report = import_catalog(DEMO_CATALOG)

    assert sum(c["created"] for c in report.counts.values()) > 0
    assert not import_catalog(DEMO_CATALOG).changed
