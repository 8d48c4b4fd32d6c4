import json

import pytest
from django.core.management import call_command
from django.utils import translation

from catalog.models import (
    FactoryTier,
    Industry,
    LifecycleStage,
    MaturityLevel,
    PlanTarget,
    Region,
    Scenario,
    ScenarioLink,
    TaxonomyRelease,
    Technology,
)
from catalog.taxonomy import TAXONOMY_FILE, load_taxonomy

pytestmark = pytest.mark.django_db

EXPECTED = {
    LifecycleStage: 6,
    ScenarioLink: 8,
    Scenario: 40,
    Industry: 16,
    Technology: 24,
    MaturityLevel: 5,
    Region: 31,
    FactoryTier: 4,
    PlanTarget: 5,
}


def counts():
    return {model: model.objects.count() for model in EXPECTED}


def test_taxonomy_loads_every_kind_of_the_2025_guide():
    assert counts() == EXPECTED
    scenario = Scenario.objects.select_related("link", "stage").get(code="2025-01")
    assert scenario.link.code == "plant-construction"
    assert scenario.stage.code == "factory-build"
    assert scenario.keywords_zh and scenario.keywords_en
    assert TaxonomyRelease.objects.get().maturity_model["standard"] == "GB/T 39116-2020"
    assert PlanTarget.objects.get(code="scenario-solutions", year=2027).value == 200


def test_loading_twice_changes_nothing_and_refreshes_edited_names(tmp_path):
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    data["technologies"][0]["name_en"] = "Industrial Internet of Things"
    edited = tmp_path / "taxonomy.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    load_taxonomy(edited)
    load_taxonomy(edited)

    assert counts() == EXPECTED
    assert Technology.objects.get(code="iiot").name_en == "Industrial Internet of Things"


def test_names_follow_the_reader_language_with_fallback():
    stage = LifecycleStage.objects.get(code="rd-design")
    with translation.override("zh-hans"):
        assert stage.name == "研发设计"
    with translation.override("en"):
        assert stage.name == "R&D and design"
    stage.name_en = ""
    with translation.override("en"):
        assert stage.name == "研发设计"


def test_load_taxonomy_command_reports_counts(capsys):
    call_command("load_taxonomy")
    assert "40 scenarios" in capsys.readouterr().out
    assert counts() == EXPECTED
