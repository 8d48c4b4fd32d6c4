import pytest

from accounts import services as accounts
from accounts.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.http_server import LocalServer


@pytest.fixture
def receiver():
    """A local endpoint standing in for a partner's system (never the internet)."""
    with LocalServer() as server:
        yield server


@pytest.fixture
def webhook_settings(settings):
    """Deliveries may reach the local server: private addresses and plain http allowed,
    quick timeouts, a small retry budget."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_TIMEOUT = 0.5
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_DISABLE_AFTER = 2
    settings.WEBHOOK_RETRY_BACKOFF = 1
    return settings


@pytest.fixture
def vendor_member(vendor):
    """A plain member (not owner or admin) of the vendor."""
    return MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user


@pytest.fixture
def key_for():
    """key_for(user, org, scopes) -> raw API key."""

    def make(user, organization, scopes):
        _, raw = accounts.create_api_key(
            actor=user, organization=organization, name="Portal", scopes=scopes
        )
        return raw

    return make


@pytest.fixture
def stranger(db):
    return UserFactory()
