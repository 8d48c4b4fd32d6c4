"""The change feed: every change once, in commit order, to those who may see it."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts
from catalog import workflow
from catalog.models import Solution
from changes import consumers
from changes.api.serializers import encode_cursor
from changes.models import ChangeEntry
from core.models import OutboxEvent
from core.outbox import emit
from core.relay import dispatch_event
from marketplace import services as market
from tests.factories import EnterpriseFactory, MembershipFactory, SolutionFactory
from tests.marketplace.factories import make_quote

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"


@pytest.fixture(autouse=True)
def own_throttle_counts(settings):
    """A cache of this test's own (throttle counts of other tests, or of Redis, stay out),
    and room for a partner polling in a loop."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "10000/min",
            "user": "10000/min",
            "api_key": "10000/min",
        },
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"changes-{uuid.uuid4().hex}",
        }
    }


def key_client(organization, scopes=("catalog:read",)):
    admin = organization.memberships.order_by("created_at").first().user
    _, raw = accounts.create_api_key(
        actor=admin, organization=organization, name="Portal", scopes=list(scopes)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def follow(client, cursor=None, limit=100):
    """Every change after `cursor`, following next_cursor; returns (changes, last cursor)."""
    seen = []
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(FEED, params)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(body["results"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return seen, cursor


def keys(changes):
    return [(c["resource_type"], c["resource_id"], c["action"]) for c in changes]


@pytest.fixture
def publish(reviewer, on_commit):
    def run(solution):
        with on_commit():
            workflow.record_import(solution, reviewer)
        return solution

    return run


def test_published_solution_appears_in_the_public_feed(api, publish):
    solution = publish(SolutionFactory())
    changes, _ = follow(api)
    assert keys(changes) == [("solution", str(solution.pk), "published")]
    entry = changes[0]
    assert entry["seq"] == ChangeEntry.objects.get().seq
    assert entry["occurred_at"] and entry["recorded_at"]


def test_vendor_alone_sees_its_draft_moving_through_review(
    api, api_as, vendor_user, vendor, on_commit
):
    solution = SolutionFactory(vendor=vendor, created_by=vendor_user)
    with on_commit():
        workflow.transition(solution, "submitted", vendor_user)
    mine, _ = follow(api_as(vendor_user))
    assert ("solution", str(solution.pk), "submitted") in keys(mine)
    assert follow(api)[0] == []


def test_enterprise_b_never_sees_a_private_need_request_or_quote_of_a(
    api,
    api_as,
    enterprise,
    enterprise_user,
    other_enterprise_user,
    vendor,
    vendor_user,
    on_commit,
):
    with on_commit():
        need = market.post_need(
            actor=enterprise_user,
            enterprise=enterprise,
            data={"language": "en", "title": "Less downtime", "visibility": "private"},
        )
    with on_commit():
        request = market.request_quotes(
            actor=enterprise_user,
            enterprise=enterprise,
            vendors=[vendor],
            title="Predictive maintenance",
            need=need,
        )
    with on_commit():
        quote = make_quote(request, vendor, actor=vendor_user)
    a_sees = keys(follow(api_as(enterprise_user))[0])
    assert ("need", str(need.pk), "created") in a_sees
    assert ("quote-request", str(request.pk), "created") in a_sees
    assert ("quote", str(quote.pk), "created") in a_sees
    b_org = other_enterprise_user.memberships.get().organization
    for outsider in (api_as(other_enterprise_user), key_client(b_org), api):
        assert follow(outsider)[0] == []
    # The quoted vendor sees the request and its own quote, not the enterprise's private need.
    vendor_sees = keys(follow(api_as(vendor_user))[0])
    assert ("quote", str(quote.pk), "created") in vendor_sees
    assert ("quote-request", str(request.pk), "created") in vendor_sees
    assert ("need", str(need.pk), "created") not in vendor_sees


def test_a_key_sees_only_its_own_organisation_not_all_of_its_admins(
    api_as,
    enterprise,
    enterprise_user,
    on_commit,
):
    other = EnterpriseFactory()
    MembershipFactory(organization=other, user=enterprise_user)
    with on_commit():
        need = market.post_need(
            actor=enterprise_user,
            enterprise=other,
            data={"language": "en", "title": "Other org's need"},
        )
    assert ("need", str(need.pk), "created") in keys(follow(api_as(enterprise_user))[0])
    assert follow(key_client(enterprise))[0] == []


def test_operator_staff_see_every_change(api_as, reviewer, enterprise, enterprise_user, on_commit):
    with on_commit():
        need = market.post_need(
            actor=enterprise_user,
            enterprise=enterprise,
            data={"language": "en", "title": "Private need"},
        )
    assert ("need", str(need.pk), "created") in keys(follow(api_as(reviewer))[0])


def test_following_next_cursor_pages_through_each_change_once(api, publish):
    solutions = [publish(SolutionFactory()) for _ in range(5)]
    changes, cursor = follow(api, limit=2)
    assert [c["resource_id"] for c in changes] == [str(s.pk) for s in solutions]
    # Up to date: asking again returns nothing until something changes, then only that.
    assert api.get(FEED, {"cursor": cursor}).json() == {
        "results": [],
        "next_cursor": cursor,
        "has_more": False,
    }
    later = publish(SolutionFactory())
    assert keys(follow(api, cursor)[0]) == [("solution", str(later.pk), "published")]


def test_cursor_moves_past_changes_the_caller_may_not_see(
    api, enterprise, enterprise_user, publish, on_commit
):
    publish(SolutionFactory())
    with on_commit():
        market.post_need(
            actor=enterprise_user,
            enterprise=enterprise,
            data={"language": "en", "title": "Private"},
        )
    body = api.get(FEED).json()
    assert len(body["results"]) == 1 and not body["has_more"]
    assert body["next_cursor"] == encode_cursor(ChangeEntry.objects.latest("seq").seq)


def test_changes_committing_out_of_order_are_neither_missed_nor_repeated(api, reviewer):
    """Event 1 is written first but its delivery commits after event 2's, and a partner reads
    in between: it still gets both, each once."""
    first, second = SolutionFactory(), SolutionFactory()
    for solution in (first, second):
        Solution.objects.filter(pk=solution.pk).update(
            status="published", published_at=timezone.now()
        )
    event_1 = emit("solution.published", first, vendor_id=first.vendor_id)
    event_2 = emit("solution.published", second, vendor_id=second.vendor_id)
    assert event_1.pk < event_2.pk
    dispatch_event(event_2.pk)
    seen, cursor = follow(api)
    assert [c["resource_id"] for c in seen] == [str(second.pk)]
    dispatch_event(event_1.pk)
    rest, _ = follow(api, cursor)
    assert [c["resource_id"] for c in rest] == [str(first.pk)]


def test_a_redelivered_event_adds_no_second_entry(publish):
    publish(SolutionFactory())
    event = OutboxEvent.objects.get(topic="solution.published")
    consumers.record_change(event)
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    dispatch_event(event.pk)
    assert ChangeEntry.objects.count() == 1


def test_internal_events_are_not_in_the_feed(api_as, reviewer, on_commit):
    solution = SolutionFactory()
    with on_commit():
        emit("targets.snapshot_taken", solution, month="2026-11-01")
        emit("review.reminder_due", solution)
    assert follow(api_as(reviewer))[0] == []


def test_since_starts_the_feed_at_a_time(api, publish):
    publish(SolutionFactory())
    ChangeEntry.objects.update(recorded_at=timezone.now() - timedelta(days=2))
    recent = publish(SolutionFactory())
    since = (timezone.now() - timedelta(days=1)).isoformat()
    body = api.get(FEED, {"since": since}).json()
    assert keys(body["results"]) == [("solution", str(recent.pk), "published")]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": encode_cursor(1)[:-2] + "!!"}, "cursor"),
        ({"cursor": "Y2hnMTotMQ"}, "cursor"),  # "chg1:-1"
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-01T00:00:00Z", "cursor": encode_cursor(0)}, "since"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api, params, field):
    response = api.get(FEED, params)
    assert response.status_code == 400
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert field in body["errors"]


def test_a_key_without_catalog_read_is_refused(vendor, vendor_user):
    client = key_client(vendor, scopes=["solutions:write"])
    assert client.get(FEED).status_code == 403
    assert key_client(vendor).get(FEED).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL): SQLite runs one writer at a time, "
    "so commits cannot interleave there",
)
@pytest.mark.django_db(transaction=True)
def test_feed_is_complete_under_concurrent_writes(reviewer):
    """Writers publish in threads while a partner pages through the feed: at the end it has
    seen every change exactly once, in sequence order."""
    solutions = [SolutionFactory() for _ in range(40)]
    errors = []

    def write(batch):
        try:
            for solution in batch:
                workflow.record_import(solution, reviewer)  # dispatched on commit, in-process
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(solutions[i::4],)) for i in range(4)]
    reader, seen, cursor = APIClient(), [], None
    for thread in threads:
        thread.start()
    try:
        while True:
            writing = any(thread.is_alive() for thread in threads)
            changes, cursor = follow(reader, cursor, limit=7)
            seen.extend(changes)
            if not writing:
                break
    finally:
        for thread in threads:
            thread.join()
    assert not errors
    changes, _ = follow(reader, cursor)
    seen.extend(changes)
    seqs = [c["seq"] for c in seen]
    assert seqs == sorted(set(seqs))
    assert sorted(int(c["resource_id"]) for c in seen) == sorted(s.pk for s in solutions)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/solutions/",
        "/api/v1/needs/",
        "/api/v1/quotes/",
        "/api/v1/organizations/",
        "/api/v1/assessments/",
        "/api/v1/factories/",
    ],
)
def test_lists_filter_by_updated_since(api_as, reviewer, url):
    client = api_as(reviewer)
    later = (timezone.now() + timedelta(days=1)).isoformat()
    response = client.get(url, {"updated_since": later})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []
    bad = client.get(url, {"updated_since": "not a time"})
    assert bad.status_code == 400
    assert "updated_since" in bad.json()["errors"]


def test_updated_since_keeps_recently_changed_organisations(api, vendor):
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()
    body = api.get("/api/v1/organizations/", {"updated_since": earlier}).json()
    assert [o["id"] for o in body["results"]] == [vendor.pk]


def test_operator_admin_reads_the_feed_in_the_django_admin(admin_client, publish):
    publish(SolutionFactory())
    for name in ("changeentry", "changecounter"):
        assert admin_client.get(f"/admin/changes/{name}/").status_code == 200
