"""Model versions: a revised standard loads beside the old one, each assessment keeps the
version it was started on, and a loaded version's shape never changes under its answers."""

import copy
import json

import pytest
from django.core.management import call_command

from catalog.models import TaxonomyRelease
from maturity import services
from maturity.loading import (
    STATEMENTS_FILE,
    MaturityModelConflict,
    load_maturity_model,
    taxonomy_structure,
)
from maturity.models import Assessment, MaturityModel, Statement

pytestmark = pytest.mark.django_db
SHIPPED = json.loads(STATEMENTS_FILE.read_text(encoding="utf-8"))


def revised(tmp_path, version="gbt39116-2030.1", drop="logistics", standard="GB/T 39116-2030"):
    """A revised standard without one sub-domain, and with reworded statements: (path,
    structure)."""
    structure = copy.deepcopy(taxonomy_structure()[0])
    structure["standard"] = standard
    for element in structure["elements"]:
        element["domains"] = [
            {**domain, "subdomains": [s for s in domain["subdomains"] if s["code"] != drop]}
            for domain in element["domains"]
        ]
        element["domains"] = [d for d in element["domains"] if d["subdomains"]]
    statements = copy.deepcopy(SHIPPED)
    statements.update(version=version, standard=standard)
    statements["subdomains"].pop(drop)
    statements["subdomains"]["data"]["levels"]["1"][0]["en"] = "Revised: data are listed."
    path = tmp_path / f"{version}.json"
    path.write_text(json.dumps(statements, ensure_ascii=False), encoding="utf-8")
    return path, structure


def test_a_revised_standard_loads_beside_the_old_one_and_becomes_current(tmp_path):
    old = MaturityModel.objects.get(is_current=True)
    path, structure = revised(tmp_path)
    new = load_maturity_model(path, structure=structure)
    old.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    assert new.subdomains.count() == 19 and old.subdomains.count() == 20
    assert Statement.objects.get(subdomain__model=new, code="data.1.1").text_en.startswith(
        "Revised")
    assert Statement.objects.get(subdomain__model=old, code="data.1.1").text_en != (
        "Revised: data are listed.")


def test_every_assessment_keeps_the_version_it_started_on(
    tmp_path, enterprise_user, enterprise, other_enterprise_user, answer_all
):
    before, _ = services.start_assessment(actor=enterprise_user, enterprise=enterprise)
    path, structure = revised(tmp_path)
    new = load_maturity_model(path, structure=structure)
    other = other_enterprise_user.memberships.get().organization
    after, _ = services.start_assessment(actor=other_enterprise_user, enterprise=other)
    assert before.model.version == SHIPPED["version"]
    assert after.model == new

    # The old assessment is answered and scored on the old model: 20 sub-domains.
    answer_all(enterprise_user, before)
    done = services.complete_assessment(actor=enterprise_user, assessment=before)
    assert done.result["model_version"] == SHIPPED["version"]
    assert len(done.result["subdomains"]) == 20
    answer_all(other_enterprise_user, after)
    done_after = services.complete_assessment(actor=other_enterprise_user, assessment=after)
    assert len(done_after.result["subdomains"]) == 19
    assert "logistics" not in done_after.result["subdomains"]


def test_statement_codes_of_another_version_are_refused(tmp_path, enterprise_user, enterprise):
    assessment, _ = services.start_assessment(actor=enterprise_user, enterprise=enterprise)
    path, structure = revised(tmp_path, drop="sales")
    load_maturity_model(path, structure=structure)
    # "sales" exists in the assessment's own version: answering it is fine.
    services.save_progress(actor=enterprise_user, assessment=assessment,
                           answers={"sales.1.1": "1"})
    assert assessment.answers.get().statement.subdomain.model == assessment.model


def test_reloading_a_version_refreshes_texts_but_never_its_shape(tmp_path):
    model = MaturityModel.objects.get(version=SHIPPED["version"])
    changed = copy.deepcopy(SHIPPED)
    changed["subdomains"]["data"]["levels"]["1"][0]["zh"] = "修订后的表述。"
    path = tmp_path / "same-version.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert load_maturity_model(path).pk == model.pk
    assert Statement.objects.get(subdomain__model=model, code="data.1.1").text_zh == (
        "修订后的表述。")

    changed["subdomains"]["data"]["levels"]["1"].append({"en": "Extra", "zh": "额外"})
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MaturityModelConflict):
        load_maturity_model(path)
    assert not Statement.objects.filter(code="data.1.3").exists()


def test_statements_must_cover_the_structure_and_every_level(tmp_path):
    broken = copy.deepcopy(SHIPPED)
    broken["version"] = "broken.1"
    broken["subdomains"]["data"]["levels"].pop("4")
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ValueError, match="level 4"):
        load_maturity_model(path)
    broken["subdomains"]["data"]["levels"]["4"] = SHIPPED["subdomains"]["data"]["levels"]["4"]
    broken["subdomains"].pop("sales")
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ValueError, match="sales"):
        load_maturity_model(path)
    assert not MaturityModel.objects.filter(version="broken.1").exists()


def test_the_structure_comes_from_the_taxonomy_release():
    structure, version = taxonomy_structure()
    assert structure == TaxonomyRelease.objects.get(version=version).maturity_model
    model = MaturityModel.objects.get(is_current=True)
    assert model.taxonomy_version == version
    assert model.source["structure"]["standard"] == "GB/T 39116-2020"


def test_the_command_loads_a_version_without_making_it_current(tmp_path, capsys):
    path, structure = revised(tmp_path, version="gbt39116-draft.1")
    structure_path = tmp_path / "structure.json"
    structure_path.write_text(json.dumps({"maturity_model": structure}), encoding="utf-8")
    call_command("load_maturity_model", "--statements", str(path), "--structure",
                 str(structure_path), "--not-current")
    assert "gbt39116-draft.1 (not current)" in capsys.readouterr().out
    assert MaturityModel.objects.get(is_current=True).version == SHIPPED["version"]
    assert not Assessment.objects.exists()
