"""Who hears of a registration: operator staff of a new or corrected application; the
applicant's owners and admins (not plain members, not other organisations) of the decision,
in the inbox and by email, with the reason when it was turned down."""

import pytest
from django.core import mail

from accounts import registration
from accounts.models import Membership
from events.models import Notification
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_user(operator):
    return MembershipFactory(organization=operator, user__email="ops@example.com").user


@pytest.fixture
def application(on_commit):
    owner = UserFactory(email="owner@example.com")
    with on_commit():
        organization = registration.register_organization(
            actor=owner, kind="enterprise", name="Changzhou Pumps",
            credit_code="91350100M000100Y43", region="CN-JS")
    plain = MembershipFactory(organization=organization, role=Membership.Role.MEMBER).user
    return organization, owner, plain


def test_operators_hear_of_a_new_application(operator_user, application):
    organization, owner, _ = application
    notice = Notification.objects.get(recipient=operator_user)
    assert notice.topic == "organization.registered"
    assert notice.link == "/operations/organizations/"
    assert not Notification.objects.filter(recipient=owner).exists()


def test_the_applicants_admins_hear_of_a_rejection_with_its_reason(operator_user, application,
                                                                     on_commit):
    organization, owner, plain = application
    outsider = MembershipFactory(organization=MembershipFactory().organization).user
    mail.outbox.clear()
    with on_commit():
        registration.reject_organization(actor=operator_user, organization=organization,
                                         reason="The licence photo is unreadable.")
    notice = Notification.objects.get(recipient=owner)
    assert notice.topic == "organization.rejected"
    assert "The licence photo is unreadable." in notice.body
    assert not Notification.objects.filter(recipient__in=[plain, outsider],
                                           topic="organization.rejected").exists()
    assert [message.to for message in mail.outbox] == [["owner@example.com"]]


def test_the_applicants_admins_hear_of_verification(operator_user, application, on_commit):
    organization, owner, _ = application
    with on_commit():
        registration.verify_organization(actor=operator_user, organization=organization)
    assert Notification.objects.get(recipient=owner).topic == "organization.verified"
