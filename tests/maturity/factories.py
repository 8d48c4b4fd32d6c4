"""factory_boy factories of the maturity app. The model's structure and statements come from
the shipped model, loaded on migrate; these build assessments, answers and factories."""

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, FileField

from catalog.models import FactoryTier, Industry, Region
from maturity.models import Answer, Assessment, FactoryEvidence, MaturityModel, SmartFactory
from tests.factories import EnterpriseFactory


def current_model():
    return MaturityModel.objects.get(is_current=True)


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    enterprise = factory.SubFactory(EnterpriseFactory)
    model = factory.LazyFunction(current_model)


class CompletedAssessmentFactory(AssessmentFactory):
    """A completed assessment with a given level, without answers: for figures and tier
    rules. Pass is_latest=False for an older one."""

    status = Assessment.Status.COMPLETED
    level = 2
    score = factory.LazyAttribute(lambda a: Decimal(a.level))
    is_latest = True
    completed_at = factory.LazyFunction(timezone.now)


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    value = Decimal("1.00")


class SmartFactoryFactory(DjangoModelFactory):
    class Meta:
        model = SmartFactory

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"Smart plant {n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="CN-JS"))
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="machine-tools"))
    tier = factory.LazyFunction(lambda: FactoryTier.objects.get(code="basic"))
    year = 2025


class FactoryEvidenceFactory(DjangoModelFactory):
    class Meta:
        model = FactoryEvidence

    factory = factory.SubFactory(SmartFactoryFactory)
    file = FileField(filename="letter.pdf", data=b"%PDF-1.7 recognised")
    original_name = "letter.pdf"
    content_type = "application/pdf"
    size = 20
