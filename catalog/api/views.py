from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.policy import Access
from accounts.models import Organization, User
from catalog import selectors, services
from catalog.api.filters import ReviewQueueParams, SolutionFilter
from catalog.api.serializers import (
    TAXONOMY,
    CheckResultSerializer,
    DecisionSerializer,
    ReassignSerializer,
    ReviewDecisionSerializer,
    ReviewEventSerializer,
    ReviewItemSerializer,
    ReviewReasonSerializer,
    RevisionSerializer,
    SolutionSerializer,
    ValidationReportSerializer,
)
from catalog.models import CaseStudy, ReviewReason, SolutionStatus
from core.api.conditional import ConditionalRequestMixin
from core.public_cache import PublicListCacheMixin

CASE_STUDIES = Prefetch(
    "case_studies",
    queryset=CaseStudy.objects.select_related("industry", "region").prefetch_related("outcomes"),
)
VALIDATE_ONLY = OpenApiParameter(
    "validate_only", bool,
    description="Dry run: report every problem at once, without changing state.",
)


def taxonomy_viewset(model, serializer_class):
    """A read-only list/detail endpoint per taxonomy kind, looked up by its code."""
    lookup = "level" if model._meta.pk.name == "level" else "code"
    relations = [f.name for f in model._meta.fields if f.is_relation]

    class TaxonomyViewSet(ConditionalRequestMixin, viewsets.ReadOnlyModelViewSet):
        queryset = model.objects.select_related(*relations)
        access = {"*": Access.public()}
        lookup_field = lookup
        lookup_value_regex = "[^/]+"
        pagination_class = None
        filter_backends = []

    TaxonomyViewSet.serializer_class = serializer_class
    TaxonomyViewSet.__name__ = f"{model.__name__}ViewSet"
    return TaxonomyViewSet


TAXONOMY_VIEWSETS = {name: taxonomy_viewset(*pair) for name, pair in TAXONOMY.items()}


# Who may call the review actions, on solutions and revisions alike. Decisions are taken by
# reviewers under their own name: no API key decides a review.
REVIEW_ACCESS = {
    "submit": Access.members("vendor", scope="solutions:write"),
    "approve": Access.people_only("reviewer"),
    "request_changes": Access.people_only("reviewer"),
    "reject": Access.people_only("reviewer"),
    "reassign": Access.people_only("reviewer", "operator_admin"),
    "checks": Access.members("vendor", "reviewer", "operator", scope="catalog:read",
                             keys={"vendor"}),
    "history": Access.members("vendor", "reviewer", "operator", scope="catalog:read",
                              keys={"vendor"}),
}


