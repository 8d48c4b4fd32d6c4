"""Attachments API: documents a vendor attaches to a solution as evidence.

Who sees what and when they may change follows catalog.attachments; this module only shapes
requests and responses."""

from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.api.policy import Access
from catalog import attachments as services
from catalog import selectors
from catalog.api.filters import IdFilter
from catalog.models import Attachment, Solution
from core.api.conditional import ConditionalRequestMixin
from core.files import private_file_response


class AttachmentSerializer(serializers.ModelSerializer):
    solution = serializers.PrimaryKeyRelatedField(
        queryset=Solution.objects.none(),  # narrowed to what the requesting user sees
        help_text="The solution the document is evidence for.",
    )
    file = serializers.FileField(
        write_only=True,
        help_text="PDF, PNG, JPEG or an Office document (docx, xlsx, pptx), recognised by its "
                  "content; at most settings.ATTACHMENT_MAX_BYTES.",
    )
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               help_text="Who uploaded it (username).")
    content_type = serializers.CharField(read_only=True,
                                         help_text="Detected from the file's content.")
    size = serializers.IntegerField(read_only=True, help_text="In bytes.")
    download = serializers.SerializerMethodField(
        help_text="Where to download the file; it is never reachable by a storage path.")

    class Meta:
        model = Attachment
        fields = ["id", "solution", "file", "title", "original_name", "content_type", "size",
                  "download", "uploaded_by", "created_at"]
        read_only_fields = ["original_name", "created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_download(self, attachment):
        return reverse("attachment-download", args=[attachment.pk])

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # A solution the user cannot see does not exist for them (400, not 403).
            fields["solution"].queryset = selectors.solutions_visible_to(
                request.user).prefetch_related(None)
        return fields


class AttachmentFilter(filters.FilterSet):
    solution = IdFilter(field_name="solution",
                                    help_text="Only the attachments of this solution.")

    class Meta:
        model = Attachment
        fields = ["solution"]


@extend_schema_view(
    list=extend_schema(summary="Attachments of the solutions you can see"),
    create=extend_schema(
        summary="Attach a document to a solution (the vendor's members)",
        description="Multipart upload. Refused with 400 on `file` when its content is not an "
                    "accepted type (whatever its name), it is too large, or a PDF does not "
                    "open (damaged or password-protected). Allowed on drafts, solutions sent "
                    "back for changes, and published solutions, where the document is "
                    "evidence for the next revision and shown to others once that revision "
                    "is approved.",
    ),
    retrieve=extend_schema(summary="One attachment"),
    destroy=extend_schema(summary="Remove an attachment (the vendor's members)"),
)
class AttachmentViewSet(
    ConditionalRequestMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Documents attached to solutions: everyone sees those of published solutions, a
    vendor's members also those of its drafts, operator staff all. Only the vendor's members
    add or remove them, and not while the solution is in review."""

    serializer_class = AttachmentSerializer
    access = {
        "list": Access.public(),
        "retrieve": Access.public(),
        "download": Access.public(),
        "create": Access.members("vendor", scope="solutions:write"),
        "destroy": Access.members("vendor", scope="solutions:write"),
    }
    parser_classes = [MultiPartParser]
    filterset_class = AttachmentFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["solution", "created_at", "id"]

    def get_queryset(self):
        return services.attachments_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attachment = services.upload_attachment(
            actor=request.user, solution=data["solution"], file=data["file"],
            title=data.get("title", ""),
        )
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_attachment(actor=self.request.user, attachment=instance)

    @extend_schema(summary="The file itself",
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        return private_file_response(attachment.file, filename=attachment.original_name,
                                     content_type=attachment.content_type)
