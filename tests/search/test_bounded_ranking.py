"""A text query matching more entries than search.scoring ranks one by one (RESCORE_ALL): the
engine's best RESCORED are scored and come first; of the other matches the newest RESCORED
are scored and follow, best first, then the rest newest first; totals and facets count every
match. Bounds made small here; on SQLite and PostgreSQL alike."""

from datetime import timedelta

import pytest
from django.utils import timezone

from search.backends import SearchQuery, database

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounded(monkeypatch):
    monkeypatch.setattr(database, "RESCORE_ALL", 2)
    monkeypatch.setattr(database, "RESCORED", 2)


# The word, and the texts holding it: a word of English, and a Chinese one, which is the
# phrase of its bigrams (on PostgreSQL checked in titles first, and ranked in that pass).
TEXTS = {
    "gearbox": {"title": "title_en", "best": "Gearbox gearbox test bench",
                "second": "Gearbox monitoring", "description": "description_en",
                "described": "Also fits a gearbox.", "twice": "Fits a gearbox, any gearbox.",
                "other": "Paint shop energy"},
    "齿轮箱": {"title": "title_zh", "best": "齿轮箱齿轮箱试验台", "second": "齿轮箱监测",
            "description": "description_zh", "described": "也适用于齿轮箱。",
            "twice": "适用于齿轮箱，任何齿轮箱。", "other": "涂装车间能耗"},
}


@pytest.fixture(params=list(TEXTS))
def word(request):
    return request.param


@pytest.fixture
def gearboxes(publish, word):
    """Two solutions with the word in the title, three with it in the description only; the
    oldest first, so newest first is the other way round."""
    texts = TEXTS[word]
    start = timezone.now() - timedelta(days=10)
    made = {}
    for day, (name, field, text, region) in enumerate([
        ("best", texts["title"], texts["best"], "CN-JS"),
        ("second", texts["title"], texts["second"], "CN-ZJ"),
        ("described_1", texts["description"], texts["described"], "CN-JS"),
        ("described_2", texts["description"], texts["described"], "CN-JS"),
        ("described_3", texts["description"], texts["described"], "CN-ZJ"),
    ]):
        made[name] = publish(neutral=True, published_at=start + timedelta(days=day),
                             regions=[region], **{field: text})
    for _ in range(3):  # other solutions make the word a telling one
        publish(neutral=True, **{texts["title"]: texts["other"]})
    return made


def ids(results):
    return [hit.id for hit in results.hits]


def test_the_engines_best_come_first_then_the_other_matches_newest_first(
        backend, bounded, gearboxes, word):
    results = backend.search(SearchQuery(text=word))
    g = gearboxes
    assert ids(results) == [g["best"].pk, g["second"].pk, g["described_3"].pk,
                            g["described_2"].pk, g["described_1"].pk]
    assert results.hits[0].score > results.hits[1].score > 0
    assert results.total == 5
    assert results.facets["region"] == {"CN-JS": 3, "CN-ZJ": 2}


def test_the_newest_of_the_others_are_scored_and_come_best_first(backend, bounded, publish,
                                                                 word):
    texts = TEXTS[word]
    start = timezone.now() - timedelta(days=10)
    made = {}
    for day, (name, field, text) in enumerate([
        ("best", texts["title"], texts["best"]),
        ("second", texts["title"], texts["second"]),
        ("oldest_twice", texts["description"], texts["twice"]),
        ("twice", texts["description"], texts["twice"]),
        ("newest_once", texts["description"], texts["described"]),
    ]):
        made[name] = publish(neutral=True, published_at=start + timedelta(days=day),
                             **{field: text})
    for _ in range(3):
        publish(neutral=True, **{texts["title"]: texts["other"]})
    results = backend.search(SearchQuery(text=word))
    # The newest two of the three left by the engine are scored: the one saying the word
    # twice comes before the newer one saying it once. The oldest is beyond that bound and
    # follows, though it says the word twice too.
    assert ids(results) == [made[name].pk for name in
                            ("best", "second", "twice", "newest_once", "oldest_twice")]
    assert results.hits[2].score > results.hits[3].score > 0
    assert results.hits[4].score == 0
    second_page = backend.search(SearchQuery(text=word, page=2, page_size=2))
    assert ids(second_page) == [made["twice"].pk, made["newest_once"].pk]
    third_page = backend.search(SearchQuery(text=word, page=3, page_size=2))
    assert ids(third_page) == [made["oldest_twice"].pk]


def test_a_later_page_continues_the_same_order(backend, bounded, gearboxes, word):
    g = gearboxes
    second_page = backend.search(SearchQuery(text=word, page=2, page_size=2))
    assert ids(second_page) == [g["described_3"].pk, g["described_2"].pk]


def test_a_facet_selection_is_ranked_within_itself(backend, bounded, gearboxes, word):
    g = gearboxes
    results = backend.search(SearchQuery(text=word, filters={"region": ["CN-JS"]}))
    assert ids(results)[0] == g["best"].pk
    assert set(ids(results)) == {g["best"].pk, g["described_1"].pk, g["described_2"].pk}
    assert results.total == 3


def test_an_excluded_solution_is_left_out_of_the_ranking(backend, bounded, gearboxes, word):
    g = gearboxes
    results = backend.search(SearchQuery(text=word, exclude_ids=(g["best"].pk,)))
    assert ids(results)[0] == g["second"].pk
    assert g["best"].pk not in ids(results)
    assert results.total == 4


def test_sorted_by_newest_every_match_is_listed_newest_first(backend, bounded, gearboxes, word):
    g = gearboxes
    results = backend.search(SearchQuery(text=word, sort="newest"))
    assert ids(results) == [g[name].pk for name in
                            ("described_3", "described_2", "described_1", "second", "best")]
