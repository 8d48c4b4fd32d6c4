"""Reading a catalog file and checking every line of it before anything is written.

The checks run over the whole file and collect every problem with its line number, so one
run tells the author all that must be fixed. Clean lines become `Record`s whose values are
ready for the models (taxonomy codes turned into primary keys, money as `Decimal`).

A file may be hostile. Whatever it holds, each problem is an error naming its line, never a
traceback: a line longer than MAX_LINE_BYTES is measured and skipped without being read
whole; nesting deeper than MAX_DEPTH is refused, however deep (the parser's own limit is
caught); a NUL character (PostgreSQL cannot store it) or a lone UTF-16 surrogate (not
Unicode: no database or terminal takes it) anywhere in a key or a text is refused; texts
and lists are held to the caps of catalog.limits and marketplace.limits. Reports show
keys and refs with control characters escaped.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tqdm import tqdm

from accounts.models import Organization

from .schema import KEYS, SOLUTION_TEXTS, TYPES, Taxonomy, clean_object, printable

# A reference may point at a vendor or enterprise defined earlier by another import.
REFERENCES = {"solution": "vendor", "need": "enterprise"}
# The largest solution line the caps allow (every text at its cap in both languages, 20 case
# studies of 10 outcomes, Chinese written as JSON's 6-byte \uXXXX escapes) is about 1.3 MB;
# 2 MiB leaves room for keys and spacing and still refuses a 50 MB description at once.
MAX_LINE_BYTES = 2 * 1024 * 1024
# The format nests 5 levels (line → case_studies → case study → outcomes → outcome).
MAX_DEPTH = 10
SKIP_CHUNK = 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, order=True)
class LineError:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


class CatalogImportError(Exception):
    """The file has problems; nothing was imported. `errors` lists them by line."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda error: error.line)  # keeps key order in a line
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


class _Oversize:
    """A line too long to read: only its size is kept."""

    def __init__(self, size):
        self.size = size


def _bounded_lines(handle):
    """The lines of an open file (binary, or text), each read up to MAX_LINE_BYTES; a longer
    line becomes an _Oversize, its rest skipped a chunk at a time, so memory never holds it
    whole."""
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        newline = b"\n" if isinstance(raw, bytes) else "\n"
        if len(raw) <= MAX_LINE_BYTES or raw.endswith(newline):
            yield raw  # the newline does not count
            continue
        size = len(raw)
        while raw and not raw.endswith(newline):
            raw = handle.readline(SKIP_CHUNK)
            size += len(raw)
        yield _Oversize(size - (1 if raw.endswith(newline) else 0))


def _size(raw):
    if isinstance(raw, _Oversize):
        return raw.size
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    return len(raw.rstrip(b"\r\n"))


def _oversize_error(number, size):
    return LineError(number, f"the line is {size:,} bytes long; a line may be at most "
                             f"{MAX_LINE_BYTES:,} bytes")


