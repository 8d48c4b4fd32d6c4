"""Every resource a user reaches in the web pages is reachable under /api/v1/, with the same
permission rules: the right role gets it, a wrong role is refused.

WEB_PAGES maps each named web page to the resource it shows; RESOURCES gives, per
resource, the API request, who may make it and who may not (and what they get). A new web
page without an entry fails test_every_web_page_maps_to_an_api_resource."""

import pytest
from django.urls import URLResolver, get_resolver

from accounts import registration
from accounts.models import Membership
from catalog import services as catalog
from events.models import Notification
from marketplace import services as marketplace
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    NeedFactory,
    OperatorFactory,
    SolutionFactory,
    UserFactory,
    VendorFactory,
)
from tests.marketplace.factories import make_quote, make_request
from tests.maturity.factories import (
    CompletedAssessmentFactory,
    FactoryEvidenceFactory,
    SmartFactoryFactory,
)

pytestmark = pytest.mark.django_db

SCORES = {"quality": 4, "delivery": 5, "communication": 4, "value": 3}

# resource: (method, path template, allowed role, refused role, refused status)
# A refused role of None: the resource is public, anyone may read it.
RESOURCES = {
    "taxonomy": ("get", "/api/v1/taxonomy/scenarios/", "anonymous", None, None),
    "organisation": ("get", "/api/v1/organizations/{vendor}/", "anonymous", None, None),
    "private organisation": (
        "get",
        "/api/v1/organizations/{enterprise}/",
        "buyer",
        "other_vendor",
        404,
    ),
    "solutions": ("get", "/api/v1/solutions/", "anonymous", None, None),
    "published solution with case studies": (
        "get",
        "/api/v1/solutions/{published}/",
        "anonymous",
        None,
        None,
    ),
    "draft solution": ("get", "/api/v1/solutions/{draft}/", "vendor", "other_vendor", 404),
    "create solution": ("post", "/api/v1/solutions/", "vendor", "buyer", 403),
    "edit solution": ("patch", "/api/v1/solutions/{draft}/", "vendor", "other_vendor", 404),
    "check submission": (
        "post",
        "/api/v1/solutions/{draft}/submit/?validate_only=true",
        "vendor",
        "anonymous",
        401,
    ),
    "submit solution": ("post", "/api/v1/solutions/{draft}/submit/", "vendor", "buyer", 403),
    "solution revisions": (
        "get",
        "/api/v1/solutions/{published}/revisions/",
        "vendor",
        "buyer",
        403,
    ),
    "revision": ("get", "/api/v1/revisions/{revision}/", "vendor", "other_vendor", 404),
    "withdraw revision": (
        "post",
        "/api/v1/revisions/{revision}/withdraw/",
        "vendor",
        "other_vendor",
        404,
    ),
    "review queue": ("get", "/api/v1/review-queue/", "reviewer", "vendor", 403),
    "review progress": ("get", "/api/v1/review-progress/", "reviewer", "vendor", 403),
    "review decision": (
        "get",
        "/api/v1/solutions/{submitted}/checks/",
        "reviewer",
        "other_vendor",
        404,
    ),
    "review history": (
        "get",
        "/api/v1/solutions/{submitted}/history/",
        "reviewer",
        "other_vendor",
        404,
    ),
    "reassign review": (
        "post",
        "/api/v1/solutions/{submitted}/reassign/",
        "reviewer",
        "vendor",
        403,
    ),
    "search and facets": ("get", "/api/v1/search/?q=maintenance", "anonymous", None, None),
    "match": ("post", "/api/v1/match/", "anonymous", None, None),
    "dashboard (me)": ("get", "/api/v1/me/", "buyer", "anonymous", 401),
    "api keys": ("get", "/api/v1/api-keys/", "vendor", "anonymous", 401),
    "members": ("get", "/api/v1/organizations/{vendor}/members/", "vendor", "other_vendor", 404),
    "needs": ("get", "/api/v1/needs/", "buyer", "anonymous", 401),
    "post need": ("post", "/api/v1/needs/", "buyer", "vendor", 403),
    "need": ("get", "/api/v1/needs/{need}/", "buyer", "other_buyer", 404),
    "need matches": ("get", "/api/v1/needs/{need}/matches/", "buyer", "other_buyer", 404),
    "close need": ("post", "/api/v1/needs/{need}/close/", "buyer", "other_buyer", 404),
    "proposals": ("get", "/api/v1/needs/{need}/proposals/", "buyer", "anonymous", 401),
    "request quotes": ("post", "/api/v1/quote-requests/", "buyer", "vendor", 403),
    "quote request": (
        "get",
        "/api/v1/quote-requests/{quote_request}/",
        "buyer",
        "other_buyer",
        404,
    ),
    "quote comparison": (
        "get",
        "/api/v1/quote-requests/{quote_request}/comparison/",
        "buyer",
        "vendor",
        403,
    ),
    "quotes": ("get", "/api/v1/quotes/{quote}/", "buyer", "other_vendor", 404),
    "quote versions": ("get", "/api/v1/quotes/{quote}/versions/", "vendor", "other_buyer", 404),
    "message thread": (
        "get",
        "/api/v1/message-threads/{thread}/messages/",
        "buyer",
        "other_buyer",
        404,
    ),
    "ratings": ("get", "/api/v1/ratings/{rating}/", "buyer", "anonymous", 401),
    "maturity models": ("get", "/api/v1/maturity-models/", "anonymous", None, None),
    "assessments": ("get", "/api/v1/assessments/", "buyer", "anonymous", 401),
    "assessment results": (
        "get",
        "/api/v1/assessments/{assessment}/results/",
        "buyer",
        "other_buyer",
        404,
    ),
    "factories": ("get", "/api/v1/factories/", "anonymous", None, None),
    "factory": ("get", "/api/v1/factories/{factory}/", "buyer", "other_buyer", 404),
    "verify factory": ("post", "/api/v1/factories/{factory}/verify/", "reviewer", "buyer", 403),
    "targets progress": ("get", "/api/v1/targets/summary/", "anonymous", None, None),
    "targets dashboard": ("get", "/api/v1/targets/", "reviewer", "buyer", 403),
    "gap map": ("get", "/api/v1/gap-map/", "reviewer", "vendor", 403),
    "follows": ("get", "/api/v1/follows/", "buyer", "anonymous", 401),
    "notification settings": (
        "get",
        "/api/v1/me/notification-settings/",
        "buyer",
        "anonymous",
        401,
    ),
    "webhooks": ("get", "/api/v1/webhooks/", "vendor", "anonymous", 401),
    "inbox": ("get", "/api/v1/notifications/", "buyer", "anonymous", 401),
    "mark notification read": (
        "post",
        "/api/v1/notifications/{notification}/read/",
        "buyer",
        "other_buyer",
        404,
    ),
    "mark all notifications read": (
        "post",
        "/api/v1/notifications/read-all/",
        "buyer",
        "anonymous",
        401,
    ),
    "register organisation": ("post", "/api/v1/organizations/", "newcomer", "anonymous", 401),
    "organisation application": (
        "get", "/api/v1/organizations/{applicant}/", "newcomer", "other_vendor", 404),
    "organisation queue": (
        "get", "/api/v1/organizations/{applicant}/", "reviewer", "vendor", 404),
    "verify organisation": (
        "post", "/api/v1/organizations/{applicant}/verify/", "reviewer", "newcomer", 403),
    "resubmit organisation": (
        "post", "/api/v1/organizations/{rejected}/resubmit/", "rejected_owner", "reviewer", 403),
}

