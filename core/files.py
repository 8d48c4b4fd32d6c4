"""Stored files (solution attachments, message files, factory evidence): the one way they are
named in storage and the one way they leave it.

Nothing under MEDIA_ROOT is reachable by path: there is no /media/ route, and a stored name is
a random token, never derived from an id or the uploader's file name (which is kept in a
model field for display and for Content-Disposition). A file is read only through a view that
has first decided the caller may see it, and that view answers with private_file_response."""

import secrets

from django.conf import settings
from django.http import FileResponse, Http404

# 128 random bits: as hard to guess as a session key.
TOKEN_BYTES = 16
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def unguessable_name(folder, extension=""):
    """`<folder>/<random token>[.<extension>]`; only the extension (which the callers take
    from the content, not the name) says anything about the file."""
    extension = "".join(char for char in extension.lower() if char.isascii() and char.isalnum())
    suffix = f".{extension[:10]}" if extension else ""
    return f"{folder}/{secrets.token_hex(TOKEN_BYTES)}{suffix}"


def private_file_response(field_file, *, filename, content_type):
    """The stored file as a download for one caller: never rendered inline, never sniffed
    into another type, never kept by a shared cache. A file missing from storage is a 404,
    as if it never was; the attachment pre-check reports lost files to the vendor."""
    try:
        handle = field_file.open("rb")
    except (OSError, ValueError):  # ValueError: the field has no file at all
        raise Http404 from None
    # Only a type the upload check accepted (read from the bytes) is repeated to the browser.
    if content_type not in settings.ATTACHMENT_ALLOWED_TYPES:
        content_type = FALLBACK_CONTENT_TYPE
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
