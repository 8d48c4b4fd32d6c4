"""Organisation logos: public images, checked by their bytes (never the name or the browser's
claim), at most accounts.limits.LOGO_MAX_BYTES, stored under a random name (core.files) and
served by accounts.views.organization_logo with long cache headers and nosniff. SVG is not
accepted: it is a document that can carry script."""

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .limits import LOGO_MAX_BYTES

# content type → the extension the stored name takes
ALLOWED = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
CONTENT_TYPE_OF_EXTENSION = {extension: mime for mime, extension in ALLOWED.items()}
SNIFF_BYTES = 8192


def checked_extension(fileobj):
    """The stored extension for an uploaded logo, or a ValidationError on `logo` saying why
    it is refused. `fileobj` is read from its start and left there."""
    size = getattr(fileobj, "size", None)
    if not size:
        raise ValidationError({"logo": [_("The file is empty.")]})
    if size > LOGO_MAX_BYTES:
        raise ValidationError({"logo": [_("A logo is at most %(limit)s KiB (this one is "
                                          "%(size)s KiB).")
                                        % {"limit": LOGO_MAX_BYTES // 1024,
                                           "size": -(-size // 1024)}]})
    fileobj.seek(0)
    kind = filetype.guess(fileobj.read(SNIFF_BYTES))
    fileobj.seek(0)
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError({"logo": [_("A logo must be a PNG, JPEG or WebP image (SVG is "
                                          "not accepted).")]})
    return ALLOWED[kind.mime]


def content_type_of(stored_name):
    return CONTENT_TYPE_OF_EXTENSION.get(stored_name.rpartition(".")[2].lower(),
                                         "application/octet-stream")
