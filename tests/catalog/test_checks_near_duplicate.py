"""The near-duplicate check (search.checks), through the database search backend."""

import pytest
from django.utils import timezone

from catalog import revisions, services
from search.backends import BackendUnavailable
from search.checks import near_duplicate, similarity, terms_by_language
from search.models import PendingSignatures
from search.services import sync_solution
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

CARBON = {
    "title_en": "Carbon accounting for foundries",
    "title_zh": "铸造企业碳资产核算",
    "summary_en": "Energy metering and emission factors give a monthly carbon ledger.",
    "summary_zh": "能源计量与排放因子生成月度碳账本。",
    "description_en": "Meters on furnaces feed a ledger audited against national standards.",
    "description_zh": "熔炉电表数据进入碳账本，按国家标准核查。",
}


@pytest.fixture(autouse=True)
def database_search(settings):
    settings.SEARCH_BACKEND = "database"
    settings.DUPLICATE_SIMILARITY_FLAG = 0.8


@pytest.fixture
def publish():
    def make(**fields):
        solution = SolutionFactory(status="published", published_at=timezone.now(), **fields)
        sync_solution(solution.pk)
        return solution

    return make


def check(subject):
    return near_duplicate(subject, revisions.content_of(subject))


def test_similarity_is_the_share_of_terms_in_common():
    text = {"title_en": "Spindle monitoring", "summary_en": "Vibration sensors on spindles"}
    same = terms_by_language(text)
    assert similarity(same, same) == 1.0
    assert similarity(same, terms_by_language({"title_en": "Carbon ledger"})) == 0.0
    # "spindle" and "spindles" are one term; 4 distinct terms of which 3 are shared.
    partly = terms_by_language({"title_en": "Spindle vibration sensors"})
    assert similarity(same, partly) == pytest.approx(3 / 4)


def test_similarity_compares_the_languages_both_are_written_in():
    bilingual = terms_by_language({"title_en": "Spindle monitoring", "title_zh": "主轴监测"})
    english_copy = terms_by_language({"title_en": "Spindle monitoring"})
    chinese_variant = terms_by_language({"title_zh": "主轴状态监测"})
    assert similarity(bilingual, english_copy) == 1.0
    # CJK bigrams 主轴 轴监 监测 vs 主轴 轴状 状态 态监 监测: 2 shared of 6 distinct.
    assert similarity(bilingual, chinese_variant) == pytest.approx(2 / 6)


def test_a_copy_of_a_published_solution_is_flagged_naming_it(publish, vendor):
    original = publish()
    publish(**CARBON)
    draft = SolutionFactory(vendor=vendor)  # factory text: only the title's number differs

    outcome = check(draft)

    assert outcome.flags_for_second_approval
    assert not outcome.passed and outcome.severity == "warning"
    closest = outcome.details["closest"][0]
    assert closest["id"] == original.pk
    assert closest["title"] == original.title_en
    assert closest["vendor"] == str(original.vendor)
    assert 0.8 <= closest["similarity"] < 1.0
    assert outcome.score == closest["similarity"]
    assert outcome.details["threshold"] == 0.8


def test_a_different_solution_is_not_flagged(publish, vendor):
    publish()
    draft = SolutionFactory(vendor=vendor, **CARBON)

    outcome = check(draft)

    assert outcome.passed and outcome.severity == "ok"
    assert not outcome.flags_for_second_approval
    assert outcome.score < 0.3


def test_the_threshold_comes_from_settings(publish, vendor, settings):
    publish()
    draft = SolutionFactory(vendor=vendor)
    settings.DUPLICATE_SIMILARITY_FLAG = 0.99
    assert not check(draft).flags_for_second_approval


def test_a_revision_is_not_compared_with_its_own_listing(publish, vendor_user):
    live = publish(vendor=vendor_user.memberships.get().organization)
    revision = services.propose_change(actor=vendor_user, solution=live,
                                       data={"delivery_weeks": 10})

    outcome = check(revision)

    assert outcome.passed and outcome.details["closest"] == []
    assert outcome.score == 0.0


def test_a_revision_copying_another_listing_is_flagged(publish, vendor_user):
    own = publish(vendor=vendor_user.memberships.get().organization, **CARBON)
    other = publish()
    revision = services.propose_change(actor=vendor_user, solution=own, data={
        name: getattr(other, name) for name in CARBON
    })

    outcome = check(revision)

    assert outcome.flags_for_second_approval
    assert outcome.details["closest"][0]["id"] == other.pk
    assert own.pk not in [item["id"] for item in outcome.details["closest"]]


def test_unreachable_search_gives_a_could_not_check_warning(monkeypatch, publish, vendor):
    publish()
    PendingSignatures.objects.create()  # the candidates come from the search
    draft = SolutionFactory(vendor=vendor)

    class Down:
        def search(self, query):
            raise BackendUnavailable("Elasticsearch: connection refused")

    monkeypatch.setattr("search.selectors.get_backend", lambda: Down())
    outcome = check(draft)

    assert outcome.severity == "warning" and not outcome.passed
    assert not outcome.flags_for_second_approval
    assert outcome.message.startswith("Could not check")
    assert "connection refused" in outcome.details["error"]


def test_the_snapshot_content_is_what_is_compared(publish, vendor):
    # A draft whose stored text differs from the published one, compared by what the
    # reviewer will see (the snapshot), not by anything indexed.
    original = publish()
    draft = SolutionFactory(vendor=vendor, **CARBON)
    content = {**revisions.snapshot(draft),
               **{name: getattr(original, name) for name in CARBON}}
    assert near_duplicate(draft, content).flags_for_second_approval
