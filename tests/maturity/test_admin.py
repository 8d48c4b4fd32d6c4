"""Every maturity model has an admin page, and the operator admin can open each list."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from .factories import CompletedAssessmentFactory, SmartFactoryFactory

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("maturity").get_models())


def test_every_maturity_model_is_registered():
    assert [m._meta.label for m in MODELS if m not in admin.site._registry] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_and_change_pages_open(admin_client, model):
    CompletedAssessmentFactory()
    SmartFactoryFactory()
    changelist = reverse(f"admin:maturity_{model._meta.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    first = model.objects.first()
    if first is not None:
        change = reverse(f"admin:maturity_{model._meta.model_name}_change", args=[first.pk])
        assert admin_client.get(change).status_code == 200
