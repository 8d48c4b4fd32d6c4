import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import APIKey, Membership, Organization
from config.api import ConditionalRequestMixin, UpdatedSinceFilter

from .permissions import HasAPIKeyScope
from .serializers import (
    APIKeySerializer,
    MeSerializer,
    NewAPIKeySerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = type(request.user).objects.prefetch_related("memberships__organization").get(
            pk=request.user.pk
        )
        return Response(MeSerializer(user).data)


class OrganizationFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Organization
        fields = ["kind", "region"]


class OrganizationViewSet(ConditionalRequestMixin, mixins.UpdateModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    """Solution providers are public; other organisations are seen by their members. Owners
    and admins edit their organisation's profile (PUT / PATCH) through
    accounts.services.update_organization."""

    serializer_class = OrganizationSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = OrganizationFilter
    required_scopes = {"read": "catalog:read", "write": "organization:write"}

    def get_permissions(self):
        if self.request is not None and self.request.method not in permissions.SAFE_METHODS:
            return [permissions.IsAuthenticated(), HasAPIKeyScope()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return OrganizationUpdateSerializer
        return OrganizationSerializer

    @extend_schema(request=OrganizationUpdateSerializer, responses=OrganizationSerializer)
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        organization = self.get_object()
        serializer = OrganizationUpdateSerializer(organization, data=request.data,
                                                  partial=partial)
        serializer.is_valid(raise_exception=True)
        organization = services.update_organization(
            actor=request.user, organization=organization, **serializer.validated_data
        )
        return Response(OrganizationSerializer(organization).data)

    @extend_schema(request=OrganizationUpdateSerializer, responses=OrganizationSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def get_queryset(self):
        user = self.request.user
        public = Organization.objects.filter(kind=Organization.Kind.VENDOR)
        if user.is_authenticated:
            public = public | Organization.objects.filter(memberships__user=user)
        return public.distinct().order_by("name")


class APIKeyViewSet(ConditionalRequestMixin, mixins.ListModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """Keys of the organisations you administer. The raw key is returned once, on creation."""

    serializer_class = APIKeySerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    queryset = APIKey.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        admin_orgs = Membership.objects.filter(
            user=self.request.user, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
        ).values("organization_id")
        return APIKey.objects.filter(organization_id__in=admin_orgs)

    @extend_schema(request=APIKeySerializer, responses={201: NewAPIKeySerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, raw_key = services.create_api_key(actor=request.user, **serializer.validated_data)
        data = NewAPIKeySerializer(key).data
        data["key"] = raw_key
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: APIKeySerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        key = services.revoke_api_key(actor=request.user, key=self.get_object())
        return Response(APIKeySerializer(key).data)
