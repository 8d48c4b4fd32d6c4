"""The invitation email. Whose language the invitee reads is unknown, so one message
carries both, English first, then Simplified Chinese."""

import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

LANGUAGES = ("en", "zh-hans")
logger = logging.getLogger(__name__)


def invitation_link(raw_token):
    return f"{settings.SITE_URL.rstrip('/')}{reverse('invitation', args=[raw_token])}"


def _inviter(invitation):
    person = invitation.invited_by
    if person is None:
        return ""
    return person.get_full_name() or person.username


def send_invitation(invitation, raw_token):
    context = {"invitation": invitation, "link": invitation_link(raw_token),
               "inviter": _inviter(invitation)}
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            subjects.append(_("Invitation to join %(organization)s on Zhizao Hub")
                            % {"organization": invitation.organization.display_name})
            bodies.append(render_to_string("accounts/members/invitation_email.txt", context))
    try:
        send_mail(" / ".join(subjects), "\n\n----------\n\n".join(bodies), None,
                  [invitation.email])
    except (smtplib.SMTPException, OSError):
        # Raised inside the service's transaction: no invitation is kept that was not sent.
        logger.exception("invitation email to organisation %s not sent",
                         invitation.organization_id)
        raise ValidationError({"email": _("The invitation email could not be sent. Try again "
                                          "in a few minutes.")}) from None
