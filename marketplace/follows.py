"""Follows: a person follows a scenario, a solution provider or a solution to hear, in the
inbox and by email, of new and changed published solutions there (marketplace.consumers).

Who may follow: members of an enterprise organisation. Following is how buyers watch the
supply side; vendors hear of demand through needs instead (the needs feed and the notice of
each new fitting need), and are not given a way to watch their competitors' listings.
Operator staff see everything already. A follow belongs to the person, not the organisation:
each colleague chooses what they hear about.

Writes (`follow`, `unfollow`) check the rules here; the reads below keep pages and consumers
to a fixed number of queries."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, User
from catalog.models import Scenario, Solution, SolutionStatus

from .models import Follow

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


@transaction.atomic
def follow(*, actor, target):
    """`actor` follows `target` (a Scenario, a vendor Organization or a published Solution).
    Idempotent: following again returns the existing follow. Returns (follow, created)."""
    if not may_follow(actor):
        raise PermissionDenied(
            _("Members of an enterprise follow scenarios, providers and solutions.")
        )
    kind = target_type_of(target)
    if kind == T.VENDOR and target.kind != Organization.Kind.VENDOR:
        raise ValidationError({"vendor": [_("Only solution providers can be followed.")]})
    if kind == T.SOLUTION and target.status != SolutionStatus.PUBLISHED:
        raise ValidationError({"solution": [_("Only published solutions can be followed.")]})
    return Follow.objects.get_or_create(user=actor, target_type=kind, **{kind: target})


@transaction.atomic
def unfollow(*, actor, follow):
    if follow.user_id != actor.pk:
        raise PermissionDenied(_("You can only stop your own follows."))
    follow.delete()


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
