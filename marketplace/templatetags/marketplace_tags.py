"""Template tags other apps' pages load to show what the marketplace knows, without importing
the marketplace (catalog never does): `{% load marketplace_tags %}`.

    {% ratings_panel solution=solution %}   aggregates and visible ratings with replies
    {% ratings_panel vendor=vendor %}
    {% rating_summary solution=solution as summary %}
    {% may_follow as can_follow %}          whether the reader may follow things
    {% follow_button scenario %}            follow / unfollow, for enterprise members
    {% buyer_actions solution=solution %}   "Request a quote" / "Post a need" for every reader
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace import selectors
from marketplace.models import Follow, Rating
from marketplace.selectors.buyers import ANONYMOUS

register = template.Library()

RATINGS_ON_A_PAGE = 10
T = Follow.Target


@register.simple_tag
def rating_summary(vendor=None, solution=None):
    """Count and per-criterion averages of the visible ratings (hidden ones never count)."""
    return selectors.rating_summary(vendor=vendor, solution=solution)


@register.inclusion_tag("marketplace/partials/ratings_panel.html")
def ratings_panel(vendor=None, solution=None, limit=RATINGS_ON_A_PAGE):
    """The ratings section of a solution's or a vendor's page: two queries."""
    summary = selectors.rating_summary(vendor=vendor, solution=solution)
    criteria = [
        (Rating._meta.get_field(name).verbose_name, summary[name]) for name in Rating.CRITERIA
    ]
    ratings = selectors.visible_ratings(vendor=vendor, solution=solution, limit=limit)
    return {
        "summary": summary,
        "criteria": criteria,
        "ratings": ratings if summary["count"] else [],
        "show_solution": solution is None,
    }


def _follow_state(context):
    """Whether the reader may follow, and what they follow: read once per page."""
    request = context.get("request")
    if request is None:
        return False, {}
    state = getattr(request, "_marketplace_follow_state", None)
    if state is None:
        may = selectors.may_follow(request.user)
        state = (may, selectors.followed_ids(request.user) if may else {})
        request._marketplace_follow_state = state
    return state


def follow_labels(kind, target):
    """(follow, unfollow) button labels naming what is followed."""
    if kind == T.SOLUTION:
        return _("Follow this solution"), _("Unfollow this solution")
    name = target.display_name if kind == T.VENDOR else target.name
    if kind == T.VENDOR:
        return (_("Follow %(name)s") % {"name": name}, _("Unfollow %(name)s") % {"name": name})
    return (
        _("Follow scenario “%(name)s”") % {"name": name},
        _("Unfollow scenario “%(name)s”") % {"name": name},
    )


def follow_button_context(request, target, *, may_follow, follow_id, csrf_token=None):
    kind = selectors.target_type_of(target)
    follow_label, unfollow_label = follow_labels(kind, target)
    return {
        "request": request,
        "csrf_token": csrf_token,
        "may_follow": may_follow,
        "target_type": kind,
        "target": target,
        "follow_id": follow_id,
        "label": unfollow_label if follow_id else follow_label,
    }


@register.inclusion_tag("marketplace/partials/follow_button.html", takes_context=True)
def follow_button(context, target):
    """A follow / unfollow form (htmx swaps it in place; without script it posts and comes
    back). Shown to enterprise members only (see may_follow)."""
    may, followed = _follow_state(context)
    kind = selectors.target_type_of(target)
    return follow_button_context(
        context.get("request"),
        target,
        may_follow=may,
        follow_id=followed.get((kind, target.pk)),
        csrf_token=context.get("csrf_token"),
    )


@register.simple_tag(takes_context=True)
def may_follow(context):
    """{% may_follow as can_follow %}: whether the reader may follow things."""
    return _follow_state(context)[0]


def _with_query(name, params=()):
    query = urlencode(list(params))
    return f"{reverse(name)}?{query}" if query else reverse(name)


def buyer_links(solution=None, vendor=None, scenario=None):
    """Where "Request a quote", "Post a need" and "Ask a question" lead from a public page:
    the forms, prefilled through GET parameters they validate (quote_request_create,
    NeedForm's prefill)."""
    if solution is not None:
        scenarios = [("scenarios", s.pk) for s in solution.scenarios.all()]
        return {
            "quote": _with_query("quote-request-create", [("solution", solution.pk)]),
            "need": _with_query("need-create", scenarios),
            "question": _with_query("quote-request-create",
                                    [("solution", solution.pk), ("question", 1)]),
        }
    if vendor is not None:
        return {"quote": _with_query("quote-request-create", [("vendor", vendor.pk)]),
                "need": _with_query("need-create")}
    tags = [("scenarios", scenario.pk), ("stages", scenario.stage_id)]
    # Quotes on a scenario are asked of the providers that match a need for it.
    return {"quote": _with_query("need-create", [*tags, ("quotes", 1)]),
            "need": _with_query("need-create", tags)}


@register.inclusion_tag("marketplace/partials/buyer_actions.html", takes_context=True)
def buyer_actions(context, solution=None, vendor=None, scenario=None):
    """"Request a quote" and "Post a need" for every reader of a public page: an enterprise
    member goes straight to the form; a visitor passes the sign-in page on the way (and
    comes back); someone without an organisation is told to register one; a vendor or an
    operator is told why they are not offered."""
    request = context.get("request")
    user = getattr(request, "user", None)
    standing = selectors.buyer_standing(user) if user is not None else ANONYMOUS
    links = buyer_links(solution=solution, vendor=vendor, scenario=scenario)
    if standing == ANONYMOUS:
        start = reverse("buyer-start")
        links = {key: f"{start}?{urlencode({'next': url})}" for key, url in links.items()}
    return {"standing": standing, "links": links, "solution": solution, "vendor": vendor,
            "scenario": scenario}
