"""What the site header shows on every page about the signed-in person."""

from accounts import selectors as people
from events.models import Notification


def header(request):
    """The organisation they act for, whether they review or are operator staff, and their
    unread inbox count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    operator = people.is_operator(user)
    return {
        "header_organization": people.primary_organization(user),
        "header_is_reviewer": operator or people.is_reviewer(user),
        "header_is_operator": operator,
        "header_unread_count": Notification.objects.filter(recipient=user, read_at=None).count(),
    }
