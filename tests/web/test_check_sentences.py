"""Automated check results read as sentences in the reader's language: no check code and no
raw error text in the main line; the technical detail is folded away in a <details>."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import CheckResult
from catalog.models import SolutionStatus as S
from catalog.views.presenters import check_sentence
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

RAW = "<urlopen error [Errno -2] Name or service not known>"
BROKEN = {"checked": 3, "not_checked": [],
          "broken": [{"url": "https://a.example/x", "found_in": ["description_en"],
                      "status": None, "error": RAW},
                     {"url": "https://b.example/y", "found_in": ["case_studies[0]"],
                      "status": 404, "error": "Not Found"}]}
CLOSEST = {"threshold": 0.85, "closest": [{"id": 7, "title": "Spindle monitoring",
                                           "vendor": "Acme", "similarity": 0.93}]}

SENTENCES = [
    ("links", False, BROKEN, "en",
     "2 links could not be reached: https://a.example/x, https://b.example/y."),
    ("links", False, BROKEN, "zh-hans",
     "有 2 个链接无法访问：https://a.example/x、https://b.example/y。"),
    ("links", True, {"checked": 1, "broken": [], "not_checked": ["https://c.example"]}, "en",
     "The link answered. 1 more link was not checked."),
    ("links", True, {"checked": 0, "broken": [], "not_checked": []}, "zh-hans",
     "没有需要检查的链接。"),
    ("near_duplicate", False, CLOSEST, "en",
     "Looks like a near duplicate of “Spindle monitoring” by Acme (93% similar)."),
    ("near_duplicate", False, CLOSEST, "zh-hans",
     "疑似与Acme的“Spindle monitoring”重复（相似度 93%）。"),
    ("near_duplicate", False, {"error": "ConnectionError: 10.0.0.5:9200 refused",
                               "threshold": 0.85}, "en",
     "Could not look for near duplicates: the search was unavailable. Compare with similar "
     "listings by hand."),
    ("completeness", True, {"missing": ["title_zh", "case_study"]}, "en",
     "Missing: Chinese title, A case study."),
    ("taxonomy", False, {"missing": ["industries"], "unknown": [{"field": "scenarios",
                                                                 "code": "2099-01"}],
                         "stages_without_scenario": []}, "en",
     "Required tags missing: Industries served. One code is not in the taxonomy: 2099-01."),
    ("outcomes", False, {"rows_checked": 2, "rows": [
        {"client": "Wuxi Gears", "metric": "OEE", "errors": ["before is not a number"],
         "warnings": []}]}, "en",
     "One outcome row has figures that cannot be used: Wuxi Gears – OEE."),
    ("attachments", False, {"checked": 2, "invalid": [{"title": "Brochure", "name": "b.pdf",
                                                        "problems": ["not a PDF"]}]}, "zh-hans",
     "有 1 个附件无效：Brochure。"),
    ("links", False, {"error": "KeyError"}, "en",
     "This check could not run; a reviewer should look at this aspect by hand."),
]


@pytest.mark.parametrize(("code", "passed", "details", "language", "sentence"), SENTENCES)
def test_each_check_reads_as_a_sentence(compiled_translations, code, passed, details,
                                        language, sentence):
    with translation.override(language):
        assert check_sentence(code, passed, details) == sentence


@pytest.fixture
def in_review(vendor, reviewer):
    solution = SolutionFactory(vendor=vendor, status=S.IN_REVIEW, reviewer=reviewer,
                               submitted_at=timezone.now())
    CheckResult.objects.create(solution=solution, submission=1, code="links", passed=False,
                               severity="error", score=0.333,
                               message="Some links are broken", details=BROKEN)
    CheckResult.objects.create(solution=solution, submission=1, code="near_duplicate",
                               passed=False, severity="warning", score=0.93,
                               message="Very similar to a solution in the catalog",
                               details=CLOSEST)
    return solution


def main_lines(html):
    return re.findall(r'<p class="check-message">(.*?)</p>', html, re.S)


@pytest.mark.parametrize(("language", "links", "duplicate", "summary"), [
    ("en", "2 links could not be reached", "Looks like a near duplicate of", "Technical detail"),
    ("zh-hans", "有 2 个链接无法访问", "疑似与Acme的", "技术细节"),
])
def test_review_page_shows_sentences_and_folds_the_detail(
    client, compiled_translations, reviewer, in_review, language, links, duplicate, summary
):
    client.force_login(reviewer)
    client.cookies["django_language"] = language
    html = client.get(reverse("review-decision", args=[in_review.pk])).content.decode()

    lines = main_lines(html)
    assert any(links in line for line in lines)
    assert any(duplicate in line for line in lines)
    for line in lines:
        assert "Errno" not in line and "near_duplicate" not in line and line != "links"
    details = re.findall(r"<details[^>]*>(.*?)</details>", html, re.S)
    assert any(summary in block for block in details)
    technical = "".join(details)
    assert "Errno -2" in technical and "<code>near_duplicate</code>" in technical
    rest = html
    for block in details:
        rest = rest.replace(block, "")
    assert "Errno" not in rest  # raw text only in the fold
