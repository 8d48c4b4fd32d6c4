"""The invitation email. Whose language the invitee reads is unknown, so one message
carries both, English first, then Simplified Chinese."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

LANGUAGES = ("en", "zh-hans")


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
    send_mail(" / ".join(subjects), "\n\n----------\n\n".join(bodies), None,
              [invitation.email])
