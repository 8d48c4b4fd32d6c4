"""No page shows another organisation's private data.

The tests of each app check that a private page is refused to others (a 404 or 403 on its
own address). These walk every main page of the site (tests/web/tour.py) as someone who must
not read a private thing, and look for it by a unique marker string in whatever they get:
dashboards, inboxes, search results, vendor pages, comparison tables, error pages."""

import pytest
from django.urls import reverse

from . import tour
from .tour import PAGES, page_url

pytestmark = pytest.mark.django_db

ENTERPRISE_PRIVATE = {
    "need": tour.MARK_NEED,
    "need text": tour.MARK_NEED_TEXT,
    "quote request": tour.MARK_REQUEST,
    "requirements": tour.MARK_REQUIREMENTS,
    "factory": tour.MARK_FACTORY,
    "credit code": tour.MARK_CREDIT_CODE,
    "profile": tour.MARK_PROFILE,
}
# Between the enterprise and the vendor only: never for a competitor asked for the same quote.
DEAL_PRIVATE = {
    "quote terms": tour.MARK_QUOTE_TERMS,
    "quote item": tour.MARK_QUOTE_ITEM,
    "message": tour.MARK_MESSAGE,
}
VENDOR_PRIVATE = {
    "draft": tour.MARK_DRAFT,
    "review feedback": tour.MARK_FEEDBACK,
    "change under review": tour.MARK_REVISION,
}

# Who reads, and what they must never see.
FORBIDDEN = {
    None: {**ENTERPRISE_PRIVATE, **DEAL_PRIVATE, **VENDOR_PRIVATE},
    "other_enterprise": {**ENTERPRISE_PRIVATE, **DEAL_PRIVATE, **VENDOR_PRIVATE},
    "outsider": {**ENTERPRISE_PRIVATE, **DEAL_PRIVATE, **VENDOR_PRIVATE},
    "rival": {
        **DEAL_PRIVATE,
        **VENDOR_PRIVATE,
        "factory": tour.MARK_FACTORY,
        "credit code": tour.MARK_CREDIT_CODE,
        "profile": tour.MARK_PROFILE,
    },
    "enterprise": VENDOR_PRIVATE,
}
# Searches a curious reader might try: the words around each private marker.
SEARCHES = ["视觉检测单元", "焊缝", "主轴振动监测", "减少数控产线停机", "常州一号智能工厂"]
REFUSED = {302, 403, 404}


def every_page(site):
    urls = {page_url(site, name, keys, query) for _role, name, keys, query in PAGES}
    urls |= {f"{reverse('search')}?q={words}" for words in SEARCHES}
    urls |= {
        reverse("vendor-detail", args=[site["enterprise_org"].pk]),
        reverse("factory-evidence", args=[site["factory"].evidence.first().pk]),
    }
    return sorted(urls)


@pytest.mark.parametrize("reader", list(FORBIDDEN), ids=lambda r: r or "anonymous")
def test_no_page_shows_private_data_to_others(site, client, reader):
    if reader:
        client.force_login(site["users"][reader])
    leaks, statuses = [], {}
    for url in every_page(site):
        response = client.get(url)
        statuses[url] = response.status_code
        assert response.status_code in REFUSED | {200}, (url, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(errors="replace")
        leaks += [
            f"{what} on {url}" for what, marker in FORBIDDEN[reader].items() if marker in text
        ]
    assert not leaks, f"{reader or 'anonymous'} reads: {leaks}"
    assert list(statuses.values()).count(200) >= 5  # the walk did read pages


def test_the_markers_are_shown_to_those_allowed(site, client):
    """The walk above proves something only if the pages do show the markers to their
    owners."""
    seen = {
        "enterprise": [
            ("need-detail", ("need",), [tour.MARK_NEED, tour.MARK_NEED_TEXT]),
            (
                "quote-request-detail",
                ("quote_request",),
                [
                    tour.MARK_REQUEST,
                    tour.MARK_REQUIREMENTS,
                    tour.MARK_QUOTE_TERMS,
                    tour.MARK_QUOTE_ITEM,
                ],
            ),
            ("message-thread", ("quote_request", ("vendor_org", "pk")), [tour.MARK_MESSAGE]),
            ("factory-detail", ("factory",), [tour.MARK_FACTORY]),
        ],
        "vendor": [
            ("solution-detail", ("draft",), [tour.MARK_DRAFT]),
            ("solution-detail", ("returned",), [tour.MARK_FEEDBACK]),
            (
                "revision-detail",
                (("revision", "solution_id"), ("revision", "number")),
                [tour.MARK_REVISION],
            ),
            ("quote-request-detail", ("quote_request",), [tour.MARK_QUOTE_TERMS]),
            ("message-thread", ("quote_request", ("vendor_org", "pk")), [tour.MARK_MESSAGE]),
        ],
    }
    missing = []
    for role, pages in seen.items():
        client.force_login(site["users"][role])
        for name, keys, markers in pages:
            text = client.get(page_url(site, name, keys)).content.decode()
            missing += [
                f"{marker} on {name} for {role}" for marker in markers if marker not in text
            ]
    assert not missing


REVIEW_PAGES = [
    ("review-queue", ()),
    ("review-progress", ()),
    ("review-decision", ("pending",)),
    ("review-revision", ("revision",)),
    ("review-reassign", ("pending",)),
    ("review-revision-reassign", ("revision",)),
]


@pytest.mark.parametrize("reader", ["vendor", "rival", "enterprise", "other_enterprise"])
def test_review_pages_are_refused_to_vendors_and_enterprises(site, client, reader):
    client.force_login(site["users"][reader])
    for name, keys in REVIEW_PAGES:
        response = client.get(page_url(site, name, keys))
        assert response.status_code in (403, 404, 405), (name, response.status_code)
        assert tour.MARK_REVISION not in response.content.decode()


def test_review_pages_send_anonymous_readers_to_sign_in(site, client):
    for name, keys in REVIEW_PAGES:
        response = client.get(page_url(site, name, keys))
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login")), name
