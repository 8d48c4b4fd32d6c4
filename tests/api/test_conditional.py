"""Conditional requests: ETags on reads (304), If-Match on writes (412 instead of a lost
update)."""

import threading
import uuid

import pytest
from django.db import connection, connections

from catalog.models import Solution
from marketplace import services as market
from tests.factories import MembershipFactory, NeedFactory, SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_throttle_counts(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"conditional-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def draft(vendor, vendor_user):
    return SolutionFactory(vendor=vendor, created_by=vendor_user)


def url_of(solution):
    return f"/api/v1/solutions/{solution.pk}/"


def test_detail_carries_a_strong_etag_and_answers_304_when_it_is_current(api, reviewer):
    solution = SolutionFactory(status="published")
    first = api.get(url_of(solution))
    etag = first["ETag"]
    assert first.status_code == 200
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    again = api.get(url_of(solution), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    # Weak comparison for If-None-Match; any of several tags; "*".
    for header in (f"W/{etag}", f'"other", {etag}', "*"):
        assert api.get(url_of(solution), HTTP_IF_NONE_MATCH=header).status_code == 304


def test_a_changed_resource_answers_200_with_a_new_etag(api):
    solution = SolutionFactory(status="published")
    etag = api.get(url_of(solution))["ETag"]
    Solution.objects.filter(pk=solution.pk).update(title_en="Renamed")
    response = api.get(url_of(solution), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_update_with_a_fresh_etag_succeeds_and_returns_the_new_one(api_as, vendor_user, draft):
    client = api_as(vendor_user)
    etag = client.get(url_of(draft))["ETag"]
    response = client.patch(
        url_of(draft), {"title_en": "Fresh title"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    assert response["ETag"] == client.get(url_of(draft))["ETag"]


def test_update_with_a_stale_etag_is_412_and_changes_nothing(api_as, vendor_user, draft):
    client = api_as(vendor_user)
    stale = client.get(url_of(draft))["ETag"]
    Solution.objects.filter(pk=draft.pk).update(title_en="Changed meanwhile")
    response = client.patch(url_of(draft), {"title_en": "Mine"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "about:blank#precondition_failed"
    draft.refresh_from_db()
    assert draft.title_en == "Changed meanwhile"


def test_of_two_editors_holding_one_etag_the_second_gets_412(api_as, vendor, vendor_user, draft):
    """The lost update: both read, both write; without If-Match the second would silently
    overwrite the first."""
    colleague = MembershipFactory(organization=vendor).user
    alice, bob = api_as(vendor_user), api_as(colleague)
    etag = alice.get(url_of(draft))["ETag"]
    assert bob.get(url_of(draft))["ETag"] == etag
    assert (
        alice.patch(
            url_of(draft), {"title_en": "Alice's"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    assert (
        bob.patch(
            url_of(draft), {"title_en": "Bob's"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 412
    )
    draft.refresh_from_db()
    assert draft.title_en == "Alice's"


def test_if_match_star_and_no_if_match_both_write(api_as, vendor_user, draft):
    client = api_as(vendor_user)
    assert (
        client.patch(
            url_of(draft), {"title_en": "Any"}, format="json", HTTP_IF_MATCH="*"
        ).status_code
        == 200
    )
    assert client.patch(url_of(draft), {"title_en": "Plain"}, format="json").status_code == 200


def test_weak_etag_never_matches_if_match(api_as, vendor_user, draft):
    client = api_as(vendor_user)
    etag = client.get(url_of(draft))["ETag"]
    response = client.patch(
        url_of(draft), {"title_en": "Weak"}, format="json", HTTP_IF_MATCH=f"W/{etag}"
    )
    assert response.status_code == 412


def test_if_match_guards_actions_on_an_object_too(api_as, vendor_user, draft):
    client = api_as(vendor_user)
    stale = client.get(url_of(draft))["ETag"]
    Solution.objects.filter(pk=draft.pk).update(summary_en="Changed meanwhile")
    response = client.post(f"{url_of(draft)}submit/", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_fresh_etag_does_not_let_another_vendor_edit(
    api_as, other_vendor_user, draft, vendor_user
):
    etag = api_as(vendor_user).get(url_of(draft))["ETag"]
    response = api_as(other_vendor_user).patch(
        url_of(draft), {"title_en": "Hijack"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.title_en != "Hijack"


def test_organisation_update_with_if_match(api_as, vendor, vendor_user):
    client = api_as(vendor_user)
    url = f"/api/v1/organizations/{vendor.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(
        url, {"description": "Gears and sensors"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == client.get(url)["ETag"] != etag
    stale = client.patch(url, {"description": "Old view"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    vendor.refresh_from_db()
    assert vendor.description == "Gears and sensors"


def test_marketplace_details_carry_etags(api_as, enterprise, enterprise_user, vendor):
    need = NeedFactory(enterprise=enterprise)
    request = market.request_quotes(
        actor=enterprise_user,
        enterprise=enterprise,
        vendors=[vendor],
        title="Predictive maintenance",
    )
    client = api_as(enterprise_user)
    for url in (
        f"/api/v1/needs/{need.pk}/",
        f"/api/v1/quote-requests/{request.pk}/",
        f"/api/v1/organizations/{enterprise.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL): concurrent writers with row locks",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_with_one_etag_one_wins_one_gets_412(api_as, vendor, vendor_user):
    draft = SolutionFactory(vendor=vendor, created_by=vendor_user)
    editors = [api_as(vendor_user), api_as(MembershipFactory(organization=vendor).user)]
    etag = editors[0].get(url_of(draft))["ETag"]
    statuses, barrier = [], threading.Barrier(2)

    def edit(client, title):
        try:
            barrier.wait()
            statuses.append(
                client.patch(
                    url_of(draft), {"title_en": title}, format="json", HTTP_IF_MATCH=etag
                ).status_code
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(client, f"Editor {n}"))
        for n, client in enumerate(editors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
