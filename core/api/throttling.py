"""Throttling for the API: per API key, per signed-in user, per anonymous client, at the
settings' rates. Its own module: DRF imports these classes while it defines APIView, so they
must not live beside code that imports rest_framework.views (core.api.problems)."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import SimpleRateThrottle

from core.cache import ProcessMemo, count_within

TALLIES = 10_000  # clients followed locally per process (the least recent are dropped)


@dataclass
class Tally:
    """What this process knows of one client's window: the counts as last read from the
    cache, and the requests it has admitted since without counting them there."""

    window: int
    current: int
    previous: int
    uncounted: int
    read_at: float


_tallies = ProcessMemo()  # throttle key -> Tally


def forget_local():
    """Drop what this process knows of its clients (tests: each has a cache of its own)."""
    _tallies.clear()


class RateThrottle(SimpleRateThrottle):
    """A sliding-window estimate over two fixed windows: the requests of the current window
    plus those of the previous one weighed by how much of it still lies within the last
    `duration` seconds. Two small counters per client, read and counted in one round trip
    (a script on Redis), whatever the rate (DRF's own keeps every request's time of the
    window in one list, read and written whole on each request: thousands of entries at
    partner rates).

    Far below a high rate the round trip is skipped: a process admits a client's request on
    its own while what it last read, plus what it admitted since, stays more than a margin
    (`API_THROTTLE_LOCAL_SHARE` of the rate, default 1%) below the rate, and it reads again
    (adding what it admitted) after that many requests or `API_THROTTLE_LOCAL_SECONDS`
    (default 1). Near the rate, and for any rate under 200 per period, every request is
    counted in the cache first. So with W processes a client may pass the rate by up to
    W times the margin, never by more.

    Reads its rate from the settings when asked (DRF reads them once, at import)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.elapsed = self.now - window * self.duration
        weight = 1 - self.elapsed / self.duration
        margin = int(self.num_requests * getattr(settings, "API_THROTTLE_LOCAL_SHARE", 0.01))
        if margin >= 2 and self._admit_locally(window, weight, margin):
            return True
        tally = _tallies.pop(self.key)
        earlier, earlier_window = (tally.uncounted, tally.window) if tally else (0, window)
        allowed, self.current, self.previous = count_within(
            self.cache, f"{self.key}:{window}", f"{self.key}:{window - 1}",
            weight=weight, limit=self.num_requests, timeout=self.duration * 2,
            earlier=earlier, earlier_key=f"{self.key}:{earlier_window}",
        )
        if margin >= 2:  # the counts as read include the earlier requests; add this one
            # Past TALLIES clients, the least recent one's uncounted requests (under the
            # margin) are dropped with it.
            _tallies.put(self.key, Tally(window, self.current + allowed, self.previous, 0,
                                         time.monotonic()), TALLIES)
        return allowed

    def _admit_locally(self, window, weight, margin):
        with _tallies.lock:  # read and count in one step
            tally = _tallies.get(self.key)
            if (
                tally is None
                or tally.window != window
                or tally.uncounted + 1 >= margin
                or time.monotonic() - tally.read_at
                >= getattr(settings, "API_THROTTLE_LOCAL_SECONDS", 1)
                or tally.previous * weight + tally.current + tally.uncounted + margin
                >= self.num_requests
            ):
                return False
            self.current, self.previous = tally.current + tally.uncounted, tally.previous
            tally.uncounted += 1
            return True

    def wait(self):
        """Seconds until the estimate falls below the rate again."""
        remaining = self.duration - self.elapsed
        if self.current >= self.num_requests:
            # This window is full by itself: after it, it weighs as the previous one.
            return remaining + self.duration * (1 - self.num_requests / max(self.current, 1))
        # The previous window's share has to shrink enough for one more request.
        needed = 1 - (self.num_requests - self.current) / self.previous
        return max(self.duration * needed - self.elapsed, 1)

    def get_rate(self):
        from rest_framework.settings import api_settings

        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate set for the scope {self.scope!r}.")
        return rates[self.scope]


def counted_credential(request):
    """The identity a request's credential is counted under, when it has a budget of its own:
    an authentication that wants one sets `request.auth` to an object with `throttle_ident`
    (accounts' API keys), so these throttles need not know the model."""
    return getattr(request.auth, "throttle_ident", None)


class APIKeyRateThrottle(RateThrottle):
    """Counts a partner's requests by its key, not by the user the key acts as: two keys of
    one organisation have a budget each."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        ident = counted_credential(request)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class SessionUserRateThrottle(RateThrottle):
    """Signed-in people (session): counted per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated or counted_credential(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousRateThrottle(RateThrottle):
    """Anonymous clients: counted per IP address (REST_FRAMEWORK's NUM_PROXIES says how
    many proxies' X-Forwarded-For entries to trust)."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
