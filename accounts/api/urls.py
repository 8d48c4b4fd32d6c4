from django.urls import path

from accounts.api.routers import Router
from accounts.members import api as members_api

from .views import APIKeyViewSet, MeView, OrganizationViewSet

router = Router()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("api-keys", APIKeyViewSet, basename="api-key")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
urlpatterns += [
    path("organizations/<int:pk>/members/", members_api.MemberList.as_view(),
         name="organization-members"),
    path("organizations/<int:pk>/invitations/", members_api.InvitationList.as_view(),
         name="organization-invitations"),
]
