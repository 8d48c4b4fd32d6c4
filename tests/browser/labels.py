"""The few visible labels the journeys click or look for, per language (from locale/)."""

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
