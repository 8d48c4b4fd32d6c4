"""Enterprise members follow scenarios, providers and published solutions; nobody else does."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from catalog.models import Scenario, SolutionStatus
from marketplace import services
from marketplace.models import Follow
from tests.factories import EnterpriseFactory, MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def solution(vendor):
    return SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED, scenarios=["2025-28"])


@pytest.fixture
def scenario():
    return Scenario.objects.get(code="2025-28")


def test_enterprise_member_follows_each_kind_of_target_once(
    enterprise_user, solution, vendor, scenario
):
    for target in (scenario, vendor, solution):
        first, created = services.follow(actor=enterprise_user, target=target)
        again, created_again = services.follow(actor=enterprise_user, target=target)
        assert created and not created_again and first.pk == again.pk
        assert first.target == target
    assert sorted(Follow.objects.values_list("target_type", flat=True)) == [
        "scenario",
        "solution",
        "vendor",
    ]


def test_vendors_operators_and_people_without_an_enterprise_cannot_follow(
    vendor_user, reviewer, user, scenario
):
    for actor in (vendor_user, reviewer, user):
        with pytest.raises(PermissionDenied):
            services.follow(actor=actor, target=scenario)
    assert not Follow.objects.exists()


def test_unpublished_solutions_and_non_vendor_organisations_cannot_be_followed(
    enterprise_user, vendor
):
    draft = SolutionFactory(vendor=vendor)
    with pytest.raises(ValidationError) as excinfo:
        services.follow(actor=enterprise_user, target=draft)
    assert "solution" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.follow(actor=enterprise_user, target=EnterpriseFactory())
    assert "vendor" in excinfo.value.message_dict


def test_only_the_follower_unfollows(enterprise_user, other_enterprise_user, scenario):
    follow, _ = services.follow(actor=enterprise_user, target=scenario)
    with pytest.raises(PermissionDenied):
        services.unfollow(actor=other_enterprise_user, follow=follow)
    services.unfollow(actor=enterprise_user, follow=follow)
    assert not Follow.objects.exists()


# API


def test_api_follow_list_filter_and_delete(api_as, enterprise_user, solution, vendor, scenario):
    client = api_as(enterprise_user)
    created = client.post("/api/v1/follows/", {"scenario": "2025-28"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["target_type"] == "scenario"
    assert created.json()["target_name"] == scenario.name
    assert (
        client.post("/api/v1/follows/", {"scenario": "2025-28"}, format="json").status_code == 200
    )  # already following: the same one
    assert client.post("/api/v1/follows/", {"vendor": vendor.pk}, format="json").status_code == 201
    assert (
        client.post("/api/v1/follows/", {"solution": solution.pk}, format="json").status_code == 201
    )
    assert client.get("/api/v1/follows/").json()["count"] == 3
    only_vendors = client.get("/api/v1/follows/", {"target_type": "vendor"}).json()
    assert [row["vendor"] for row in only_vendors["results"]] == [vendor.pk]
    by_code = client.get("/api/v1/follows/", {"scenario": "2025-28"}).json()
    assert by_code["count"] == 1
    assert client.delete(f"/api/v1/follows/{created.json()['id']}/").status_code == 204
    assert client.get("/api/v1/follows/").json()["count"] == 2


def test_api_bad_targets_answer_400_naming_the_field(api_as, enterprise_user, vendor, solution):
    client = api_as(enterprise_user)
    none = client.post("/api/v1/follows/", {}, format="json")
    assert none.status_code == 400 and "target" in none.json()["errors"]
    two = client.post(
        "/api/v1/follows/", {"scenario": "2025-28", "vendor": vendor.pk}, format="json"
    )
    assert two.status_code == 400 and "target" in two.json()["errors"]
    unknown = client.post("/api/v1/follows/", {"scenario": "no-such"}, format="json")
    assert unknown.status_code == 400 and "scenario" in unknown.json()["errors"]
    draft = SolutionFactory(vendor=vendor)
    hidden = client.post("/api/v1/follows/", {"solution": draft.pk}, format="json")
    assert hidden.status_code == 400 and "solution" in hidden.json()["errors"]
    not_vendor = client.post("/api/v1/follows/", {"vendor": EnterpriseFactory().pk}, format="json")
    assert not_vendor.status_code == 400 and "vendor" in not_vendor.json()["errors"]


def test_api_refuses_anonymous_and_wrong_roles(api, api_as, vendor_user, reviewer):
    assert api.get("/api/v1/follows/").status_code in (401, 403)
    assert api.post("/api/v1/follows/", {"scenario": "2025-28"}, format="json").status_code in (
        401,
        403,
    )
    for user in (vendor_user, reviewer):
        response = api_as(user).post("/api/v1/follows/", {"scenario": "2025-28"}, format="json")
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
    assert not Follow.objects.exists()


def test_api_lists_and_deletes_only_ones_own_follows(
    api_as, enterprise_user, other_enterprise_user, scenario
):
    follow, _ = services.follow(actor=enterprise_user, target=scenario)
    other = api_as(other_enterprise_user)
    assert other.get("/api/v1/follows/").json()["count"] == 0
    assert other.get(f"/api/v1/follows/{follow.pk}/").status_code == 404
    assert other.delete(f"/api/v1/follows/{follow.pk}/").status_code == 404
    assert Follow.objects.filter(pk=follow.pk).exists()


def test_api_follow_list_runs_a_fixed_number_of_queries(
    api_as, enterprise_user, vendor, django_assert_max_num_queries
):
    for code in ("2025-01", "2025-02", "2025-03"):
        services.follow(actor=enterprise_user, target=Scenario.objects.get(code=code))
    for _ in range(5):
        services.follow(
            actor=enterprise_user, target=SolutionFactory(status=SolutionStatus.PUBLISHED)
        )
    services.follow(actor=enterprise_user, target=vendor)
    client = api_as(enterprise_user)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/follows/", {"page_size": 100})
    assert response.json()["count"] == 9


# Web


def test_follow_buttons_on_solution_and_vendor_pages(client, enterprise_user, solution, vendor):
    client.force_login(enterprise_user)
    page = client.get(reverse("solution-detail", args=[solution.pk])).content.decode()
    assert 'id="follow-solution-' in page and 'id="follow-vendor-' in page
    assert 'id="follow-scenario-' in page and 'hx-post="/following/new/"' in page
    vendor_page = client.get(reverse("vendor-detail", args=[vendor.pk])).content.decode()
    assert f'id="follow-vendor-{vendor.pk}"' in vendor_page


def test_following_without_script_posts_and_returns_to_the_page(client, enterprise_user, solution):
    client.force_login(enterprise_user)
    page = reverse("solution-detail", args=[solution.pk])
    response = client.post(
        reverse("follow-create"), {"target_type": "solution", "target": solution.pk, "next": page}
    )
    assert response.status_code == 302 and response.url == page
    follow = Follow.objects.get(user=enterprise_user, solution=solution)
    assert "Unfollow this solution" in client.get(page).content.decode()
    # a foreign `next` is ignored
    response = client.post(
        reverse("follow-delete", args=[follow.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("following")
    assert not Follow.objects.exists()


def test_htmx_gets_the_swapped_button_back(client, enterprise_user, vendor):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("follow-create"),
        {"target_type": "vendor", "target": vendor.pk},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<form" in body and "Unfollow" in body
    follow = Follow.objects.get()
    assert reverse("follow-delete", args=[follow.pk]) in body
    response = client.post(reverse("follow-delete", args=[follow.pk]), HTTP_HX_REQUEST="true")
    assert "Follow " in response.content.decode() and not Follow.objects.exists()


def test_following_page_lists_follows_and_follows_a_scenario(
    client, enterprise_user, solution, scenario
):
    client.force_login(enterprise_user)
    services.follow(actor=enterprise_user, target=solution)
    client.post(
        reverse("follow-create"),
        {"target_type": "scenario", "target": scenario.pk, "next": reverse("following")},
    )
    page = client.get(reverse("following")).content.decode()
    assert solution.title_en in page and scenario.name in page
    assert Follow.objects.filter(user=enterprise_user).count() == 2


def test_web_follow_refuses_anonymous_and_wrong_roles(client, vendor_user, reviewer, scenario):
    data = {"target_type": "scenario", "target": scenario.pk}
    response = client.post(reverse("follow-create"), data)
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert client.get(reverse("following")).status_code == 302
    for user in (vendor_user, reviewer):
        client.force_login(user)
        assert client.post(reverse("follow-create"), data).status_code == 403
        assert client.get(reverse("following")).status_code == 403
    assert not Follow.objects.exists()


def test_no_follow_buttons_for_vendors(client, vendor_user, solution):
    client.force_login(vendor_user)
    page = client.get(reverse("solution-detail", args=[solution.pk])).content.decode()
    assert "follow-solution-" not in page


def test_web_follow_of_an_unknown_or_unpublished_target_is_404(client, enterprise_user, vendor):
    client.force_login(enterprise_user)
    draft = SolutionFactory(vendor=vendor)
    assert (
        client.post(
            reverse("follow-create"), {"target_type": "solution", "target": draft.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("follow-create"), {"target_type": "planet", "target": "1"}).status_code
        == 404
    )
    colleague = MembershipFactory(organization=EnterpriseFactory()).user
    follow, _ = services.follow(actor=enterprise_user, target=vendor)
    client.force_login(colleague)
    assert client.post(reverse("follow-delete", args=[follow.pk])).status_code == 404
