"""factory_boy factories for every app. Taxonomy rows come from the loaded taxonomy file."""

from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organization, User
from catalog.models import Industry, Region, Scenario, Solution, Technology
from marketplace.models import EnterpriseProfile, Need


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            if obj.email:
                # A person made in a test is one the operator made: their address is verified
                # (accounts.services.create_user), so signing in by the form works.
                EmailAddress.objects.get_or_create(
                    user=obj, email=obj.email.lower(),
                    defaults={"verified": True, "primary": True})


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.VENDOR
    name = factory.Sequence(lambda n: f"Organisation {n}")
    region = "CN-JS"
    status = Organization.Status.VERIFIED


class VendorFactory(OrganizationFactory):
    kind = Organization.Kind.VENDOR
    name = factory.Sequence(lambda n: f"Vendor {n} Intelligent Technology")


class EnterpriseFactory(OrganizationFactory):
    kind = Organization.Kind.ENTERPRISE
    name = factory.Sequence(lambda n: f"Enterprise {n} Machinery")


class OperatorFactory(OrganizationFactory):
    kind = Organization.Kind.OPERATOR
    name = factory.Sequence(lambda n: f"Operator {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(VendorFactory)
    role = Membership.Role.OWNER


class EnterpriseProfileFactory(DjangoModelFactory):
    class Meta:
        model = EnterpriseProfile

    organization = factory.SubFactory(EnterpriseFactory)
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="machine-tools"))
    size = "medium"
    maturity_level = 1




class SolutionFactory(DjangoModelFactory):
    """A complete solution (passes submission checks). Pass taxonomy codes as lists:
    SolutionFactory(scenarios=["2025-28"], industries=["machine-tools"])."""

    class Meta:
        model = Solution
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    language = "en"
    title_en = factory.Sequence(lambda n: f"Predictive maintenance suite {n}")
    title_zh = factory.Sequence(lambda n: f"预测性维护套件{n}")
    summary_en = "Condition monitoring and failure prediction for CNC machine tools."
    summary_zh = "面向数控机床的状态监测与故障预测。"
    description_en = "Vibration sensors, edge gateway and **AI models** predict spindle failures."
    description_zh = "振动传感器、边缘网关和人工智能模型预测主轴故障。"
    maturity_from = 1
    maturity_to = 3
    deployment = Solution.Deployment.HYBRID
    price_min_cny = Decimal("300000")
    price_max_cny = Decimal("1200000")
    delivery_weeks = 12

    @factory.post_generation
    def scenarios(obj, create, extracted, **kwargs):
        if create:
            obj.scenarios.set(Scenario.objects.filter(code__in=extracted or ["2025-28"]))

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):
        if create:
            obj.industries.set(Industry.objects.filter(code__in=extracted or ["machine-tools"]))

    @factory.post_generation
    def technologies(obj, create, extracted, **kwargs):
        if create:
            obj.technologies.set(Technology.objects.filter(code__in=extracted or ["iiot"]))

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if create:
            obj.regions.set(Region.objects.filter(code__in=extracted or ["CN-JS", "CN-ZJ"]))


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    language = "en"
    title = "Cut unplanned downtime of our CNC lines"
    description = "Spindle failures stop the machining line; we want predictive maintenance."
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="machine-tools"))
    region = factory.LazyFunction(lambda: Region.objects.get(code="CN-ZJ"))
    current_level = 1
    target_level = 2
    budget_max_cny = Decimal("800000")
