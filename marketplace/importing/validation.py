"""Reading a catalog file and checking every line of it before anything is written.

The checks run over the whole file and collect every problem with its line number, so one
run tells the author all that must be fixed. Clean lines become `Record`s whose values are
ready for the models (taxonomy codes turned into primary keys, money as `Decimal`).
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tqdm import tqdm

from accounts.models import Organization

from .schema import KEYS, SOLUTION_TEXTS, TYPES, Taxonomy, clean_object

# A reference may point at a vendor or enterprise defined earlier by another import.
REFERENCES = {"solution": ("vendor", "vendor"), "need": ("enterprise", "enterprise")}


@dataclass(frozen=True, order=True)
class LineError:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


class CatalogImportError(Exception):
    """The file has problems; nothing was imported. `errors` lists them by line."""

    def __init__(self, errors):
        self.errors = sorted(errors)
        super().__init__(str(self))

    def __str__(self):
        count = len(self.errors)
        head = f"{count} problem{'s' if count != 1 else ''} in the catalog file; nothing imported:"
        return "\n".join([head, *(f"  {error}" for error in self.errors)])


@dataclass
class Record:
    """One clean line: its type, ref and model-ready values."""

    type: str
    ref: str
    line: int
    values: dict = field(default_factory=dict)


def read_lines(source):
    """(line number, text) for every line of a path, or of an iterable of str/bytes lines."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            raw_lines = handle.readlines()
    else:
        raw_lines = list(source)
    lines, errors = [], []
    for number, raw in enumerate(raw_lines, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                errors.append(LineError(number, f"not valid UTF-8 ({exc.reason})"))
                continue
        if number == 1:
            raw = raw.removeprefix("\ufeff")  # editors on Windows like to add a BOM
        lines.append((number, raw))
    return lines, errors


def _reject_constant(name):
    raise ValueError(f"{name} is not a valid JSON number")


def parse_line(raw):
    return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)


def validate(lines, *, taxonomy=None, progress=False):
    """Check every line; return the records or raise CatalogImportError with all problems."""
    lines, errors = read_lines(lines)
    taxonomy = taxonomy or Taxonomy.load()
    records, seen = [], {kind: {} for kind in TYPES}
    for number, raw in tqdm(lines, desc="Checking", unit="line", disable=not progress,
                            delay=0.5):
        if not raw.strip():
            continue
        record, problems = _validate_line(number, raw, taxonomy)
        errors.extend(problems)
        if record is None or not record.ref:
            continue
        first = seen[record.type].get(record.ref)
        if first is not None:
            errors.append(LineError(number, f"{record.type} {record.ref}: duplicate ref "
                                            f"(already defined on line {first})"))
            continue
        seen[record.type][record.ref] = number
        if not problems:
            records.append(record)
    errors.extend(_check_references(records, seen))
    if errors:
        raise CatalogImportError(errors)
    return records


def _validate_line(number, raw, taxonomy):
    """(record or None, [LineError]). The record carries the ref even when the line is bad,
    so duplicates and references are judged on every line that names itself."""
    try:
        obj = parse_line(raw)
    except ValueError as exc:
        return None, [LineError(number, f"invalid JSON: {exc}")]
    if not isinstance(obj, dict):
        return None, [LineError(number, "expected a JSON object")]
    kind = obj.get("type")
    if kind not in TYPES:
        reason = "missing key 'type'" if kind is None else f"unknown type {kind!r}"
        return None, [LineError(number, f"{reason} (expected one of {', '.join(TYPES)})")]
    values, problems = clean_object(obj, KEYS[kind], taxonomy)
    if not problems:
        problems = FINISH[kind](values, taxonomy)
    ref = values.get("ref", "")
    label = f"{kind} {ref}" if ref else kind
    errors = [LineError(number, f"{label}: {where}: {message}" if where else f"{label}: {message}")
              for where, message in problems]
    return Record(kind, ref, number, values), errors


