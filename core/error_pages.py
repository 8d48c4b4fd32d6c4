"""The site's own error pages while DEBUG is on, as a visitor sees them in production.

With DEBUG on, Django answers an unknown URL with its technical 404 page (the URL patterns)
and an exception with the technical 500 page. `make run` runs with DEBUG on, so a visitor
trying the demo would meet those. This middleware renders the project's handlers instead
(templates/404.html, 400.html, 500.html; 403 already is) unless the developer asks for the
technical pages with DEBUG_PAGES=1. With DEBUG off it does nothing: Django already does so.

Placed last in MIDDLEWARE: an unmatched URL is answered before the view, after every other
middleware saw the request (CommonMiddleware still turns a 404 into the APPEND_SLASH redirect
on the way out; the session, user and language are known to the page)."""

import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.handlers.exception import get_exception_response
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils.log import log_response


def site_error_pages_active():
    return settings.DEBUG and not getattr(settings, "DEBUG_PAGES", False)


class SiteErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if site_error_pages_active():
            resolver = _resolver(request)
            try:
                resolver.resolve(request.path_info)
            except Resolver404 as exc:
                return get_exception_response(request, resolver, 404, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not site_error_pages_active():
            return None
        if isinstance(exception, PermissionDenied | MultiPartParserError):
            return None  # Django renders handler403 / handler400 for these even under DEBUG
        resolver = _resolver(request)
        if isinstance(exception, Http404):
            return get_exception_response(request, resolver, 404, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return _bad_request(request, resolver, exception)
        signals.got_request_exception.send(sender=None, request=request)
        response = resolver.resolve_error_handler(500)(request)
        log_response("%s: %s", response.reason_phrase, request.path, response=response,
                     request=request, exception=exception)
        return response


def _resolver(request):
    return get_resolver(getattr(request, "urlconf", None) or get_urlconf())


def _bad_request(request, resolver, exception):
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        request._mark_post_parse_error()  # the body cannot be read again
    response = get_exception_response(request, resolver, 400, exception)
    if isinstance(exception, SuspiciousOperation):
        logger = logging.getLogger(f"django.security.{exception.__class__.__name__}")
        log_response(str(exception), exception=exception, request=request, response=response,
                     level="error", logger=logger)
    else:
        log_response("%s: %s", str(exception), request.path, response=response,
                     request=request, exception=exception)
    return response
