"""Pages of an organisation's people and keys: the invitation link, the members page and
the API-key page. They translate HTTP only; accounts.members.services decides who may."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import services as accounts
from accounts.models import Membership, Organization

from . import selectors, services
from .forms import APIKeyForm, InviteForm, RoleForm, TransferForm

UNAVAILABLE = {
    "accepted": gettext_lazy("This invitation has already been accepted."),
    "declined": gettext_lazy("This invitation was declined."),
    "revoked": gettext_lazy("This invitation was withdrawn by the organisation."),
    "expired": gettext_lazy("This invitation has expired. Ask the person who invited you to "
                            "send a new one."),
}


def _address(request):
    return request.META.get("REMOTE_ADDR") or None


def _acting(request):
    organization = selectors.acting_organization(request.user)
    if organization is None:
        raise PermissionDenied(_("You do not belong to an organisation yet."))
    return organization


def _admin_only(request, organization):
    if not selectors.is_admin_of(request.user, organization):
        raise PermissionDenied(_("Only an owner or admin of the organisation may do this."))


def _first_error(exc):
    if hasattr(exc, "error_dict"):
        return " ".join(message for errors in exc.message_dict.values() for message in errors)
    return " ".join(exc.messages)


# The invitation link -----------------------------------------------------------------------

def _mask(email):
    name, _at, domain = email.partition("@")
    return f"{name[:1]}{'•' * max(len(name) - 1, 1)}@{domain}"


def _entry_links(request, invitation):
    here = request.get_full_path()
    links = {"login": f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': here})}"}
    try:
        signup = reverse("account_signup")
    except NoReverseMatch:
        return links
    links["signup"] = f"{signup}?{urlencode({'email': invitation.email, 'next': here})}"
    return links


def _invitation_page(request, invitation, status=200, **context):
    response = render(request, "accounts/members/invitation.html",
                      {"invitation": invitation, **context}, status=status)
    add_never_cache_headers(response)
    return response


def invitation(request, token):
    """Who invites whom to what. Signed out: sign up or sign in, and come back here. Signed
    in as the invitee: accept or decline (POST). Anyone else: told it is not theirs."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        raise Http404(_("No invitation has this link."))
    if not invitation.is_pending:
        return _invitation_page(request, invitation, status=410,
                                unavailable=UNAVAILABLE[invitation.state])
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(_entry_links(request, invitation)["login"])
        # Sign-up stays open to them even when strangers' sign-up is closed (accounts.adapter).
        request.session[selectors.INVITATION_SESSION_KEY] = invitation.pk
        return _invitation_page(request, invitation, links=_entry_links(request, invitation))
    if request.method == "POST":
        return _answer(request, invitation)
    if not selectors.email_is_verified_for(request.user, invitation.email) or \
            request.user.is_service_account:
        return _not_yours(request, invitation)
    return _invitation_page(request, invitation, answerable=True)


def _not_yours(request, invitation):
    return _invitation_page(
        request, invitation, status=403, not_yours=True, masked_email=_mask(invitation.email),
        unverified=selectors.email_awaits_verification_for(request.user, invitation.email))


def _answer(request, invitation):
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        return _invitation_page(request, invitation, status=400, answerable=True,
                                error=_("Choose Accept or Decline."))
    service = services.accept if answer == "accept" else services.decline
    try:
        service(actor=request.user, invitation=invitation)
    except services.InvitationUnavailable as exc:
        return _invitation_page(request, invitation, status=410,
                                unavailable=UNAVAILABLE[exc.state])
    except PermissionDenied:
        return _not_yours(request, invitation)
    name = invitation.organization.display_name
    if answer == "accept":
        messages.success(request, _("Welcome to %(organization)s.") % {"organization": name})
        return redirect("dashboard")
    messages.info(request, _("You declined the invitation to %(organization)s.")
                  % {"organization": name})
    return redirect("home")


# The members page --------------------------------------------------------------------------

def _members_page(request, organization, status=200, invite_form=None, error=None):
    is_admin = selectors.is_admin_of(request.user, organization)
    own = selectors.membership(request.user, organization)
    members = list(selectors.members_of(organization))
    context = {
        "organization": organization,
        "members": members,
        "is_admin": is_admin,
        "is_owner": bool(own and own.role == Membership.Role.OWNER),
        "own": own,
        "owner_count": sum(1 for m in members if m.role == Membership.Role.OWNER),
        "roles": Membership.Role.choices,
        "is_operator_org": organization.kind == Organization.Kind.OPERATOR,
        "error": error,
    }
    if is_admin:
        context["invitations"] = selectors.open_invitations(organization)
        context["invite_form"] = invite_form or InviteForm()
    return render(request, "accounts/members/members.html", context, status=status)


