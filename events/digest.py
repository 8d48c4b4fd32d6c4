"""The daily digest: one email per person who chose it, listing the notifications that were
meant to be emailed since their digest began, each once.

Every notification a digest lists is marked (`digested_at`) in the transaction that sends it,
so a re-run the same day finds nothing to send; if the mail server refuses, nothing is marked
and the next run sends it. (A crash between the server accepting the email and the commit
would send that digest once more: at least once, never lost.)"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Notification, NotificationPreference
from .services import language_of

logger = logging.getLogger(__name__)


def pending_for(preference, until):
    qs = Notification.objects.filter(
        recipient_id=preference.user_id,
        email_requested=True,
        digested_at=None,
        created_at__lte=until,
    )
    if preference.daily_since is not None:
        qs = qs.filter(created_at__gt=preference.daily_since)
    return qs.order_by("created_at", "pk")


def send_daily_digests(now=None):
    """Send every due digest. Returns how many emails were sent."""
    now = now or timezone.now()
    user_ids = NotificationPreference.objects.filter(
        email=NotificationPreference.Email.DAILY_DIGEST
    ).values_list("user_id", flat=True)
    sent = 0
    for user_id in list(user_ids):
        try:
            sent += send_digest(user_id, now)
        except Exception:  # one person's mail problem must not hold back everyone else's
            logger.warning(
                "digest for user %s failed; the next run retries", user_id, exc_info=True
            )
    return sent


@transaction.atomic
def send_digest(user_id, now):
    """Send `user_id` their digest of what is pending up to `now`. Returns 1 if sent."""
    preference = (
        NotificationPreference.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user_id=user_id, email=NotificationPreference.Email.DAILY_DIGEST)
        .first()
    )
    if preference is None:
        return 0
    items = list(pending_for(preference, now))
    if not items:
        return 0
    user = preference.user
    if user.email and user.is_active:
        subject, message = render_digest(user, items)
        send_mail(subject, message, None, [user.email])
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(digested_at=now)
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at", "updated_at"])
    return 1 if user.email and user.is_active else 0


def render_digest(user, items):
    """Subject and plain-text body, in the person's language, newest last."""
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    with translation.override(language_of(user)):
        subject = ngettext(
            "Your daily digest: %(count)d notification",
            "Your daily digest: %(count)d notifications",
            len(items),
        ) % {"count": len(items)}
        lines = [subject, ""]
        for item in items:
            lines.append(f"• {translation.gettext(item.title)}")
            if item.body:
                lines.append(f"  {item.body}")
            if item.link:
                lines.append(f"  {site}{item.link}")
        lines += ["", _("Change how you get these emails in your notification settings.")]
    return subject, "\n".join(lines)
