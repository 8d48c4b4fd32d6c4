"""Checking an uploaded evidence document: size and type, the type read from its first
bytes. The limits are the site's attachment settings (ATTACHMENT_MAX_BYTES,
ATTACHMENT_ALLOWED_TYPES), the same as for solutions' attachments."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
# Office documents are ZIP containers; the extension says which kind of document it is.
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
              **{content_type: suffix for suffix, content_type in OFFICE_TYPES.items()}}


def stored_name(content_type):
    """What the upload is called on its way into storage: its detected type only (the
    stored name itself is random, see models.evidence_path)."""
    return f"evidence{EXTENSIONS.get(content_type, '')}"


def detect_type(head, filename):
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return OFFICE_TYPES.get(PurePath(filename).suffix.lower(), "")
    return ""


def checked_upload(upload):
    """(content type, size) of an acceptable upload; ValidationError otherwise."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": [
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        ]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = detect_type(head, upload.name or "")
    if content_type not in settings.ATTACHMENT_ALLOWED_TYPES:
        raise ValidationError({"file": [
            _("Upload a PDF, an image (PNG, JPEG) or an Office document.")
        ]})
    return content_type, size
