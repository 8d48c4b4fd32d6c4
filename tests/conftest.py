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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The taxonomy is product data: load it once into the test database."""
    from catalog.taxonomy import load_taxonomy

    with django_db_blocker.unblock():
        load_taxonomy()


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
