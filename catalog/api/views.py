from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.permissions import HasAPIKeyScope
from accounts.models import Organization
from catalog import selectors, services
from catalog.api.filters import SolutionFilter
from catalog.api.serializers import (
    TAXONOMY,
    DecisionSerializer,
    ReviewEventSerializer,
    SolutionSerializer,
    ValidationReportSerializer,
)


def taxonomy_viewset(model, serializer_class):
    """A read-only list/detail endpoint per taxonomy kind, looked up by its code."""
    lookup = "level" if model._meta.pk.name == "level" else "code"
    relations = [f.name for f in model._meta.fields if f.is_relation]

    class TaxonomyViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = model.objects.select_related(*relations)
        permission_classes = [permissions.AllowAny]
        lookup_field = lookup
        lookup_value_regex = "[^/]+"
        pagination_class = None
        filter_backends = []
        required_scopes = {"read": "catalog:read"}

    TaxonomyViewSet.serializer_class = serializer_class
    TaxonomyViewSet.__name__ = f"{model.__name__}ViewSet"
    return TaxonomyViewSet


TAXONOMY_VIEWSETS = {name: taxonomy_viewset(*pair) for name, pair in TAXONOMY.items()}


class SolutionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Solutions: published ones for everyone, drafts for their vendor, all for operators.

    Status changes go through the actions (submit, approve, request-changes, reject, archive),
    each a transition of the review workflow."""

    serializer_class = SolutionSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, HasAPIKeyScope]
    filterset_class = SolutionFilter
    ordering_fields = ["updated_at", "published_at", "id"]
    ordering = ["-updated_at", "-id"]
    required_scopes = {"read": "catalog:read", "write": "solutions:write"}

    def get_queryset(self):
        return selectors.with_details(selectors.solutions_visible_to(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        vendor = data.pop("vendor", None) or people.primary_organization(
            self.request.user, Organization.Kind.VENDOR
        )
        if vendor is None:
            raise PermissionDenied("Only members of a solution provider create solutions.")
        serializer.instance = services.create_solution(
            actor=self.request.user, vendor=vendor, data=data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("vendor", None)
        serializer.instance = services.update_solution(
            actor=self.request.user, solution=serializer.instance, data=data
        )

    def _respond(self, solution, code=status.HTTP_200_OK):
        solution = self.get_queryset().get(pk=solution.pk)
        return Response(self.get_serializer(solution).data, status=code)

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("validate_only", bool, description="Dry run: report "
                                     "every problem without changing state.")],
        responses={200: SolutionSerializer, 400: ValidationReportSerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        solution = self.get_object()
        if request.query_params.get("validate_only", "").lower() in {"1", "true", "yes"}:
            if not people.is_member(request.user, solution.vendor):
                raise PermissionDenied("Only the vendor's members can check a submission.")
            problems = services.submission_problems(solution)
            return Response({"valid": not problems, "problems": problems})
        services.submit_solution(actor=request.user, solution=solution)
        return self._respond(solution)

    @extend_schema(request=DecisionSerializer, responses={200: SolutionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        decision = self._decision(request)
        services.approve_solution(actor=request.user, solution=self.get_object(),
                                  comment=decision["comment"])
        return self._respond(self.get_object())

    @extend_schema(request=DecisionSerializer, responses={200: SolutionSerializer})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        decision = self._decision(request, comment_required=True)
        solution = services.request_changes(actor=request.user, solution=self.get_object(),
                                            **decision)
        return self._respond(solution)

    @extend_schema(request=DecisionSerializer, responses={200: SolutionSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        decision = self._decision(request, comment_required=True)
        solution = services.reject_solution(actor=request.user, solution=self.get_object(),
                                            **decision)
        return self._respond(solution)

    @extend_schema(request=DecisionSerializer, responses={200: SolutionSerializer})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        decision = self._decision(request)
        solution = services.archive_solution(actor=request.user, solution=self.get_object(),
                                             comment=decision["comment"])
        return self._respond(solution)

    @extend_schema(responses={200: ReviewEventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        solution = self.get_object()
        return Response(ReviewEventSerializer(solution.review_events.all(), many=True).data)

    def _decision(self, request, comment_required=False):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if comment_required and not serializer.validated_data["comment"].strip():
            raise ValidationError({"comment": ["Tell the vendor why."]})
        return serializer.validated_data


class ReviewQueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Solutions waiting for review, oldest first. Reviewers and operators only."""

    serializer_class = SolutionSerializer
    required_scopes = {"read": "reviews:write"}
    filterset_class = SolutionFilter

    def get_queryset(self):
        if not people.is_operator(self.request.user):
            raise PermissionDenied("The review queue is for operator staff.")
        queryset = selectors.review_queue()
        if self.request.query_params.get("mine"):
            queryset = queryset.filter(reviewer=self.request.user)
        return selectors.with_details(queryset)

