"""The public vendor directory (/vendors/) and a vendor's page: filters, region names in the
reader's language, the profile shown (contacts to signed-in readers only), no double stop."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Organization
from catalog.models import SolutionStatus
from tests.conftest import _member
from tests.factories import MembershipFactory, SolutionFactory, VendorFactory

pytestmark = pytest.mark.django_db
LIST = "/vendors/"


def names(response):
    return [card["vendor"].name for card in response.context["cards"]]


@pytest.fixture
def vendors():
    lianxin = VendorFactory(name="Lianxin Co., Ltd.", name_zh="联信有限公司", region="CN-JS",
                            industry="machine-tools", service_regions=["CN-SH"])
    SolutionFactory(vendor=lianxin, status=SolutionStatus.PUBLISHED, scenarios=["2025-28"],
                    regions=["CN-JS"])
    SolutionFactory(vendor=lianxin, status=SolutionStatus.PUBLISHED, scenarios=["2025-28"],
                    regions=["CN-JS"])
    zhiyun = VendorFactory(name="Zhiyun Software", region="CN-ZJ")
    SolutionFactory(vendor=zhiyun, status=SolutionStatus.PUBLISHED, scenarios=["2025-01"],
                    regions=["CN-ZJ"], industries=["construction-machinery"])
    SolutionFactory(vendor=zhiyun, status=SolutionStatus.DRAFT, scenarios=["2025-05"])
    quiet = VendorFactory(name="Quiet Newcomer", region="CN-BJ")
    pending = VendorFactory(name="Pending Startup", status=Organization.Status.PENDING)
    rejected = VendorFactory(name="Rejected Shell", status=Organization.Status.REJECTED)
    return {"lianxin": lianxin, "zhiyun": zhiyun, "quiet": quiet, "pending": pending,
            "rejected": rejected}


def test_the_directory_lists_verified_vendors_with_published_counts(client, vendors):
    response = client.get(LIST)

    assert response.status_code == 200
    assert names(response) == ["Lianxin Co., Ltd.", "Zhiyun Software", "Quiet Newcomer"]
    counts = {card["vendor"].name: card["vendor"].published_count
              for card in response.context["cards"]}
    assert counts == {"Lianxin Co., Ltd.": 2, "Zhiyun Software": 1, "Quiet Newcomer": 0}
    html = response.content.decode()
    assert "Jiangsu" in html and "CN-JS" not in html.replace('value="CN-JS"', "")


def test_awaiting_verification_is_shown_to_operator_staff_when_asked_and_rejected_never(
        client, vendors, reviewer):
    client.force_login(reviewer)
    response = client.get(LIST, {"show": "all"})

    assert "Pending Startup" in names(response)
    assert "Rejected Shell" not in names(response)


def test_the_public_and_vendors_never_list_those_awaiting_verification(
        client, vendors, vendor_user):
    assert "Pending Startup" not in names(client.get(LIST, {"show": "all"}))
    assert 'name="show"' not in client.get(LIST).content.decode()
    client.force_login(vendor_user)
    assert "Pending Startup" not in names(client.get(LIST, {"show": "all"}))


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_an_unverified_vendors_page_is_shown_only_to_its_members_and_operators(
        client, vendors, vendor_user, reviewer, status):
    vendor = vendors[status]
    url = reverse("vendor-detail", args=[vendor.pk])
    assert client.get(url).status_code == 404
    client.force_login(vendor_user)  # another vendor's person
    assert client.get(url).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    member = _member(vendor)
    client.force_login(member)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("query, expected", [
    ({"region": "CN-JS"}, ["Lianxin Co., Ltd."]),  # based there
    ({"region": "CN-SH"}, ["Lianxin Co., Ltd."]),  # serves it (profile)
    ({"region": "CN-ZJ"}, ["Zhiyun Software"]),
    ({"scenario": "2025-28"}, ["Lianxin Co., Ltd."]),
    ({"scenario": "2025-05"}, []),  # only a draft has it
    ({"industry": "construction-machinery"}, ["Zhiyun Software"]),  # a published solution's
    ({"industry": "machine-tools"}, ["Lianxin Co., Ltd."]),  # its own and its solutions'
    ({"industry": "instruments-meters"}, []),
    ({"q": "联信"}, ["Lianxin Co., Ltd."]),
    ({"q": "zhiyun"}, ["Zhiyun Software"]),
])
def test_directory_filters(client, vendors, query, expected):
    response = client.get(LIST, query)

    assert response.status_code == 200
    assert names(response) == expected


def test_unknown_filter_values_are_ignored(client, vendors):
    response = client.get(LIST, {"region": "XX", "scenario": "nope"})

    assert response.status_code == 200
    assert len(names(response)) == 3


def test_the_directory_is_paginated(client, db):
    for i in range(26):
        VendorFactory(name=f"Vendor {i:02d}")

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["cards"]) == 24 and len(second.context["cards"]) == 2
    assert 'rel="next"' in first.content.decode()


def test_names_and_regions_in_chinese(client, vendors, compiled_translations):
    with translation.override("zh-hans"):
        response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert "联信有限公司" in html and "江苏省" in html


def test_the_nav_links_the_directory(client, db):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{LIST}"' in html


def test_the_vendor_page_names_regions_and_shows_the_profile(client, vendors, user):
    vendor = vendors["lianxin"]
    vendor.description = "Condition monitoring."
    vendor.description_zh = "状态监测。"
    vendor.certifications = [{"name": "ISO 9001", "issuer": "CQC", "number": "1",
                              "valid_until": "2027-01-01"}]
    vendor.contacts = [{"name": "Wang Lei", "title": "Sales", "email": "wang@x.cn",
                        "phone": ""}]
    vendor.save()
    url = reverse("vendor-detail", args=[vendor.pk])

    anonymous = client.get(url).content.decode()
    client.force_login(user)
    signed_in = client.get(url).content.decode()

    assert "Jiangsu" in anonymous and ">CN-JS<" not in anonymous
    assert "Shanghai" in anonymous  # a region served
    assert "Condition monitoring." in anonymous and "ISO 9001" in anonymous
    assert "wang@x.cn" not in anonymous and "Sign in to see" in anonymous
    assert "wang@x.cn" in signed_in


def test_a_name_ending_in_a_stop_gets_no_second_one(client, vendors):
    vendor = vendors["lianxin"]
    member = MembershipFactory(organization=vendor).user
    client.force_login(member)

    pages = [client.get(reverse("vendor-detail", args=[vendor.pk])),
             client.get(reverse("solution-create"))]

    for page in pages:
        assert page.status_code == 200
        assert "Ltd.." not in page.content.decode()
    assert "For Lianxin Co., Ltd. Fill in" in pages[1].content.decode()
