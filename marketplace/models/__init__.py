from .follows import Follow
from .messages import (
    Message,
    MessageAccessLog,
    MessageAttachment,
    MessageThread,
    message_attachment_path,
)
from .needs import EnterpriseProfile, Match, Need, SeenMatch
from .quotes import Proposal, Quote, QuoteLineItem, QuoteRequest, QuoteVersion, validity_over
from .ratings import Rating

__all__ = [
    "EnterpriseProfile",
    "Follow",
    "Match",
    "Message",
    "MessageAccessLog",
    "MessageAttachment",
    "MessageThread",
    "Need",
    "Proposal",
    "Quote",
    "QuoteLineItem",
    "QuoteRequest",
    "QuoteVersion",
    "Rating",
    "SeenMatch",
    "message_attachment_path",
    "validity_over",
]
