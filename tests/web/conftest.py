"""Fixtures for the web pages: compiled translations, the inbox URLs, page-level data and
the whole small site of tests/web/tour.py."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone, translation

from accounts.models import Membership
from catalog.models import SolutionStatus
from tests.factories import MembershipFactory, SolutionFactory

from . import tour

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
                           title_en="Line-side quality gate", submitted_at=timezone.now())


@pytest.fixture
def reviewer_in_vendor(reviewer, vendor):
    """The reviewer, also a member of the vendor: may never decide on its solutions."""
    MembershipFactory(user=reviewer, organization=vendor, role=Membership.Role.MEMBER)
    return reviewer


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """build_site() once per test module, inside a transaction rolled back at its end: each
    test still runs in its own savepoint. Built in English, as a worker would."""
    from config.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, translation.override("en"):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield tour.build_site(lambda: TestCase.captureOnCommitCallbacks(execute=True))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            app.conf.task_always_eager = eager
