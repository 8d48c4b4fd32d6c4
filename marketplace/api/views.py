import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.permissions import HasAPIKeyScope
from accounts.models import Organization
from marketplace import selectors, services
from marketplace.models import Need

from .serializers import MatchSerializer, NeedSerializer, QuoteRequestSerializer, QuoteSerializer


def _acting_org(user, kind, what):
    organization = people.primary_organization(user, kind)
    if organization is None:
        raise PermissionDenied(f"Only members of a{'n' if kind[0] in 'aeiou' else ''} "
                               f"{kind} organisation can {what}.")
    return organization


class NeedFilter(django_filters.FilterSet):
    industry = django_filters.CharFilter(field_name="industry__code")
    region = django_filters.CharFilter(field_name="region__code")
    scenario = django_filters.CharFilter(field_name="scenarios__code")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Need
        fields = ["status", "industry", "region", "scenario"]


class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """An enterprise's needs, with their ranked matches. Visible to its members only."""

    serializer_class = NeedSerializer
    permission_classes = [permissions.IsAuthenticated, HasAPIKeyScope]
    filterset_class = NeedFilter
    ordering_fields = ["created_at", "updated_at"]
    required_scopes = {"read": "catalog:read", "write": "needs:write"}

    def get_queryset(self):
        return selectors.needs_visible_to(self.request.user)

    def perform_create(self, serializer):
        enterprise = _acting_org(self.request.user, Organization.Kind.ENTERPRISE, "post needs")
        serializer.instance = services.post_need(
            actor=self.request.user, enterprise=enterprise, data=serializer.validated_data
        )

    @extend_schema(responses={200: MatchSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        need = self.get_object()
        return Response(MatchSerializer(selectors.matches_for(need), many=True).data)

    @extend_schema(request=None, responses={200: NeedSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        need = services.close_need(actor=request.user, need=self.get_object())
        return Response(self.get_serializer(need).data)


class QuoteRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Requests for quotes: sent by an enterprise to one or several vendors."""

    serializer_class = QuoteRequestSerializer
    permission_classes = [permissions.IsAuthenticated, HasAPIKeyScope]
    filterset_fields = ["status", "need"]
    required_scopes = {"read": "catalog:read", "write": "quotes:write"}

    def get_queryset(self):
        return selectors.quote_requests_visible_to(self.request.user)

    def perform_create(self, serializer):
        enterprise = _acting_org(self.request.user, Organization.Kind.ENTERPRISE,
                                 "request quotes")
        serializer.instance = services.request_quotes(
            actor=self.request.user, enterprise=enterprise, **serializer.validated_data
        )

    @extend_schema(responses={200: QuoteSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def quotes(self, request, pk=None):
        quote_request = self.get_object()
        quotes = selectors.quotes_visible_to(request.user).filter(request=quote_request)
        return Response(QuoteSerializer(quotes, many=True).data)


class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   viewsets.GenericViewSet):
    """Vendors' quotes: seen by the quoting vendor and the asking enterprise."""

    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated, HasAPIKeyScope]
    filterset_fields = ["status", "request"]
    required_scopes = {"read": "catalog:read", "write": "quotes:write"}

    def get_queryset(self):
        return selectors.quotes_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        request = data.pop("request")
        if not selectors.quote_requests_visible_to(self.request.user).filter(
            pk=request.pk
        ).exists():
            raise PermissionDenied("Your organisation was not asked for a quote.")
        vendor = request.vendors.filter(memberships__user=self.request.user).first()
        if vendor is None:
            raise PermissionDenied("Your organisation was not asked for a quote.")
        serializer.instance = services.submit_quote(
            actor=self.request.user, request=request, vendor=vendor, **data
        )

    @extend_schema(request=None, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        quote = services.accept_quote(actor=request.user, quote=self.get_object())
        return Response(self.get_serializer(quote).data)


