"""What each line type of a catalog file may hold: its keys, which are required, and the
checker that turns each raw JSON value into a clean one (or says why it cannot)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from accounts.limits import ORGANIZATION_DESCRIPTION_MAX_CHARS
from catalog import limits
from catalog.models import Industry, LifecycleStage, Region, Scenario, Technology
from marketplace.limits import NEED_DESCRIPTION_MAX_CHARS

TYPES = ("vendor", "enterprise", "solution", "need")  # also the order of writing
# The text parts of a solution given in its `language`, and optionally in both.
SOLUTION_TEXTS = ("title", "summary", "description")
# The amount columns are DecimalField(max_digits=14 or 16); larger numbers would not fit.
LARGEST_AMOUNT = Decimal(10) ** 12
CREDIT_CODE = re.compile(r"^[0-9A-Z]{18}$")


class Invalid(ValueError):
    """A value is wrong. Each problem is (where inside the value, why); "" is the value itself."""

    def __init__(self, message="", *, problems=None):
        self.problems = problems if problems is not None else [("", message)]
        super().__init__("; ".join(why for _, why in self.problems))


@dataclass(frozen=True)
class Taxonomy:
    """The loaded taxonomy's codes, each to its primary key, read once per import."""

    regions: dict
    industries: dict
    technologies: dict
    scenarios: dict
    stages: dict

    @classmethod
    def load(cls):
        def codes(model):
            return dict(model.objects.values_list("code", "pk"))

        return cls(
            regions=codes(Region),
            industries=codes(Industry),
            technologies=codes(Technology),
            scenarios=codes(Scenario),
            stages=codes(LifecycleStage),
        )


def printable(text, limit=60):
    """`text` safe to show in a report: control characters, NUL and lone surrogates as
    \\uXXXX escapes (no terminal is sent an escape sequence from a file), shortened to
    `limit` characters."""
    shown = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text[:limit])
    return shown + ("…" if len(text) > limit else "")


# Checkers take (raw JSON value, taxonomy) and return the clean value or raise Invalid.


def text(max_length=None, *, blank=False):
    def check(value, taxonomy):
        if not isinstance(value, str):
            raise Invalid("must be a string")
        value = value.strip()
        if not value and not blank:
            raise Invalid("must not be empty")
        if max_length and len(value) > max_length:
            raise Invalid(f"must be at most {max_length} characters (is {len(value)})")
        return value

    return check


def url(value, taxonomy):
    value = text(200, blank=True)(value, taxonomy)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError as exc:
            raise Invalid(f"is not a valid http(s) URL: {value!r}") from exc
    return value


def credit_code(value, taxonomy):
    value = text(18, blank=True)(value, taxonomy)
    if value and not CREDIT_CODE.match(value):
        raise Invalid("must be 18 digits or capital letters (unified social credit code)")
    return value


def integer(low, high):
    def check(value, taxonomy):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a whole number from {low} to {high}")
        if not low <= value <= high:
            raise Invalid(f"must be from {low} to {high} (is {value})")
        return value

    return check


def amount(places, *, minimum=None):
    quantum = Decimal(1).scaleb(-places)

    def check(value, taxonomy):
        # JSON floats arrive as Decimal (parse_float), so no binary rounding sneaks in.
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise Invalid("must be a number")
        value = Decimal(value)
        if abs(value) >= LARGEST_AMOUNT:
            raise Invalid(f"is too large ({value})")
        if minimum is not None and value < minimum:
            raise Invalid(f"must not be below {minimum} (is {value})")
        if value != value.quantize(quantum):
            raise Invalid(f"must have at most {places} decimal places (is {value})")
        return value

    return check


def choice(*options):
    def check(value, taxonomy):
        if not isinstance(value, str) or value not in options:
            raise Invalid(f"must be one of {', '.join(options)} (is {value!r})")
        return value

    return check


def code(kind, label):
    """One taxonomy code, returned as the code (organisations keep their region as text)."""

    def check(value, taxonomy):
        if not isinstance(value, str):
            raise Invalid(f"must be a {label} code (a string)")
        if value not in getattr(taxonomy, kind):
            raise Invalid(f"unknown {label} code {value!r}")
        return value

    return check


def _count(value, max_items):
    # Before any item is looked at: a list of a million items costs one comparison.
    if max_items is not None and len(value) > max_items:
        raise Invalid(f"must have at most {max_items} items (has {len(value)})")


def codes(kind, label):
    """A list of taxonomy codes, returned as the set of their primary keys; at most
    catalog.limits.RELATIONS_MAX[kind] of them, as through the API and the forms."""
    max_items = limits.RELATIONS_MAX[kind]

    def check(value, taxonomy):
        if not isinstance(value, list):
            raise Invalid(f"must be a list of {label} codes")
        _count(value, max_items)
        known = getattr(taxonomy, kind)
        unknown = [item for item in value if not isinstance(item, str) or item not in known]
        if unknown:
            listed = ", ".join(repr(item) for item in unknown)
            raise Invalid(f"unknown {label} code{'s' if len(unknown) > 1 else ''} {listed}")
        return frozenset(known[item] for item in value)

    return check


def objects(keys, max_items):
    """A list of at most `max_items` JSON objects with keys of their own (case studies,
    their outcomes)."""

    def check(value, taxonomy):
        if not isinstance(value, list):
            raise Invalid("must be a list of objects")
        _count(value, max_items)
        cleaned, problems = [], []
        for index, item in enumerate(value):
            values, item_problems = clean_object(item, keys, taxonomy)
            problems.extend((f"[{index}]{'.' if where else ''}{where}", why)
                            for where, why in item_problems)
            cleaned.append(values)
        if problems:
            raise Invalid(problems=problems)
        return cleaned

    return check