BODIES = {
    "create solution": {"title_en": "Vision inspection", "summary_en": "Surface defects."},
    "edit solution": {"title_en": "Renamed"},
    "post need": {
        "title": "Cut downtime",
        "description": "Spindles fail.",
        "language": "en",
        "current_level": 1,
        "target_level": 2,
    },
    "request quotes": {"title": "Please quote", "vendors": ["{vendor}"]},
    "match": {
        "title": "predictive maintenance",
        "language": "en",
        "industry": "machine-tools",
        "region": "CN-JS",
    },
    "reassign review": {"reviewer": "{second_reviewer}"},
    "verify factory": {"note": "Checked on site."},
    "register organisation": {"kind": "enterprise", "name": "Newcomer Works",
                              "credit_code": "91320500MA1XXXXXXC", "region": "CN-JS"},
    "resubmit organisation": {"website": "https://corrected.example.com"},
}

# Requests that change what later requests see: they run last, in this order.
CHANGES_STATE = [
    "edit solution",
    "check submission",
    "submit solution",
    "withdraw revision",
    "close need",
    "reassign review",
    "verify factory",
    "verify organisation",
    "resubmit organisation",
    "register organisation",
    "mark notification read",
    "mark all notifications read",
]

# Web pages whose API counterpart is not a resource of its own, and why.
NOT_RESOURCES = {
    "legacy-login": "the old sign-in address, redirected to allauth's; partners use API keys",
    "targets-csv": "the same figures as targets dashboard",
    "factory-evidence": "a document download, listed in the factory's evidence",
    "dead-letters": "an operations page for operator staff, beside Django admin",
    "dead-letter-retry": "the dead-letters page's retry button",
    "invitation": "the invitation link: answered by the invitee signed in on the site",
    "member-role": "the members page's role form",
    "member-remove": "the members page's remove button",
    "members-leave": "the members page's leave button",
    "members-transfer": "the members page's ownership transfer",
    "invitation-manage": "the members page's resend and revoke buttons",
    "buyer-start": "the stop before signing in on the way to a quote request or a need",
    "organization-logo": "a public image, named by the organisation's logo_url",
}
WEB_PAGES_ORGANISATIONS = {
    "organization-register": "register organisation",
    "organization-status": "organisation application",
    "organization-resubmit": "resubmit organisation",
    "organization-queue": "organisation queue",
    "organization-verify": "verify organisation",
    "organization-reject": "verify organisation",
}
WEB_PAGES = {
    "home": "solutions",
    "search": "search and facets",
    "solution-create": "create solution",
    "solution-detail": "published solution with case studies",
    "solution-edit": "edit solution",
    "solution-check": "check submission",
    "solution-submit": "submit solution",
    "revision-detail": "revision",
    "revision-check": "revision",
    "revision-submit": "revision",
    "revision-withdraw": "withdraw revision",
    "vendor-detail": "organisation",
    "vendor-list": "organisation",
    "organization-profile": "organisation",
    "solution-case-studies": "edit solution",
    "solution-attachment-add": "published solution with case studies",
    "solution-attachment-delete": "published solution with case studies",
    "scenario-detail": "taxonomy",
    "review-queue": "review queue",
    "review-progress": "review progress",
    "review-decision": "review decision",
    "review-reassign": "reassign review",
    "review-revision": "revision",
    "review-revision-reassign": "reassign review",
    "dashboard": "dashboard (me)",
    "need-create": "post need",
    "need-detail": "need",
    "need-close": "close need",
    "need-propose": "proposals",
    "quote-request-create": "request quotes",
    "quote-request-detail": "quote request",
    "quote-create": "quotes",
    "quote-accept": "quotes",
    "quote-revise": "quote versions",
    "quote-decline": "quotes",
    "quote-rate": "ratings",
    "message-thread": "message thread",
    "maturity-assessment": "assessments",
    "maturity-assessment-complete": "assessments",
    "maturity-assessment-subdomain": "maturity models",
    "maturity-results": "assessment results",
    "factory-list": "factories",
    "factory-create": "factories",
    "factory-detail": "factory",
    "factory-evidence-add": "factory",
    "factory-verify": "verify factory",
    "factory-reject": "verify factory",
    "factory-resubmit": "factory",
    "targets-summary": "targets progress",
    "targets-dashboard": "targets dashboard",
    "message-attachment": "message thread",
    "following": "follows",
    "follow-create": "follows",
    "follow-delete": "follows",
    "notification-settings": "notification settings",
    "webhook-list": "webhooks",
    "webhook-detail": "webhooks",
    "webhook-action": "webhooks",
    "webhook-redeliver": "webhooks",
    "inbox": "inbox",
    "inbox-mark-read": "mark notification read",
    "api-keys": "api keys",
    "api-key-revoke": "api keys",
    "members": "members",
    **WEB_PAGES_ORGANISATIONS,
}


