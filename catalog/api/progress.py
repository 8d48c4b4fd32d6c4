"""Progress toward the plan's target of approved scenario solutions (filled in later)."""

from rest_framework.views import APIView


class ReviewProgressView(APIView):
    pass
