from django.urls import path

from accounts.api.routers import Router

from .follows import FollowViewSet
from .matching import MatchView
from .messages import MessageAttachmentViewSet, MessageThreadViewSet
from .needs import NeedViewSet
from .quotes import QuoteRequestViewSet, QuoteViewSet
from .ratings import RatingViewSet

router = Router()
router.register("needs", NeedViewSet, basename="need")
router.register("quote-requests", QuoteRequestViewSet, basename="quote-request")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("message-threads", MessageThreadViewSet, basename="message-thread")
router.register("ratings", RatingViewSet, basename="rating")
router.register("message-attachments", MessageAttachmentViewSet,
                basename="message-attachment")
router.register("follows", FollowViewSet, basename="follow")

urlpatterns = [
    *router.urls,
    path("match/", MatchView.as_view(), name="api-match"),
]
