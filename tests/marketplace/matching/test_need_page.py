"""A need's page says "Ranking…" until matching has ranked the need, and "No matches yet"
only once a ranking found nothing."""

import pytest

from marketplace.matching.ranking import refresh_matches
from tests.factories import MembershipFactory, NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(db):
    return NeedFactory(title="仓库", description="")  # nothing in the catalog fits it


def page(client, need, language="en"):
    client.force_login(MembershipFactory(organization=need.enterprise).user)
    return client.get(f"/needs/{need.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_need_not_ranked_yet_says_ranking(client, need):
    assert need.matched_at is None
    shown = page(client, need)
    assert "Ranking…" in shown
    assert "No matches yet" not in shown


def test_ranking_is_said_in_chinese_too(client, need):
    assert "正在排序…" in page(client, need, "zh-hans")


def test_a_ranked_need_without_matches_says_so(client, need):
    updated_at = need.updated_at
    assert refresh_matches(need) == []
    need.refresh_from_db()
    assert need.matched_at is not None
    assert need.updated_at == updated_at  # a ranking is no change of the need
    shown = page(client, need)
    assert "No matches yet" in shown
    assert "Ranking…" not in shown


def test_a_closed_need_never_ranked_does_not_wait_for_a_ranking(client, need):
    need.status = need.Status.CLOSED
    need.save()
    assert "Ranking…" not in page(client, need)


def test_posting_a_need_ranks_it_after_commit(enterprise_user, enterprise, on_commit):
    from marketplace import services

    with on_commit():
        need = services.post_need(actor=enterprise_user, enterprise=enterprise,
                                  data={"title": "Spindle monitoring", "language": "en"})
    need.refresh_from_db()
    assert need.matched_at is not None
