"""The starting list of review reasons. Operators maintain the list in the admin: this only
adds codes that are missing, so their edits (and deactivations) stay."""

from .models import ReviewReason

STARTING_REASONS = [
    ("incomplete-evidence", "Incomplete evidence", "证据不充分", "both"),
    ("unverifiable-outcome", "Outcome figures cannot be verified", "成效数据无法核实", "both"),
    ("wrong-scenario", "Tagged with the wrong scenario", "场景标注不准确", "changes_requested"),
    ("missing-translation", "Title or summary missing in one language",
     "缺少中文或英文标题/摘要", "changes_requested"),
    ("pricing-unclear", "Price range or delivery time unclear", "价格区间或交付周期不清楚",
     "changes_requested"),
    ("broken-links", "Links or attachments do not work", "链接或附件无法打开",
     "changes_requested"),
    ("duplicate", "Duplicates an existing listing", "与已有方案重复", "both"),
    ("out-of-scope", "Not a scenario-based solution for the mechanical industry",
     "不属于机械行业场景化解决方案", "rejected"),
    ("misleading-claims", "Misleading or unsupported claims", "夸大或无依据的宣传", "both"),
    ("other", "Other (see comment)", "其他（见评语）", "both"),
]


def ensure_review_reasons():
    existing = set(ReviewReason.objects.values_list("code", flat=True))
    ReviewReason.objects.bulk_create(
        ReviewReason(code=code, label_en=en, label_zh=zh, applies_to=applies_to,
                     position=position)
        for position, (code, en, zh, applies_to) in enumerate(STARTING_REASONS)
        if code not in existing
    )


def active_reasons_for(to_status):
    return ReviewReason.objects.filter(
        is_active=True, applies_to__in=[to_status, ReviewReason.AppliesTo.BOTH]
    )
