"""Attachments API (filled in by the attachment checks work)."""

from rest_framework import viewsets


class AttachmentViewSet(viewsets.GenericViewSet):
    pass