class ReviewActionsMixin:
    """Submit (or dry-run), and the reviewer's decisions, for solutions and revisions alike."""

    def _respond(self, subject):
        subject = self.get_queryset().get(pk=subject.pk)
        return Response(self.get_serializer(subject).data)

    def _decision(self, request):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _review_decision(self, request, to_status):
        """The subject and the decision's input, refusing in this order: 404 unseen, 409 not
        in review, 403 not a reviewer from outside the vendor, then 400 for the input."""
        subject = self.get_object()
        services.check_decision(actor=request.user, subject=subject, to_status=to_status)
        serializer = ReviewDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = dict(serializer.validated_data)
        decision["seen_submitted_at"] = decision.pop("submitted_at")
        return subject, decision

    @extend_schema(request=None, parameters=[VALIDATE_ONLY],
                   responses={200: ValidationReportSerializer, 400: ValidationReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        subject = self.get_object()
        if request.query_params.get("validate_only", "").lower() in {"1", "true", "yes"}:
            if not people.is_member(request.user, subject.vendor):
                raise PermissionDenied("Only the vendor's members can check a submission.")
            problems = services.validate_submission(subject)
            return Response({"valid": not problems, "problems": problems})
        self.submit_subject(request.user, subject)
        return self._respond(subject)

    @extend_schema(request=ReviewDecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        subject, decision = self._review_decision(request, SolutionStatus.APPROVED)
        decision.pop("reason_codes")
        return self._respond(services.approve(actor=request.user, subject=subject, **decision))

    @extend_schema(request=ReviewDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        subject, decision = self._review_decision(request, SolutionStatus.CHANGES_REQUESTED)
        return self._respond(services.request_changes(actor=request.user, subject=subject,
                                                      **decision))

    @extend_schema(request=ReviewDecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        subject, decision = self._review_decision(request, SolutionStatus.REJECTED)
        return self._respond(services.reject(actor=request.user, subject=subject, **decision))

    @extend_schema(request=ReassignSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subject = services.reassign_reviewer(actor=request.user, subject=self.get_object(),
                                             reviewer=serializer.validated_data["reviewer"])
        return self._respond(subject)

    def internals_subject(self):
        """The subject whose review internals are asked for: a 404 for anyone who may not
        see them, as for anything else they may not see (catalog.selectors)."""
        subject = self.get_object()
        if not selectors.may_see_review_internals(self.request.user, subject):
            raise NotFound()
        return subject

    def paginated(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(responses={200: CheckResultSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def checks(self, request, pk=None):
        """Results of the automated pre-checks, the latest submission first. The vendor's
        members and operator staff only."""
        return self.paginated(selectors.check_results_of(self.internals_subject()),
                              CheckResultSerializer)


class SolutionViewSet(
    PublicListCacheMixin,
    ConditionalRequestMixin,
    ReviewActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Solutions: published ones for everyone, drafts for their vendor, all for operators.

    Status changes go through the actions (submit, approve, request-changes, reject, archive),
    each a transition of the review workflow. Editing a published solution answers 202 with
    the revision that now holds the change: the live version stays until that is approved."""

    serializer_class = SolutionSerializer
    filterset_class = SolutionFilter
    ordering_fields = ["updated_at", "published_at", "id"]
    ordering = ["-updated_at", "-id"]
    access = {
        **REVIEW_ACCESS,
        "list": Access.public(),
        "retrieve": Access.public(),
        "create": Access.members("vendor", scope="solutions:write"),
        "update": Access.members("vendor", "operator", scope="solutions:write",
                                 keys={"vendor"}),
        "partial_update": Access.members("vendor", "operator", scope="solutions:write",
                                         keys={"vendor"}),
        "archive": Access.members("vendor", "operator", scope="solutions:write",
                                  keys={"vendor"}),
        "revisions": Access.members("vendor", "reviewer", "operator", scope="catalog:read",
                                    keys={"vendor"}),
    }

    def shares_public_answer(self, request):
        # Enterprises, their keys and anonymous readers see the published catalog alike;
        # vendors (their drafts too) and operators (everything) do not.
        return selectors.sees_only_published(request.user)

    def get_queryset(self):
        visible = selectors.solutions_visible_to(self.request.user)
        if self.action in ("history", "checks", "revisions"):
            return visible  # the action reads what it shows itself
        if self.action == "list":
            # A list shows no review history or check results: prefetch only what it shows.
            return visible.prefetch_related(CASE_STUDIES)
        return selectors.with_details(visible)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        vendor = data.pop("vendor", None) or people.acting_organization(
            self.request.user, Organization.Kind.VENDOR,
            "Only members of a solution provider create solutions.")
        serializer.instance = services.create_solution(
            actor=self.request.user, vendor=vendor, data=data
        )

    @extend_schema(responses={200: SolutionSerializer, 202: RevisionSerializer})
    def update(self, request, *args, **kwargs):
        solution = self.get_object()
        if solution.status != "published":
            return super().update(request, *args, **kwargs)
        serializer = self.get_serializer(solution, data=request.data,
                                         partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("vendor", None)
        revision = services.propose_change(actor=request.user, solution=solution, data=data)
        return Response(RevisionSerializer(revision).data, status=status.HTTP_202_ACCEPTED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("vendor", None)
        serializer.instance = services.update_solution(
            actor=self.request.user, solution=serializer.instance, data=data
        )

    def submit_subject(self, user, solution):
        services.submit_solution(actor=user, solution=solution)

    @extend_schema(request=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        solution = services.archive_solution(actor=request.user, solution=self.get_object(),
                                             comment=self._decision(request)["comment"])
        return self._respond(solution)

    @extend_schema(responses={200: ReviewEventSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """The review trail of the listing and its revisions, oldest first: who moved it,
        from what to what, with which reasons and comment. The vendor's members and operator
        staff only."""
        return self.paginated(selectors.review_history_of(self.internals_subject()),
                              ReviewEventSerializer)

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def revisions(self, request, pk=None):
        """Changes to this live listing, the latest first. The vendor's members and operator
        staff only."""
        solution = self.get_object()
        if not selectors.may_see_review_internals(request.user, solution):
            raise PermissionDenied("Revisions are seen by the vendor and operator staff.")
        return self.paginated(selectors.revisions_of(solution), RevisionSerializer)


class RevisionViewSet(ConditionalRequestMixin, ReviewActionsMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Changes to live solutions, with their field-by-field diff; same review as listings."""

    serializer_class = RevisionSerializer
    access = {
        **REVIEW_ACCESS,
        "retrieve": Access.members("vendor", "reviewer", "operator", scope="catalog:read",
                                   keys={"vendor"}),
        "withdraw": Access.members("vendor", scope="solutions:write"),
    }

    def get_queryset(self):
        return selectors.revisions_visible_to(self.request.user)

    def submit_subject(self, user, revision):
        services.submit_revision(actor=user, revision=revision)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        revision = services.withdraw_revision(actor=request.user, revision=self.get_object())
        return self._respond(revision)


class ReviewQueueView(GenericAPIView):
    """Everything awaiting review, new listings and changes to live ones (revisions), earliest
    deadline first, with time left. Operator staff only.

    Filters: `status` (submitted | in_review), `scenario` (code), `sla` (on_track | due_soon |
    overdue), `assignee` (a username, or `me`)."""

    serializer_class = ReviewItemSerializer
    access = {"get": Access.members("reviewer", "operator", scope="reviews:read",
                                    keys={"operator"})}
    filter_backends = []

    @extend_schema(parameters=[
        OpenApiParameter("status", str, enum=["submitted", "in_review"]),
        OpenApiParameter("scenario", str),
        OpenApiParameter("sla", str, enum=["on_track", "due_soon", "overdue"]),
        OpenApiParameter("assignee", str, description="A reviewer's username, or `me`."),
    ], responses=ReviewItemSerializer(many=True))
    def get(self, request):
        params = ReviewQueueParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        options = dict(params.validated_data)
        assignee = options.pop("assignee", None)
        if assignee == "me":
            # An operator's key is nobody's reviewer: "me" has nothing assigned.
            options["reviewer"] = request.user if people.is_person(request.user) else None
        elif assignee:
            options["reviewer"] = User.objects.filter(username=assignee).first()
        # Nobody by that name has nothing assigned (reviewer=None would mean "anyone").
        unknown = bool(assignee) and options.get("reviewer") is None
        items = [] if unknown else selectors.review_items(**options)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ReviewReasonViewSet(ConditionalRequestMixin, viewsets.ReadOnlyModelViewSet):
    """The maintained list of reasons for requesting changes or rejecting."""

    serializer_class = ReviewReasonSerializer
    access = {"*": Access.public()}
    pagination_class = None
    lookup_field = "code"
    filterset_fields = ["applies_to"]

    def get_queryset(self):
        return ReviewReason.objects.filter(is_active=True)


