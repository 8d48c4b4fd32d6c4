"""What a search says about how its results match, one thing at a time: nothing when every
result has every word, "these have some of the words" when the search was relaxed, and one
message with what to try when nothing matches; the API's `relaxed` means the same."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
API = "/api/v1/search/"
RELAXED_EN = "No solution has every word of"
EMPTY_EN = "No solution matches"


@pytest.fixture
def gearbox(publish):
    return publish(neutral=True, title_en="Gearbox vibration analysis")


def page(client, params, language="en"):
    client.cookies["django_language"] = language
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response, html.unescape(response.content.decode())


def test_a_result_with_every_word_has_no_notice(client, gearbox):
    response, text = page(client, {"q": "gearbox vibration"})
    assert [s.pk for s in response.context["solutions"]] == [gearbox.pk]
    assert RELAXED_EN not in text and EMPTY_EN not in text


def test_a_relaxed_search_says_only_that_these_have_some_of_the_words(client, gearbox):
    response, text = page(client, {"q": "gearbox zeppelin"})
    assert [s.pk for s in response.context["solutions"]] == [gearbox.pk]
    assert "No solution has every word of “gearbox zeppelin”; these have some of them." in text
    assert EMPTY_EN not in text


def test_nothing_matching_says_only_that_with_what_to_try(client, gearbox):
    response, text = page(client, {"q": "zeppelin airship", "scenario": "2025-17",
                                   "deployment": "cloud"})
    assert response.context["solutions"] == []
    assert "No solution matches “zeppelin airship”" in text
    assert "Try fewer words, or other words for the same thing." in text
    assert RELAXED_EN not in text
    removable = {item["label"]: parse_qs(item["querystring"])
                 for item in response.context["removable_filters"]}
    assert removable == {
        "Scenario: 2025-17 Carbon asset lifecycle management": {
            "q": ["zeppelin airship"], "deployment": ["cloud"]},
        "Deployment: Cloud": {"q": ["zeppelin airship"], "scenario": ["2025-17"]},
    }
    link = next(part for part in text.split('href="')[1:] if "Remove “Deployment" in part)
    assert parse_qs(urlsplit(link.split('"')[0]).query) == {
        "q": ["zeppelin airship"], "scenario": ["2025-17"]}


def test_one_word_matching_nothing_suggests_other_words_and_no_filter(client, gearbox):
    response, text = page(client, {"q": "zeppelin"})
    assert "No solution matches “zeppelin”" in text
    assert "Try other words for the same thing." in text
    assert response.context["removable_filters"] == []


def test_the_messages_are_in_chinese_for_a_chinese_reader(client, gearbox):
    _response, text = page(client, {"q": "gearbox zeppelin"}, language="zh-hans")
    assert "没有方案包含“gearbox zeppelin”的全部词语，以下方案包含其中部分词语。" in text
    _response, text = page(client, {"q": "zeppelin airship", "scenario": "2025-17"},
                           language="zh-hans")
    assert "没有与“zeppelin airship”匹配的方案" in text
    assert "请减少搜索词，或换一种说法。" in text and "移除“" in text
    assert "以下方案包含其中部分词语" not in text


def test_the_api_is_relaxed_only_when_it_has_results(api, gearbox):
    relaxed = api.get(API, {"q": "gearbox zeppelin"}).json()
    assert relaxed["relaxed"] is True and relaxed["count"] == 1
    empty = api.get(API, {"q": "zeppelin airship"}).json()
    assert empty["relaxed"] is False and empty["count"] == 0 and empty["results"] == []
