from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.api.policy import Access
from changes import selectors

from .serializers import ChangeFeedParams, ChangeFeedSerializer, ChangeSerializer, encode_cursor


class ChangeFeedView(GenericAPIView):
    """Every change you may see, oldest first, for incremental sync.

    Start without a cursor (from the first change) or with `since` (an ISO time), then follow
    `next_cursor`: each change comes exactly once, in commit order, even when writes commit
    out of order. `has_more` false means you are up to date; keep the cursor and ask again
    later. Anonymous callers and keys see public catalog changes; an organisation's members
    and keys also see its own marketplace items."""

    access = {"get": Access.public()}
    serializer_class = ChangeSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="`next_cursor` of the previous page."),
            OpenApiParameter(
                "since",
                str,
                description="Start at changes recorded from this "
                "ISO 8601 time (instead of a cursor).",
            ),
            OpenApiParameter("limit", int, description="Changes per page (1-500, default 100)."),
        ],
        responses=ChangeFeedSerializer,
    )
    def get(self, request):
        params = ChangeFeedParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        options = params.validated_data
        after = options.get("cursor", 0)
        if "since" in options:
            after = selectors.seq_before(options["since"])
        entries = selectors.changes_visible_to(request.user, request.auth)
        rows, position, has_more = selectors.page_of_changes(
            entries, after=after, limit=options["limit"]
        )
        return Response(
            {
                "results": ChangeSerializer(rows, many=True).data,
                "next_cursor": encode_cursor(position),
                "has_more": has_more,
            }
        )
