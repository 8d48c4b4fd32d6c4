"""Message threads API: the two parties' threads and files; operator staff read one for a
dispute, logged."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts import selectors as people
from accounts.api.policy import Access
from core.api.conditional import ConditionalRequestMixin
from core.files import private_file_response
from marketplace import selectors, services
from marketplace.models import MessageAttachment, MessageThread

from .access import PARTIES
from .pages import paginated
from .serializers import (
    DisputeReadSerializer,
    MessageAttachmentSerializer,
    MessageBodySerializer,
    MessageSerializer,
    MessageThreadSerializer,
    NewMessageSerializer,
)


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
            people.in_organizations_of(request.user, "pk")).first()
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
