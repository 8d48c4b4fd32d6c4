"""Social sign-in providers come from the environment (none by default): each one named needs
its client id and secret, or the settings refuse to load."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import settings as project_settings


def test_no_provider_is_needed_to_run():
    assert not any(app.startswith("allauth.socialaccount.providers.")
                   for app in settings.INSTALLED_APPS)


def test_wechat_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("SOCIAL_PROVIDERS", "weixin")
    monkeypatch.setenv("SOCIAL_WEIXIN_CLIENT_ID", "wx123")
    monkeypatch.setenv("SOCIAL_WEIXIN_SECRET", "s3cret")
    assert project_settings._social_providers() == ["weixin"]


@pytest.mark.parametrize("missing", ["SOCIAL_WEIXIN_CLIENT_ID", "SOCIAL_WEIXIN_SECRET"])
def test_a_provider_without_its_credentials_is_refused(monkeypatch, missing):
    monkeypatch.setenv("SOCIAL_PROVIDERS", "weixin")
    monkeypatch.setenv("SOCIAL_WEIXIN_CLIENT_ID", "wx123")
    monkeypatch.setenv("SOCIAL_WEIXIN_SECRET", "s3cret")
    monkeypatch.delenv(missing)
    with pytest.raises(ImproperlyConfigured, match=missing):
        project_settings._social_providers()


def test_a_provider_name_that_is_not_a_name_is_refused(monkeypatch):
    monkeypatch.setenv("SOCIAL_PROVIDERS", "weixin;rm -rf")
    with pytest.raises(ImproperlyConfigured):
        project_settings._social_providers()
