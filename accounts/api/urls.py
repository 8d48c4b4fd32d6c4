from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import APIKeyViewSet, MeView, OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("api-keys", APIKeyViewSet, basename="api-key")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
