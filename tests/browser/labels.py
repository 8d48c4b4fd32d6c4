"""The visible labels the journeys click or look for, per language (from locale/)."""

import re

from django.utils import translation

LABELS = {
    "en": {
        "save_draft": "Save draft",
        "check": "Check",
        "submit": "Submit for review",
        "approve": "Approve and publish",
        "propose_change": "Propose a change",
        "review_queue": "Review queue",
    },
    "zh-hans": {
        "save_draft": "保存草稿",
        "check": "检查",
        "submit": "提交审核",
        "approve": "通过并发布",
        "propose_change": "提出修改",
        "review_queue": "审核队列",
    },
}


def say(language, msgid, **values):
    """What a page shows for `msgid` in `language`, read from the compiled catalog (the one
    the live server uses), as plain text: markup such as a visually hidden span is dropped,
    as it is from an accessible name."""
    with translation.override(language):
        text = translation.gettext(msgid)
    if values:
        text = text % values
    return " ".join(re.sub(r"<[^>]+>", "", text).split())
