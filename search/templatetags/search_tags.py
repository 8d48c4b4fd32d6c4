"""Template tags other apps' pages load to show what search knows, without importing search
(catalog never does): `{% load search_tags %}`."""

import logging

from django import template
from django.db import DatabaseError

from search.backends import BackendUnavailable
from search.selectors import similar_solutions as similar_pairs

register = template.Library()
logger = logging.getLogger(__name__)

SIMILAR_ON_A_PAGE = 4


@register.simple_tag
def similar_solutions(solution, limit=SIMILAR_ON_A_PAGE):
    """Published solutions most like this one, best first (none for an unpublished one).
    A search outage hides the list instead of breaking the page.

        {% similar_solutions solution as similar %}"""
    if not getattr(solution, "is_published", False):
        return []
    try:
        return [found for found, _hit in similar_pairs(solution.pk, limit=limit)]
    except (BackendUnavailable, DatabaseError):
        logger.warning("similar solutions of %s unavailable", solution.pk, exc_info=True)
        return []
