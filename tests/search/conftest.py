import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from catalog.models import LifecycleStage, SolutionStatus
from search.backends.database import DatabaseBackend
from search.backends.fallback import reset_fallback_count
from search.services import sync_solution
from tests.factories import SolutionFactory

# Text fields set to say nothing, and a scenario whose names and keywords share no word
# with the texts the findability tests look for (碳资产 / carbon accounting).
NEUTRAL_TEXT = {
    "title_en": "",
    "title_zh": "",
    "summary_en": "",
    "summary_zh": "",
    "description_en": "",
    "description_zh": "",
    "scenarios": ["2025-17"],
}


@pytest.fixture(autouse=True)
def database_search_backend(settings):
    """These tests are about the database backend unless they say otherwise, whatever the
    environment running them asks for; and they read English unless they say otherwise (a
    request in Chinese leaves Chinese active in the thread)."""
    settings.SEARCH_BACKEND = "database"
    reset_fallback_count()
    cache.clear()  # throttling counts requests in the cache
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def backend(db):
    return DatabaseBackend()


@pytest.fixture
def publish(db):
    """publish(**fields) -> a published, indexed solution (SolutionFactory fields).
    With neutral=True the text fields default to empty (see NEUTRAL_TEXT)."""

    def make(*, neutral=False, stages=None, **fields):
        if neutral:
            fields = {**NEUTRAL_TEXT, **fields}
        fields.setdefault("status", SolutionStatus.PUBLISHED)
        fields.setdefault("published_at", timezone.now())
        solution = SolutionFactory(**fields)
        if stages is not None:
            solution.stages.set(LifecycleStage.objects.filter(code__in=stages))
        sync_solution(solution.pk)
        return solution

    return make
