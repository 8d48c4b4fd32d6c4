"""import_catalog against hostile files (issue 13, item 7): NUL bytes, lone surrogates,
nesting too deep, lines and fields too large, lists over the caps. Each is an error naming
its line, never a traceback; as the command's contract says, a file with any bad line writes
nothing, and every bad line is reported at once."""

import copy
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Organization
from catalog import limits as catalog_limits
from catalog.models import CaseStudy, Solution
from importer import validation
from importer.services import CatalogImportError, import_catalog, validate_catalog
from marketplace import limits as market_limits
from marketplace.models import Need

pytestmark = pytest.mark.django_db

VENDOR = {"type": "vendor", "ref": "v-001", "name": "Suzhou Lianxin", "region": "CN-JS"}
SOLUTION = {
    "type": "solution", "ref": "s-0001", "vendor": "v-001", "language": "en",
    "title": "Predictive maintenance", "summary": "Spindle failures predicted.",
    "description": "Vibration sensors and models.",
    "scenarios": ["2025-28"], "industries": ["machine-tools"], "technologies": ["iiot"],
    "maturity_from": 1, "maturity_to": 3, "deployment": "hybrid",
    "case_studies": [{"client": "Zhejiang Spindle", "year": 2024, "summary": "Two lines.",
                      "outcomes": [{"metric": "downtime", "unit": "h", "before": 120,
                                    "after": 70}]}],
    "status": "draft",
}
ENTERPRISE = {"type": "enterprise", "ref": "e-001", "name": "Quheng Machine Tool",
              "region": "CN-ZJ", "industry": "machine-tools"}
NEED = {"type": "need", "ref": "n-001", "enterprise": "e-001", "language": "en",
        "title": "Cut downtime", "description": "Spindles fail.", "industry": "machine-tools",
        "region": "CN-ZJ"}


def line(obj):
    return json.dumps(obj, ensure_ascii=False)


def with_(obj, **changes):
    result = copy.deepcopy(obj)
    result.update(changes)
    return result


def write(tmp_path, *lines):
    path = tmp_path / "catalog.jsonl"
    path.write_bytes(b"".join((text if isinstance(text, bytes) else text.encode("utf-8"))
                              + b"\n" for text in lines))
    return path


def problems(path_or_lines):
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(path_or_lines)
    # The report must be printable as UTF-8 whatever the file held.
    str(caught.value).encode("utf-8")
    return caught.value.errors


def nothing_stored():
    return not (Organization.objects.filter(kind__in=["vendor", "enterprise"]).exists()
                or Solution.objects.exists() or Need.objects.exists())


def only_line(errors, number):
    assert [error.line for error in errors] == [number], errors
    return errors[0].message


def test_a_nul_character_in_a_text_is_an_error_naming_the_line(tmp_path, reviewer):
    # "\u0000" in JSON; PostgreSQL cannot store it, SQLite would keep it silently.
    path = write(tmp_path, line(VENDOR),
                 line(with_(SOLUTION, description="before\u0000after")))
    message = only_line(problems(path), 2)
    assert "description" in message and "NUL" in message
    assert nothing_stored()


def test_a_nul_character_in_a_key_is_an_error_naming_the_line(tmp_path, reviewer):
    path = write(tmp_path, line(VENDOR), line({**SOLUTION, "ti\u0000tle": "x"}))
    assert "NUL" in only_line(problems(path), 2)
    assert nothing_stored()


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\udc80y"])
def test_a_lone_surrogate_is_an_error_naming_the_line(tmp_path, reviewer, escape):
    bad = line(with_(SOLUTION, summary="@@")).replace("@@", escape)
    path = write(tmp_path, line(VENDOR), bad)
    message = only_line(problems(path), 2)
    assert "summary" in message and "surrogate" in message
    assert nothing_stored()


def test_a_lone_surrogate_in_a_key_is_reported_printably(tmp_path, reviewer):
    bad = line({**VENDOR, "@@": 1}).replace("@@", "\\ud83d")
    message = only_line(problems(write(tmp_path, bad)), 1)
    assert "surrogate" in message and "\\ud83d" in message
    assert nothing_stored()


