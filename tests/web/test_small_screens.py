"""The markup small screens rely on: filter panels are <details> open by default (a phone
folds them, see static/js/small-screens.js) whose summary counts the active filters, and the
header's menu button controls a wrapper holding every navigation item and tool.
tests/browser/test_small_screens.py measures the pages themselves at 390 px."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<details class="filter-panel" id="([\w-]+)" open>\s*'
                     r'<summary class="btn filter-toggle">([^<]*)</summary>')


def toggle(response):
    """(panel id, toggle text) of the page's one filter panel."""
    assert response.status_code == 200
    panels = SUMMARY.findall(response.content.decode())
    assert len(panels) == 1, panels
    return panels[0]


def filters(language, count):
    with translation.override(language):
        if not count:
            return translation.gettext("Filters")
        return translation.ngettext("Filters (%(counter)s)", "Filters (%(counter)s)",
                                    count) % {"counter": count}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_search_counts_each_chosen_facet_value(client, compiled_translations, language):
    client.cookies["django_language"] = language
    assert toggle(client.get("/search/?q=spindle")) == ("search-filters", filters(language, 0))
    page = client.get("/search/?q=spindle&scenario=2025-28&scenario=2025-01&region=CN-JS")
    assert toggle(page) == ("search-filters", filters(language, 3))
    assert filters(language, 3) == {"en": "Filters (3)", "zh-hans": "筛选（3）"}[language]


def test_review_queue_counts_the_filters_away_from_its_defaults(as_user, reviewer):
    client = as_user(reviewer)
    assert toggle(client.get("/review/")) == ("queue-filters", "Filters")
    assert toggle(client.get("/review/?status=in_review")) == ("queue-filters", "Filters (1)")
    # A reviewer's queue shows their own by default; everyone's is a filter too.
    page = client.get("/review/?status=in_review&sla=overdue&assignee=anyone")
    assert toggle(page) == ("queue-filters", "Filters (3)")


def test_factory_list_counts_its_filters(client):
    assert toggle(client.get("/factories/")) == ("factory-filters", "Filters")
    page = client.get("/factories/?tier=basic&region=CN-JS")
    assert toggle(page) == ("factory-filters", "Filters (2)")


def test_the_menu_button_controls_every_item_of_the_header(as_user, enterprise_user):
    html = as_user(enterprise_user).get("/").content.decode()
    button = re.search(r'<button type="button" class="menu-toggle"([^>]*)>', html)
    assert button, "no menu button"
    assert 'aria-expanded="false"' in button.group(1)
    assert 'aria-controls="site-menu"' in button.group(1)
    menu = html[html.index('id="site-menu"'):html.index("</header>")]
    links = ["dashboard", "maturity-assessment", "factory-list", "inbox", "notification-settings"]
    for needle in [f'href="{reverse(name)}"' for name in links] + [
            f'action="{reverse("account_logout")}"', 'class="lang-switch"']:
        assert needle in menu, needle
    assert '<script src="/static/js/small-screens.js"></script>' in html
