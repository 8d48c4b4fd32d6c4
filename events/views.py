"""The inbox: a person's notifications, newest first, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .services import mark_read

PAGE_SIZE = 25


@login_required
def inbox(request):
    notifications = request.user.notifications.all()
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/inbox.html", {"page_obj": page})


def _ids(values):
    return [int(value) for value in values if value.isdigit()]


@login_required
@require_POST
def inbox_mark_read(request):
    """Mark one notification (`id`), several, or all (`all`) read; then follow `next` when it
    is a link on this site, which is how opening a notification works."""
    if request.POST.get("all"):
        mark_read(request.user)
    else:
        mark_read(request.user, _ids(request.POST.getlist("id")))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("inbox")
