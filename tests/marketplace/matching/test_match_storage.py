"""Matches as stored and shown: reasons kept as codes and shown in the reader's language, new
good matches announced once, the matches API in both languages."""

import pytest
from django.db import transaction
from django.utils import translation

from catalog import workflow
from catalog.models import LifecycleStage, Scenario
from core.models import OutboxEvent
from events.models import Notification
from marketplace.matching import fit as fitness
from marketplace.matching.ranking import refresh_matches
from marketplace.matching.reasons import render_all
from marketplace.models import Match, SeenMatch
from tests.factories import MembershipFactory, NeedFactory, OperatorFactory, SolutionFactory

pytestmark = pytest.mark.django_db


def need_for(scenarios=("2025-28",), **fields):
    need = NeedFactory(**fields)
    need.scenarios.set(Scenario.objects.filter(code__in=scenarios))
    return need


@pytest.fixture
def good(publish):
    """Fits the default need on every count."""
    return publish(scenarios=["2025-28"], industries=["machine-tools"], regions=["CN-ZJ"],
                   maturity_from=1, maturity_to=3)


@pytest.fixture
def member(db):
    return lambda need: MembershipFactory(organization=need.enterprise).user


def test_match_rows_store_reason_codes_not_sentences(good):
    need = need_for()
    refresh_matches(need)
    stored = Match.objects.filter(need=need).values_list("reasons", flat=True).get()
    assert stored[0] == {"code": "scenario", "params": {
        "code": "2025-28", "name_en": "Equipment fault diagnosis and prediction",
        "name_zh": "设备故障诊断与预测"}}
    assert all(set(item) == {"code", "params"} for item in stored)


def test_a_match_read_back_says_its_reasons_in_the_readers_language(good):
    need = need_for(language="en")
    refresh_matches(need)
    english = render_all(Match.objects.get(need=need).reasons)
    with translation.override("zh-hans"):
        chinese = render_all(Match.objects.get(need=need).reasons)
    assert english[0] == "Covers scenario 2025-28 Equipment fault diagnosis and prediction"
    assert chinese[0] == "覆盖场景 2025-28 设备故障诊断与预测"
    assert "Serves Zhejiang" in english and "服务浙江省" in chinese


def test_a_loaded_match_keeps_its_codes_until_shown(good):
    need = need_for(language="en")
    refresh_matches(need)
    with translation.override("zh-hans"):
        loaded = Match.objects.get(need=need)
    assert loaded.reasons[0]["code"] == "scenario"
    loaded.save()  # nothing was turned into one language's sentences
    assert Match.objects.values_list("reasons", flat=True).get(pk=loaded.pk) == loaded.reasons


def test_sentences_stored_before_codes_existed_are_shown_as_they_are(good):
    need = need_for()
    Match.objects.create(need=need, solution=good, score=0.5, rank=1,
                         reasons=["Serves the scenario you chose."])
    assert render_all(Match.objects.get(need=need).reasons) == ["Serves the scenario you chose."]


@pytest.mark.parametrize("language,first", [
    ("en", "Covers scenario 2025-28 Equipment fault diagnosis and prediction"),
    ("zh-hans", "覆盖场景 2025-28 设备故障诊断与预测"),
])
def test_matches_api_says_the_reasons_in_the_requests_language(api_as, good, member,
                                                               language, first):
    need = need_for(language="zh")
    refresh_matches(need)
    response = api_as(member(need)).get(f"/api/v1/needs/{need.pk}/matches/",
                                        HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    [match] = response.json()["results"]
    assert match["solution"]["id"] == good.pk
    assert match["reasons"][0] == first
    assert all(isinstance(reason, str) for reason in match["reasons"])


def test_need_page_shows_the_reasons_in_the_readers_language(client, good, member):
    need = need_for()
    refresh_matches(need)
    client.force_login(member(need))
    page = client.get(f"/needs/{need.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "覆盖场景 2025-28 设备故障诊断与预测" in page


# New good matches are announced


def announced(need):
    return list(OutboxEvent.objects.filter(topic="match.found", aggregate_id=str(need.pk))
                .values_list("payload__solution_id", flat=True))


def test_first_ranking_of_a_need_announces_nothing(good):
    need = need_for()
    refresh_matches(need)
    assert announced(need) == []
    assert SeenMatch.objects.filter(need=need, solution=good, announced=False).exists()


def test_a_new_good_match_is_announced_once(publish):
    need = need_for()
    refresh_matches(need)
    newcomer = publish(scenarios=["2025-28"], industries=["machine-tools"], regions=["CN-ZJ"])
    [result] = [r for r in refresh_matches(need, announce=True) if r.solution == newcomer]
    assert result.score >= fitness.NOTIFY_MIN_SCORE
    assert announced(need) == [newcomer.pk]
    refresh_matches(need, announce=True)
    assert announced(need) == [newcomer.pk]
    assert SeenMatch.objects.get(need=need, solution=newcomer).announced


def test_a_weak_new_match_is_not_announced(publish):
    need = need_for(scenarios=["2025-28", "2025-09", "2025-37"])
    refresh_matches(need)
    weak = publish(scenarios=["2025-09"], industries=["robots"], regions=["CN-BJ"],
                   maturity_from=5, maturity_to=5)
    [result] = [r for r in refresh_matches(need, announce=True) if r.solution == weak]
    assert result.score < fitness.NOTIFY_MIN_SCORE
    assert announced(need) == []


def test_a_match_seen_before_is_not_new_when_it_comes_back(good, publish):
    need = need_for()
    refresh_matches(need)
    Match.objects.filter(need=need).delete()  # dropped out of the ranking for a while
    refresh_matches(need, announce=True)
    assert announced(need) == []


def test_publishing_a_solution_tells_the_enterprise_of_a_new_good_match(
    django_capture_on_commit_callbacks, member
):
    need = need_for()
    refresh_matches(need)
    owner, other = member(need), member(need)
    solution = SolutionFactory(scenarios=["2025-28"], industries=["machine-tools"],
                               regions=["CN-ZJ"], title_en="Spindle guardian")
    operator = MembershipFactory(organization=OperatorFactory()).user
    with django_capture_on_commit_callbacks(execute=True):
        workflow.record_import(solution, operator)
    # The match.found event is emitted while solution.published is delivered; its own
    # delivery is scheduled for the commit of that delivery.
    from core.relay import dispatch_pending

    dispatch_pending()
    notes = Notification.objects.filter(topic="match.found")
    assert {note.recipient for note in notes} == {owner, other}
    assert all(note.link == f"/needs/{need.pk}/" and note.body == "Spindle guardian"
               for note in notes)
    dispatch_pending()
    assert notes.count() == 2


def test_closed_needs_are_not_told(good, publish, member):
    need = need_for()
    user = member(need)
    refresh_matches(need)
    newcomer = publish(scenarios=["2025-28"], industries=["machine-tools"], regions=["CN-ZJ"])
    with transaction.atomic():
        refresh_matches(need, announce=True)
    need.status = need.Status.CLOSED
    need.save()
    from core.relay import dispatch_pending

    dispatch_pending()
    assert not Notification.objects.filter(recipient=user, topic="match.found").exists()
    assert announced(need) == [newcomer.pk]


def test_stage_only_needs_get_candidates_by_stage(publish):
    solution = publish(scenarios=["2025-12"])
    need = NeedFactory(title="仓库", description="")
    need.stages.set(LifecycleStage.objects.filter(code="supply-chain"))
    assert [r.solution for r in refresh_matches(need)] == [solution]
