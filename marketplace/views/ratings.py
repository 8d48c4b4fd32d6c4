"""Web pages of ratings: the enterprise that accepted a quote rates it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import RatingForm


def rating_form(quotes):
    """A form to rate the accepted quote, until it is rated."""
    accepted = next((q for q in quotes if q.status == "accepted"), None)
    if accepted is None or selectors.rating_of(accepted).exists():
        return None
    form = RatingForm()
    form.quote = accepted
    return form


@login_required
@require_POST
def quote_rate(request, pk):
    quote = get_object_or_404(selectors.quotes_visible_to(request.user), pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give each criterion a score from 1 to 5."))
    else:
        data = dict(form.cleaned_data)
        text = data.pop("text")
        try:
            services.rate(actor=request.user, quote=quote, scores=data, text=text)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for rating."))
    return redirect("quote-request-detail", quote.request_id)
