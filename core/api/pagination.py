"""Bounded pagination (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS): `page_size` up to
settings.API_MAX_PAGE_SIZE."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

