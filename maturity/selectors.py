"""Reads of the maturity app, each scoped to what the reader may see.

An assessment is private to its enterprise's members and the operator's staff. A factory's
registration and evidence likewise; once verified, the factory itself (not its evidence) is
listed publicly, as the plan's registry of smart factories."""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from accounts import selectors as people
from accounts.models import Organization

from .models import (
    Answer,
    Assessment,
    FactoryEvidence,
    MaturityModel,
    SmartFactory,
    Statement,
    SubDomain,
)


def _count_of(model, field):
    """A correlated COUNT: cheaper than a join and GROUP BY over every selected column."""
    return Coalesce(Subquery(
        model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
        .annotate(n=Count("pk")).values("n")
    ), 0)


def assessments_visible_to(user):
    # The model version's `source` is the whole loaded file: never needed per assessment.
    qs = (Assessment.objects.select_related("enterprise", "model").defer("model__source")
          .annotate(answer_count=_count_of(Answer, "assessment"))
          .order_by("-created_at", "-pk"))
    if people.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(people.in_organizations_of(user, "enterprise", Organization.Kind.ENTERPRISE))


def assessment_detail(queryset):
    """With the answers and not-applicable marks the API's detail shows."""
    return queryset.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("statement")),
        Prefetch("not_applicable", queryset=SubDomain.objects.only("pk", "code")),
    )


def open_assessment_of(enterprise):
    return (Assessment.objects.select_related("model").defer("model__source")
            .filter(enterprise=enterprise, status=Assessment.Status.IN_PROGRESS).first())


def completed_assessments_of(enterprise):
    return (Assessment.objects.select_related("model").defer("model__source")
            .filter(enterprise=enterprise, status=Assessment.Status.COMPLETED)
            .order_by("-completed_at", "-pk"))


def latest_assessment_of(enterprise):
    """The enterprise's latest completed assessment: its level. None if never assessed."""
    return Assessment.objects.filter(enterprise=enterprise, is_latest=True).first()


def questionnaire(assessment):
    """The assessment's sub-domains in model order, each with its statements, whether it is
    marked not applicable and how many of its statements are answered; plus the answers
    ({statement id: value}). Four queries."""
    answers = dict(assessment.answers.values_list("statement_id", "value"))
    excluded = set(assessment.not_applicable.values_list("pk", flat=True))
    subdomains = list(
        SubDomain.objects.filter(model_id=assessment.model_id)
        .select_related("domain__element")
        .prefetch_related(Prefetch("statements", queryset=Statement.objects.order_by(
            "level", "position")))
    )
    for subdomain in subdomains:
        statements = list(subdomain.statements.all())
        subdomain.is_excluded = subdomain.pk in excluded
        subdomain.statement_count = len(statements)
        subdomain.answered_count = sum(1 for s in statements if s.pk in answers)
        subdomain.is_done = subdomain.is_excluded or (
            subdomain.answered_count == subdomain.statement_count)
    return subdomains, answers


def maturity_models():
    return MaturityModel.objects.defer("source")


def maturity_model_detail(queryset):
    return queryset.prefetch_related(
        Prefetch("subdomains", queryset=SubDomain.objects.select_related("domain__element")
                 .prefetch_related("scenarios", Prefetch(
                     "statements", queryset=Statement.objects.order_by("level", "position")))),
    )


FACTORY_RELATIONS = ("enterprise", "region", "industry", "tier", "assessment", "decided_by")


def factories_visible_to(user):
    """Verified factories for everyone; an enterprise's members also see its other
    registrations; operators see all."""
    qs = (SmartFactory.objects.select_related(*FACTORY_RELATIONS)
          .defer("assessment__result")
          .annotate(evidence_count=_count_of(FactoryEvidence, "factory"))
          .order_by("-created_at", "-pk"))
    if people.is_operator(user):
        return qs
    visible = Q(status=SmartFactory.Status.VERIFIED)
    if user.is_authenticated:
        visible |= people.in_organizations_of(user, "enterprise", Organization.Kind.ENTERPRISE)
    return qs.filter(visible)


def can_manage_factory(user, factory):
    """Members of the factory's enterprise and operators see its evidence and history."""
    return people.is_operator(user) or people.is_member(user, factory.enterprise)


def evidence_visible_to(user):
    qs = FactoryEvidence.objects.select_related("factory__enterprise")
    if people.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(people.in_organizations_of(user, "factory__enterprise",
                                                Organization.Kind.ENTERPRISE))
