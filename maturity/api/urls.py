from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    AssessmentViewSet,
    FactoryViewSet,
    GapMapView,
    MaturityModelViewSet,
    TargetsSummaryView,
    TargetsView,
)

router = DefaultRouter()
router.register("maturity-models", MaturityModelViewSet, basename="maturity-model")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("factories", FactoryViewSet, basename="factory")

urlpatterns = [
    path("targets/", TargetsView.as_view(), name="targets-api"),
    path("targets/summary/", TargetsSummaryView.as_view(), name="targets-summary-api"),
    path("gap-map/", GapMapView.as_view(), name="gap-map-api"),
    *router.urls,
]
