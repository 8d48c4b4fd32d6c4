"""Reads about who belongs where and may do what."""

from .models import Membership, Organization


def organizations_of(user, kind=None):
    if not user.is_authenticated:
        return Organization.objects.none()
    qs = Organization.objects.filter(memberships__user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.distinct()


def primary_organization(user, kind=None):
    """The organisation a user acts for: their first membership (of the kind, if given)."""
    return organizations_of(user, kind).order_by("memberships__created_at", "pk").first()


def is_member(user, organization):
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organization=organization).exists()
    )


def is_reviewer(user):
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, organization__kind=Organization.Kind.OPERATOR, is_reviewer=True
        ).exists()
    )


def is_operator(user):
    return user.is_authenticated and (
        user.is_superuser
        or Membership.objects.filter(
            user=user, organization__kind=Organization.Kind.OPERATOR
        ).exists()
    )


def reviewers():
    from .models import User

    return User.objects.filter(
        is_active=True,
        memberships__organization__kind=Organization.Kind.OPERATOR,
        memberships__is_reviewer=True,
    ).distinct()


def is_operator_admin(user):
    """Operator owners and admins (and superusers): they hand reviews around and get
    escalations; reviewers themselves do not."""
    return user.is_authenticated and (
        user.is_superuser
        or Membership.objects.filter(
            user=user,
            organization__kind=Organization.Kind.OPERATOR,
            role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
        ).exists()
    )