def test_a_surrogate_pair_is_a_character_not_an_error(tmp_path, reviewer):
    good = line(with_(SOLUTION, summary="@@")).replace("@@", "\\ud83d\\ude80 rocket")
    import_catalog(write(tmp_path, line(VENDOR), good))
    assert Solution.objects.get().summary_en == "\U0001F680 rocket"


@pytest.mark.parametrize("depth", [100_000, 1_000_000])
def test_nesting_deep_enough_to_crash_a_parser_is_an_error_naming_the_line(tmp_path, reviewer,
                                                                         depth):
    path = write(tmp_path, line(VENDOR), "[" * depth + "]" * depth, line(ENTERPRISE))
    message = only_line(problems(path), 2)
    assert "nest" in message and str(validation.MAX_DEPTH) in message
    assert nothing_stored()


def test_nesting_beyond_what_the_format_uses_is_refused(tmp_path, reviewer):
    deep = "x"
    for _ in range(validation.MAX_DEPTH):
        deep = {"d": deep}
    path = write(tmp_path, line(with_(VENDOR, description=deep)))
    assert "nest" in only_line(problems(path), 1)


def test_an_oversize_line_is_an_error_naming_the_line(tmp_path, reviewer):
    huge = "x" * (validation.MAX_LINE_BYTES + 1)
    path = write(tmp_path, line(VENDOR), line(with_(SOLUTION, description=huge)),
                 line(ENTERPRISE))
    message = only_line(problems(path), 2)
    assert f"{validation.MAX_LINE_BYTES:,}" in message
    assert nothing_stored()


def test_an_oversize_line_given_as_lines_is_refused_too(reviewer):
    huge = "x" * (validation.MAX_LINE_BYTES + 1)
    errors = problems([line(VENDOR), line(with_(SOLUTION, description=huge))])
    only_line(errors, 2)


def test_a_description_over_the_cap_is_an_error_naming_line_key_and_limit(tmp_path, reviewer):
    limit = catalog_limits.DESCRIPTION_MAX_CHARS
    path = write(tmp_path, line(VENDOR), line(with_(SOLUTION, description="长" * (limit + 1))))
    message = only_line(problems(path), 2)
    assert "description" in message and f"{limit}" in message
    assert nothing_stored()


@pytest.mark.parametrize("key,limit", [
    ("summary", catalog_limits.SUMMARY_MAX_CHARS),
    ("description_zh", catalog_limits.DESCRIPTION_MAX_CHARS),
    ("summary_zh", catalog_limits.SUMMARY_MAX_CHARS),
])
def test_every_solution_text_is_held_to_its_cap(tmp_path, reviewer, key, limit):
    path = write(tmp_path, line(VENDOR), line(with_(SOLUTION, **{key: "x" * (limit + 1)})))
    message = only_line(problems(path), 2)
    assert key in message and str(limit) in message


def test_a_need_description_over_the_cap_is_refused(tmp_path, reviewer):
    limit = market_limits.NEED_DESCRIPTION_MAX_CHARS
    path = write(tmp_path, line(ENTERPRISE), line(with_(NEED, description="x" * (limit + 1))))
    message = only_line(problems(path), 2)
    assert "description" in message and str(limit) in message


def test_an_organisation_description_over_the_cap_is_refused(tmp_path, reviewer):
    from accounts.limits import ORGANIZATION_DESCRIPTION_MAX_CHARS as limit

    path = write(tmp_path, line(with_(VENDOR, description="x" * (limit + 1))))
    message = only_line(problems(path), 1)
    assert "description" in message and str(limit) in message


def test_too_many_case_studies_is_an_error_naming_the_line_and_limit(tmp_path, reviewer):
    limit = catalog_limits.CASE_STUDIES_MAX
    study = SOLUTION["case_studies"][0]
    path = write(tmp_path, line(VENDOR),
                 line(with_(SOLUTION, case_studies=[study] * (limit + 1))))
    message = only_line(problems(path), 2)
    assert "case_studies" in message and str(limit) in message
    assert not CaseStudy.objects.exists()


