"""Notifications: the inbox, its emails, and each person's email preference."""

import logging
from collections import defaultdict
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


def notify(recipients, *, event, title, body="", link="", email=False):
    """Put a notification in each recipient's inbox, once per event.

    `title` is untranslated (gettext_noop): the inbox translates it when shown. With `email`,
    recipients with an address are also emailed, in their preferred language, but only when
    their notification is new and only once the transaction commits: a re-dispatched event, or
    one whose delivery rolled back, never emails anyone twice. Whether the email goes at once,
    in tomorrow's digest or not at all is each recipient's preference (NotificationPreference),
    read after the commit."""
    # An organisation's service account (its API keys' principal) reads no inbox.
    recipients = list({user.pk: user for user in recipients
                       if user.service_organization_id is None}.values())
    if not recipients:
        return
    # Two queries whatever the number of recipients; the unique constraint settles a race.
    already = set(
        Notification.objects.filter(event=event, recipient__in=recipients).values_list(
            "recipient_id", flat=True
        )
    )
    new = [user for user in recipients if user.pk not in already]
    Notification.objects.bulk_create(
        [
            Notification(
                event=event,
                recipient=user,
                topic=event.topic,
                title=title[:255],
                body=body,
                link=link,
                email_requested=email,
            )
            for user in new
        ],
        ignore_conflicts=True,
    )
    addressed = [user for user in new if user.email] if email else []
    if addressed:
        transaction.on_commit(partial(_email_immediately, addressed, title, body, link))


def _email_immediately(users, title, body, link):
    # One query for everyone: those who chose the digest or no email are left out here.
    held = set(
        NotificationPreference.objects.filter(
            user__in=users,
            email__in=[NotificationPreference.Email.DAILY_DIGEST, NotificationPreference.Email.OFF],
        ).values_list("user_id", flat=True)
    )
    for user in users:
        if user.pk not in held:
            _send_email(user, title, body, link)


def email_preference(user):
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)


@transaction.atomic
def set_email_preference(*, actor, user, email):
    """Change how `user` gets notification emails; only they may. Choosing the digest starts
    it now: what was notified before was already emailed, or was not meant to be."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("You can only change your own notification settings."))
    if email not in NotificationPreference.Email.values:
        raise ValidationError({"email": [_("Choose immediate, daily_digest or off.")]})
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    if email != preference.email:
        if email == NotificationPreference.Email.DAILY_DIGEST:
            preference.daily_since = timezone.now()
        preference.email = email
        preference.save()
    return preference


def language_of(user):
    """The supported language `user` reads in (their preference, else the site default)."""
    try:
        return translation.get_supported_language_variant(
            user.preferred_language or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


def notify_in_their_language(users, event, title, link, describe, *, email=True):
    """notify() with a body written in each recipient's language: `describe()` yields the
    body's lines under the active language. One notify() per language (at most two), so the
    number of queries stays fixed whatever the number of recipients."""
    by_language = defaultdict(list)
    for user in users:
        by_language[language_of(user)].append(user)
    for language, group in by_language.items():
        with translation.override(language):
            body = "\n".join(line for line in describe() if line)
        notify(group, event=event, title=title, body=body, link=link, email=email)


def _send_email(user, title, body, link):
    with translation.override(language_of(user)):
        subject = translation.gettext(title)
    # Links are site paths; SITE_URL (when a deployment sets it) makes them absolute.
    url = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{link}" if link else ""
    message = "\n\n".join(part for part in (subject, body, url) if part)
    try:
        send_mail(subject, message, None, [user.email])
    except Exception:  # the inbox already has it; a mail outage must not fail the dispatch
        logger.warning("notification email to user %s failed", user.pk, exc_info=True)


def mark_read(user, notification_ids=None):
    qs = Notification.objects.filter(recipient=user, read_at=None)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
