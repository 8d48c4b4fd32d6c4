"""Reading the change feed: which entries a caller may see, one page after a cursor."""

from django.db.models import Exists, Max, OuterRef, Q

from accounts import selectors as people
from accounts.models import APIKey, Organization

from .models import ChangeEntry

Seen = ChangeEntry.organizations.through


def changes_visible_to(user, key=None):
    """Public changes for everyone; an organisation's members (or its API key) also see the
    changes of its own marketplace items; operator staff see all. A key sees only what its
    organisation sees, whoever it acts as."""
    entries = ChangeEntry.objects.all()
    if key is not None and isinstance(key, APIKey):
        organizations = Organization.objects.filter(pk=key.organization_id)
    elif people.is_operator(user):
        return entries
    else:
        organizations = people.organizations_of(user)
    public = Q(audience=ChangeEntry.Audience.PUBLIC)
    if not user.is_authenticated:
        return entries.filter(public)
    kinds = set(organizations.values_list("kind", flat=True))
    visible = public | Q(
        Exists(
            Seen.objects.filter(
                changeentry_id=OuterRef("pk"), organization__in=organizations.values("pk")
            )
        )
    )
    if Organization.Kind.VENDOR in kinds:
        visible |= Q(audience=ChangeEntry.Audience.VENDORS)
    return entries.filter(visible)


def latest_seq():
    """The newest committed change. Every smaller number was committed before it."""
    return ChangeEntry.objects.aggregate(latest=Max("seq"))["latest"] or 0


def seq_before(moment):
    """The last change recorded before `moment` (0 if none): a feed starting point."""
    return (
        ChangeEntry.objects.filter(recorded_at__lt=moment).aggregate(latest=Max("seq"))["latest"]
        or 0
    )


def page_of_changes(entries, *, after, limit):
    """(entries after `after`, the position to continue from, whether more are waiting).

    The page stops at the newest change committed when it was read, and the position moves
    past changes the caller may not see, so the next page starts exactly where this ended."""
    latest = latest_seq()
    rows = list(entries.filter(seq__gt=after, seq__lte=latest).order_by("seq")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    position = rows[-1].seq if has_more else max(after, latest)
    return rows, position, has_more
