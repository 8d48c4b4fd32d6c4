"""Throttling for the API: per API key, per signed-in user, per anonymous client, at the
settings' rates. Its own module: DRF imports these classes while it defines APIView, so they
must not live beside code that imports rest_framework.views (config.api)."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import SimpleRateThrottle

from .cache import count


class RateThrottle(SimpleRateThrottle):
    """A sliding-window estimate over two fixed windows: the requests of the current window
    plus those of the previous one weighed by how much of it still lies within the last
    `duration` seconds. Two small counters per client, read in one round trip and counted
    in one more, whatever the rate (DRF's own keeps every request's time of the window in one
    list, read and written whole on each request: thousands of entries at partner rates).

    Reads its rate from the settings when asked (DRF reads them once, at import)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current_key, previous_key = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current_key, previous_key])
        self.current = counts.get(current_key, 0)
        self.previous = counts.get(previous_key, 0)
        self.elapsed = self.now - window * self.duration
        overlap = 1 - self.elapsed / self.duration
        if self.previous * overlap + self.current >= self.num_requests:
            return False
        count(self.cache, current_key, self.duration * 2)
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


class APIKeyRateThrottle(RateThrottle):
    """Counts a partner's requests by its key, not by the user the key acts as: two keys of
    one organisation have a budget each."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        from accounts.models import APIKey

        if not isinstance(request.auth, APIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class SessionUserRateThrottle(RateThrottle):
    """Signed-in people (session): counted per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        from accounts.models import APIKey

        if not request.user.is_authenticated or isinstance(request.auth, APIKey):
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
