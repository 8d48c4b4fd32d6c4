"""The checks that read the submitted content: completeness, taxonomy, case-study outcomes."""

import pytest

from catalog import revisions
from catalog.checks.content import completeness, outcomes, taxonomy
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def solution(vendor):
    return SolutionFactory(vendor=vendor, scenarios=["2025-28"])


def content_of(solution, **changes):
    return {**revisions.snapshot(solution), **changes}


def study(*rows, client="Ningbo Precision Castings"):
    return {"client": client, "industry": "machine-tools", "region": "CN-ZJ", "year": 2024,
            "summary": "", "outcomes": list(rows)}


def row(metric="Unplanned downtime", unit="h/month", before="40", after="12"):
    return {"metric": metric, "unit": unit, "before": before, "after": after}


# Completeness


def test_completeness_names_the_missing_items_and_flags_a_thin_submission(solution):
    content = content_of(solution, technologies=[], regions=[], price_min_cny=None,
                         delivery_weeks=None, title_en="", industries=[])
    outcome = completeness(solution, content)
    assert set(outcome.details["missing"]) >= {"technologies", "regions", "price_range",
                                               "delivery_weeks", "title_en", "industries",
                                               "case_study", "case_study_outcomes"}
    assert outcome.score < 0.6
    assert not outcome.passed and outcome.flags_for_second_approval


# Taxonomy


def test_taxonomy_consistent_when_explicit_stages_belong_to_tagged_scenarios(solution):
    # 2025-28 (predictive maintenance) is a manufacturing scenario.
    outcome = taxonomy(solution, content_of(solution, stages=["manufacturing"]))
    assert outcome.passed and outcome.severity == "ok"
    assert outcome.details == {"missing": [], "unknown": [], "stages_without_scenario": []}


def test_taxonomy_warns_about_a_stage_none_of_whose_scenarios_is_tagged(solution):
    outcome = taxonomy(solution, content_of(solution, stages=["manufacturing", "after-sales"]))
    assert outcome.passed
    assert outcome.severity == "warning"
    assert outcome.details["stages_without_scenario"] == ["after-sales"]


def test_taxonomy_requires_a_scenario_and_an_industry(solution):
    outcome = taxonomy(solution, content_of(solution, scenarios=[], industries=[]))
    assert not outcome.passed and outcome.severity == "error"
    assert outcome.details["missing"] == ["scenarios", "industries"]


def test_taxonomy_reports_unknown_codes_as_errors(solution):
    # A revision proposed before a taxonomy release can name codes that no longer exist.
    content = content_of(solution, scenarios=["2025-28", "2099-99"], regions=["CN-XX"],
                         case_studies=[study(row())])
    content["case_studies"][0]["industry"] = "steam-engines"
    outcome = taxonomy(solution, content)
    assert not outcome.passed and outcome.severity == "error"
    assert outcome.details["unknown"] == [
        {"field": "scenarios", "code": "2099-99"},
        {"field": "regions", "code": "CN-XX"},
        {"field": "case_studies[0].industry", "code": "steam-engines"},
    ]


# Outcomes


def test_sane_outcome_rows_pass(solution):
    content = content_of(solution, case_studies=[
        study(row(), row(metric="OEE", unit="%", before="62.5", after="78")),
        study(row(metric="Scrap rate", unit="%", before="3", after="1.2")),
    ])
    outcome = outcomes(solution, content)
    assert outcome.passed and outcome.severity == "ok" and not outcome.flags_for_second_approval
    assert outcome.details == {"rows_checked": 3, "rows": []}
    assert outcome.score == 1.0


def test_each_bad_outcome_row_is_named_with_its_case_study_and_row(solution):
    content = content_of(solution, case_studies=[
        study(row()),
        study(
            row(metric=""),
            row(unit=" "),
            row(before="about 40"),
            row(before="12", after="12"),
            row(metric="OEE", unit="%", before="62", after="140"),
            client="Changzhou Gearbox",
        ),
    ])
    outcome = outcomes(solution, content)
    assert not outcome.passed and outcome.severity == "error"
    assert outcome.flags_for_second_approval
    found = [(r["case_study"], r["row"], r["errors"]) for r in outcome.details["rows"]]
    assert found == [
        (1, 0, ["missing_metric"]),
        (1, 1, ["missing_unit"]),
        (1, 2, ["not_numeric"]),
        (1, 3, ["unchanged"]),
        (1, 4, ["percent_out_of_range"]),
    ]
    assert outcome.details["rows"][0]["field"] == "case_studies[1].outcomes[0]"
    assert outcome.details["rows"][0]["client"] == "Changzhou Gearbox"
    assert outcome.details["rows_checked"] == 6


def test_an_implausible_change_is_a_warning_not_an_error(solution):
    content = content_of(solution, case_studies=[
        study(row(metric="Orders per day", unit="orders", before="10", after="250")),
    ])
    outcome = outcomes(solution, content)
    assert outcome.passed and not outcome.flags_for_second_approval
    assert outcome.severity == "warning"
    assert outcome.details["rows"][0]["warnings"] == ["implausible_change"]
    assert outcome.details["rows"][0]["errors"] == []


def test_no_outcomes_is_nothing_to_check(solution):
    outcome = outcomes(solution, content_of(solution, case_studies=[]))
    assert outcome.passed and outcome.score is None
    assert outcome.details["rows_checked"] == 0
