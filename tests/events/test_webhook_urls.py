"""Endpoint URLs: public https addresses only, unless the settings allow more (tests)."""

import socket

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


@pytest.fixture
def strict(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    settings.WEBHOOK_ALLOW_HTTP = False


@pytest.fixture
def public_dns(monkeypatch):
    """Names resolve without the network: example.com is public, others as given."""
    table = {
        "hooks.example.com": "93.184.215.14",
        "rebind.example.com": "127.0.0.1",
        "intranet.example.com": "10.1.2.3",
    }
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in table:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def create(api_as, user, url):
    return api_as(user).post(URL, {"url": url, "topics": ["solution.published"]}, format="json")


@pytest.mark.usefixtures("strict", "public_dns")
@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://rebind.example.com/hook",
        "https://intranet.example.com/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://192.168.1.10/hook",
        "https://[::ffff:127.0.0.1]/hook",
    ],
)
def test_private_and_loopback_addresses_are_refused(api_as, vendor_user, url):
    response = create(api_as, vendor_user, url)
    assert response.status_code == 400
    assert "non-public" in response.json()["errors"]["url"][0]


@pytest.mark.usefixtures("strict", "public_dns")
def test_public_https_address_is_accepted(api_as, vendor_user):
    assert create(api_as, vendor_user, "https://hooks.example.com/zhizao").status_code == 201


@pytest.mark.usefixtures("strict", "public_dns")
def test_plain_http_is_refused_unless_allowed(api_as, vendor_user, settings):
    response = create(api_as, vendor_user, "http://hooks.example.com/zhizao")
    assert response.status_code == 400
    assert "https" in response.json()["errors"]["url"][0]
    settings.WEBHOOK_ALLOW_HTTP = True
    assert create(api_as, vendor_user, "http://hooks.example.com/zhizao").status_code == 201


@pytest.mark.usefixtures("strict", "public_dns")
@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/x",
        "https://user:pw@hooks.example.com/",
        "not a url",
        "https://no-such-host.invalid/hook",
    ],
)
def test_other_bad_urls_are_refused_naming_the_field(api_as, vendor_user, url):
    response = create(api_as, vendor_user, url)
    assert response.status_code == 400
    assert "url" in response.json()["errors"]


@pytest.mark.usefixtures("strict", "public_dns")
def test_changing_the_url_is_checked_too(api_as, vendor_user):
    created = create(api_as, vendor_user, "https://hooks.example.com/zhizao").json()
    response = api_as(vendor_user).patch(
        f"{URL}{created['id']}/", {"url": "https://10.0.0.5/x"}, format="json"
    )
    assert response.status_code == 400 and "url" in response.json()["errors"]
