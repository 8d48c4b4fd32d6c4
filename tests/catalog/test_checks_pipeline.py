"""run_checks as a whole: every check stored once per submission, robust to a failing check,
constant in queries; and the pre-check pipeline through the services, which asks for a second
approval when a check flags the submission."""

import io
import logging
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfWriter

from catalog import checks, services
from catalog.checks.links import LinkResult
from catalog.models import (
    Attachment,
    CaseStudy,
    CaseStudyOutcome,
    CheckResult,
    Industry,
    Region,
    Technology,
)
from search.services import sync_solution
from tests.factories import MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db

ALL_CODES = {"completeness", "taxonomy", "outcomes", "near_duplicate", "links", "attachments"}
CARBON = {
    "title_en": "Carbon accounting for foundries",
    "title_zh": "铸造企业碳资产核算",
    "summary_en": "Energy metering and emission factors give a monthly carbon ledger.",
    "summary_zh": "能源计量与排放因子生成月度碳账本。",
    "description_en": "Meters on furnaces feed a ledger. Details: https://www.lianxin-iot.cn/carbon",
    "description_zh": "熔炉电表数据进入碳账本，按国家标准核查。",
}


class WorkingLinks:
    def check(self, urls):
        return {url: LinkResult(ok=True, status=200) for url in urls}


class BrokenLinks:
    def check(self, urls):
        return {url: LinkResult(ok=False, status=404, error="Not Found") for url in urls}


@pytest.fixture(autouse=True)
def offline(settings, tmp_path):
    """No internet, a database search index, files in a temporary directory."""
    settings.SEARCH_BACKEND = "database"
    settings.LINK_CHECKER = "tests.catalog.test_checks_pipeline.WorkingLinks"
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def extra_check():
    """extra_check(code, function, first=False): registered for this test only; with
    `first`, it runs before every other check."""
    original = checks.registered_checks()

    def add(code, function, first=False):
        if first:
            for registered in original:
                checks.unregister(registered)
        checks.register(code, function)
        if first:
            for registered, check in original.items():
                checks.register(registered, check)

    yield add
    for registered in checks.registered_checks():
        checks.unregister(registered)
    for registered, check in original.items():
        checks.register(registered, check)


def pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def published(**fields):
    solution = SolutionFactory(status="published", published_at=timezone.now(), **fields)
    sync_solution(solution.pk)
    return solution


def submitted(solution, vendor_user, on_commit):
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    return solution


def results(solution):
    return {r.code: r for r in CheckResult.objects.filter(solution=solution)}


# run_checks


def test_every_registered_check_is_stored_once_and_a_rerun_updates_it(vendor, settings):
    solution = SolutionFactory(vendor=vendor, technologies=[], **CARBON)
    solution.technologies.clear()
    settings.LINK_CHECKER = "tests.catalog.test_checks_pipeline.BrokenLinks"
    checks.run_checks(solution)
    first = results(solution)
    assert set(first) == ALL_CODES
    assert not first["links"].passed
    assert "technologies" in first["completeness"].details["missing"]

    # The task delivered again, after the vendor's site came back and a fix in the data.
    settings.LINK_CHECKER = "tests.catalog.test_checks_pipeline.WorkingLinks"
    solution.technologies.set(Technology.objects.filter(code="iiot"))
    checks.run_checks(solution)

    again = results(solution)
    assert CheckResult.objects.filter(solution=solution).count() == len(ALL_CODES)
    assert {code: r.pk for code, r in again.items()} == {code: r.pk for code, r in first.items()}
    assert again["links"].passed
    assert "technologies" not in again["completeness"].details["missing"]
    assert {r.submission for r in again.values()} == {0}  # never submitted: numbered 0


def test_a_check_that_raises_is_an_error_result_and_the_others_still_run(
    vendor, extra_check, caplog
):
    def exploding(subject, content):
        raise RuntimeError("bug in a check")

    extra_check("exploding", exploding)
    solution = SolutionFactory(vendor=vendor)
    with caplog.at_level(logging.ERROR, logger="catalog.checks"):
        outcomes = checks.run_checks(solution)

    stored = results(solution)
    assert set(stored) == ALL_CODES | {"exploding"}
    assert not stored["exploding"].passed and stored["exploding"].severity == "error"
    assert stored["exploding"].details == {"error": "RuntimeError"}
    assert stored["completeness"].passed
    assert not next(o for o in outcomes if o.code == "exploding").flags_for_second_approval
    assert "exploding" in caplog.text and "bug in a check" in caplog.text


def test_a_check_failing_in_the_database_does_not_break_the_others(vendor, extra_check):
    def bad_sql(subject, content):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_anywhere")

    # First, so every other check runs after the failed statement (on PostgreSQL that aborts
    # the transaction unless the check had a savepoint of its own).
    extra_check("a_bad_sql", bad_sql, first=True)
    assert list(checks.registered_checks())[0] == "a_bad_sql"
    solution = SolutionFactory(vendor=vendor)
    checks.run_checks(solution)
    stored = results(solution)
    assert stored["a_bad_sql"].severity == "error"
    assert set(stored) == ALL_CODES | {"a_bad_sql"}


