import pytest
from rest_framework.test import APIClient

from accounts.models import Membership

from .factories import (
    EnterpriseFactory,
    MembershipFactory,
    OperatorFactory,
    UserFactory,
    VendorFactory,
)


def _member(organization, **kwargs):
    return MembershipFactory(organization=organization, **kwargs).user


@pytest.fixture
def vendor(db):
    return VendorFactory()


@pytest.fixture
def vendor_user(vendor):
    return _member(vendor)


@pytest.fixture
def other_vendor_user(db):
    return _member(VendorFactory())


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory()


@pytest.fixture
def enterprise_user(enterprise):
    return _member(enterprise)


@pytest.fixture
def other_enterprise_user(db):
    return _member(EnterpriseFactory())


@pytest.fixture
def operator(db):
    return OperatorFactory()


@pytest.fixture
def reviewer(operator):
    return _member(operator, role=Membership.Role.MEMBER, is_reviewer=True)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient logged in as `user`."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def no_process_memory_between_tests():
    """What a process remembers of the caches (throttle tallies, public list copies) belongs
    to the cache it read; every test starts with caches of its own."""
    from accounts.api.authentication import PRINCIPALS, _principals
    from core import public_cache
    from core.api import throttling

    def forget():
        throttling.forget_local()
        public_cache.forget_local()
        _principals.clear()
        PRINCIPALS.forget()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def tasks_in_process(settings):
    """Tasks run in-process unless a test asks for the real worker (see test_pipeline_worker).

    CI sets REDIS_URL for the whole run; only the worker tests send tasks through it."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit(): ...` runs what the block schedules after commit (tasks, dispatch),
    as a real commit would; the test transaction itself still rolls back.

    Wrap every service call whose events should be delivered: the outbox schedules one
    dispatch per transaction. A dispatch left pending by an uncaptured call before the block
    never runs (the test transaction does not commit), so it is forgotten at the block's
    start: the block schedules its own, as its own commit would."""
    from django.db import connection

    def run():
        connection.outbox_dispatch_callback = None
        return django_capture_on_commit_callbacks(execute=True)

    return run
