"""Reads about who belongs where and may do what."""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When

from .models import Membership, Organization


def organizations_of(user, kind=None, roles=None):
    """The organisations `user` is a member of: of `kind`, and where they hold one of
    `roles`, when given."""
    if not user.is_authenticated:
        return Organization.objects.none()
    membership = {"memberships__user": user}
    if roles:
        membership["memberships__role__in"] = roles  # the same membership row
    qs = Organization.objects.filter(**membership)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.distinct()


def in_organizations_of(user, path, kind=None):
    """A filter on rows whose `path` (a relation to Organization) names an organisation
    `user` is a member of (of `kind`, when given): one subquery, no join to fan out."""
    return Q(**{f"{path}__in": organizations_of(user, kind)})


def primary_organization(user, kind=None):
    """The organisation a user acts for: their first membership (of the kind, if given)."""
    return organizations_of(user, kind).order_by("memberships__created_at", "pk").first()


def acting_organization(user, kind, refusal):
    """The organisation of `kind` a user acts for (primary_organization); PermissionDenied
    with the message `refusal` when they belong to none."""
    organization = primary_organization(user, kind)
    if organization is None:
        raise PermissionDenied(refusal)
    return organization


def is_member(user, organization):
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organization=organization).exists()
    )


def is_person(user):
    """Signed in as a person, not as an organisation's API key (its service account)."""
    return user.is_authenticated and not getattr(user, "is_service_account", False)


def is_reviewer(user):
    return (
        is_person(user)
        and Membership.objects.filter(
            user=user, organization__kind=Organization.Kind.OPERATOR, is_reviewer=True
        ).exists()
    )


def is_operator(user):
    """Operator staff: a person. An operator organisation's API key is not staff; what it
    may read is declared operation by operation (accounts.api.policy)."""
    return is_person(user) and (
        user.is_superuser
        or Membership.objects.filter(
            user=user, organization__kind=Organization.Kind.OPERATOR
        ).exists()
    )


def reviewers():
    from .models import User

    return User.objects.filter(
        is_active=True,
        service_organization__isnull=True,
        memberships__organization__kind=Organization.Kind.OPERATOR,
        memberships__is_reviewer=True,
    ).distinct()


def is_operator_admin(user):
    """Operator owners and admins (and superusers): they hand reviews around and get
    escalations; reviewers themselves do not."""
    return is_person(user) and (
        user.is_superuser
        or Membership.objects.filter(
            user=user,
            organization__kind=Organization.Kind.OPERATOR,
            role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
        ).exists()
    )


def is_admin_of(user, organization):
    """An owner or admin of `organization`."""
    return user.is_authenticated and Membership.objects.filter(
        user=user, organization=organization,
        role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
    ).exists()


def applicant_of(organization):
    """The person who registered `organization`: its first owner (None for one the operator
    made without an owner)."""
    membership = (Membership.objects.filter(organization=organization,
                                            role=Membership.Role.OWNER,
                                            user__service_organization__isnull=True)
                  .select_related("user").order_by("created_at", "pk").first())
    return membership.user if membership else None


def organizations_awaiting_verification():
    """The verification queue: pending applications first (oldest first), then rejected ones
    (most recently decided first), then verified ones; operator organisations never."""
    order = Case(When(status=Organization.Status.PENDING, then=Value(0)),
                 When(status=Organization.Status.REJECTED, then=Value(1)),
                 default=Value(2), output_field=IntegerField())
    return (Organization.objects.exclude(kind=Organization.Kind.OPERATOR)
            .annotate(queue_order=order).order_by("queue_order", "created_at", "pk"))
