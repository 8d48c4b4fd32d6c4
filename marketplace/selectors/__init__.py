"""Reads of the marketplace, each scoped to what the reader may see."""

from .buyers import buyer_standing
from .follows import followed_ids, followers_of, follows_of, may_follow, target_type_of
from .messages import message_attachment, messages_of, threads_visible_to
from .needs import matches_for, need_feed_for, needs_owned_by, needs_visible_to
from .quotes import (
    comparison_quotes,
    offered_solution,
    proposals_visible_to,
    quote_comparison,
    quote_requests_visible_to,
    quotes_visible_to,
    similar_offers,
)
from .ratings import rating_of, rating_summary, ratings_visible_to, visible_ratings

__all__ = [
    "buyer_standing",
    "comparison_quotes",
    "followed_ids",
    "followers_of",
    "follows_of",
    "matches_for",
    "may_follow",
    "message_attachment",
    "messages_of",
    "need_feed_for",
    "needs_owned_by",
    "needs_visible_to",
    "offered_solution",
    "proposals_visible_to",
    "quote_comparison",
    "quote_requests_visible_to",
    "quotes_visible_to",
    "rating_of",
    "rating_summary",
    "ratings_visible_to",
    "similar_offers",
    "target_type_of",
    "threads_visible_to",
    "visible_ratings",
]
