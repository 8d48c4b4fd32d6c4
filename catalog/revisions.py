"""Content snapshots of a solution, and reading the revisions of live listings built on them.

A snapshot is the reviewable content of a solution as plain JSON (taxonomy by code, money as
strings). Checks read snapshots, revisions store them (`base` and `data`), and the diff a
reviewer sees is between two snapshots, field by field. Reads only: proposing and applying a
revision are writes, in catalog.services, so this module sits below the workflow, the checks
and the services that all read it."""

from decimal import Decimal

from .models import (
    Industry,
    LifecycleStage,
    Region,
    RevisionStatus,
    Scenario,
    SolutionRevision,
    Technology,
)

TEXT_FIELDS = ("language", "title_en", "title_zh", "summary_en", "summary_zh",
               "description_en", "description_zh", "deployment")
NUMBER_FIELDS = ("maturity_from", "maturity_to", "delivery_weeks")
MONEY_FIELDS = ("price_min_cny", "price_max_cny")
RELATIONS = {
    "scenarios": Scenario,
    "stages": LifecycleStage,
    "industries": Industry,
    "technologies": Technology,
    "regions": Region,
}
CONTENT_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *MONEY_FIELDS, *RELATIONS, "case_studies")
SNAPSHOT_PREFETCH = (*RELATIONS, "case_studies__industry", "case_studies__region",
                     "case_studies__outcomes")


def _money(value):
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _number(value):
    # Fixed-point without trailing zeros: 100.0000 → "100", 0.50 → "0.5" (never "1E+2").
    return None if value is None else format(Decimal(str(value)).normalize(), "f")


def _code(obj):
    return getattr(obj, "code", obj)


def snapshot(solution):
    """The reviewable content of `solution`. Prefetch SNAPSHOT_PREFETCH to read many at once."""
    content = {name: getattr(solution, name) for name in (*TEXT_FIELDS, *NUMBER_FIELDS)}
    content.update({name: _money(getattr(solution, name)) for name in MONEY_FIELDS})
    for name in RELATIONS:
        content[name] = sorted(obj.code for obj in getattr(solution, name).all())
    content["case_studies"] = [
        {
            "client": study.client,
            "industry": study.industry.code if study.industry else None,
            "region": study.region.code if study.region else None,
            "year": study.year,
            "summary": study.summary,
            "outcomes": [
                {"metric": o.metric, "unit": o.unit, "before": _number(o.before),
                 "after": _number(o.after)}
                for o in study.outcomes.all()
            ],
        }
        for study in solution.case_studies.all()
    ]
    return content


def snapshot_of_input(data):
    """Validated input (taxonomy objects, Decimals) in snapshot form, for the given keys."""
    content = {}
    for name, value in data.items():
        if name in RELATIONS:
            content[name] = sorted(_code(obj) for obj in value)
        elif name in MONEY_FIELDS:
            content[name] = _money(value)
        elif name == "case_studies":
            content[name] = [
                {
                    "client": study.get("client", ""),
                    "industry": _code(study.get("industry")),
                    "region": _code(study.get("region")),
                    "year": study.get("year"),
                    "summary": study.get("summary", ""),
                    "outcomes": [
                        {"metric": o["metric"], "unit": o.get("unit", ""),
                         "before": _number(o["before"]), "after": _number(o["after"])}
                        for o in study.get("outcomes", [])
                    ],
                }
                for study in value
            ]
        elif name in CONTENT_FIELDS:
            content[name] = value
    return content


def input_from_snapshot(content):
    """The other way: snapshot → values the catalog services write (objects, Decimals)."""
    data = {name: content[name] for name in (*TEXT_FIELDS, *NUMBER_FIELDS) if name in content}
    for name in MONEY_FIELDS:
        if name in content:
            data[name] = None if content[name] is None else Decimal(content[name])
    for name, model in RELATIONS.items():
        if name in content:
            data[name] = list(model.objects.filter(code__in=content[name]))
    if "case_studies" in content:
        industries = {i.code: i for i in Industry.objects.all()}
        regions = {r.code: r for r in Region.objects.all()}
        data["case_studies"] = [
            {
                "client": study["client"],
                "industry": industries.get(study.get("industry")),
                "region": regions.get(study.get("region")),
                "year": study.get("year"),
                "summary": study.get("summary", ""),
                "outcomes": [
                    {"metric": o["metric"], "unit": o.get("unit", ""),
                     "before": Decimal(o["before"]), "after": Decimal(o["after"])}
                    for o in study.get("outcomes", [])
                ],
            }
            for study in content["case_studies"]
        ]
    return data


def diff(before, after):
    """Field-by-field changes between two snapshots, in content order."""
    return [
        {"field": name, "before": before.get(name), "after": after.get(name)}
        for name in CONTENT_FIELDS
        if before.get(name) != after.get(name)
    ]


def content_of(subject):
    """The content a check or a reviewer looks at: a revision's proposal, or the listing."""
    if isinstance(subject, SolutionRevision):
        return subject.data
    return snapshot(subject)


def open_revision(solution):
    return solution.revisions.filter(
        status__in=[RevisionStatus.DRAFT, RevisionStatus.SUBMITTED, RevisionStatus.IN_REVIEW,
                    RevisionStatus.CHANGES_REQUESTED]
    ).first()
