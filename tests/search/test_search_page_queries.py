"""The search page's reads: a fixed number of queries whatever the results show, and facet
labels from the taxonomy kept in memory (search.selectors.taxonomy_rows)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Region
from search.index import forget_taxonomy

TAXONOMY_TABLES = ("catalog_lifecyclestage", "catalog_scenariolink", "catalog_region",
                   "catalog_technology", "catalog_maturitylevel")


def _page(client, url="/search/?q=spindle"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries]


def test_the_page_runs_the_same_queries_for_one_result_or_many(client, publish):
    publish(title_en="Spindle monitoring", scenarios=["2025-28"], industries=["machine-tools"],
            regions=["CN-JS"])
    # The taxonomy, and the term statistics of each state of the index, are read once, by
    # the first page after a change: each count is of a page after that one.
    _page(client)
    _, one = _page(client)
    for n in range(6):
        publish(title_en=f"Spindle analytics {n}", scenarios=["2025-28", "2025-10", "2025-27"],
                industries=["machine-tools", "automotive-parts"], regions=["CN-ZJ", "CN-GD"])
    _page(client)
    page, many = _page(client)
    assert page.count('class="card solution-card"') == 7
    assert len(many) == len(one)


def test_facet_labels_come_from_memory_after_the_first_page(client, publish):
    publish(title_en="Spindle monitoring", regions=["CN-JS"])
    _page(client)
    page, queries = _page(client, "/search/?q=spindle&region=CN-JS&maturity=2")
    assert Region.objects.get(code="CN-JS").name_en in page
    assert not [sql for sql in queries if any(f'FROM "{table}"' in sql
                                              for table in TAXONOMY_TABLES)]


@pytest.fixture
def forget_afterwards():
    """The rename is rolled back with the test, which no signal tells: forget it by hand."""
    yield
    forget_taxonomy()


def test_a_renamed_region_is_labelled_by_its_new_name(client, publish, forget_afterwards):
    publish(title_en="Spindle monitoring", regions=["CN-JS"])
    _page(client)
    region = Region.objects.get(code="CN-JS")
    region.name_en = "Jiangsu Province (renamed)"
    region.save()
    page, _ = _page(client)
    assert "Jiangsu Province (renamed)" in page