@login_required
def members(request):
    """Everyone of the acting organisation reads; owners and admins invite (POST)."""
    organization = _acting(request)
    if request.method != "POST":
        return _members_page(request, organization)
    _admin_only(request, organization)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = services.invite(
                actor=request.user, organization=organization,
                email=form.cleaned_data["email"], role=form.cleaned_data["role"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.")
                             % {"email": invitation.email})
            return redirect("members")
    return _members_page(request, organization, status=400, invite_form=form)


def _member_of(organization, pk):
    return get_object_or_404(selectors.members_of(organization), pk=pk)


def _act(request, organization, action, success):
    """Run a service; on a rule it refuses, show the page again with why (400)."""
    try:
        with transaction.atomic():
            action()
    except ValidationError as exc:
        return _members_page(request, organization, status=400, error=_first_error(exc))
    messages.success(request, success)
    return redirect("members")


@login_required
@require_POST
def member_role(request, pk):
    organization = _acting(request)
    _admin_only(request, organization)
    membership = _member_of(organization, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organization, status=400,
                             error=_("Choose owner, admin or member."))
    role = form.cleaned_data["role"]

    def change():
        services.change_role(actor=request.user, membership=membership, role=role)
        if organization.kind == Organization.Kind.OPERATOR:
            services.set_reviewer(actor=request.user, membership=membership,
                                  is_reviewer=bool(request.POST.get("is_reviewer")))

    return _act(request, organization, change, _("Saved the role of %(name)s.")
                % {"name": membership.user.get_full_name() or membership.user.username})


@login_required
def member_remove(request, pk):
    """A confirmation page (GET), then the removal (POST)."""
    organization = _acting(request)
    _admin_only(request, organization)
    membership = _member_of(organization, pk)
    name = membership.user.get_full_name() or membership.user.username
    if request.method != "POST":
        return render(request, "accounts/members/confirm.html", {
            "organization": organization, "action": "remove", "membership": membership,
            "name": name})
    return _act(request, organization,
                lambda: services.remove_member(actor=request.user, membership=membership),
                _("%(name)s no longer belongs to the organisation.") % {"name": name})


@login_required
def members_leave(request):
    organization = _acting(request)
    if request.method != "POST":
        return render(request, "accounts/members/confirm.html", {
            "organization": organization, "action": "leave"})
    try:
        services.leave(actor=request.user, organization=organization)
    except ValidationError as exc:
        return _members_page(request, organization, status=400, error=_first_error(exc))
    messages.success(request, _("You left %(organization)s.")
                     % {"organization": organization.display_name})
    return redirect("dashboard")


@login_required
def members_transfer(request):
    """Choose the new owner, confirm on a second page, then hand over."""
    organization = _acting(request)
    own = selectors.membership(request.user, organization)
    if not (own and own.role == Membership.Role.OWNER):
        raise PermissionDenied(_("Only an owner can transfer ownership."))
    candidates = selectors.members_of(organization).exclude(pk=own.pk)
    form = TransferForm(request.POST or None, candidates=candidates)
    context = {"organization": organization, "form": form, "action": "transfer"}
    if request.method != "POST":
        return render(request, "accounts/members/transfer.html", context)
    if not form.is_valid():
        return render(request, "accounts/members/transfer.html", context, status=400)
    target = form.cleaned_data["member"]
    if not request.POST.get("confirm"):
        return render(request, "accounts/members/transfer.html",
                      {**context, "target": target, "confirming": True})
    try:
        services.transfer_ownership(actor=request.user, organization=organization, to=target)
    except ValidationError as exc:
        form.add_service_error(exc)
        return render(request, "accounts/members/transfer.html", context, status=400)
    messages.success(request, _("%(name)s now owns the organisation; you are an admin.")
                     % {"name": target.user.get_full_name() or target.user.username})
    return redirect("members")


@login_required
@require_POST
def invitation_manage(request, pk, action):
    """resend or revoke one of the acting organisation's open invitations."""
    organization = _acting(request)
    _admin_only(request, organization)
    invitation = get_object_or_404(selectors.open_invitations(organization), pk=pk)
    if action == "resend":
        call, done = services.resend, _("Invitation sent again to %(email)s.")
    elif action == "revoke":
        call, done = services.revoke, _("Invitation to %(email)s withdrawn.")
    else:
        raise Http404
    try:
        call(actor=request.user, invitation=invitation)
    except services.InvitationUnavailable as exc:
        return _members_page(request, organization, status=400, error=UNAVAILABLE[exc.state])
    except ValidationError as exc:
        return _members_page(request, organization, status=400, error=_first_error(exc))
    messages.success(request, done % {"email": invitation.email})
    return redirect("members")


# The API-key page --------------------------------------------------------------------------

def _keys_page(request, organization, form=None, raw_key=None, new_key=None, status=200):
    response = render(request, "accounts/members/api_keys.html", {
        "organization": organization,
        "keys": selectors.keys_of(organization),
        "form": form or APIKeyForm(organization=organization),
        "raw_key": raw_key,
        "new_key": new_key,
    }, status=status)
    if raw_key:
        # The raw key is in this answer only: never in the session, never in a cache.
        patch_cache_control(response, no_store=True, private=True)
    return response


@login_required
def api_keys(request):
    """Owners and admins list, create (POST; the key is shown in this answer once) and
    revoke the acting organisation's keys."""
    organization = _acting(request)
    _admin_only(request, organization)
    if request.method != "POST":
        return _keys_page(request, organization)
    form = APIKeyForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            key, raw_key = accounts.create_api_key(
                actor=request.user, organization=organization, name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"], expires_at=form.expires_at(),
                address=_address(request))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _keys_page(request, organization, raw_key=raw_key, new_key=key)
    return _keys_page(request, organization, form=form, status=400)


@login_required
def api_key_revoke(request, pk):
    """A confirmation page (GET), then the revocation (POST)."""
    organization = _acting(request)
    _admin_only(request, organization)
    key = get_object_or_404(selectors.keys_of(organization), pk=pk)
    if request.method != "POST":
        return render(request, "accounts/members/api_key_revoke.html",
                      {"organization": organization, "key": key})
    accounts.revoke_api_key(actor=request.user, key=key, address=_address(request))
    messages.success(request, _("Key %(prefix)s… revoked: it no longer works.")
                     % {"prefix": key.prefix})
    return redirect("api-keys")
