from django.urls import path

from accounts.api.routers import Router

from .attachments import AttachmentViewSet
from .export import SolutionExportView
from .progress import ReviewProgressView
from .views import (
    TAXONOMY_VIEWSETS,
    ReviewQueueView,
    ReviewReasonViewSet,
    RevisionViewSet,
    SolutionViewSet,
)

router = Router()
# The most requested first: URLs are matched in order.
router.register("solutions", SolutionViewSet, basename="solution")
for name, viewset in TAXONOMY_VIEWSETS.items():
    router.register(f"taxonomy/{name}", viewset, basename=f"taxonomy-{name}")
router.register("revisions", RevisionViewSet, basename="revision")
router.register("review-reasons", ReviewReasonViewSet, basename="review-reason")
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = [
    path("review-queue/", ReviewQueueView.as_view(), name="review-queue-api"),
    path("review-progress/", ReviewProgressView.as_view(), name="review-progress-api"),
    # Before the router: "export" would otherwise be read as a solution id.
    path("solutions/export/", SolutionExportView.as_view(), name="solution-export-api"),
    *router.urls,
]
