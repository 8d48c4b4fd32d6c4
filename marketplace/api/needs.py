"""Needs API: an enterprise's needs with their matches and proposals, and vendors' needs
feed."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.policy import Access
from accounts.models import Organization
from core.api.conditional import ConditionalRequestMixin
from core.api.filters import CodeFilter, UpdatedSinceFilter
from marketplace import selectors, services
from marketplace.models import Need

from .pages import paginated
from .serializers import MatchSerializer, NeedSerializer, ProposalSerializer


class NeedFilter(django_filters.FilterSet):
    industry = CodeFilter(field_name="industry__code")
    region = CodeFilter(field_name="region__code")
    scenario = CodeFilter(field_name="scenarios__code")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Need
        fields = ["status", "industry", "region", "scenario"]


class NeedViewSet(ConditionalRequestMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.CreateModelMixin, viewsets.GenericViewSet):
    """An enterprise's needs, with their ranked matches. Visible to its members only."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    ordering_fields = ["created_at", "updated_at"]
    access = {
        "list": Access.signed_in("catalog:read"),
        "retrieve": Access.signed_in("catalog:read"),
        "create": Access.members("enterprise", scope="needs:write"),
        "close": Access.members("enterprise", scope="needs:write"),
        "matches": Access.members("enterprise", "operator", scope="catalog:read",
                                  keys={"enterprise"}),
        "feed": Access.members("vendor", scope="catalog:read"),
        "proposals.get": Access.signed_in("catalog:read", keys={"enterprise", "vendor"}),
        "proposals.post": Access.members("vendor", scope="quotes:write"),
    }

    def get_queryset(self):
        return selectors.needs_visible_to(self.request.user)

    def perform_create(self, serializer):
        enterprise = people.acting_organization(
            self.request.user, Organization.Kind.ENTERPRISE,
            "Only members of an enterprise organisation can post needs.")
        serializer.instance = services.post_need(
            actor=self.request.user, enterprise=enterprise, data=serializer.validated_data
        )

    # filter_backends=[]: the needs' filters and ordering are not the action's; its list
    # keeps its own order (here by rank).
    @extend_schema(responses={200: MatchSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def matches(self, request, pk=None):
        """The need's ranked matches, best first, each with its reasons."""
        need = self.get_object()
        if not selectors.needs_owned_by(request.user).filter(pk=need.pk).exists():
            raise NotFound()
        return paginated(self, selectors.matches_for(need), MatchSerializer)

    @extend_schema(responses={200: NeedSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def feed(self, request):
        """Open public needs fitting the reader's vendor's published solutions."""
        vendor = people.acting_organization(
            request.user, Organization.Kind.VENDOR,
            "Only members of a vendor organisation can read the needs feed.")
        page = self.paginate_queryset(selectors.need_feed_for(vendor))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(methods=["get"], responses={200: ProposalSerializer(many=True)})
    @extend_schema(methods=["post"], request=ProposalSerializer,
                   responses={201: ProposalSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def proposals(self, request, pk=None):
        """Vendors' answers to the need, the latest first: the enterprise sees all, a vendor
        its own."""
        need = self.get_object()
        if request.method == "GET":
            return paginated(self, selectors.proposals_visible_to(request.user, need),
                             ProposalSerializer)
        vendor = people.acting_organization(
            request.user, Organization.Kind.VENDOR,
            "Only members of a vendor organisation can propose.")
        incoming = ProposalSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        proposal = services.propose(actor=request.user, vendor=vendor, need=need,
                                    **incoming.validated_data)
        return Response(ProposalSerializer(proposal).data, status=201)

    @extend_schema(request=None, responses={200: NeedSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        need = services.close_need(actor=request.user, need=self.get_object())
        return Response(self.get_serializer(need).data)
