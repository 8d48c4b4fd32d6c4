"""Writing the change feed."""

from django.db import transaction
from django.utils import timezone

from .models import ChangeCounter, ChangeEntry


def next_seq():
    """The next sequence number, inside the caller's transaction.

    The counter row stays locked until that transaction ends: a second writer waits, so it
    can only number its change after this one has committed (sequence order = commit order),
    and a rolled-back writer gives its number back (no gaps). On SQLite the database allows
    one writer at a time, which gives the same order."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_seq belongs inside the transaction that writes the change")
    counter = ChangeCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:  # the first change ever, or a database emptied by a test
        ChangeCounter.objects.get_or_create(pk=1)
        counter = ChangeCounter.objects.select_for_update().get(pk=1)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return counter.last_seq


def append_change(event, *, resource_type, resource_id, action, audience, organization_ids):
    """Add the change an outbox event describes to the feed, once per event."""
    with transaction.atomic():
        entry = ChangeEntry.objects.create(
            seq=next_seq(),
            event_id=event.pk,
            resource_type=resource_type,
            resource_id=str(resource_id),
            action=action,
            occurred_at=event.created_at,
            recorded_at=timezone.now(),
            audience=audience,
        )
        if organization_ids:
            entry.organizations.set(organization_ids)
    return entry