def _check_references(records, seen):
    """Solutions name a vendor and needs an enterprise: in this file or already imported."""
    wanted = {}
    for record in records:
        if record.type in REFERENCES:
            key, kind = REFERENCES[record.type]
            ref = record.values[key]
            if ref not in seen[kind]:
                wanted.setdefault(kind, {}).setdefault(ref, []).append(record)
    errors = []
    for kind, refs in wanted.items():
        known = set(
            Organization.objects.filter(kind=kind, external_ref__in=list(refs)).values_list(
                "external_ref", flat=True
            )
        )
        for ref, referrers in refs.items():
            if ref in known:
                continue
            for record in referrers:
                errors.append(LineError(
                    record.line,
                    f"{record.type} {record.ref}: {kind}: unknown {kind} ref {ref!r} "
                    f"(not in this file nor imported before)",
                ))
    return errors


# Cross-field rules and the mapping to model fields, one per type. Each returns problems
# and rewrites `values` in place into what the writer needs.


def _finish_organization(values, taxonomy):
    values["fields"] = {
        "name": values["name"],
        "name_zh": values.get("name_zh", ""),
        "region": values["region"],
        "website": values.get("website", ""),
        "description": values.get("description", ""),
        "credit_code": values.get("credit_code", ""),
    }
    return []


def _finish_enterprise(values, taxonomy):
    _finish_organization(values, taxonomy)
    values["profile"] = {
        "industry_id": taxonomy.industries[values["industry"]],
        "size": values.get("size", ""),
        "maturity_level": values.get("maturity_level"),
    }
    return []


def _finish_solution(values, taxonomy):
    problems = []
    language = values["language"]
    texts = {}
    for part in SOLUTION_TEXTS:
        for lang in ("en", "zh"):
            texts[f"{part}_{lang}"] = values.get(f"{part}_{lang}", "")
        own = f"{part}_{language}"
        if part in values:
            if texts[own] and texts[own] != values[part]:
                problems.append((own, f"differs from {part!r}, which is already in {language}"))
            texts[own] = values[part]
    if values["maturity_from"] > values["maturity_to"]:
        problems.append(("maturity_to", f"must not be below maturity_from "
                                        f"({values['maturity_to']} < {values['maturity_from']})"))
    price_min, price_max = values.get("price_min_cny"), values.get("price_max_cny")
    if price_min is not None and price_max is not None and price_min > price_max:
        problems.append(("price_max_cny", f"must not be below price_min_cny "
                                          f"({price_max} < {price_min})"))
    values["fields"] = {
        "language": language,
        **texts,
        "maturity_from": values["maturity_from"],
        "maturity_to": values["maturity_to"],
        "deployment": values["deployment"],
        "price_min_cny": price_min,
        "price_max_cny": price_max,
        "delivery_weeks": values.get("delivery_weeks"),
    }
    values["relations"] = {
        name: values.get(name, frozenset())
        for name in ("scenarios", "stages", "industries", "technologies", "regions")
    }
    values["case_studies"] = [
        _case_study_fields(study, taxonomy) for study in values.get("case_studies", [])
    ]
    return problems


def _case_study_fields(study, taxonomy):
    return {
        "client": study["client"],
        "industry_id": taxonomy.industries.get(study.get("industry")),
        "region_id": taxonomy.regions.get(study.get("region")),
        "year": study.get("year"),
        "summary": study.get("summary", ""),
        "outcomes": [
            {"metric": o["metric"], "unit": o.get("unit", ""), "before": o["before"],
             "after": o["after"]}
            for o in study.get("outcomes", [])
        ],
    }


def _finish_need(values, taxonomy):
    problems = []
    current, target = values.get("current_level"), values.get("target_level")
    if current is not None and target is not None and current > target:
        problems.append(("target_level", f"must not be below current_level "
                                         f"({target} < {current})"))
    values["fields"] = {
        "language": values["language"],
        "title": values["title"],
        "description": values.get("description", ""),
        "industry_id": taxonomy.industries[values["industry"]],
        "region_id": taxonomy.regions[values["region"]],
        "current_level": current,
        "target_level": target,
        "budget_max_cny": values.get("budget_max_cny"),
    }
    values["relations"] = {
        name: values.get(name, frozenset()) for name in ("stages", "scenarios")
    }
    return problems


FINISH = {
    "vendor": _finish_organization,
    "enterprise": _finish_enterprise,
    "solution": _finish_solution,
    "need": _finish_need,
}

