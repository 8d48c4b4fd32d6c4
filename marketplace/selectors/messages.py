"""Reads of message threads: only their two parties see them."""

from accounts import selectors as people

from ..models import MessageAttachment, MessageThread


def threads_visible_to(user):
    """The two parties see a thread; operators go through read_thread_for_dispute instead."""
    if not user.is_authenticated:
        return MessageThread.objects.none()
    return (
        MessageThread.objects.filter(
            people.in_organizations_of(user, "request__enterprise")
            | people.in_organizations_of(user, "vendor")
        )
        .select_related("request__enterprise", "vendor")
        .distinct()
    )


def messages_of(thread):
    return (thread.messages.select_related("author_organization")
            .prefetch_related("attachments").order_by("created_at", "pk"))


def message_attachment(pk):
    """One message attachment with what deciding who may open it needs; who may is
    services.open_message_attachment's rule."""
    return (MessageAttachment.objects
            .select_related("message__thread__request__enterprise", "message__thread__vendor")
            .get(pk=pk))
