import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.policy import Access
from accounts.models import Organization
from catalog.models import Solution
from config.api import PROBLEM_CONTENT_TYPE, CodeFilter, ConditionalRequestMixin, UpdatedSinceFilter
from config.files import private_file_response
from marketplace import selectors, services
from marketplace.models import MessageAttachment, MessageThread, Need, Quote
from marketplace.workflow import StaleVersion

from .serializers import (
    DisputeReadSerializer,
    MatchSerializer,
    MessageAttachmentSerializer,
    MessageBodySerializer,
    MessageSerializer,
    MessageThreadSerializer,
    NeedSerializer,
    NewMessageSerializer,
    ProposalSerializer,
    QuoteAcceptSerializer,
    QuoteComparisonSerializer,
    QuoteDeclineSerializer,
    QuoteRequestSerializer,
    QuoteRevisionSerializer,
    QuoteSerializer,
    QuoteVersionSerializer,
    RatingHideSerializer,
    RatingReplySerializer,
    RatingSerializer,
    RatingSummarySerializer,
    StaleVersionProblemSerializer,
)


def _acting_org(user, kind, what):
    organization = people.primary_organization(user, kind)
    if organization is None:
        raise PermissionDenied(f"Only members of a{'n' if kind[0] in 'aeiou' else ''} "
                               f"{kind} organisation can {what}.")
    return organization


class NeedFilter(django_filters.FilterSet):
    industry = CodeFilter(field_name="industry__code")
    region = CodeFilter(field_name="region__code")
    scenario = CodeFilter(field_name="scenarios__code")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Need
        fields = ["status", "industry", "region", "scenario"]


def paginated(view, rows, serializer_class):
    """A detail action's list as a page object, like every list of the API (and as the
    schema says): `page`/`page_size`, in the order `rows` has."""
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(serializer_class(page, many=True).data)


# Reads of a request for quotes, its quotes and files: its two sides (the selectors show
# each only its own), and operator staff where the selectors allow.
PARTIES = Access.members("enterprise", "vendor", "operator", scope="catalog:read",
                         keys={"enterprise", "vendor"})


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
        enterprise = _acting_org(self.request.user, Organization.Kind.ENTERPRISE, "post needs")
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
        vendor = _acting_org(request.user, Organization.Kind.VENDOR, "read the needs feed")
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
        vendor = _acting_org(request.user, Organization.Kind.VENDOR, "propose")
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
        enterprise = _acting_org(self.request.user, Organization.Kind.ENTERPRISE,
                                 "request quotes")
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
        vendor = request.vendors.filter(memberships__user=self.request.user).first()
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
        try:
            quote = services.accept_quote(actor=request.user, quote=quote,
                                          version=incoming.validated_data["version"])
        except StaleVersion as exc:
            return _stale_version(exc)
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


class MessageThreadViewSet(ConditionalRequestMixin, mixins.ListModelMixin,
                           mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A thread per request for quotes and vendor, seen only by the two parties. Operators read
    one for a dispute through dispute-read/, which logs the access."""

    serializer_class = MessageThreadSerializer
    filterset_fields = ["request"]
    # Threads belong to their two parties; operator staff read one only through dispute-read
    # (logged), and never with a key.
    access = {
        "list": Access.members("enterprise", "vendor", scope="catalog:read"),
        "retrieve": Access.members("enterprise", "vendor", scope="catalog:read"),
        "messages.get": Access.members("enterprise", "vendor", scope="catalog:read"),
        "create": Access.members("enterprise", "vendor", scope="quotes:write"),
        "messages.post": Access.members("enterprise", "vendor", scope="quotes:write"),
        "dispute_read": Access.people_only("operator"),
    }

    def get_queryset(self):
        return selectors.threads_visible_to(self.request.user)

    @extend_schema(request=NewMessageSerializer, responses={201: MessageSerializer})
    def create(self, request):
        incoming = NewMessageSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        quote_request = data["request"]
        if not selectors.quote_requests_visible_to(request.user).filter(
            pk=quote_request.pk
        ).exists():
            raise NotFound()
        vendor = data.get("vendor") or quote_request.vendors.filter(
            memberships__user=request.user).first()
        if vendor is None:
            raise PermissionDenied("Name the vendor this message is for.")
        message = services.post_message(actor=request.user, request=quote_request,
                                        vendor=vendor, body=data.get("body", ""),
                                        files=data.get("attachments", ()))
        return Response(MessageSerializer(message).data, status=201)

    @extend_schema(methods=["get"], responses={200: MessageSerializer(many=True)})
    @extend_schema(methods=["post"], request=MessageBodySerializer,
                   responses={201: MessageSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def messages(self, request, pk=None):
        """The thread's messages, oldest first; posting one adds it at the end."""
        thread = self.get_object()
        if request.method == "GET":
            return paginated(self, selectors.messages_of(thread), MessageSerializer)
        incoming = MessageBodySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        message = services.post_message(actor=request.user, request=thread.request,
                                        vendor=thread.vendor,
                                        body=incoming.validated_data.get("body", ""),
                                        files=incoming.validated_data.get("attachments", ()))
        return Response(MessageSerializer(message).data, status=201)

    @extend_schema(request=DisputeReadSerializer, responses={200: MessageSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="dispute-read")
    def dispute_read(self, request, pk=None):
        """Operator staff read a thread for a dispute; the access and reason are logged."""
        if not people.is_operator(request.user):
            raise NotFound()
        # DRF's get_object_or_404: an id that is not a number is a 404, not a 500.
        thread = generics.get_object_or_404(MessageThread, pk=pk)
        incoming = DisputeReadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        messages = services.read_thread_for_dispute(
            actor=request.user, thread=thread, reason=incoming.validated_data["reason"]
        )
        return Response(MessageSerializer(messages, many=True).data)


class MessageAttachmentViewSet(viewsets.GenericViewSet):
    """A message's file, for the thread's two parties; operator staff download one for a
    dispute with ?reason=…, and the access is logged. Anyone else gets 404."""

    queryset = MessageAttachment.objects.none()
    lookup_value_regex = r"\d+"
    serializer_class = MessageAttachmentSerializer
    access = {"download": PARTIES}

    @extend_schema(
        summary="The file itself",
        parameters=[OpenApiParameter("reason", str, description="Operators: the dispute.")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        try:
            attachment = services.open_message_attachment(
                actor=request.user, attachment=selectors.message_attachment(pk),
                reason=request.query_params.get("reason", ""),
            )
        except (MessageAttachment.DoesNotExist, DjangoPermissionDenied):
            raise Http404 from None
        return private_file_response(attachment.file, filename=attachment.original_name,
                                     content_type=attachment.content_type)


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


def _stale_version(exc):
    return Response(status=409, content_type=PROBLEM_CONTENT_TYPE, data={
        "type": "about:blank#stale-version",
        "title": "Changed since you saw it",
        "status": 409,
        "detail": " ".join(exc.messages),
        "current_version": exc.current,
        "errors": {"version": exc.messages},
    })


def _int(request, name):
    try:
        return int(request.query_params[name])
    except ValueError:
        raise ValidationError({name: ["A whole number."]}) from None
