import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import APIKey, Membership, Organization, User
from core.api.conditional import ConditionalRequestMixin
from core.api.filters import UpdatedSinceFilter

from .authentication import api_key_of
from .policy import KINDS, Access
from .serializers import (
    APIKeySerializer,
    MeSerializer,
    NewAPIKeySerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)

ADMINS = ("vendor_admin", "enterprise_admin", "operator_admin")


def _address(request):
    return request.META.get("REMOTE_ADDR") or None


class MeView(APIView):
    """Who you are: a person with their memberships, or an API key's organisation (its one
    membership) with the key's name, prefix, scopes and expiry."""

    access = {"get": Access.signed_in("catalog:read")}

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = User.objects.prefetch_related("memberships__organization").get(
            pk=request.user.pk
        )
        return Response(MeSerializer(user, context={"api_key": api_key_of(request)}).data)


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
    filterset_class = OrganizationFilter
    access = {
        "list": Access.public(),
        "retrieve": Access.public(),
        "update": Access.members(*ADMINS, scope="organization:write", keys=KINDS),
        "partial_update": Access.members(*ADMINS, scope="organization:write", keys=KINDS),
    }

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
    """Keys of the organisations you administer, or, with a key holding keys:manage, of its
    own organisation. The raw key is returned once, on creation. A key never makes a key
    wider than itself (scopes, expiry) nor revokes one; every creation and revocation is
    recorded with who made it."""

    serializer_class = APIKeySerializer
    pagination_class = None
    queryset = APIKey.objects.none()
    access = {"*": Access.members(*ADMINS, scope="keys:manage", keys=KINDS)}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        key = api_key_of(self.request)
        if key is not None:
            return APIKey.objects.filter(organization_id=key.organization_id)
        admin_orgs = Membership.objects.filter(
            user=self.request.user, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
        ).values("organization_id")
        return APIKey.objects.filter(organization_id__in=admin_orgs)

    @extend_schema(request=APIKeySerializer, responses={201: NewAPIKeySerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        actor_key = api_key_of(request)
        if "organization" not in fields:
            if actor_key is None:
                raise ValidationError({"organization": ["This field is required."]})
            fields["organization"] = actor_key.organization
        key, raw_key = services.create_api_key(
            actor=request.user, actor_key=actor_key, address=_address(request), **fields
        )
        data = NewAPIKeySerializer(key).data
        data["key"] = raw_key
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: APIKeySerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        key = services.revoke_api_key(actor=request.user, key=self.get_object(),
                                      actor_key=api_key_of(request), address=_address(request))
        return Response(APIKeySerializer(key).data)