def web_page_names():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                route = prefix + str(pattern.pattern)
                # accounts/: django-allauth's pages of a person's own sign-in (sign-up, email,
                # password, two-factor): partners use API keys, not people's accounts.
                if not route.startswith(("api/", "admin/", "i18n/", "accounts/")):
                    yield from walk(pattern.url_patterns, route)
            elif pattern.name and not (prefix + str(pattern.pattern)).startswith("healthz"):
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_web_page_maps_to_an_api_resource():
    unmapped = web_page_names() - set(WEB_PAGES) - set(NOT_RESOURCES)
    assert unmapped == set()
    assert set(WEB_PAGES.values()) <= set(RESOURCES)


@pytest.fixture
def world(on_commit):
    vendor, enterprise, operator = VendorFactory(), EnterpriseFactory(), OperatorFactory()
    people = {
        "vendor": MembershipFactory(organization=vendor).user,
        "other_vendor": MembershipFactory(organization=VendorFactory()).user,
        "buyer": MembershipFactory(organization=enterprise).user,
        "other_buyer": MembershipFactory(organization=EnterpriseFactory()).user,
        "reviewer": MembershipFactory(organization=operator).user,
        "newcomer": UserFactory(),
        "rejected_owner": UserFactory(),
    }
    second_reviewer = MembershipFactory(
        organization=operator, role=Membership.Role.MEMBER, is_reviewer=True
    ).user
    with on_commit():
        published = SolutionFactory(vendor=vendor, status="published")
        submitted = SolutionFactory(vendor=vendor)
        catalog.submit_solution(actor=people["vendor"], solution=submitted)
        revision = catalog.propose_change(
            actor=people["vendor"], solution=published, data={"title_en": "Better title"}
        )
        need = NeedFactory(enterprise=enterprise)
        quote_request = make_request(enterprise, [vendor], need=need)
        quote = marketplace.accept_quote(
            actor=people["buyer"],
            quote=make_quote(quote_request, vendor, actor=people["vendor"], solution=published),
            version=1,
        )
        marketplace.post_message(
            actor=people["buyer"], request=quote_request, vendor=vendor, body="Thanks"
        )
        rating = marketplace.rate(actor=people["buyer"], quote=quote, scores=SCORES)
    ids = {
        "vendor": vendor.pk,
        "enterprise": enterprise.pk,
        "published": published.pk,
        "draft": SolutionFactory(vendor=vendor).pk,
        "submitted": submitted.pk,
        "revision": revision.pk,
        "need": need.pk,
        "quote_request": quote_request.pk,
        "quote": quote.pk,
        "thread": quote_request.threads.get().pk,
        "rating": rating.pk,
        "assessment": CompletedAssessmentFactory(enterprise=enterprise).pk,
        "factory": FactoryEvidenceFactory(
            factory=SmartFactoryFactory(enterprise=enterprise)
        ).factory_id,
        "second_reviewer": second_reviewer.username,
        "applicant": registration.register_organization(
            actor=people["newcomer"], kind="vendor", name="Applicant",
            credit_code="91350100M000100Y43", region="CN-FJ").pk,
        "rejected": MembershipFactory(
            user=people["rejected_owner"], role=Membership.Role.OWNER,
            organization=VendorFactory(status="rejected", credit_code="91320594MA1W8K3T2R",
                                       region="CN-JS"),
        ).organization_id,
        "notification": Notification.objects.create(
            recipient=people["buyer"], topic="quote.accepted", title="Quote accepted"
        ).pk,
    }
    return people, ids


