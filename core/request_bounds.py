"""Bounds on a request's body, enforced before anything reads it.

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only where a body is read through request.body or
request.POST; DRF's JSON parser reads the stream itself, so without this a JSON body of any
size was read whole. A body of unknown length (Transfer-Encoding: chunked) is refused too:
Django reads no body without a Content-Length, so the request would run as if it had none,
and the development server would leave the chunks on the connection, to be read as the
next request (the "connection aborted" schemathesis met)."""

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from .api.problems import problem_response

# A refused body up to this much over its limit (a chunked one: up to this size) is read and
# dropped before answering, so that a client still sending it reads the refusal instead of a
# reset connection: no more than an accepted request could make a worker read, plus this.
# Beyond it the answer asks the server to close the connection instead.
DRAIN_MAX_BYTES = 16 * 1024 * 1024
DRAIN_CHUNK_BYTES = 64 * 1024


class RequestBoundsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def refusal(self, request):
        parameter = _parameter_with_nul(request)
        if parameter is not None:
            # No code, word or number the product looks up holds a NUL, and PostgreSQL cannot
            # compare text with one (a filter by such a code answered 500 there).
            return _refuse(
                request, 400, "bad_request", _("Bad request."),
                _("The query parameter %(name)s holds a NUL character (%%00), which is not "
                  "allowed.") % {"name": parameter},
                close_connection=False,
            )
        if request.META.get("HTTP_TRANSFER_ENCODING"):
            return _refuse(
                request, 411, "length_required", _("Length required."),
                _("Send the request body with a Content-Length header; chunked transfer "
                  "encoding is not accepted."),
                close_connection=not _drain_chunked(request.META),
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django reads no body then
        if request.content_type == "multipart/form-data":
            limit = settings.REQUEST_MAX_UPLOAD_BYTES
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or length <= limit:
            return None
        drained = length <= limit + DRAIN_MAX_BYTES and _drain(request)
        return _refuse(
            request, 413, "request_too_large", _("The request body is too large."),
            _("The request body is %(size)d bytes; at most %(limit)d are accepted here.")
            % {"size": length, "limit": limit},
            close_connection=not drained,
        )


def _drain(request):
    try:
        while request.read(DRAIN_CHUNK_BYTES):
            pass
    except OSError:  # the client went away
        return False
    return True


def _drain_chunked(environ):
    """Read and drop a chunked body, so that the client reads the refusal and the connection
    stays in step. Gunicorn decodes the chunks itself (its input ends where the body does);
    the development server passes them on undecoded beneath a Content-Length limit of 0, in
    the reader Django's LimitedStream wraps."""
    stream = environ["wsgi.input"]
    try:
        if environ.get("wsgi.input_terminated"):
            drained = 0
            while chunk := stream.read(DRAIN_CHUNK_BYTES):
                drained += len(chunk)
                if drained > DRAIN_MAX_BYTES:
                    return False
            return True
        read, readline = getattr(stream, "_read", None), getattr(stream, "_readline", None)
        if read is None or readline is None:
            return False
        return _drain_chunks(read, readline)
    except (OSError, ValueError):  # the client went away, or sent no valid chunks
        return False


def _drain_chunks(read, readline):
    drained = 0
    while True:
        size = int(readline(1024).split(b";")[0].strip(), 16)
        if size == 0:
            break
        drained += size
        if drained > DRAIN_MAX_BYTES:
            return False
        while size > 0:
            chunk = read(min(size, DRAIN_CHUNK_BYTES))
            if not chunk:
                return False
            size -= len(chunk)
        readline(1024)  # the CRLF after the chunk's data
    # Trailer fields, if any, up to the empty line that ends the body.
    return any(readline(8192) in (b"\r\n", b"\n", b"") for _line in range(100))


def _parameter_with_nul(request):
    """The name of the first query parameter whose name or value holds a NUL, or None."""
    query = request.META.get("QUERY_STRING", "")
    if "%00" not in query and "\x00" not in query:
        return None
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "%00")
    return None


def _refuse(request, status, code, title, detail, *, close_connection):
    # An answer without a Content-Length (streaming) makes the server close the connection
    # after it, dropping what is left of the body rather than reading it as a request.
    if request.path.startswith("/api/"):
        return problem_response(status, code, title, detail, streaming=close_connection)
    text = [f"{title} {detail}\n"]
    response_class = StreamingHttpResponse if close_connection else HttpResponse
    return response_class(text, status=status, content_type="text/plain; charset=utf-8")