def _add_case_studies(solution, count):
    industry, region = Industry.objects.get(code="machine-tools"), Region.objects.get(code="CN-JS")
    for position in range(count):
        study = CaseStudy.objects.create(solution=solution, client=f"Client {position}",
                                         industry=industry, region=region, year=2024,
                                         position=position)
        CaseStudyOutcome.objects.bulk_create([
            CaseStudyOutcome(case_study=study, metric="Downtime", unit="h", before=Decimal(40),
                             after=Decimal(12), position=0),
            CaseStudyOutcome(case_study=study, metric="OEE", unit="%", before=Decimal(60),
                             after=Decimal(75), position=1),
        ])


def _add_attachments(solution, count):
    for n in range(count):
        Attachment.objects.create(solution=solution, file=ContentFile(pdf(), name=f"{n}.pdf"),
                                  original_name=f"{n}.pdf", content_type="application/pdf",
                                  size=len(pdf()))


def queries_of_run_checks(solution):
    with CaptureQueriesContext(connection) as queries:
        checks.run_checks(type(solution).objects.get(pk=solution.pk))
    return len(queries)


def test_queries_do_not_grow_with_case_studies_or_attachments(vendor):
    published()  # so the near-duplicate check has candidates to load
    published(**CARBON)
    few = SolutionFactory(vendor=vendor, description_en="See https://www.lianxin-iot.cn/a")
    many = SolutionFactory(vendor=vendor, description_en="See https://www.lianxin-iot.cn/a")
    _add_case_studies(few, 1)
    _add_attachments(few, 1)
    _add_case_studies(many, 5)
    _add_attachments(many, 5)

    assert queries_of_run_checks(many) == queries_of_run_checks(few)


# Through the services


def test_submission_stores_every_result_and_a_near_duplicate_needs_a_second_approval(
    vendor, vendor_user, reviewer, operator, on_commit
):
    original = published()
    solution = submitted(SolutionFactory(vendor=vendor), vendor_user, on_commit)

    assert solution.status == "in_review"
    stored = results(solution)
    assert set(stored) == ALL_CODES
    assert {r.submission for r in stored.values()} == {1}
    assert not stored["near_duplicate"].passed
    assert stored["near_duplicate"].details["closest"][0]["id"] == original.pk
    assert solution.needs_second_approval

    second = MembershipFactory(organization=operator, is_reviewer=True).user
    services.approve(actor=reviewer, subject=solution, comment="Not a copy: other spindles.")
    solution.refresh_from_db()
    assert solution.status == "in_review" and solution.first_approved_by == reviewer
    services.approve(actor=second, subject=solution, comment="Agreed.")
    solution.refresh_from_db()
    assert solution.status == "published"


def test_a_distinct_clean_submission_needs_one_approval(vendor, vendor_user, reviewer,
                                                        on_commit):
    published()
    solution = submitted(SolutionFactory(vendor=vendor, **CARBON), vendor_user, on_commit)
    assert set(results(solution)) == ALL_CODES
    assert all(r.passed for r in results(solution).values())
    assert not solution.needs_second_approval


def _broken_outcome(solution):
    study = CaseStudy.objects.create(solution=solution, client="Wuxi Bearings")
    CaseStudyOutcome.objects.create(case_study=study, metric="OEE", unit="%",
                                    before=Decimal(60), after=Decimal(130))


def _broken_link(solution):
    solution.description_en += " Brochure: https://www.lianxin-iot.cn/gone"
    solution.save()


def _corrupt_attachment(solution):
    Attachment.objects.create(solution=solution, file=ContentFile(b"%PDF-1.4 cut", name="r.pdf"),
                              original_name="r.pdf", content_type="application/pdf", size=12)


@pytest.mark.parametrize(("spoil", "code"), [
    (_broken_outcome, "outcomes"),
    (_broken_link, "links"),
    (_corrupt_attachment, "attachments"),
])
def test_a_flagging_check_asks_for_a_second_approval(vendor, vendor_user, reviewer, on_commit,
                                                     settings, spoil, code):
    settings.LINK_CHECKER = "tests.catalog.test_checks_pipeline.BrokenLinks"
    solution = SolutionFactory(vendor=vendor, **CARBON)
    solution.description_en = "Meters on furnaces feed a ledger."  # no link unless spoiled
    solution.save()
    spoil(solution)

    solution = submitted(solution, vendor_user, on_commit)

    stored = results(solution)
    assert [c for c, r in sorted(stored.items()) if not r.passed] == [code]
    assert solution.needs_second_approval


def test_a_revision_is_checked_and_flagged_like_a_listing(vendor, vendor_user, reviewer,
                                                          on_commit):
    other = published()
    live = published(vendor=vendor, **CARBON)
    revision = services.propose_change(actor=vendor_user, solution=live, data={
        name: getattr(other, name) for name in CARBON
    })
    with on_commit():
        services.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()

    stored = CheckResult.objects.filter(revision=revision)
    assert {r.code for r in stored} == ALL_CODES
    assert revision.status == "in_review" and revision.needs_second_approval
