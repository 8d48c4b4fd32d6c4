"""Web pages: the inbox, notification settings, webhooks for organisation admins, and dead
letters for operator staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.selectors import is_operator

from . import dead_letters, services
from .forms import NotificationPreferenceForm, WebhookForm
from .models import WebhookDelivery
from .services import mark_read
from .webhooks import selectors
from .webhooks import services as webhooks

PAGE_SIZE = 25
RECENT_DELIVERIES = 20


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


@login_required
def notification_settings(request):
    """The signed-in person's own email preference; nobody else's can be reached here."""
    preference = services.email_preference(request.user)
    form = NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.set_email_preference(
            actor=request.user, user=request.user, email=form.cleaned_data["email"]
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("notification-settings")
    return render(
        request,
        "events/notification_settings.html",
        {
            "form": form,
            "manages_webhooks": selectors.managed_organizations(request.user).exists(),
        },
    )


def _managed_or_403(user):
    organizations = selectors.managed_organizations(user).order_by("name")
    if not organizations.exists():
        raise PermissionDenied(_("Only an organisation's owners and admins manage its webhooks."))
    return organizations


def _apply_service_errors(form, exc):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def webhook_list(request):
    organizations = _managed_or_403(request.user)
    form = WebhookForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription, secret = webhooks.create_subscription(
                actor=request.user,
                organization=data["organization"],
                url=data["url"],
                topics=data["topics"],
                description=data["description"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Webhook created."))
            return _detail_page(request, subscription, secret=secret)
    subscriptions = selectors.subscriptions_managed_by(request.user)
    return render(
        request,
        "events/webhook_list.html",
        {
            "subscriptions": subscriptions,
            "form": form,
            "several_organizations": len(organizations) > 1,
        },
    )


def _subscription_or_404(user, pk):
    return get_object_or_404(selectors.subscriptions_managed_by(user), pk=pk)


def _detail_form(request, subscription, data=None):
    return WebhookForm(
        data,
        organizations=selectors.managed_organizations(request.user),
        editing=True,
        initial={
            "url": subscription.url,
            "topics": subscription.topics,
            "description": subscription.description,
        },
    )


def _detail_page(request, subscription, form=None, secret=None):
    """The webhook's page. With `secret` (just created or rotated) it is the answer to that
    POST itself: the secret is never stored anywhere to be shown on a later request (the
    session would keep it in the session store), and no cache may keep this page."""
    status = request.GET.get("status", "")
    if status not in WebhookDelivery.Status.values:
        status = ""
    deliveries = selectors.deliveries_of(subscription, status)[:RECENT_DELIVERIES]
    response = render(
        request,
        "events/webhook_detail.html",
        {
            "subscription": subscription,
            "form": form or _detail_form(request, subscription),
            "deliveries": deliveries,
            "secret": secret,
            "status": status,
            "statuses": WebhookDelivery.Status.choices,
        },
    )
    if secret:
        patch_cache_control(response, no_store=True, private=True)
    return response


@login_required
def webhook_detail(request, pk):
    _managed_or_403(request.user)
    subscription = _subscription_or_404(request.user, pk)
    form = _detail_form(request, subscription, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhooks.update_subscription(
                actor=request.user,
                subscription=subscription,
                url=data["url"],
                topics=data["topics"],
                description=data["description"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("webhook-detail", pk=subscription.pk)
    return _detail_page(request, subscription, form)


@login_required
@require_POST
def webhook_action(request, pk, action):
    """enable, disable, ping, rotate (the secret) or delete, then back to the page."""
    _managed_or_403(request.user)
    subscription = _subscription_or_404(request.user, pk)
    if action in ("enable", "disable"):
        webhooks.update_subscription(
            actor=request.user, subscription=subscription, is_active=action == "enable"
        )
        messages.success(
            request, _("Webhook enabled.") if action == "enable" else _("Webhook disabled.")
        )
    elif action == "ping":
        webhooks.ping(actor=request.user, subscription=subscription)
        messages.success(request, _("Test delivery sent; its result is listed below."))
    elif action == "rotate":
        secret = webhooks.rotate_secret(actor=request.user, subscription=subscription)
        messages.success(
            request, _("New secret created. Deliveries are signed with it from now on.")
        )
        return _detail_page(request, subscription, secret=secret)
    elif action == "delete":
        webhooks.delete_subscription(actor=request.user, subscription=subscription)
        messages.success(request, _("Webhook deleted."))
        return redirect("webhook-list")
    else:
        raise Http404
    return redirect("webhook-detail", pk=subscription.pk)


@login_required
@require_POST
def webhook_redeliver(request, pk):
    _managed_or_403(request.user)
    delivery = get_object_or_404(selectors.deliveries_managed_by(request.user), pk=pk)
    try:
        webhooks.redeliver(actor=request.user, delivery=delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Redelivery started."))
    return redirect("webhook-detail", pk=delivery.subscription_id)


@login_required
def dead_letter_list(request):
    """Event deliveries that failed every attempt, for operator staff to look into and retry."""
    if not is_operator(request.user):
        raise PermissionDenied
    consumer = request.GET.get("consumer", "")
    page = Paginator(dead_letters.dead_letters(consumer), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "events/dead_letters.html", {
        "page_obj": page,
        "consumer": consumer,
        "querystring": urlencode({"consumer": consumer}) if consumer else "",
        "by_consumer": dead_letters.count_by_consumer(),
    })


@login_required
@require_POST
def dead_letter_retry(request):
    """Retry one dead letter (`id`) or all of one consumer's (`consumer`); the service
    refuses anyone but operator staff."""
    done = dead_letters.retry(
        actor=request.user,
        ids=_ids(request.POST.getlist("id")),
        consumer=request.POST.get("consumer", ""),
    )
    messages.success(request, ngettext("%(count)d delivery queued again.",
                                       "%(count)d deliveries queued again.", done)
                     % {"count": done})
    return redirect("dead-letters")
