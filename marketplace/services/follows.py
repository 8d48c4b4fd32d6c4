"""Follows: a person follows a scenario, a solution provider or a solution to hear, in the
inbox and by email, of new and changed published solutions there (events.notices.marketplace).

Who may follow: members of an enterprise organisation. Following is how buyers watch the
supply side; vendors hear of demand through needs instead (the needs feed and the notice of
each new fitting need), and are not given a way to watch their competitors' listings.
Operator staff see everything already. A follow belongs to the person, not the organisation:
each colleague chooses what they hear about.

Writes (`follow`, `unfollow`) check the rules here; the reads are marketplace.selectors.follows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization
from catalog.models import SolutionStatus

from ..models import Follow
from ..selectors import may_follow, target_type_of

T = Follow.Target


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