def read_lines(source):
    """(line number, text) for every line of a path, a binary file (such as stdin), or an
    iterable of str/bytes lines."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return _decoded(_bounded_lines(handle))
    if hasattr(source, "readline") and hasattr(source, "read"):
        return _decoded(_bounded_lines(source))
    return _decoded(source)


def _decoded(raw_lines):
    lines, errors = [], []
    for number, raw in enumerate(raw_lines, start=1):
        size = _size(raw)
        if size > MAX_LINE_BYTES:
            errors.append(_oversize_error(number, size))
            continue
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


def _text_problem(text):
    if "\x00" in text:
        return "contains a NUL character (\\u0000), which cannot be stored"
    surrogate = _SURROGATE.search(text)
    if surrogate:
        return (f"contains a lone surrogate (\\u{ord(surrogate.group()):04x}), half of a "
                "UTF-16 pair, which is not a Unicode character")
    return None


def _unstorable(obj):
    """[(where, why)] for every key or text a database cannot store, and for containers
    nested deeper than MAX_DEPTH (the line itself is level 1), in the line's order."""
    problems, stack = [], [(obj, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_DEPTH:
            problems.append((where, f"nested more than {MAX_DEPTH} levels deep"))
            continue
        if isinstance(value, dict):
            children = []
            for key, item in value.items():
                path = f"{where}.{printable(key)}" if where else printable(key)
                why = _text_problem(key)
                if why:
                    problems.append((path, f"the key {why}"))
                children.append((item, path, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(item, f"{where}[{i}]", depth + 1)
                                   for i, item in enumerate(value)]))
        elif isinstance(value, str):
            why = _text_problem(value)
            if why:
                problems.append((where, why))
    return problems


def validate(source, *, taxonomy=None, progress=False):
    """Check every line; return the clean records or raise CatalogImportError listing every
    problem of the file by line number."""
    lines, errors = read_lines(source)
    taxonomy = taxonomy or Taxonomy.load()
    records, named, seen = [], [], {kind: {} for kind in TYPES}
    for number, raw in tqdm(lines, desc="Checking", unit="line", disable=not progress,
                            delay=0.5):
        if not raw.strip():
            continue
        record, problems = _validate_line(number, raw, taxonomy)
        errors.extend(problems)
        if record is None or not record.ref:
            continue
        named.append(record)
        first = seen[record.type].setdefault(record.ref, number)
        if first != number:
            errors.append(LineError(number, f"{record.type} {printable(record.ref)}: duplicate ref "
                                            f"(already defined on line {first})"))
        elif not problems:
            records.append(record)
    errors.extend(_check_references(named, seen))
    if errors:
        raise CatalogImportError(errors)
    return records


def _validate_line(number, raw, taxonomy):
    """(record or None, [LineError]). A bad line still yields its record when it names a
    ref, so duplicates and references are judged on every line."""
    try:
        obj = parse_line(raw)
    except RecursionError:
        # The C parser gives up cleanly (in microseconds) at the interpreter's recursion
        # limit; a scan of the brackets beforehand would cost more than it saves.
        return None, [LineError(number, f"nested more than {MAX_DEPTH} levels deep")]
    except ValueError as exc:
        return None, [LineError(number, f"invalid JSON: {exc}")]
    unstorable = _unstorable(obj)
    if unstorable:
        # Nothing of this line is looked at further: it would be reported back unprintable.
        return None, [LineError(number, f"{where}: {why}" if where else why)
                      for where, why in unstorable]
    if not isinstance(obj, dict):
        return None, [LineError(number, "expected a JSON object")]
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        reason = "missing key 'type'" if kind is None else f"unknown type {kind!r}"
        return None, [LineError(number, f"{reason} (expected one of {', '.join(TYPES)})")]
    values, problems = clean_object(obj, KEYS[kind], taxonomy)
    problems.extend(RULES[kind](values))
    if not problems:
        MODEL_VALUES[kind](values, taxonomy)
    ref = values.get("ref", "")
    label = f"{kind} {printable(ref)}" if ref else kind
    errors = [LineError(number, f"{label}: {where}: {why}" if where else f"{label}: {why}")
              for where, why in problems]
    return Record(kind, ref, number, values), errors


def _check_references(records, seen):
    """Solutions name a vendor and needs an enterprise: in this file or imported before."""
    wanted = {}
    for record in records:
        if record.type in REFERENCES:
            key = REFERENCES[record.type]
            ref = record.values.get(key)
            if ref is not None and ref not in seen[key]:
                wanted.setdefault(key, {}).setdefault(ref, []).append(record)
    errors = []
    for kind, refs in wanted.items():
        known = set(
            Organization.objects.filter(kind=kind, external_ref__in=list(refs)).values_list(
                "external_ref", flat=True
            )
        )
        errors.extend(
            LineError(record.line, f"{record.type} {record.ref}: {kind}: unknown {kind} ref "
                                   f"{ref!r} (neither in this file nor imported before)")
            for ref, referrers in refs.items()
            if ref not in known
            for record in referrers
        )
    return errors


# Rules across keys, judged on whatever keys were clean: [(key, why)].


def _ordered(values, low_key, high_key):
    low, high = values.get(low_key), values.get(high_key)
    if low is not None and high is not None and low > high:
        return [(high_key, f"must not be below {low_key} ({high} < {low})")]
    return []


def _solution_rules(values):
    problems = _ordered(values, "maturity_from", "maturity_to")
    problems += _ordered(values, "price_min_cny", "price_max_cny")
    language = values.get("language")
    for part in SOLUTION_TEXTS:
        own = f"{part}_{language}"
        if values.get(own) and part in values and values[own] != values[part]:
            problems.append((own, f"differs from {part!r}, which is already in {language}"))
    return problems


RULES = {
    "vendor": lambda values: [],
    "enterprise": lambda values: [],
    "solution": _solution_rules,
    "need": lambda values: _ordered(values, "current_level", "target_level"),
}


# What the writer needs, added to the values of a clean line.


def _organization_values(values, taxonomy):
    values["fields"] = {
        "name": values["name"],
        "name_zh": values.get("name_zh", ""),
        "region": values["region"],
        "website": values.get("website", ""),
        "description": values.get("description", ""),
        "credit_code": values.get("credit_code", ""),
    }


def _enterprise_values(values, taxonomy):
    _organization_values(values, taxonomy)
    values["profile"] = {
        "industry_id": taxonomy.industries[values["industry"]],
        "size": values.get("size", ""),
        "maturity_level": values.get("maturity_level"),
    }


def _solution_values(values, taxonomy):
    texts = {}
    for part in SOLUTION_TEXTS:
        for lang in ("en", "zh"):
            texts[f"{part}_{lang}"] = values.get(f"{part}_{lang}", "")
        if part in values:
            texts[f"{part}_{values['language']}"] = values[part]
    values["fields"] = {
        "language": values["language"],
        **texts,
        "maturity_from": values["maturity_from"],
        "maturity_to": values["maturity_to"],
        "deployment": values["deployment"],
        "price_min_cny": values.get("price_min_cny"),
        "price_max_cny": values.get("price_max_cny"),
        "delivery_weeks": values.get("delivery_weeks"),
    }
    values["relations"] = {
        name: values.get(name, frozenset())
        for name in ("scenarios", "stages", "industries", "technologies", "regions")
    }
    values["case_studies"] = [
        {
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
        for study in values.get("case_studies", [])
    ]


def _need_values(values, taxonomy):
    values["fields"] = {
        "language": values["language"],
        "title": values["title"],
        "description": values.get("description", ""),
        "industry_id": taxonomy.industries[values["industry"]],
        "region_id": taxonomy.regions[values["region"]],
        "current_level": values.get("current_level"),
        "target_level": values.get("target_level"),
        "budget_max_cny": values.get("budget_max_cny"),
        # Private unless the file says public, as when an enterprise posts a need.
        "visibility": values.get("visibility", "private"),
    }
    values["relations"] = {name: values.get(name, frozenset()) for name in ("stages", "scenarios")}


MODEL_VALUES = {
    "vendor": _organization_values,
    "enterprise": _enterprise_values,
    "solution": _solution_values,
    "need": _need_values,
}
