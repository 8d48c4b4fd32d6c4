"""Fixtures for the web pages: compiled translations, the inbox URLs, and page-level data."""

from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Membership
from catalog.models import SolutionStatus
from tests.factories import MembershipFactory, SolutionFactory

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture(scope="session")
def compiled_translations():
    """The Chinese catalog compiled from the .po (the .mo is not in git), once per run."""
    po, mo = CATALOG / "django.po", CATALOG / "django.mo"
    assert po.exists(), "locale/zh_Hans/LC_MESSAGES/django.po is missing"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        from django.core.management import call_command
        from django.utils.translation import trans_real

        call_command("compilemessages", locale=["zh_Hans"],
                     ignore_patterns=[".venv", "var", ".git", "node_modules"], verbosity=0)
        # Forget catalogs loaded before the .mo existed.
        trans_real._translations = {}
        trans_real._default = None
    return mo


@pytest.fixture
def as_user(client):
    """as_user(user) -> the test client, logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def published(vendor):
    return SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED,
                           title_en="Spindle health monitoring")


@pytest.fixture
def draft(vendor):
    return SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT,
                           title_en="Secret draft of a vision inspection cell")


@pytest.fixture
def in_review(vendor, reviewer):
    return SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW, reviewer=reviewer,
                           title_en="Line-side quality gate")


@pytest.fixture
def reviewer_in_vendor(reviewer, vendor):
    """The reviewer, also a member of the vendor: may never decide on its solutions."""
    MembershipFactory(user=reviewer, organization=vendor, role=Membership.Role.MEMBER)
    return reviewer
