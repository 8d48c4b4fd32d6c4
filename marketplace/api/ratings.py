"""Ratings API: rating delivered work, the vendor's reply, operator staff hiding, and
aggregates."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.api.policy import Access
from accounts.models import Organization
from catalog.models import Solution
from core.api.conditional import ConditionalRequestMixin
from marketplace import selectors, services

from .serializers import (
    RatingHideSerializer,
    RatingReplySerializer,
    RatingSerializer,
    RatingSummarySerializer,
)


class RatingViewSet(ConditionalRequestMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Ratings of delivered work: only the enterprise that accepted a quote rates it; the
    vendor replies once; operator staff hide abusive ones with a reason."""

    serializer_class = RatingSerializer
    filterset_fields = ["vendor", "solution"]
    access = {
        "list": Access.signed_in("catalog:read"),
        "retrieve": Access.signed_in("catalog:read"),
        "summary": Access.signed_in("catalog:read"),
        "create": Access.members("enterprise", scope="quotes:write"),
        "reply": Access.members("vendor", scope="quotes:write"),
        "hide": Access.people_only("operator"),
    }

    def get_queryset(self):
        return selectors.ratings_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        quote = data.pop("quote")
        if not selectors.quotes_visible_to(self.request.user).filter(pk=quote.pk).exists():
            raise PermissionDenied("Only an enterprise that accepted this quote rates it.")
        text = data.pop("text", "")
        serializer.instance = services.rate(actor=self.request.user, quote=quote, scores=data,
                                            text=text)

    @extend_schema(request=RatingReplySerializer, responses={200: RatingSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        incoming = RatingReplySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rating = services.reply_to_rating(actor=request.user, rating=self.get_object(),
                                          text=incoming.validated_data["text"])
        return Response(self.get_serializer(rating).data)

    @extend_schema(request=RatingHideSerializer, responses={200: RatingSerializer})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        incoming = RatingHideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rating = services.hide_rating(actor=request.user, rating=self.get_object(),
                                      reason=incoming.validated_data["reason"])
        return Response(self.get_serializer(rating).data)

    @extend_schema(responses={200: RatingSummarySerializer}, parameters=[
        OpenApiParameter("vendor", int, description="A vendor's id (this or solution)."),
        OpenApiParameter("solution", int, description="A solution's id (this or vendor)."),
    ])
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Aggregates of the visible ratings: ?vendor=<id> and/or ?solution=<id>."""
        vendor = solution = None
        if request.query_params.get("vendor"):
            vendor = get_object_or_404(Organization, pk=_int(request, "vendor"),
                                       kind=Organization.Kind.VENDOR)
        if request.query_params.get("solution"):
            solution = get_object_or_404(Solution, pk=_int(request, "solution"))
        if vendor is None and solution is None:
            raise ValidationError({"vendor": ["Give a vendor or a solution."]})
        return Response(RatingSummarySerializer(
            selectors.rating_summary(vendor=vendor, solution=solution)).data)


def _int(request, name):
    try:
        return int(request.query_params[name])
    except ValueError:
        raise ValidationError({name: ["A whole number."]}) from None
