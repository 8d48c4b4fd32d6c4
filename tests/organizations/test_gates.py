"""Only a verified organisation submits a solution for review or has it published, posts a
public need, sends or revises a quote, or proposes on a need: a pending or rejected one is
refused with a 403 in words (private needs stay open to it); a verified one goes on."""

import pytest

from accounts.models import Organization
from catalog import services as catalog
from catalog import workflow as review
from catalog.models import SolutionStatus
from marketplace.models import Need, QuoteRequest
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    NeedFactory,
    SolutionFactory,
    VendorFactory,
)
from tests.marketplace.test_marketplace_api import NEED, quote_payload

pytestmark = pytest.mark.django_db

S = Organization.Status
UNVERIFIED = [(S.PENDING, "awaiting verification"), (S.REJECTED, "not accepted")]


def member(organization):
    return MembershipFactory(organization=organization, role="owner").user


def refused(response, words):
    assert response.status_code == 403, response.content
    assert words in response.json()["detail"]


@pytest.mark.parametrize("status, words", UNVERIFIED)
def test_an_unverified_vendor_cannot_submit_a_solution(api_as, status, words):
    vendor = VendorFactory(status=status)
    draft = SolutionFactory(vendor=vendor)

    refused(api_as(member(vendor)).post(f"/api/v1/solutions/{draft.pk}/submit/"), words)
    draft.refresh_from_db()
    assert draft.status == SolutionStatus.DRAFT


def test_a_verified_vendor_submits(api_as, on_commit):
    vendor = VendorFactory(status=S.VERIFIED)
    draft = SolutionFactory(vendor=vendor)
    with on_commit():
        response = api_as(member(vendor)).post(f"/api/v1/solutions/{draft.pk}/submit/")
    assert response.status_code == 200, response.content


def test_an_unverified_vendor_is_never_published(reviewer):
    vendor = VendorFactory(status=S.PENDING)
    approved = SolutionFactory(vendor=vendor, status=SolutionStatus.APPROVED)
    with pytest.raises(catalog.PermissionDenied, match="awaiting verification"):
        review.transition(approved, SolutionStatus.PUBLISHED, reviewer)


@pytest.mark.parametrize("status, words", UNVERIFIED)
def test_an_unverified_enterprise_posts_private_needs_only(api_as, status, words, on_commit):
    enterprise = EnterpriseFactory(status=status)
    client = api_as(member(enterprise))

    refused(client.post("/api/v1/needs/", {**NEED, "visibility": "public"}, format="json"),
            words)
    with on_commit():
        private = client.post("/api/v1/needs/", {**NEED, "visibility": "private"},
                              format="json")
    assert private.status_code == 201, private.content
    assert list(Need.objects.values_list("visibility", flat=True)) == ["private"]


def test_a_verified_enterprise_posts_a_public_need(api_as, on_commit):
    enterprise = EnterpriseFactory(status=S.VERIFIED)
    with on_commit():
        response = api_as(member(enterprise)).post(
            "/api/v1/needs/", {**NEED, "visibility": "public"}, format="json")
    assert response.status_code == 201, response.content


def _request_to(vendor):
    request = QuoteRequest.objects.create(enterprise=EnterpriseFactory(), title="Gearbox line")
    request.vendors.set([vendor])
    return request


@pytest.mark.parametrize("status, words", UNVERIFIED)
def test_an_unverified_vendor_cannot_quote_nor_propose(api_as, status, words):
    vendor = VendorFactory(status=status)
    client = api_as(member(vendor))

    refused(client.post("/api/v1/quotes/", quote_payload(_request_to(vendor)), format="json"),
            words)
    need = NeedFactory(visibility=Need.Visibility.PUBLIC)
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    refused(client.post(f"/api/v1/needs/{need.pk}/proposals/",
                        {"solution": solution.pk, "message": "We fit."}, format="json"),
            words)


def test_a_verified_vendor_quotes(api_as, on_commit):
    vendor = VendorFactory(status=S.VERIFIED)
    with on_commit():
        response = api_as(member(vendor)).post(
            "/api/v1/quotes/", quote_payload(_request_to(vendor)), format="json")
    assert response.status_code == 201, response.content


def test_a_vendor_whose_status_fell_cannot_revise_a_quote(api_as, on_commit):
    vendor = VendorFactory(status=S.VERIFIED)
    client = api_as(member(vendor))
    with on_commit():
        quote = client.post("/api/v1/quotes/", quote_payload(_request_to(vendor)),
                            format="json").json()
    Organization.objects.filter(pk=vendor.pk).update(status=S.PENDING)
    payload = quote_payload(_request_to(vendor))
    del payload["request"]
    refused(client.post(f"/api/v1/quotes/{quote['id']}/revise/", payload, format="json"),
            "awaiting verification")
