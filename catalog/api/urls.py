from rest_framework.routers import DefaultRouter

from .views import TAXONOMY_VIEWSETS, ReviewQueueViewSet, SolutionViewSet

router = DefaultRouter()
for name, viewset in TAXONOMY_VIEWSETS.items():
    router.register(f"taxonomy/{name}", viewset, basename=f"taxonomy-{name}")
router.register("solutions", SolutionViewSet, basename="solution")
router.register("review-queue", ReviewQueueViewSet, basename="review-queue")

urlpatterns = router.urls