def test_too_many_outcomes_is_an_error_naming_the_line_and_limit(tmp_path, reviewer):
    limit = catalog_limits.OUTCOMES_PER_CASE_STUDY_MAX
    study = copy.deepcopy(SOLUTION["case_studies"][0])
    study["outcomes"] = study["outcomes"] * (limit + 1)
    path = write(tmp_path, line(VENDOR), line(with_(SOLUTION, case_studies=[study])))
    message = only_line(problems(path), 2)
    assert "case_studies[0].outcomes" in message and str(limit) in message


def test_a_case_study_text_over_the_cap_is_refused(tmp_path, reviewer):
    limit = catalog_limits.CASE_STUDY_TEXT_MAX_CHARS
    study = with_(SOLUTION["case_studies"][0], summary="x" * (limit + 1))
    path = write(tmp_path, line(VENDOR), line(with_(SOLUTION, case_studies=[study])))
    message = only_line(problems(path), 2)
    assert "case_studies[0].summary" in message and str(limit) in message


@pytest.mark.parametrize("key,code", [("scenarios", "2025-28"), ("regions", "CN-JS"),
                                      ("industries", "machine-tools")])
def test_a_taxonomy_list_over_the_cap_is_refused(tmp_path, reviewer, key, code):
    limit = catalog_limits.RELATIONS_MAX[key]
    path = write(tmp_path, line(VENDOR), line(with_(SOLUTION, **{key: [code] * (limit + 1)})))
    message = only_line(problems(path), 2)
    assert key in message and str(limit) in message


def test_every_hostile_line_is_reported_at_once_and_nothing_is_written(tmp_path, reviewer):
    path = write(
        tmp_path,
        line(VENDOR),
        line(with_(SOLUTION, description="\u0000")),
        line(with_(SOLUTION, ref="s-2", summary="@@")).replace("@@", "\\ud800"),
        "[" * 200_000,
        b"\xff\xfe not UTF-8",
        line(ENTERPRISE),
        line(NEED),
    )
    errors = problems(path)
    assert [error.line for error in errors] == [2, 3, 4, 5]
    assert nothing_stored()


def test_good_lines_alone_still_import(tmp_path, reviewer):
    import_catalog(write(tmp_path, line(VENDOR), line(SOLUTION), line(ENTERPRISE), line(NEED)))
    assert Solution.objects.count() == 1 and Need.objects.count() == 1


def test_the_command_reports_hostile_lines_without_a_traceback(tmp_path, reviewer):
    path = write(tmp_path, line(VENDOR), "{" * 500_000,
                 line(with_(SOLUTION, title="a\u0000b")))
    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", str(path), "--quiet")
    text = str(caught.value)
    assert "line 2:" in text and "line 3:" in text
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), "--check", "--quiet")
    assert nothing_stored()


def test_check_only_reports_the_same_problems(tmp_path, reviewer):
    path = write(tmp_path, line(VENDOR), line(with_(SOLUTION, summary="x\u0000")))
    with pytest.raises(CatalogImportError) as caught:
        validate_catalog(path)
    assert [error.line for error in caught.value.errors] == [2]


def test_control_characters_in_keys_and_refs_are_escaped_in_the_report(tmp_path, reviewer):
    path = write(tmp_path, line({**VENDOR, "\x1b[2J": 1}),
                 line(with_(VENDOR, ref="v-\x1b]0;pwned\x07")),
                 line(with_(VENDOR, ref="v-\x1b]0;pwned\x07")))
    report = str(problems(path))
    assert "\x1b" not in report and "\x07" not in report
    assert "\\u001b[2J: unknown key" in report
    assert "duplicate ref" in report


def test_an_oversize_line_from_a_stream_is_skipped_without_reading_it_whole(reviewer):
    import io

    huge = b'{"type": "vendor", "description": "' + b"x" * (3 * validation.MAX_LINE_BYTES)
    stream = io.BytesIO(line(VENDOR).encode() + b"\n" + huge + b'"}\n' + b"{oops\n")
    errors = problems(stream)
    assert [error.line for error in errors] == [2, 3]
    assert f"{validation.MAX_LINE_BYTES:,}" in errors[0].message
