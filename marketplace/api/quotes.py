"""Requests for quotes and quotes API: asking, comparing, quoting, revising, declining and
accepting at the version seen."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.policy import Access
from accounts.models import Organization
from core.api.conditional import ConditionalRequestMixin
from core.api.filters import UpdatedSinceFilter
from core.api.problems import PROBLEM_CONTENT_TYPE
from marketplace import selectors, services
from marketplace.models import Quote

from .access import PARTIES
from .pages import paginated
from .serializers import (
    QuoteAcceptSerializer,
    QuoteComparisonSerializer,
    QuoteDeclineSerializer,
    QuoteRequestSerializer,
    QuoteRevisionSerializer,
    QuoteSerializer,
    QuoteVersionSerializer,
    StaleVersionProblemSerializer,
)


class QuoteFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Quote
        fields = ["status", "request"]


class QuoteRequestViewSet(ConditionalRequestMixin, mixins.ListModelMixin,
                          mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          viewsets.GenericViewSet):
    """Requests for quotes: sent by an enterprise to one or several vendors."""

    serializer_class = QuoteRequestSerializer
    filterset_fields = ["status", "need"]
    access = {
        "list": PARTIES,
        "retrieve": PARTIES,
        "quotes": PARTIES,
        "create": Access.members("enterprise", scope="quotes:write"),
        "comparison": Access.members("enterprise", "operator", scope="catalog:read",
                                     keys={"enterprise"}),
    }

    def get_queryset(self):
        return selectors.quote_requests_visible_to(self.request.user)

    def perform_create(self, serializer):
        enterprise = people.acting_organization(
            self.request.user, Organization.Kind.ENTERPRISE,
            "Only members of an enterprise organisation can request quotes.")
        serializer.instance = services.request_quotes(
            actor=self.request.user, enterprise=enterprise, **serializer.validated_data
        )

    @extend_schema(responses={200: QuoteSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def quotes(self, request, pk=None):
        """The quotes on the request the reader may see, the lowest total first."""
        quote_request = self.get_object()
        quotes = (selectors.quotes_visible_to(request.user).filter(request=quote_request)
                  .order_by("total_cny", "pk"))
        return paginated(self, quotes, QuoteSerializer)

    @extend_schema(responses={200: QuoteComparisonSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def comparison(self, request, pk=None):
        """The asking enterprise compares the quotes side by side, the lowest total first;
        vendors never see this."""
        quote_request = self.get_object()
        if not (people.is_member(request.user, quote_request.enterprise)
                or people.is_operator(request.user)):
            raise PermissionDenied("Only the asking enterprise compares the quotes.")
        # The fit is worked out for the quotes of the page only.
        page = self.paginate_queryset(selectors.comparison_quotes(quote_request))
        rows = selectors.quote_comparison(quote_request, quotes=page)
        return self.get_paginated_response(QuoteComparisonSerializer(rows, many=True).data)


class QuoteViewSet(ConditionalRequestMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Vendors' quotes: seen by the quoting vendor and the asking enterprise."""

    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter
    access = {
        "list": PARTIES,
        "retrieve": PARTIES,
        "versions": PARTIES,
        "create": Access.members("vendor", scope="quotes:write"),
        "revise": Access.members("vendor", scope="quotes:write"),
        "decline": Access.members("vendor", scope="quotes:write"),
        "accept": Access.members("enterprise", scope="quotes:write"),
    }

    def get_queryset(self):
        return selectors.quotes_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        request = data.pop("request")
        if not selectors.quote_requests_visible_to(self.request.user).filter(
            pk=request.pk
        ).exists():
            raise PermissionDenied("Your organisation was not asked for a quote.")
        vendor = request.vendors.filter(
            people.in_organizations_of(self.request.user, "pk")).first()
        if vendor is None:
            raise PermissionDenied("Your organisation was not asked for a quote.")
        serializer.instance = services.submit_quote(
            actor=self.request.user, request=request, vendor=vendor, **data
        )

    @extend_schema(request=QuoteAcceptSerializer, responses={
        200: QuoteSerializer,
        (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            StaleVersionProblemSerializer,
            description="The vendor revised the quote after the version you name: nothing "
                        "is accepted. GET it again, show it, and accept `current_version`."),
    })
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The asking enterprise accepts the quote at the version it saw; the other quotes on
        the request are declined."""
        quote = self.get_object()
        services.check_may_accept(request.user, quote)  # 403 before the body is judged
        incoming = QuoteAcceptSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        quote = services.accept_quote(actor=request.user, quote=quote,
                                      version=incoming.validated_data["version"])
        return Response(self.get_serializer(quote).data)

    @extend_schema(request=QuoteRevisionSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """The quoting vendor sends a new version; earlier versions stay under versions/."""
        incoming = QuoteRevisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        quote = services.revise_quote(actor=request.user, quote=self.get_object(),
                                      **incoming.validated_data)
        return Response(self.get_serializer(selectors.quotes_visible_to(request.user).get(
            pk=quote.pk)).data)

    @extend_schema(request=QuoteDeclineSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The quoting vendor withdraws its quote, with a reason."""
        incoming = QuoteDeclineSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        quote = services.decline_quote(actor=request.user, quote=self.get_object(),
                                       reason=incoming.validated_data["reason"])
        return Response(self.get_serializer(quote).data)

    @extend_schema(responses={200: QuoteVersionSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def versions(self, request, pk=None):
        """Every version the vendor sent, the first first."""
        quote = self.get_object()
        return paginated(self, quote.versions.order_by("version"), QuoteVersionSerializer)
