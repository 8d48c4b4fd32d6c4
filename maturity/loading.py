"""Loading a version of the maturity model: the structure from the taxonomy's
`maturity_model` (catalog.TaxonomyRelease, else catalog/data/taxonomy.json), the statements,
weights and scenario mapping from a data file in maturity/data/.

Loading is idempotent. Reloading a version may correct texts, weights and scenario mappings,
but never its shape: answers point at statements, so a revised standard (other sub-domains or
statements) is loaded as a new version beside the old one."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from catalog.models import Scenario, TaxonomyRelease
from catalog.taxonomy import TAXONOMY_FILE

from .models import Domain, Element, MaturityModel, Statement, SubDomain

DATA_DIR = Path(__file__).resolve().parent / "data"
STATEMENTS_FILE = DATA_DIR / "gbt39116-2020.json"
LEVELS = range(1, 6)


class MaturityModelConflict(ValueError):
    """The file changes the shape of a version that is already loaded."""


def taxonomy_structure():
    """(structure, taxonomy version) from the latest loaded taxonomy release, else the file."""
    release = TaxonomyRelease.objects.exclude(maturity_model={}).order_by("-loaded_at").first()
    if release is not None:
        return release.maturity_model, release.version
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return data["maturity_model"], data["version"]


def _shape(structure, statements):
    """Every (sub-domain, level, position) the version defines, checking the two agree."""
    subdomains = [sub["code"] for element in structure["elements"]
                  for domain in element["domains"] for sub in domain["subdomains"]]
    missing = sorted(set(subdomains) - set(statements["subdomains"]))
    unknown = sorted(set(statements["subdomains"]) - set(subdomains))
    if missing or unknown:
        raise ValueError(f"Statements and structure disagree: missing {missing}, "
                         f"unknown {unknown}.")
    shape = set()
    for code in subdomains:
        levels = statements["subdomains"][code]["levels"]
        for level in LEVELS:
            items = levels.get(str(level), [])
            if not items:
                raise ValueError(f"Sub-domain {code} has no statements at level {level}.")
            shape.update((code, level, position) for position in range(1, len(items) + 1))
    return shape


@transaction.atomic
def load_maturity_model(statements_path=STATEMENTS_FILE, structure=None, make_current=True):
    """Create or refresh the version described by `statements_path`; returns the
    MaturityModel. `structure` defaults to the taxonomy's maturity_model."""
    statements = json.loads(Path(statements_path).read_text(encoding="utf-8"))
    taxonomy_version = ""
    if structure is None:
        structure, taxonomy_version = taxonomy_structure()
    if structure.get("standard") and structure["standard"] != statements["standard"]:
        raise ValueError(f"The structure is for {structure['standard']}, the statements for "
                         f"{statements['standard']}.")
    shape = _shape(structure, statements)

    model = MaturityModel.objects.filter(version=statements["version"]).first()
    if model is not None:
        loaded = set(Statement.objects.filter(subdomain__model=model)
                     .values_list("subdomain__code", "level", "position"))
        if loaded != shape:
            raise MaturityModelConflict(
                f"Version {model.version} is loaded with another shape; give the revised "
                "model a new version."
            )
    else:
        model = MaturityModel(version=statements["version"])
    model.standard = statements["standard"]
    model.name_en = statements.get("name_en", statements["standard"])
    model.name_zh = statements.get("name_zh", statements["standard"])
    model.taxonomy_version = taxonomy_version or model.taxonomy_version
    model.source = {"structure": structure, "statements": statements}
    if make_current:
        MaturityModel.objects.filter(is_current=True).exclude(pk=model.pk).update(
            is_current=False
        )
        model.is_current = True
    model.save()
    _load_rows(model, structure, statements)
    return model


def _load_rows(model, structure, statements):
    scenarios = {scenario.code: scenario for scenario in Scenario.objects.all()}
    position = 0
    for element_position, item in enumerate(structure["elements"]):
        element, _ = Element.objects.update_or_create(
            model=model, code=item["code"],
            defaults={"name_en": item["name_en"], "name_zh": item["name_zh"],
                      "position": element_position},
        )
        for domain_item in item["domains"]:
            domain, _ = Domain.objects.update_or_create(
                model=model, code=domain_item["code"],
                defaults={"element": element, "name_en": domain_item["name_en"],
                          "name_zh": domain_item["name_zh"], "position": position},
            )
            for sub in domain_item["subdomains"]:
                position += 1
                spec = statements["subdomains"][sub["code"]]
                subdomain, _ = SubDomain.objects.update_or_create(
                    model=model, code=sub["code"],
                    defaults={"domain": domain, "name_en": sub["name_en"],
                              "name_zh": sub["name_zh"], "position": position,
                              "weight": Decimal(str(spec.get("weight", 1)))},
                )
                unknown = [code for code in spec.get("scenarios", []) if code not in scenarios]
                if unknown:
                    raise ValueError(f"Sub-domain {sub['code']} names unknown scenarios "
                                     f"{unknown}.")
                subdomain.scenarios.set([scenarios[code] for code in spec.get("scenarios", [])])
                _load_statements(subdomain, spec["levels"])


def _load_statements(subdomain, levels):
    for level in LEVELS:
        for number, item in enumerate(levels[str(level)], start=1):
            Statement.objects.update_or_create(
                subdomain=subdomain, level=level, position=number,
                defaults={"code": f"{subdomain.code}.{level}.{number}",
                          "text_en": item["en"], "text_zh": item["zh"],
                          "weight": Decimal(str(item.get("weight", 1)))},
            )


def load_on_migrate(using="default", **kwargs):
    """post_migrate handler: a migrated (or test-flushed) database has the shipped model."""
    from django.db import connections

    tables = connections[using].introspection.table_names()
    if Statement._meta.db_table not in tables or Scenario._meta.db_table not in tables:
        return
    version = json.loads(STATEMENTS_FILE.read_text(encoding="utf-8"))["version"]
    if not MaturityModel.objects.using(using).filter(version=version).exists():
        # The shipped model becomes current only where no other version is current yet.
        load_maturity_model(
            make_current=not MaturityModel.objects.using(using).filter(is_current=True).exists()
        )
