from django.urls import path

from accounts.api.routers import Router

from .views import APIKeyViewSet, MeView, OrganizationViewSet

router = Router()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("api-keys", APIKeyViewSet, basename="api-key")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
