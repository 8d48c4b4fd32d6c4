"""Sorting by relevance, newest and rating. Ratings are each document's optional rating_avg
(null until a solution is rated): rated solutions first, best first, unrated ones after."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from search import analysis
from search.backends import SearchQuery
from search.backends import elasticsearch as es
from search.index import build_documents

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/"


def ids(backend, **kwargs):
    return [hit.id for hit in backend.search(SearchQuery(**kwargs)).hits]


@pytest.fixture
def three(publish):
    """Oldest to newest, all about gearboxes; the oldest has "gearbox" in its title."""
    now = timezone.now()
    old = publish(neutral=True, title_en="Gearbox monitoring", summary_en="gearbox",
                  published_at=now - timedelta(days=3))
    mid = publish(neutral=True, title_en="Vibration kit", summary_en="for a gearbox",
                  published_at=now - timedelta(days=2))
    new = publish(neutral=True, title_en="Line monitor", description_en="gearbox too",
                  published_at=now - timedelta(days=1))
    return old, mid, new


def rate(backend, solution, average):
    """Index the solution as if it had ratings averaging `average`."""
    [doc] = build_documents([solution.pk])
    backend.index([{**doc, "rating_avg": average, "rating_count": 3}])


def test_relevance_puts_the_best_match_first(backend, three):
    old, mid, new = three
    assert ids(backend, text="gearbox")[0] == old.pk


def test_newest_ignores_relevance(backend, three):
    old, mid, new = three
    assert ids(backend, text="gearbox", sort="newest") == [new.pk, mid.pk, old.pk]
    assert ids(backend, sort="newest") == [new.pk, mid.pk, old.pk]


def test_without_ratings_the_rating_sort_is_relevance_then_newest(backend, three):
    old, mid, new = three
    assert ids(backend, text="gearbox", sort="rating") == ids(backend, text="gearbox")
    assert ids(backend, sort="rating") == [new.pk, mid.pk, old.pk]


def test_rated_solutions_come_first_best_first(backend, three):
    old, mid, new = three
    rate(backend, mid, 4.5)
    rate(backend, old, 3.0)
    assert ids(backend, sort="rating") == [mid.pk, old.pk, new.pk]
    assert ids(backend, text="gearbox", sort="rating") == [mid.pk, old.pk, new.pk]


def test_documents_have_no_rating_until_a_solution_is_rated(three):
    [doc] = build_documents([three[0].pk])
    assert doc["rating_avg"] is None and doc["rating_count"] == 0


def test_a_rating_fills_the_document_and_hidden_ones_do_not_count(backend, publish,
                                                                 enterprise, enterprise_user):
    from marketplace import rating_averages, services
    from marketplace.models import Rating
    from tests.marketplace.factories import make_quote, make_request

    solution = publish(neutral=True, title_en="Rated thing")
    quote = make_quote(make_request(enterprise, [solution.vendor]), solution.vendor,
                       solution=solution)
    services.accept_quote(actor=enterprise_user, quote=quote, version=quote.version)
    Rating.objects.create(quote=quote, enterprise=enterprise, vendor=solution.vendor,
                          solution=solution, quality=5, delivery=4, communication=4, value=3,
                          score=Decimal("4.00"))
    rating_averages.tell_search(solution.pk)  # what the consumer of rating.created does
    [doc] = build_documents([solution.pk])
    assert (doc["rating_avg"], doc["rating_count"]) == (4.0, 1)
    Rating.objects.update(is_hidden=True)
    rating_averages.tell_search(solution.pk)  # what the consumer of rating.hidden does
    [doc] = build_documents([solution.pk])
    assert (doc["rating_avg"], doc["rating_count"]) == (None, 0)


def test_a_rating_event_reindexes_its_solution(backend, publish):
    from core.models import OutboxEvent
    from marketplace.rating_averages import rating_changed

    solution = publish(neutral=True, title_en="Gear thing")
    rate(backend, solution, 5.0)  # what the index holds; the catalog has no rating
    event = OutboxEvent(topic="rating.hidden", aggregate_type="marketplace.rating",
                        aggregate_id="1", payload={"id": 1, "solution_id": solution.pk})
    rating_changed(event)
    assert backend.documents([solution.pk])[solution.pk]["rating_avg"] is None


def test_the_api_sorts_by_rating(api, backend, three):
    old, mid, new = three
    rate(backend, old, 4.0)
    body = api.get(URL, {"sort": "rating"}).json()
    assert [r["id"] for r in body["results"]] == [old.pk, new.pk, mid.pk]


def test_the_api_refuses_an_unknown_sort(api, three):
    response = api.get(URL, {"sort": "cheapest"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"sort"}


def test_elasticsearch_sorts_by_rating_then_score_then_newest():
    body = es.build_search("idx", SearchQuery(text="gear", sort="rating"),
                           analysis.parse_query("gear")).to_dict()
    assert body["sort"][:3] == [
        {"rating_avg": {"order": "desc", "missing": "_last"}},
        "_score",
        {"published_at": {"order": "desc", "missing": "_last"}},
    ]
    no_text = es.build_search("idx", SearchQuery(sort="rating")).to_dict()
    assert no_text["sort"][0] == {"rating_avg": {"order": "desc", "missing": "_last"}}
    assert "_score" not in no_text["sort"]


def test_rating_and_evidence_fields_are_mapped():
    properties = es.index_body()["mappings"]["properties"]
    assert properties["rating_avg"] == {"type": "double"}
    assert properties["rating_count"] == {"type": "integer"}
    assert properties["case_study_industries"] == {"type": "keyword"}


def test_a_rating_given_through_the_marketplace_reaches_the_index(backend, publish, enterprise,
                                                                  enterprise_user, on_commit):
    """Search reads no marketplace table: the rating's outbox event tells it the average."""
    from marketplace import services
    from search.models import SolutionRating
    from tests.marketplace.factories import make_quote, make_request

    solution = publish(neutral=True, title_en="Rated thing")
    quote = make_quote(make_request(enterprise, [solution.vendor]), solution.vendor,
                       solution=solution)
    services.accept_quote(actor=enterprise_user, quote=quote, version=quote.version)
    with on_commit():
        services.rate(actor=enterprise_user, quote=quote,
                      scores={"quality": 5, "delivery": 4, "communication": 4, "value": 3})
    assert SolutionRating.objects.filter(solution=solution, average=4.0, count=1).exists()
    assert backend.documents([solution.pk])[solution.pk]["rating_avg"] == 4.0
