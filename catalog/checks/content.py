"""Checks of the submitted content itself (and the taxonomy its codes refer to)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_noop

from catalog.models import CheckResult, Industry, LifecycleStage, Region, Scenario, Technology

from . import CheckOutcome, register

# What a reviewer hopes to see, and how much of it makes a submission complete enough.
COMPLETENESS_ITEMS = (
    "title_en", "title_zh", "summary", "description", "scenarios", "industries", "technologies",
    "regions", "price_range", "delivery_weeks", "case_study", "case_study_outcomes",
)
COMPLETENESS_FLAG_BELOW = 0.6


def completeness(subject, content):
    present = {
        "title_en": bool(content.get("title_en")),
        "title_zh": bool(content.get("title_zh")),
        "summary": bool(content.get("summary_en") or content.get("summary_zh")),
        "description": bool(content.get("description_en") or content.get("description_zh")),
        "scenarios": bool(content.get("scenarios")),
        "industries": bool(content.get("industries")),
        "technologies": bool(content.get("technologies")),
        "regions": bool(content.get("regions")),
        "price_range": content.get("price_min_cny") is not None
        and content.get("price_max_cny") is not None,
        "delivery_weeks": content.get("delivery_weeks") is not None,
        "case_study": bool(content.get("case_studies")),
        "case_study_outcomes": any(s.get("outcomes") for s in content.get("case_studies") or []),
    }
    missing = [item for item in COMPLETENESS_ITEMS if not present[item]]
    score = round(1 - len(missing) / len(COMPLETENESS_ITEMS), 3)
    low = score < COMPLETENESS_FLAG_BELOW
    return CheckOutcome(
        code="completeness",
        passed=not low,
        severity=CheckResult.Severity.WARNING if missing else CheckResult.Severity.OK,
        score=score,
        message=gettext_noop("Complete") if not missing else gettext_noop("Items missing"),
        details={"missing": missing},
        flags_for_second_approval=low,
    )


# Taxonomy: what a submission must be tagged with, and codes it may use.
REQUIRED_TAXONOMY = ("scenarios", "industries")
TAXONOMY_MODELS = {
    "scenarios": Scenario,
    "stages": LifecycleStage,
    "industries": Industry,
    "technologies": Technology,
    "regions": Region,
}


def _known_codes(model, codes):
    if not codes:
        return set()
    return set(model.objects.filter(code__in=codes).values_list("code", flat=True))


def taxonomy(subject, content):
    """Scenario and industry present; every code known to the loaded taxonomy (a revision
    proposed before a taxonomy release can name codes that are gone); explicit stages
    consistent with the scenarios'. One query per kind of code, whatever the counts."""
    codes = {name: list(content.get(name) or []) for name in TAXONOMY_MODELS}
    studies = content.get("case_studies") or []
    study_codes = {
        "industries": [s["industry"] for s in studies if s.get("industry")],
        "regions": [s["region"] for s in studies if s.get("region")],
    }
    missing = [name for name in REQUIRED_TAXONOMY if not codes[name]]
    scenario_stages = dict(
        Scenario.objects.filter(code__in=codes["scenarios"]).values_list("code", "stage__code")
    ) if codes["scenarios"] else {}
    known = {"scenarios": set(scenario_stages)}
    for name, model in TAXONOMY_MODELS.items():
        if name != "scenarios":
            known[name] = _known_codes(model, codes[name] + study_codes.get(name, []))
    unknown = [
        {"field": name, "code": code}
        for name in TAXONOMY_MODELS
        for code in codes[name]
        if code not in known[name]
    ]
    unknown += [
        {"field": f"case_studies[{i}].{field}", "code": study[field]}
        for i, study in enumerate(studies)
        for field, name in (("industry", "industries"), ("region", "regions"))
        if study.get(field) and study[field] not in known[name]
    ]
    # An explicit stage adds to those the scenarios imply; one that no tagged scenario
    # belongs to is likely a mistake, or a scenario the vendor forgot to tag.
    implied = set(scenario_stages.values())
    stages_without_scenario = [
        code for code in codes["stages"] if code in known["stages"] and code not in implied
    ]
    if missing or unknown:
        severity, message = CheckResult.Severity.ERROR, gettext_noop(
            "Required taxonomy missing or unknown codes")
    elif stages_without_scenario:
        severity, message = CheckResult.Severity.WARNING, gettext_noop(
            "Stages chosen without a scenario of that stage")
    else:
        severity, message = CheckResult.Severity.OK, gettext_noop("Taxonomy consistent")
    return CheckOutcome(
        code="taxonomy",
        passed=severity != CheckResult.Severity.ERROR,
        severity=severity,
        message=message,
        details={
            "missing": missing,
            "unknown": unknown,
            "stages_without_scenario": stages_without_scenario,
        },
    )


