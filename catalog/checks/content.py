"""Checks that read only the submitted content."""

from django.utils.translation import gettext_noop

from catalog.models import CheckResult

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


register("completeness", completeness)
