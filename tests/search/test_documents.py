"""Documents read back from the index: whole by default, and without their long texts when
the caller scores them from facets and figures (matching)."""

import pytest

from marketplace.matching.ranking import AdHocNeed, match_need
from search import selectors
from search.backends import database
from search.index import LONG_TEXT_SOURCES, build_documents

pytestmark = pytest.mark.django_db


def test_without_long_texts_a_document_is_the_whole_less_those(backend, publish):
    solution = publish(title_en="Gearbox monitoring", description_en="Vibration " * 50,
                       summary_zh="齿轮箱监测")
    whole = backend.documents([solution.pk])[solution.pk]
    short = backend.documents([solution.pk], long_texts=False)[solution.pk]
    assert whole["description_en"].startswith("Vibration")
    assert short == {key: value for key, value in whole.items()
                     if key not in LONG_TEXT_SOURCES}
    assert short["summary_zh"] == "齿轮箱监测" and short["scenario"] == whole["scenario"]


def test_a_solution_not_indexed_yet_is_built_without_long_texts_too(publish, monkeypatch):
    solution = publish(title_en="Gearbox monitoring", description_en="Vibration")
    monkeypatch.setattr(database.DatabaseBackend, "documents",
                        lambda self, ids, long_texts=True: {})
    [doc] = build_documents([solution.pk])
    built = selectors.documents([solution.pk], long_texts=False)[solution.pk]
    assert built == {key: value for key, value in doc.items() if key not in LONG_TEXT_SOURCES}


def test_matching_reads_no_long_texts_and_still_names_the_words_it_found(publish, monkeypatch):
    solution = publish(neutral=True, title_en="Gearbox vibration monitoring",
                       description_en="Bearings and gears")
    asked = []
    documents = database.DatabaseBackend.documents

    def recording(self, ids, long_texts=True):
        asked.append(long_texts)
        return documents(self, ids, long_texts=long_texts)

    monkeypatch.setattr(database.DatabaseBackend, "documents", recording)
    [result] = match_need(AdHocNeed(title="gearbox vibration"))
    assert result.solution.pk == solution.pk
    assert asked and not any(asked)
    assert any("vibration" in str(reason.as_json()).lower() for reason in result.explained)
