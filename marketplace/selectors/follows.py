"""Reads of follows: who may follow, what a person follows, and who follows a solution. They
keep pages and consumers to a fixed number of queries (the rules of following:
marketplace.services.follows)."""

from django.db.models import Q

from accounts.models import Membership, Organization, User
from catalog.models import Scenario, Solution

from ..models import Follow

T = Follow.Target


def may_follow(user):
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, organization__kind=Organization.Kind.ENTERPRISE
        ).exists()
    )


def target_type_of(target):
    if isinstance(target, Scenario):
        return T.SCENARIO
    if isinstance(target, Solution):
        return T.SOLUTION
    if isinstance(target, Organization):
        return T.VENDOR
    raise TypeError(f"{target!r} cannot be followed")


def follows_of(user):
    """The user's own follows, newest first, with their targets loaded."""
    if not user.is_authenticated:
        return Follow.objects.none()
    return Follow.objects.filter(user=user).select_related("scenario", "vendor", "solution__vendor")


def followed_ids(user):
    """{(target_type, target id): follow id} of everything `user` follows, in one query."""
    if not user.is_authenticated:
        return {}
    rows = Follow.objects.filter(user=user).values_list(
        "pk", "target_type", "scenario_id", "vendor_id", "solution_id"
    )
    ids = {}
    for pk, kind, scenario_id, vendor_id, solution_id in rows:
        target_id = {T.SCENARIO: scenario_id, T.VENDOR: vendor_id, T.SOLUTION: solution_id}[kind]
        ids[(kind, target_id)] = pk
    return ids


def followers_of(solution, *, scenario_ids, include_solution=True):
    """Active users following any of the solution's scenarios, its vendor or (with
    `include_solution`) the solution itself: each once, never the vendor's own members.
    One query whatever the number of followers."""
    followed = Q(follows__scenario_id__in=scenario_ids) | Q(follows__vendor_id=solution.vendor_id)
    if include_solution:
        followed |= Q(follows__solution_id=solution.pk)
    vendor_members = Membership.objects.filter(organization_id=solution.vendor_id).values("user")
    return User.objects.filter(followed, is_active=True).exclude(pk__in=vendor_members).distinct()
