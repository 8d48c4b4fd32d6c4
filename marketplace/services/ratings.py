"""Writes of ratings: the enterprise rates, the vendor replies, operator staff hide."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.models import Organization
from catalog import limits as catalog_limits
from core.outbox import emit

from .. import limits
from ..models import Quote, Rating
from ..selectors import offered_solution
from .checks import full_clean, require_member


@transaction.atomic
def rate(*, actor, quote, scores, text=""):
    """The enterprise that accepted `quote` rates its solution and vendor, once."""
    quote = Quote.objects.select_for_update(of=("self",)).select_related("request__enterprise").get(
        pk=quote.pk
    )
    require_member(actor, quote.request.enterprise, Organization.Kind.ENTERPRISE)
    if quote.status != Quote.Status.ACCEPTED:
        raise PermissionDenied(_("Only an enterprise that accepted a quote rates it."))
    if Rating.objects.filter(quote=quote).exists():
        raise ValidationError({"quote": [_("You have already rated this quote.")]})
    missing = [name for name in Rating.CRITERIA if scores.get(name) is None]
    if missing:
        raise ValidationError({name: [_("Give a score from 1 to 5.")] for name in missing})
    rating = Rating(quote=quote, enterprise=quote.request.enterprise, vendor_id=quote.vendor_id,
                    solution=offered_solution(quote), text=(text or "").strip(),
                    created_by=actor, **{name: scores[name] for name in Rating.CRITERIA})
    full_clean(rating, exclude=["quote", "enterprise", "vendor", "created_by", "solution",
                                 "score"])
    rating.score = rating.compute_score()
    rating.save()
    emit("rating.created", rating, vendor_id=rating.vendor_id,
         solution_id=rating.solution_id, enterprise_id=rating.enterprise_id)
    return rating


@transaction.atomic
def reply_to_rating(*, actor, rating, text):
    """The rated vendor answers a rating publicly, once."""
    rating = Rating.objects.select_for_update(of=("self",)).select_related("vendor").get(
        pk=rating.pk
    )
    require_member(actor, rating.vendor, Organization.Kind.VENDOR)
    if rating.replied_at is not None:
        raise ValidationError({"vendor_reply": [_("You have already replied.")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"vendor_reply": [_("Write a reply.")]})
    catalog_limits.require_length("vendor_reply", text, limits.RATING_TEXT_MAX_CHARS)
    rating.vendor_reply, rating.replied_at = text, timezone.now()
    rating.save(update_fields=["vendor_reply", "replied_at"])
    emit("rating.replied", rating, vendor_id=rating.vendor_id,
         enterprise_id=rating.enterprise_id)
    return rating


@transaction.atomic
def hide_rating(*, actor, rating, reason):
    """Operator staff hide an abusive rating and say why; it leaves the aggregates."""
    if not people.is_operator(actor):
        raise PermissionDenied(_("Only operator staff hide ratings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the rating is hidden.")]})
    catalog_limits.require_length("reason", reason, limits.REASON_MAX_CHARS)
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    rating.is_hidden, rating.hidden_reason, rating.hidden_by = True, reason, actor
    rating.save(update_fields=["is_hidden", "hidden_reason", "hidden_by"])
    emit("rating.hidden", rating, vendor_id=rating.vendor_id, reason=reason,
         operator_id=actor.pk)
    return rating