def clean_object(obj, keys, taxonomy):
    """Check a JSON object against {key: (checker, required)}: (values, [(where, why)])."""
    if not isinstance(obj, dict):
        return {}, [("", "must be a JSON object")]
    values, problems = {}, []
    problems.extend((printable(key), "unknown key") for key in obj if key not in keys)
    for key, (check, required) in keys.items():
        raw = obj.get(key)
        if raw is None:
            # An optional key given as null counts as left out.
            if required:
                problems.append((key, "required key is missing"))
            continue
        try:
            values[key] = check(raw, taxonomy)
        except Invalid as exc:
            problems.extend((f"{key}{where}" if where else key, why)
                            for where, why in exc.problems)
    return values, problems


REQUIRED, OPTIONAL = True, False
REF = text(100)
LANGUAGE = choice("en", "zh")
INDUSTRY = code("industries", "industry")
REGION = code("regions", "region")

OUTCOME_KEYS = {
    "metric": (text(200), REQUIRED),
    "unit": (text(50, blank=True), OPTIONAL),
    "before": (amount(4), REQUIRED),
    "after": (amount(4), REQUIRED),
}
# Case studies need only a client: the model keeps the rest optional, and so do old files.
CASE_STUDY_KEYS = {
    "client": (text(200), REQUIRED),
    "industry": (INDUSTRY, OPTIONAL),
    "region": (REGION, OPTIONAL),
    "year": (integer(1990, 2100), OPTIONAL),
    "summary": (text(limits.CASE_STUDY_TEXT_MAX_CHARS, blank=True), OPTIONAL),
    "outcomes": (objects(OUTCOME_KEYS, limits.OUTCOMES_PER_CASE_STUDY_MAX), OPTIONAL),
}

_ORGANIZATION = {
    "type": (text(), REQUIRED),
    "ref": (REF, REQUIRED),
    "name": (text(200), REQUIRED),
    "name_zh": (text(200, blank=True), OPTIONAL),
    "region": (REGION, REQUIRED),
    "website": (url, OPTIONAL),
    "description": (text(ORGANIZATION_DESCRIPTION_MAX_CHARS, blank=True), OPTIONAL),
    "credit_code": (credit_code, OPTIONAL),
}

# The same caps as the models' fields (catalog.limits), in characters after stripping.
SOLUTION_TEXT_MAX = {"title": 200, "summary": limits.SUMMARY_MAX_CHARS,
                     "description": limits.DESCRIPTION_MAX_CHARS}
_SOLUTION_TRANSLATIONS = {
    f"{part}_{lang}": (text(SOLUTION_TEXT_MAX[part], blank=True), OPTIONAL)
    for part in SOLUTION_TEXTS
    for lang in ("en", "zh")
}

KEYS = {
    "vendor": _ORGANIZATION,
    "enterprise": {
        **_ORGANIZATION,
        "industry": (INDUSTRY, REQUIRED),
        "size": (choice("micro", "small", "medium", "large"), OPTIONAL),
        "maturity_level": (integer(0, 5), OPTIONAL),
    },
    "solution": {
        "type": (text(), REQUIRED),
        "ref": (REF, REQUIRED),
        "vendor": (REF, REQUIRED),
        "language": (LANGUAGE, REQUIRED),
        "title": (text(SOLUTION_TEXT_MAX["title"]), REQUIRED),
        "summary": (text(SOLUTION_TEXT_MAX["summary"]), REQUIRED),
        "description": (text(SOLUTION_TEXT_MAX["description"], blank=True), OPTIONAL),
        **_SOLUTION_TRANSLATIONS,
        "scenarios": (codes("scenarios", "scenario"), OPTIONAL),
        "stages": (codes("stages", "lifecycle stage"), OPTIONAL),
        "industries": (codes("industries", "industry"), REQUIRED),
        "technologies": (codes("technologies", "technology"), REQUIRED),
        "regions": (codes("regions", "region"), OPTIONAL),
        "maturity_from": (integer(1, 5), REQUIRED),
        "maturity_to": (integer(1, 5), REQUIRED),
        "deployment": (choice("on_premise", "cloud", "hybrid"), REQUIRED),
        "price_min_cny": (amount(2, minimum=0), OPTIONAL),
        "price_max_cny": (amount(2, minimum=0), OPTIONAL),
        "delivery_weeks": (integer(1, 32767), OPTIONAL),
        "case_studies": (objects(CASE_STUDY_KEYS, limits.CASE_STUDIES_MAX), OPTIONAL),
        "status": (choice("draft", "published"), REQUIRED),
    },
    "need": {
        "type": (text(), REQUIRED),
        "ref": (REF, REQUIRED),
        "enterprise": (REF, REQUIRED),
        "language": (LANGUAGE, REQUIRED),
        "title": (text(200), REQUIRED),
        "description": (text(NEED_DESCRIPTION_MAX_CHARS, blank=True), OPTIONAL),
        "industry": (INDUSTRY, REQUIRED),
        "region": (REGION, REQUIRED),
        "stages": (codes("stages", "lifecycle stage"), OPTIONAL),
        "scenarios": (codes("scenarios", "scenario"), OPTIONAL),
        "current_level": (integer(0, 5), OPTIONAL),
        "target_level": (integer(1, 5), OPTIONAL),
        "budget_max_cny": (amount(2, minimum=0), OPTIONAL),
        "visibility": (choice("public", "private"), OPTIONAL),
    },
}
