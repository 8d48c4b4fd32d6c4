"""Writes and business rules of the marketplace, one module per sub-domain: needs, quotes
(requests, quotes and their versions, proposals), messages, ratings, follows, and the nightly
expiry. Status changes go through marketplace.workflow; every write emits its outbox event
in the transaction of the write."""

from .expiry import expire_marketplace_items
from .follows import follow, unfollow
from .messages import is_party_to, open_message_attachment, post_message, read_thread_for_dispute
from .needs import change_need, close_need, create_need, post_need, save_enterprise_profile
from .quotes import (
    accept_quote,
    check_may_accept,
    decline_quote,
    propose,
    request_quotes,
    revise_quote,
    submit_quote,
)
from .ratings import hide_rating, rate, reply_to_rating

__all__ = [
    "accept_quote",
    "change_need",
    "check_may_accept",
    "close_need",
    "create_need",
    "decline_quote",
    "expire_marketplace_items",
    "follow",
    "hide_rating",
    "is_party_to",
    "open_message_attachment",
    "post_message",
    "post_need",
    "propose",
    "rate",
    "read_thread_for_dispute",
    "reply_to_rating",
    "request_quotes",
    "revise_quote",
    "save_enterprise_profile",
    "submit_quote",
    "unfollow",
]
