"""Web pages of follows: the "Following" list and the follow / unfollow buttons' endpoints
(htmx-friendly: an htmx request gets the button back, any other a redirect)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from catalog.models import Scenario, Solution, SolutionStatus

from .. import selectors, services
from ..models import Follow
from ..templatetags.marketplace_tags import follow_button_context

T = Follow.Target


def _require_follower(user):
    if not selectors.may_follow(user):
        raise PermissionDenied(
            _("Members of an enterprise follow scenarios, providers and solutions.")
        )


@login_required
def following(request):
    """What the user follows, grouped, each with its unfollow button; and a scenario picker
    (scenarios have no page of their own: the search page lists them)."""
    _require_follower(request.user)
    groups = {kind: [] for kind in T.values}
    for item in selectors.follows_of(request.user):
        groups[item.target_type].append(item)
    followed_scenarios = {item.scenario_id for item in groups[T.SCENARIO]}
    return render(
        request,
        "marketplace/following.html",
        {
            "groups": [(T(kind).label, kind, items) for kind, items in groups.items()],
            "scenarios": Scenario.objects.select_related("link")
            .exclude(pk__in=followed_scenarios)
            .order_by("link__position", "code"),
            "is_empty": not any(groups.values()),
        },
    )


def _target(data):
    kind, raw_id = data.get("target_type"), data.get("target", "")
    if not raw_id.isdigit():
        raise Http404
    if kind == T.SCENARIO:
        return get_object_or_404(Scenario, pk=raw_id)
    if kind == T.VENDOR:
        return get_object_or_404(Organization, pk=raw_id, kind=Organization.Kind.VENDOR)
    if kind == T.SOLUTION:
        return get_object_or_404(Solution, pk=raw_id, status=SolutionStatus.PUBLISHED)
    raise Http404


def _answer(request, target, follow_id):
    if request.headers.get("HX-Request"):
        return render(
            request,
            "marketplace/partials/follow_button.html",
            follow_button_context(request, target, may_follow=True, follow_id=follow_id),
        )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("following")


@login_required
@require_POST
def follow_create(request):
    _require_follower(request.user)
    target = _target(request.POST)
    try:
        follow, _created = services.follow(actor=request.user, target=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _answer(request, target, None)
    return _answer(request, target, follow.pk)


@login_required
@require_POST
def follow_delete(request, pk):
    follow = get_object_or_404(selectors.follows_of(request.user), pk=pk)
    target = follow.target
    services.unfollow(actor=request.user, follow=follow)
    return _answer(request, target, None)
