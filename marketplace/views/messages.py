"""Web pages of message threads: a request's thread with one vendor, and a message's file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts import selectors as people
from core.files import private_file_response

from .. import selectors, services


@login_required
def message_thread(request, pk, vendor_pk):
    """The thread of a request with one vendor: only the two parties read and write here."""
    quote_request = get_object_or_404(selectors.quote_requests_visible_to(request.user), pk=pk)
    vendor = get_object_or_404(quote_request.vendors.all(), pk=vendor_pk)
    if not (people.is_member(request.user, quote_request.enterprise)
            or people.is_member(request.user, vendor)):
        raise Http404
    if request.method == "POST":
        try:
            services.post_message(actor=request.user, request=quote_request, vendor=vendor,
                                  body=request.POST.get("body", ""),
                                  files=request.FILES.getlist("attachments"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("message-thread", quote_request.pk, vendor.pk)
    thread = selectors.threads_visible_to(request.user).filter(
        request=quote_request, vendor=vendor
    ).first()
    return render(request, "marketplace/message_thread.html", {
        "quote_request": quote_request,
        "vendor": vendor,
        "thread_messages": selectors.messages_of(thread) if thread else [],
    })


@login_required
def message_attachment(request, pk):
    """A message's file: for the thread's two parties; operator staff say which dispute it is
    for (logged) and then download it; anyone else gets 404."""
    try:
        attachment = selectors.message_attachment(pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    thread = attachment.message.thread
    if not services.is_party_to(request.user, thread):
        if not people.is_operator(request.user):
            raise Http404
        if not request.GET.get("reason", "").strip():
            return render(request, "marketplace/attachment_reason.html",
                          {"attachment": attachment, "thread": thread})
    try:
        services.open_message_attachment(actor=request.user, attachment=attachment,
                                         reason=request.GET.get("reason", ""))
    except PermissionDenied:
        raise Http404 from None
    return private_file_response(attachment.file, filename=attachment.original_name,
                                 content_type=attachment.content_type)
