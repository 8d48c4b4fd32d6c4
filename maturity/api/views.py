"""The maturity API: model versions, assessments (start, save progress, complete, results),
the smart-factory registry, and the targets' figures and gap map."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.policy import Access
from accounts.models import Organization
from core.api.conditional import ConditionalRequestMixin
from core.api.filters import CodeFilter, UpdatedSinceFilter

from .. import progress, selectors, services
from ..models import Assessment, SmartFactory
from ..recommendations import quote_url, recommend
from ..results import assessment_results
from .serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    DashboardSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    FactoryDecisionSerializer,
    FactorySerializer,
    GapSerializer,
    MaturityModelDetailSerializer,
    MaturityModelSerializer,
    ProgressSerializer,
    ResultsSerializer,
    SummarySerializer,
)

# No API key scope lets a partner write assessments or factories yet: they are written by
# the enterprise's own people, signed in. (Add "maturity:write" to the key scopes to open it.)


class MaturityModelViewSet(ConditionalRequestMixin, viewsets.ReadOnlyModelViewSet):
    """The versions of the maturity model, each with its sub-domains and statements."""

    access = {"*": Access.public()}
    lookup_field = "version"
    lookup_value_regex = "[^/]+"
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.maturity_model_detail(selectors.maturity_models())
        return selectors.maturity_models()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return MaturityModelDetailSerializer
        return MaturityModelSerializer


def results_data(assessment):
    figures = assessment_results(assessment)
    recommendations = recommend(assessment.enterprise, figures["weakest"])

    def row_data(row):
        return {"code": row.subdomain.code, "name": row.subdomain.name,
                "domain": row.subdomain.domain.code, "applicable": row.applicable,
                "level": row.level, "score": row.score}

    return {
        "id": assessment.pk,
        "model_version": assessment.model.version,
        "level": assessment.level,
        "score": assessment.score,
        "level_scores": figures["level_scores"],
        "domains": [{"code": domain.code, "name": domain.name, "score": score}
                    for domain, score in figures["domains"]],
        "subdomains": [row_data(row) for row in figures["subdomains"]],
        "weakest": [
            {**row_data(item["row"]), "target_level": item["target_level"],
             "scenarios": [{"code": s.code, "name": s.name} for s in item["scenarios"]],
             "matches": [{"solution_id": m.solution.pk, "title": m.solution.title,
                          "vendor": m.solution.vendor.display_name, "score": m.score,
                          "reasons": m.reasons, "quote_url": quote_url(m.solution)}
                         for m in item["matches"]],
             "need_url": item["need_url"]}
            for item in recommendations
        ],
    }


class AssessmentFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Assessment
        fields = ["status", "is_latest"]


class AssessmentViewSet(ConditionalRequestMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """An enterprise's self-assessments: private to its members and the operator's staff.

    POST to the list starts one (or returns the open one); `progress` saves answers as you
    go; `complete` scores it; `results` gives the level, the scores and what addresses the
    weakest sub-domains."""

    filterset_class = AssessmentFilter
    ordering_fields = ["created_at", "completed_at"]
    access = {
        "list": Access.members("enterprise", "operator", scope="catalog:read",
                               keys={"enterprise"}),
        "retrieve": Access.members("enterprise", "operator", scope="catalog:read",
                                   keys={"enterprise"}),
        "results": Access.members("enterprise", "operator", scope="catalog:read",
                                  keys={"enterprise"}),
        "create": Access.members("enterprise", scope="maturity:write"),
        "progress": Access.members("enterprise", scope="maturity:write"),
        "complete": Access.members("enterprise", scope="maturity:write"),
    }

    def get_queryset(self):
        qs = selectors.assessments_visible_to(self.request.user)
        if self.action == "retrieve":
            return selectors.assessment_detail(qs)
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return AssessmentDetailSerializer
        return AssessmentSerializer

    @extend_schema(request=None, responses={201: AssessmentSerializer,
                                            200: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        enterprise = people.acting_organization(
            request.user, Organization.Kind.ENTERPRISE,
            _("Only members of an enterprise can assess its maturity."))
        assessment, created = services.start_assessment(actor=request.user,
                                                        enterprise=enterprise)
        found = self.get_queryset().get(pk=assessment.pk)
        return Response(AssessmentSerializer(found).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=ProgressSerializer, responses={200: AssessmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        assessment = self.get_object()
        body = ProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.save_progress(actor=request.user, assessment=assessment,
                               answers=body.validated_data.get("answers"),
                               not_applicable=body.validated_data.get("not_applicable"))
        found = selectors.assessment_detail(self.get_queryset()).get(pk=assessment.pk)
        return Response(AssessmentDetailSerializer(found).data)

    @extend_schema(request=None, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        assessment = services.complete_assessment(actor=request.user,
                                                  assessment=self.get_object())
        return Response(AssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data)

    @extend_schema(responses={200: ResultsSerializer})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        assessment = self.get_object()
        if not assessment.is_completed:
            return Response({"type": "about:blank#not-completed", "title": _("Not completed"),
                             "status": 409,
                             "detail": _("The assessment is not completed yet.")},
                            status=status.HTTP_409_CONFLICT,
                            content_type="application/problem+json")
        return Response(ResultsSerializer(results_data(assessment)).data)


class FactoryFilter(django_filters.FilterSet):
    tier = CodeFilter(field_name="tier__code")
    region = CodeFilter(field_name="region__code")
    industry = CodeFilter(field_name="industry__code")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = SmartFactory
        fields = ["status", "tier", "region", "industry", "year"]


class FactoryViewSet(ConditionalRequestMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The smart-factory registry. Verified factories are public; an enterprise's members see
    and register its own; operators verify or reject."""

    serializer_class = FactorySerializer
    filterset_class = FactoryFilter
    ordering_fields = ["created_at", "year"]
    access = {
        "list": Access.public(),
        "retrieve": Access.public(),
        "create": Access.members("enterprise", scope="maturity:write"),
        "evidence": Access.members("enterprise", "operator", scope="maturity:write",
                                   keys={"enterprise"}),
        "resubmit": Access.members("enterprise", "operator", scope="maturity:write",
                                   keys={"enterprise"}),
        # Verifying is operator staff's judgement, taken by a person.
        "verify": Access.people_only("operator"),
        "reject": Access.people_only("operator"),
    }

    def get_queryset(self):
        return selectors.factories_visible_to(self.request.user)

    def perform_create(self, serializer):
        enterprise = people.acting_organization(
            self.request.user, Organization.Kind.ENTERPRISE,
            _("Only members of an enterprise can register its factories."))
        factory = services.register_factory(actor=self.request.user, enterprise=enterprise,
                                            **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=factory.pk)

    def _respond(self, factory):
        return Response(self.get_serializer(self.get_queryset().get(pk=factory.pk)).data)

    def _managed(self):
        factory = self.get_object()
        if not selectors.can_manage_factory(self.request.user, factory):
            raise PermissionDenied(_("Only the factory's enterprise and the operator can do "
                                     "this."))
        return factory

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        factory = self._managed()
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = services.add_evidence(actor=request.user, factory=factory,
                                         upload=body.validated_data["file"],
                                         title=body.validated_data["title"])
        return Response(EvidenceSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FactoryDecisionSerializer, responses={200: FactorySerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        body = FactoryDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        factory = services.verify_factory(actor=request.user, factory=self._managed(),
                                          note=body.validated_data["note"])
        return self._respond(factory)

    @extend_schema(request=FactoryDecisionSerializer, responses={200: FactorySerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = FactoryDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        factory = services.reject_factory(actor=request.user, factory=self._managed(),
                                          note=body.validated_data["note"])
        return self._respond(factory)

    @extend_schema(request=None, responses={200: FactorySerializer})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        factory = services.resubmit_factory(actor=request.user, factory=self._managed())
        return self._respond(factory)


class _OperatorOnly(GenericAPIView):
    """The operator's figures: its staff, and its own API keys with catalog:read."""

    access = {"get": Access.members("operator", scope="catalog:read")}
    filter_backends = []
    pagination_class = None


class TargetsView(_OperatorOnly):
    """Progress toward each plan target, national and by region and industry, the enterprises'
    levels, factories by tier, the gap map and the monthly trend. Operator staff only."""

    serializer_class = DashboardSerializer

    def get(self, request):
        return Response(DashboardSerializer(progress.dashboard_figures()).data)


class TargetsSummaryView(GenericAPIView):
    """The national progress toward each plan target and the monthly trend. Public."""

    serializer_class = SummarySerializer
    access = {"get": Access.public()}
    filter_backends = []
    pagination_class = None

    def get(self, request):
        return Response(SummarySerializer(progress.summary_figures()).data)


class GapMapView(_OperatorOnly):
    """Per scenario, open needs against published solutions, the worst gaps first.
    Operator staff only."""

    serializer_class = GapSerializer

    @extend_schema(responses={200: GapSerializer(many=True)})
    def get(self, request):
        return Response(GapSerializer(progress.gap_map(), many=True).data)
