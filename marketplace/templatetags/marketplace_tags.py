"""Template tags other apps' pages load to show what the marketplace knows, without importing
the marketplace (catalog never does): `{% load marketplace_tags %}`.

    {% ratings_panel solution=solution %}   aggregates and visible ratings with replies
    {% ratings_panel vendor=vendor %}
    {% rating_summary solution=solution as summary %}
    {% may_follow as can_follow %}          whether the reader may follow things
    {% follow_button scenario %}            follow / unfollow, for enterprise members
"""

from django import template
from django.utils.translation import gettext as _

from marketplace import selectors
from marketplace.models import Follow, Rating

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
