"""The near-duplicate check's signature bands (search.signatures): kept with the index by the
search services, and where the check finds its candidates."""

import pytest

from catalog import revisions, services
from catalog.models import SolutionStatus
from search import services as search_services
from search import signatures
from search.backends import BackendUnavailable
from search.checks import near_duplicate, terms_by_language
from search.models import PendingSignatures, SignatureBand
from search.services import sync_solution
from tests.catalog.test_checks_near_duplicate import CARBON
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def flag_at(settings):
    settings.DUPLICATE_SIMILARITY_FLAG = 0.8


def bands_of(solution):
    return set(SignatureBand.objects.filter(solution=solution).values_list("bucket", flat=True))


def candidates_for(content, exclude_id=None):
    return signatures.similar_ids(terms_by_language(content), exclude_id=exclude_id)


def test_the_buckets_are_the_same_in_every_process():
    # Stored buckets are compared with buckets computed later, in other processes: the hash
    # must not depend on the process (Python's hash() of a str does).
    keys = signatures.buckets({"en": frozenset({"spindl", "vibrat", "sensor"}), "zh": set()})
    assert len(keys) == signatures.BANDS
    assert min(keys) == -8473864133727551375
    assert max(keys) == 8953992675359728659


def test_similar_term_sets_share_buckets_and_unrelated_ones_none():
    spindles = terms_by_language({"title_en": "Spindle vibration sensors on an edge gateway "
                                              "predict failures of CNC machine tools"})
    # One term of ten replaced: 9 shared of 11, a Jaccard index of 0.82.
    lathes = terms_by_language({"title_en": "Spindle vibration sensors on an edge gateway "
                                            "predict failures of CNC lathe tools"})
    carbon = terms_by_language({"title_en": "Carbon ledger from emission factors, furnace "
                                            "meters and national audit standards"})
    assert signatures.buckets(spindles) & signatures.buckets(lathes)
    assert not signatures.buckets(spindles) & signatures.buckets(carbon)
    assert signatures.buckets(terms_by_language({})) == set()


def test_bands_are_written_and_removed_with_the_index(publish):
    solution = publish()
    assert len(bands_of(solution)) == 2 * signatures.BANDS  # English and Chinese

    solution.title_en = "Carbon accounting for foundries"
    solution.save()
    before = bands_of(solution)
    sync_solution(solution.pk)
    assert bands_of(solution) != before
    assert len(bands_of(solution)) == 2 * signatures.BANDS

    solution.status = SolutionStatus.ARCHIVED
    solution.save()
    sync_solution(solution.pk)
    assert bands_of(solution) == set()


def test_a_near_duplicate_is_a_candidate_and_an_unrelated_solution_is_not(publish, vendor):
    original = publish()
    unrelated = publish(**CARBON)
    draft = SolutionFactory(vendor=vendor)  # factory text: only the title's number differs

    assert candidates_for(revisions.content_of(draft)) == [original.pk]
    assert unrelated.pk in candidates_for(CARBON)
    assert original.pk not in candidates_for(CARBON)


def test_a_revision_is_not_its_own_candidate(publish, vendor_user):
    live = publish(vendor=vendor_user.memberships.get().organization)
    revision = services.propose_change(actor=vendor_user, solution=live,
                                       data={"delivery_weeks": 10})
    content = revisions.content_of(revision)

    assert candidates_for(content) == [live.pk]
    assert candidates_for(content, exclude_id=live.pk) == []
    assert near_duplicate(revision, content).details["closest"] == []


def test_rebuild_fills_the_bands_and_ends_pending_signatures(publish):
    first, second = publish(), publish(**CARBON)
    SignatureBand.objects.all().delete()
    PendingSignatures.objects.create()
    assert not signatures.available()

    search_services.rebuild_index(batch_size=1)

    assert signatures.available()
    assert len(bands_of(first)) == len(bands_of(second)) == 2 * signatures.BANDS


def test_the_check_needs_no_search_when_the_bands_cover_the_index(monkeypatch, publish,
                                                                  vendor):
    original = publish()
    draft = SolutionFactory(vendor=vendor)

    class Down:
        def search(self, query):
            raise BackendUnavailable("Elasticsearch: connection refused")

    monkeypatch.setattr("search.selectors.get_backend", lambda: Down())
    outcome = near_duplicate(draft, revisions.content_of(draft))

    assert outcome.flags_for_second_approval
    assert outcome.details["closest"][0]["id"] == original.pk


def test_while_signatures_are_pending_the_check_searches_as_before(monkeypatch, publish,
                                                                   vendor):
    original = publish()
    SignatureBand.objects.all().delete()  # an index written before the bands existed
    PendingSignatures.objects.create()
    draft = SolutionFactory(vendor=vendor)
    searched = []
    monkeypatch.setattr("search.checks.solutions_sharing_words",
                        lambda text, **kwargs: searched.append(text) or [])

    outcome = near_duplicate(draft, revisions.content_of(draft))

    assert searched and outcome.details["closest"] == []
    monkeypatch.undo()
    assert near_duplicate(draft, revisions.content_of(draft)).details["closest"][0]["id"] == (
        original.pk)
