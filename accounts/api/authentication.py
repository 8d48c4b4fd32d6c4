"""`Authorization: Api-Key <key>` for partner portals.

A key authenticates as its organisation: its principal is the organisation's service account
(accounts.services.service_account), which belongs to that organisation alone and is never
staff; it holds exactly the key's scopes (accounts.api.policy). Nothing of the person who
made the key comes with it.

Each process remembers the keys it has checked (the key, the user it acts as, and what
other modules memoised for that principal), so a partner's requests cost no queries to
authenticate. Any change to a key, a membership, a user or an organisation moves a shared
version (`PRINCIPALS`), read by each process at most every `API_KEY_CACHE_SECONDS` (default
1), so a revoked key is refused everywhere within that time, and at once by the process
that revoked it. Expiry is checked on every request. An entry is used for `REMEMBER_FOR`
seconds at most, so a change announced while the cache could not be reached still shows;
without the cache nothing is remembered."""

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import APIKey
from accounts.services import service_account
from core.cache import ProcessMemo, SharedVersion

KEYWORD = "Api-Key"
LAST_USED_PRECISION = timedelta(minutes=1)
REMEMBERED_KEYS = 1000
REMEMBER_FOR = 60  # seconds

PRINCIPALS = SharedVersion("api:principals:version", "API_KEY_CACHE_SECONDS")
_principals = ProcessMemo()  # hashed key -> (version, until, APIKey, User)


def api_key_of(request):
    """The API key a request authenticated with, or None (a session, or anonymous)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, APIKey) else None


def forget_principals(**_signal_kwargs):
    """Keys, memberships, people or organisations changed: check every key afresh, here at
    once and in other processes once the change is committed and they read the version."""
    _principals.clear()
    PRINCIPALS.forget()
    transaction.on_commit(PRINCIPALS.bump)


def _recall(hashed, version):
    found = _principals.get(hashed)
    if found is not None and found[0] == version and time.monotonic() < found[1]:
        return found[2], found[3]
    return None


def _remember(hashed, version, key, user):
    _principals.put(hashed, (version, time.monotonic() + REMEMBER_FOR, key, user),
                    REMEMBERED_KEYS)


def _load(hashed):
    key = APIKey.objects.select_related("organization").filter(hashed_key=hashed).first()
    if key is None or not key.is_active:
        raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
    user = service_account(key.organization)
    if not user.is_active:
        raise exceptions.AuthenticationFailed(_("The key's organisation is suspended."))
    # For facts other modules derive from this principal alone (catalog's "sees only the
    # published catalog"): they live exactly as long as this entry.
    user.principal_memo = {}
    return key, user


class APIKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(KEYWORD + " "):
            return None
        hashed = APIKey.hash(header[len(KEYWORD) + 1 :].strip())
        version = PRINCIPALS.current()  # before reading the rows, so a change retires them
        found = _recall(hashed, version) if version is not None else None
        if found is None:
            found = _load(hashed)
            if version is not None:
                _remember(hashed, version, *found)
        key, user = found
        if not key.is_active:  # expired since it was remembered
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        now = timezone.now()
        # The last-used time is shown to the minute: writing it on every request would make
        # a busy key's requests queue on its row (and flush a commit each).
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
            APIKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return user, key

    def authenticate_header(self, request):
        return KEYWORD
