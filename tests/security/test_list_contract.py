"""Every GET of the OpenAPI schema answers the shape the schema promises: a page object
(count, next, previous, results) where it names a `Paginated…List`, a bare JSON array where
it names an array. Driven from the schema, so a new list operation that disagrees with its
own schema fails here.

Each operation is called by every signed-in person its declaration (`x-access`) admits, on
objects of a small world where each list has something in it; at least one of them must get
a 200. Schemathesis, run from outside, met the bare lists that used to stand where the
schema promised pages (issue 13)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import Membership
from catalog import services as catalog
from events.models import WebhookDelivery, WebhookSubscription
from marketplace import services as marketplace
from marketplace.models import Match, Need
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    NeedFactory,
    OperatorFactory,
    SolutionFactory,
    VendorFactory,
)
from tests.marketplace.factories import make_quote, make_request

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"count", "next", "previous", "results"}
ROLE = Membership.Role


def get_operations():
    """(path, the 200 answer's schema kind: "page" or "array", declared access) per GET."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in sorted(schema["paths"].items()):
        operation = item.get("get")
        if operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        body = content.get("application/json", {}).get("schema", {})
        if body.get("$ref", "").split("/")[-1].startswith("Paginated"):
            yield path, "page", operation["x-access"]
        elif body.get("type") == "array":
            yield path, "array", operation["x-access"]


@pytest.fixture
def world(on_commit):
    """One object per path parameter, each with a list that is not empty, and a person of
    each role (`roles` as in accounts.api.policy)."""
    vendor, enterprise, operator = VendorFactory(), EnterpriseFactory(), OperatorFactory()
    vendor_owner = MembershipFactory(organization=vendor, role=ROLE.OWNER).user
    enterprise_owner = MembershipFactory(organization=enterprise, role=ROLE.OWNER).user
    reviewer = MembershipFactory(organization=operator, is_reviewer=True).user
    operator_admin = MembershipFactory(organization=operator, role=ROLE.ADMIN).user
    with on_commit():
        published = SolutionFactory(vendor=vendor, status="published")
        submitted = SolutionFactory(vendor=vendor)
        catalog.submit_solution(actor=vendor_owner, solution=submitted)
        revision = catalog.propose_change(actor=vendor_owner, solution=published,
                                          data={"title_en": "Clearer title"})
        catalog.submit_revision(actor=vendor_owner, revision=revision)
        need = NeedFactory(enterprise=enterprise, visibility=Need.Visibility.PUBLIC)
        Match.objects.create(need=need, solution=published, score=0.8, rank=1,
                             reasons=["scenario"])
        marketplace.propose(actor=vendor_owner, vendor=vendor, need=need, solution=published,
                            message="Vibration analytics on spindles")
        quote_request = make_request(enterprise, [vendor], need=need)
        quote = make_quote(quote_request, vendor, actor=vendor_owner, solution=published)
        marketplace.revise_quote(actor=vendor_owner, quote=quote, line_items=[
            {"description": "Edge gateways", "quantity": Decimal("2"),
             "unit_price_cny": Decimal("1000")}],
            delivery_weeks=8, valid_until=timezone.localdate() + timedelta(days=20))
        marketplace.post_message(actor=enterprise_owner, request=quote_request,
                                 vendor=vendor, body="When can you start?")
    subscription = WebhookSubscription.objects.create(
        organization=vendor, url="https://partner.example/hook", topics=["ping"],
        secret="s" * 40, created_by=vendor_owner)
    WebhookDelivery.objects.create(subscription=subscription, topic="ping", payload={})
    thread = quote_request.threads.get()
    objects = {
        "/api/v1/needs/{id}/": need.pk,
        "/api/v1/quote-requests/{id}/": quote_request.pk,
        "/api/v1/quotes/{id}/": quote.pk,
        "/api/v1/message-threads/{id}/": thread.pk,
        "/api/v1/revisions/{id}/": revision.pk,
        "/api/v1/solutions/{id}/checks/": submitted.pk,
        "/api/v1/solutions/{id}/history/": submitted.pk,
        "/api/v1/solutions/{id}/revisions/": published.pk,
        "/api/v1/webhooks/{id}/": subscription.pk,
        "/api/v1/organizations/{id}/": vendor.pk,
    }
    people = [
        ("vendor owner", vendor_owner, {"anyone", "vendor", "vendor_admin"}),
        ("enterprise owner", enterprise_owner, {"anyone", "enterprise", "enterprise_admin"}),
        ("reviewer", reviewer, {"anyone", "operator", "reviewer"}),
        ("operator admin", operator_admin, {"anyone", "operator", "operator_admin"}),
    ]
    return objects, people


def concrete(path, objects):
    """The path with its `{id}` naming the world's object for it (the longest template
    that starts it), or None when the world has none."""
    if "{" not in path:
        return path
    for template in sorted(objects, key=len, reverse=True):
        if path.startswith(template):
            return path.replace("{id}", str(objects[template]), 1)
    return None


def admitted_clients(access, people):
    for name, user, roles in people:
        if set(access["people"]) & roles:
            client = APIClient()
            client.force_authenticate(user)
            yield name, client


def shape_of(body):
    if isinstance(body, list):
        return "array"
    if isinstance(body, dict) and set(body) == PAGE_KEYS and isinstance(body["results"], list):
        return "page"
    return type(body).__name__


def test_every_paginated_get_answers_a_page_object(world):
    objects, people = world
    mismatches, unreached, checked = [], [], 0
    for path, promised, access in get_operations():
        if promised != "page":
            continue
        url = concrete(path, objects)
        assert url is not None, f"Give the world an object for {path}"
        answered = False
        for name, client in admitted_clients(access, people):
            response = client.get(url, {"page_size": 1})
            if response.status_code != 200:
                continue
            answered, body = True, response.json()
            if shape_of(body) != "page":
                mismatches.append(f"{path} as {name}: {shape_of(body)}")
            elif len(body["results"]) > 1 or (body["count"] > 1 and not body["next"]):
                mismatches.append(f"{path} as {name}: page_size=1 not applied")
        checked += answered
        if not answered:
            unreached.append(path)
    assert mismatches == []
    assert unreached == []
    assert checked >= 25


def test_every_array_get_answers_a_bare_list(world):
    objects, people = world
    mismatches, unreached = [], []
    for path, promised, access in get_operations():
        if promised != "array":
            continue
        url = concrete(path, objects)
        assert url is not None, f"Give the world an object for {path}"
        clients = list(admitted_clients(access, people))
        if access["anonymous"]:
            clients.append(("anonymous", APIClient()))
        answered = False
        for name, client in clients:
            response = client.get(url)
            if response.status_code != 200:
                continue
            answered = True
            if shape_of(response.json()) != "array":
                mismatches.append(f"{path} as {name}: {shape_of(response.json())}")
        if not answered:
            unreached.append(path)
    assert mismatches == []
    assert unreached == []
