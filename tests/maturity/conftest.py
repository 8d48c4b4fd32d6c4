"""Fixtures of the maturity tests: users by role, an answer sheet helper, uploads."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from maturity import services
from maturity.models import Statement
from tests.factories import MembershipFactory, OperatorFactory
from tests.web.conftest import compiled_translations  # noqa: F401  (a session fixture)

from .factories import current_model


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories give every user a password; a slow hasher only slows the tests down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def operator_user(db):
    """A member of the operator's staff (not a reviewer)."""
    return MembershipFactory(organization=OperatorFactory(), role=Membership.Role.ADMIN).user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence uploads land in the test's own directory, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pdf():
    def make(name="recognition.pdf"):
        return SimpleUploadedFile(name, b"%PDF-1.7\n% recognition letter\n",
                                  content_type="application/pdf")
    return make


def statement_codes(model=None, subdomains=None, levels=None):
    qs = Statement.objects.filter(subdomain__model=model or current_model())
    if subdomains is not None:
        qs = qs.filter(subdomain__code__in=subdomains)
    if levels is not None:
        qs = qs.filter(level__in=levels)
    return list(qs.values_list("code", flat=True))


@pytest.fixture
def answer_all():
    """answer_all(actor, assessment, value_by_level={1: "1", ...}, not_applicable=()):
    answers every statement (per level) and marks sub-domains not applicable."""

    def answer(actor, assessment, value_by_level=None, not_applicable=(), default="1"):
        value_by_level = value_by_level or {}
        statements = Statement.objects.filter(subdomain__model=assessment.model)
        answers = {s.code: Decimal(str(value_by_level.get(s.level, default)))
                   for s in statements}
        return services.save_progress(
            actor=actor, assessment=assessment, answers=answers,
            not_applicable=dict.fromkeys(not_applicable, True),
        )

    return answer