# Case-study outcomes: figures a reader can trust at a glance.
PERCENT_UNITS = {"%", "％", "percent", "percentage", "pct", "百分比", "百分点"}
# A change beyond this (in % of the figure before) is possible but rare enough to ask about.
IMPLAUSIBLE_CHANGE_PERCENT = Decimal(1000)


def _decimal(value):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _is_percent(unit):
    unit = unit.strip().lower()
    return unit in PERCENT_UNITS or "%" in unit or "％" in unit


def outcome_problems(row):
    """(errors, warnings) of one outcome row, as codes."""
    errors, warnings = [], []
    metric = str(row.get("metric") or "").strip()
    unit = str(row.get("unit") or "").strip()
    if not metric:
        errors.append("missing_metric")
    if not unit:
        errors.append("missing_unit")
    before, after = _decimal(row.get("before")), _decimal(row.get("after"))
    if before is None or after is None:
        errors.append("not_numeric")
        return errors, warnings
    if before == after:
        errors.append("unchanged")
    if unit and _is_percent(unit) and not all(0 <= n <= 100 for n in (before, after)):
        errors.append("percent_out_of_range")
    if before and abs(after - before) / abs(before) * 100 > IMPLAUSIBLE_CHANGE_PERCENT:
        warnings.append("implausible_change")
    return errors, warnings


def outcomes(subject, content):
    """Every outcome row of every case study: metric and unit named, figures numeric and
    different, percentages within 0–100; a warning for changes beyond 1000 %."""
    rows = []
    checked = 0
    for i, study in enumerate(content.get("case_studies") or []):
        for j, row in enumerate(study.get("outcomes") or []):
            checked += 1
            errors, warnings = outcome_problems(row)
            if errors or warnings:
                rows.append({
                    "case_study": i,
                    "row": j,
                    "field": f"case_studies[{i}].outcomes[{j}]",
                    "client": study.get("client", ""),
                    "metric": row.get("metric", ""),
                    "errors": errors,
                    "warnings": warnings,
                })
    has_errors = any(row["errors"] for row in rows)
    if has_errors:
        severity, message = CheckResult.Severity.ERROR, gettext_noop(
            "Some outcome figures are not usable")
    elif rows:
        severity, message = CheckResult.Severity.WARNING, gettext_noop(
            "Some outcome figures look implausible")
    elif checked:
        severity, message = CheckResult.Severity.OK, gettext_noop("Outcome figures sane")
    else:
        severity, message = CheckResult.Severity.OK, gettext_noop("No outcome figures to check")
    return CheckOutcome(
        code="outcomes",
        passed=not has_errors,
        severity=severity,
        score=round(1 - len([r for r in rows if r["errors"]]) / checked, 3) if checked else None,
        message=message,
        details={"rows_checked": checked, "rows": rows},
        flags_for_second_approval=has_errors,
    )


register("completeness", completeness)
register("taxonomy", taxonomy)
register("outcomes", outcomes)
