"""The API of an organisation's people: its members (for its members) and its open
invitations (for its owners and admins), read-only. Inviting, answering and changing roles
happen on the web pages, signed in (accounts.members.views)."""

from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

from accounts import selectors as people
from accounts.api.policy import KINDS, Access
from accounts.models import Invitation, Membership

from . import selectors

ADMINS = ("vendor_admin", "enterprise_admin", "operator_admin")


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="user.email")
    joined_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "email", "role", "is_reviewer", "joined_at"]

    def get_name(self, membership) -> str:
        return membership.user.get_full_name()


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.SerializerMethodField()
    # Plain text (admin or member): an enum would collide with the membership's role enum.
    role = serializers.CharField(read_only=True, help_text="admin or member")
    state = serializers.CharField(read_only=True, help_text="pending or expired")

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "created_at", "sent_at", "expires_at",
                  "state"]

    def get_invited_by(self, invitation) -> str | None:
        return invitation.invited_by.username if invitation.invited_by else None


class _OrganizationList(generics.ListAPIView):
    roles = None  # Membership roles that may read (None: every member)

    def organization(self):
        mine = people.organizations_of(self.request.user, roles=self.roles)
        return get_object_or_404(mine, pk=self.kwargs["pk"])


class MemberList(_OrganizationList):
    """The people of an organisation you belong to (its API service account left out),
    owners first. Another organisation's members: 404."""

    serializer_class = MemberSerializer
    access = {"get": Access.members(*KINDS, scope="organization:write", keys=KINDS)}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.members_of(self.organization())


class InvitationList(_OrganizationList):
    """The open invitations (pending or expired, not yet answered) of an organisation you
    own or administer, newest first. Otherwise 404."""

    serializer_class = InvitationSerializer
    roles = [Membership.Role.OWNER, Membership.Role.ADMIN]
    access = {"get": Access.members(*ADMINS, scope="organization:write", keys=KINDS)}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.open_invitations(self.organization())
