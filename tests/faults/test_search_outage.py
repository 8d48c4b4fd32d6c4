"""Elasticsearch unreachable: at a closed port (refused at once) and at a listener that
accepts and never answers (only the client's timeout ends the wait). Submissions are checked
(the near-duplicate check reads the database index instead), and publishing answers success:
the vendor is told, the change feed has it and search still finds it (the database index).

The worker runs with ELASTICSEARCH_URL pointing at the fault and a 1 s client timeout; this
process (the web) points at the same fault."""

import time

import pytest
from django.utils import timezone

from catalog.models import CheckResult, Solution
from changes.models import ChangeEntry
from events.models import Notification
from search.backends import SearchQuery
from search.selectors import run_search
from tests.factories import SolutionFactory
from tests.tcp_proxy import Silent, closed_port
from tests.worker import Worker, new_queue, requires_services, tasks_sent_to, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, requires_services]

TIMEOUT_S = 1
TARGET_S = 30


@pytest.fixture(params=["closed_port", "silent_listener"])
def search_down(request, settings, django_db_setup):
    """A worker, and this process (the web), with the search cluster at the fault. One
    worker per test: one left running would retry the failing event during the database's
    flush after the test."""
    silent = Silent()
    if request.param == "silent_listener":
        url = silent.open().url("http")
    else:
        url = f"http://127.0.0.1:{closed_port()}"
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_TIMEOUT = TIMEOUT_S
    worker = Worker(new_queue(), beat=True, env={
        "SEARCH_BACKEND": "elasticsearch", "ELASTICSEARCH_URL": url,
        "ELASTICSEARCH_TIMEOUT": str(TIMEOUT_S)})
    with tasks_sent_to(worker.queue):
        try:
            worker.start()
            yield request.param
        finally:
            worker.stop()
            silent.close()


def submit_and_wait_for_review(api, solution, record_recovery, fault):
    start = time.monotonic()
    assert api.post(f"/api/v1/solutions/{solution.pk}/submit/").status_code == 200
    wait_for(lambda: Solution.objects.get(pk=solution.pk).status == "in_review",
             timeout=TARGET_S, what="the submission's checks with the search cluster down")
    record_recovery(f"search_{fault}_checks_s", time.monotonic() - start)


def test_submissions_are_checked_while_search_is_down(search_down, api_as, vendor,
                                                      vendor_user, reviewer, record_recovery):
    solution = SolutionFactory(vendor=vendor)
    submit_and_wait_for_review(api_as(vendor_user), solution, record_recovery, search_down)
    near_duplicate = CheckResult.objects.get(solution=solution, code="near_duplicate")
    assert near_duplicate.passed


def test_publishing_while_search_is_down_tells_the_vendor_and_the_feed(
    search_down, api_as, vendor, vendor_user, reviewer, record_recovery
):
    # Checked and assigned already (the test above covers the checks with search down).
    solution = SolutionFactory(vendor=vendor, status="in_review", reviewer=reviewer,
                               submitted_at=timezone.now())
    start = time.monotonic()
    response = api_as(reviewer).post(f"/api/v1/solutions/{solution.pk}/approve/",
                                     {"submitted_at": solution.submitted_at.isoformat()},
                                     format="json")
    assert response.status_code == 200, response.content
    solution.refresh_from_db()
    assert solution.status == "published"

    told = Notification.objects.filter(recipient=vendor_user, topic="solution.published")
    in_feed = ChangeEntry.objects.filter(resource_type="solution", resource_id=str(solution.pk),
                                         action="published")

    def found():
        results, _relaxed = run_search(SearchQuery(text=solution.title_en))
        return solution.pk in [hit.id for hit in results.hits]

    # Each consumer is delivered on its own, in no promised order: wait until every one the
    # outage must not hold back has happened (the vendor told, the change feed, the database
    # index), or the deadline.
    wait_for(lambda: told.exists() and in_feed.exists() and found(), timeout=TARGET_S,
             what="the vendor's notice, the change-feed entry and the database index")
    record_recovery(f"search_{search_down}_publish_relayed_s", time.monotonic() - start)
