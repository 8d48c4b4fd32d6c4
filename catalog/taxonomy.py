"""Loading the taxonomy file into the taxonomy tables: idempotent, in one transaction."""

import json
from pathlib import Path

from django.db import transaction

from .models import (
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

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"


def _names(item):
    return {"name_en": item["name_en"], "name_zh": item["name_zh"]}


@transaction.atomic
def load_taxonomy(path=TAXONOMY_FILE):
    """Create or update every taxonomy row from `path`; returns counts per kind."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    TaxonomyRelease.objects.update_or_create(
        version=data["version"],
        defaults={"sources": data.get("sources", []),
                  "maturity_model": data.get("maturity_model", {})},
    )
    stages = {}
    for position, item in enumerate(data["stages"]):
        stages[item["code"]], _ = LifecycleStage.objects.update_or_create(
            code=item["code"], defaults={**_names(item), "position": position}
        )
    links = {}
    for position, item in enumerate(data["links"]):
        links[item["code"]], _ = ScenarioLink.objects.update_or_create(
            code=item["code"],
            defaults={**_names(item), "stage": stages[item["stage"]], "position": position},
        )
    for item in data["scenarios"]:
        Scenario.objects.update_or_create(
            code=item["code"],
            defaults={
                **_names(item),
                "edition": item["edition"],
                "link": links[item["link"]],
                "stage": stages[item["stage"]],
                "description_en": item.get("description_en", ""),
                "description_zh": item.get("description_zh", ""),
                "keywords_en": item.get("keywords_en", []),
                "keywords_zh": item.get("keywords_zh", []),
            },
        )
    for item in data["industries"]:
        Industry.objects.update_or_create(
            code=item["code"], defaults={**_names(item), "gb4754": item.get("gb4754", [])}
        )
    for item in data["technologies"]:
        Technology.objects.update_or_create(code=item["code"], defaults=_names(item))
    for item in data["maturity_levels"]:
        MaturityLevel.objects.update_or_create(
            level=item["level"],
            defaults={**_names(item), "summary_en": item.get("summary_en", ""),
                      "summary_zh": item.get("summary_zh", "")},
        )
    for item in data["regions"]:
        Region.objects.update_or_create(code=item["code"], defaults=_names(item))
    for position, item in enumerate(data["factory_tiers"]):
        FactoryTier.objects.update_or_create(
            code=item["code"],
            defaults={**_names(item), "position": position,
                      "min_maturity_level": item.get("min_maturity_level")},
        )
    for item in data["plan_targets"]:
        PlanTarget.objects.update_or_create(
            code=item["code"], year=item["year"],
            defaults={**_names(item), "value": str(item["value"])},
        )
    return {
        "stages": len(data["stages"]),
        "links": len(data["links"]),
        "scenarios": len(data["scenarios"]),
        "industries": len(data["industries"]),
        "technologies": len(data["technologies"]),
        "maturity_levels": len(data["maturity_levels"]),
        "regions": len(data["regions"]),
        "factory_tiers": len(data["factory_tiers"]),
        "plan_targets": len(data["plan_targets"]),
    }


def load_reference_data(using="default", **kwargs):
    """post_migrate handler: a migrated (or test-flushed) database always has the shipped
    taxonomy and the starting review reasons. `load_taxonomy` refreshes the taxonomy on demand."""
    from django.db import connections

    from .models import ReviewReason
    from .reasons import ensure_review_reasons

    tables = connections[using].introspection.table_names()
    if TaxonomyRelease._meta.db_table in tables:
        version = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))["version"]
        if not TaxonomyRelease.objects.using(using).filter(version=version).exists():
            load_taxonomy()
    if ReviewReason._meta.db_table in tables:
        ensure_review_reasons()
