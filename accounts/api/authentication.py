"""`Authorization: Api-Key <key>` for partner portals.

A key acts as its organisation's first owner or admin, so it can never do more than that
organisation's role allows; scopes narrow it further (see accounts.api.permissions)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import APIKey, Membership

KEYWORD = "Api-Key"
LAST_USED_PRECISION = timedelta(minutes=1)


class APIKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(KEYWORD + " "):
            return None
        raw_key = header[len(KEYWORD) + 1 :].strip()
        key = (
            APIKey.objects.select_related("organization")
            .filter(hashed_key=APIKey.hash(raw_key))
            .first()
        )
        if key is None or not key.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        membership = (
            Membership.objects.select_related("user")
            .filter(
                organization=key.organization,
                role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
                user__is_active=True,
            )
            .order_by("created_at")
            .first()
        )
        if membership is None:
            raise exceptions.AuthenticationFailed(_("The key's organisation has no active admin."))
        now = timezone.now()
        # The last-used time is shown to the minute: writing it on every request would make
        # a busy key's requests queue on its row (and flush a commit each).
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
            APIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return membership.user, key

    def authenticate_header(self, request):
        return KEYWORD
