"""Every page's permission rule, with the wrong roles refused: an enterprise's assessment is
private to it and the operator's staff; the dashboard and its CSV are the operator's; the
registry's writes belong to the factory's enterprise, its verification to operators."""

import pytest
from django.urls import reverse

from maturity.models import SmartFactory

from .factories import (
    AssessmentFactory,
    CompletedAssessmentFactory,
    FactoryEvidenceFactory,
    SmartFactoryFactory,
)

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def is_login_redirect(response):
    return response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.fixture
def results_url(enterprise):
    return reverse("maturity-results", args=[CompletedAssessmentFactory(enterprise=enterprise).pk])


def test_results_are_refused_to_another_enterprise_and_a_vendor(client, results_url,
                                                                other_enterprise_user,
                                                                vendor_user):
    for outsider in (other_enterprise_user, vendor_user):
        assert signed_in(client, outsider).get(results_url).status_code == 404


def test_results_send_anonymous_visitors_to_sign_in(client, results_url):
    assert is_login_redirect(client.get(results_url))


def test_results_are_shown_to_the_enterprise_and_operators(client, results_url,
                                                          enterprise_user, operator_user):
    for reader in (enterprise_user, operator_user):
        assert signed_in(client, reader).get(results_url).status_code == 200


def test_an_open_assessment_has_no_results_page_for_others(client, enterprise, operator_user):
    url = reverse("maturity-results", args=[AssessmentFactory(enterprise=enterprise).pk])
    assert signed_in(client, operator_user).get(url).status_code == 404


@pytest.mark.parametrize("name", ["maturity-assessment", "maturity-assessment-complete"])
def test_the_assessment_is_refused_to_vendors_and_operators(client, vendor_user, operator_user,
                                                          name):
    for user in (vendor_user, operator_user):
        response = signed_in(client, user).post(reverse(name))
        assert response.status_code == 403
    client.logout()
    assert is_login_redirect(client.get(reverse("maturity-assessment")))


def test_a_sub_domain_page_is_refused_to_a_vendor(client, vendor_user):
    url = reverse("maturity-assessment-subdomain", args=["data"])
    assert signed_in(client, vendor_user).get(url).status_code == 403


@pytest.mark.parametrize("name", ["targets-dashboard", "targets-csv"])
def test_the_dashboard_and_csv_are_refused_to_enterprises_vendors_and_anonymous(
    client, enterprise_user, vendor_user, operator_user, name
):
    url = reverse(name)
    assert is_login_redirect(client.get(url))
    for user in (enterprise_user, vendor_user):
        assert signed_in(client, user).get(url).status_code == 403
    assert signed_in(client, operator_user).get(url).status_code == 200


def test_registering_a_factory_is_refused_to_vendors_and_anonymous(client, vendor_user):
    assert is_login_redirect(client.get(reverse("factory-create")))
    assert signed_in(client, vendor_user).get(reverse("factory-create")).status_code == 403


def test_verification_is_refused_to_the_factorys_own_enterprise(client, enterprise,
                                                                 enterprise_user, media_root):
    CompletedAssessmentFactory(enterprise=enterprise, level=2)
    factory = SmartFactoryFactory(enterprise=enterprise)
    FactoryEvidenceFactory(factory=factory)
    response = signed_in(client, enterprise_user).post(reverse("factory-verify",
                                                               args=[factory.pk]))
    assert response.status_code == 403
    factory.refresh_from_db()
    assert factory.status == SmartFactory.Status.PENDING


def test_a_pending_factory_is_hidden_from_vendors_and_other_enterprises(
    client, enterprise, vendor_user, other_enterprise_user, operator_user
):
    url = reverse("factory-detail", args=[SmartFactoryFactory(enterprise=enterprise).pk])
    assert client.get(url).status_code == 404
    for outsider in (vendor_user, other_enterprise_user):
        assert signed_in(client, outsider).get(url).status_code == 404
    assert signed_in(client, operator_user).get(url).status_code == 200


def test_evidence_of_a_verified_factory_stays_private(client, enterprise, vendor_user,
                                                      media_root):
    factory = SmartFactoryFactory(enterprise=enterprise, status="verified")
    document = FactoryEvidenceFactory(factory=factory)
    page = signed_in(client, vendor_user).get(reverse("factory-detail", args=[factory.pk]))
    assert page.status_code == 200
    assert reverse("factory-evidence", args=[document.pk]) not in page.content.decode()
    url = reverse("factory-evidence", args=[document.pk])
    assert client.get(url).status_code == 404
    client.logout()
    assert is_login_redirect(client.get(url))
    response = signed_in(client, vendor_user).post(reverse("factory-evidence-add",
                                                           args=[factory.pk]))
    assert response.status_code == 403