def _request(api, api_as, world, role, resource):
    people, ids = world
    method, path, *_ = RESOURCES[resource]
    client = api if role == "anonymous" else api_as(people[role])
    body = {
        key: (
            value.format(**ids)
            if isinstance(value, str)
            else [item.format(**ids) for item in value]
            if isinstance(value, list)
            else value
        )
        for key, value in BODIES.get(resource, {}).items()
    }
    return getattr(client, method)(path.format(**ids), body, format="json")


def test_each_resource_answers_the_right_role_and_refuses_a_wrong_one(api, api_as, world):
    """One world for all (building it is the slow part); the requests that change state go
    last, each after its refusal, so every request finds what it expects."""
    failures = []
    for resource in sorted(RESOURCES, key=lambda name: (name in CHANGES_STATE, name)):
        _, _, allowed, refused, status = RESOURCES[resource]
        if refused is not None:
            response = _request(api, api_as, world, refused, resource)
            if response.status_code != status or not response["Content-Type"].startswith(
                "application/problem+json"
            ):
                failures.append((resource, refused, response.status_code, response.content[:200]))
        response = _request(api, api_as, world, allowed, resource)
        if response.status_code not in (200, 201, 202):
            failures.append((resource, allowed, response.status_code, response.content[:200]))
    assert failures == []
