from django.urls import path

from accounts.api.routers import Router

from .views import (
    AssessmentViewSet,
    FactoryViewSet,
    GapMapView,
    MaturityModelViewSet,
    TargetsSummaryView,
    TargetsView,
)

router = Router()
router.register("maturity-models", MaturityModelViewSet, basename="maturity-model")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("factories", FactoryViewSet, basename="factory")

urlpatterns = [
    path("targets/", TargetsView.as_view(), name="targets-api"),
    path("targets/summary/", TargetsSummaryView.as_view(), name="targets-summary-api"),
    path("gap-map/", GapMapView.as_view(), name="gap-map-api"),
    *router.urls,
]
