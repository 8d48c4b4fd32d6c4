from rest_framework.routers import DefaultRouter

from .views import (
    MessageThreadViewSet,
    NeedViewSet,
    QuoteRequestViewSet,
    QuoteViewSet,
    RatingViewSet,
)

router = DefaultRouter()
router.register("needs", NeedViewSet, basename="need")
router.register("quote-requests", QuoteRequestViewSet, basename="quote-request")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("message-threads", MessageThreadViewSet, basename="message-thread")
router.register("ratings", RatingViewSet, basename="rating")

urlpatterns = router.urls
