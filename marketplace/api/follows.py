"""Follows API: what the signed-in person follows (scenarios, providers, solutions).

Who may follow and what can be followed is marketplace.services.follows' rule; this module
only shapes requests and responses. Give exactly one of `scenario` (its code), `vendor` or
`solution`."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounts.api.policy import Access
from accounts.models import Organization
from catalog.models import Scenario, Solution, SolutionStatus
from core.api.filters import CodeFilter
from marketplace import selectors, services
from marketplace.models import Follow

TARGET_FIELDS = ("scenario", "vendor", "solution")


class FollowSerializer(serializers.ModelSerializer):
    scenario = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Scenario.objects.all(),
        required=False,
        allow_null=True,
        help_text="A scenario's code, e.g. 2025-28.",
    )
    vendor = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind=Organization.Kind.VENDOR),
        required=False,
        allow_null=True,
        help_text="A solution provider's id.",
    )
    solution = serializers.PrimaryKeyRelatedField(
        queryset=Solution.objects.filter(status=SolutionStatus.PUBLISHED),
        required=False,
        allow_null=True,
        help_text="A published solution's id.",
    )
    target_name = serializers.SerializerMethodField(
        help_text="The followed scenario's, provider's or solution's name, in your language."
    )

    class Meta:
        model = Follow
        fields = [
            "id",
            "target_type",
            "scenario",
            "vendor",
            "solution",
            "target_name",
            "created_at",
        ]
        read_only_fields = ["target_type", "created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_target_name(self, follow):
        target = follow.target
        if isinstance(target, Organization):
            return target.display_name
        return target.title if isinstance(target, Solution) else target.name

    def validate(self, attrs):
        given = [name for name in TARGET_FIELDS if attrs.get(name) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"target": ["Give exactly one of scenario, vendor or solution."]}
            )
        return {"target": attrs[given[0]]}


class FollowFilter(django_filters.FilterSet):
    target_type = django_filters.ChoiceFilter(choices=Follow.Target.choices)
    scenario = CodeFilter(field_name="scenario__code")

    class Meta:
        model = Follow
        fields = ["target_type", "scenario", "vendor", "solution"]


@extend_schema(tags=["follows"])
class FollowViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your follows. Members of an enterprise follow scenarios, solution providers and
    published solutions, and are notified of new and changed published solutions there.
    Following again returns the existing follow (200)."""

    serializer_class = FollowSerializer
    filterset_class = FollowFilter
    ordering_fields = ["created_at"]
    # A follow is a person's: it brings notifications to their inbox. An organisation's API
    # key has no inbox, so it follows nothing.
    access = {"create": Access.people_only("enterprise"), "*": Access.people_only()}

    def get_queryset(self):
        return selectors.follows_of(self.request.user)

    @extend_schema(responses={201: FollowSerializer, 200: FollowSerializer})
    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        follow, created = services.follow(
            actor=request.user, target=incoming.validated_data["target"]
        )
        return Response(
            self.get_serializer(follow).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def perform_destroy(self, instance):
        services.unfollow(actor=self.request.user, follow=instance)
