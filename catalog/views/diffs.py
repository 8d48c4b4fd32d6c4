"""A revision's changes as a reviewer reads them: field by field, text with the changed words
marked, taxonomy as removed and added names, case studies compared as whole blocks."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from catalog import revisions
from catalog.models import Solution

from .presenters import case_study_view, decimal_or_none, taxonomy_lookup

FIELD_LABELS = {
    "language": _("Original language"),
    "title_en": _("Title (English)"),
    "title_zh": _("Title (Chinese)"),
    "summary_en": _("Summary (English)"),
    "summary_zh": _("Summary (Chinese)"),
    "description_en": _("Description (English)"),
    "description_zh": _("Description (Chinese)"),
    "deployment": _("Deployment"),
    "maturity_from": _("Maturity from"),
    "maturity_to": _("Maturity to"),
    "delivery_weeks": _("Typical delivery (weeks)"),
    "price_min_cny": _("Price from (CNY)"),
    "price_max_cny": _("Price up to (CNY)"),
    "scenarios": _("Scenarios"),
    "stages": _("Additional lifecycle stages"),
    "industries": _("Industries served"),
    "technologies": _("Technologies"),
    "regions": _("Regions served"),
    "case_studies": _("Case studies"),
}
CHOICE_FIELDS = {
    "language": dict(Solution.Language.choices),
    "deployment": dict(Solution.Deployment.choices),
}
# Words of Latin script, single CJK characters (Chinese has no spaces between words),
# runs of white space, and any other single character.
TOKEN = re.compile(r"[A-Za-z0-9_'’.,-]+|[\u3400-\u9fff\uf900-\ufaff]|\s+|.", re.DOTALL)


def marked_text(before, after):
    """Both texts as HTML, with what was removed in <del> and what was added in <ins>."""
    old, new = TOKEN.findall(before or ""), TOKEN.findall(after or "")
    old_html, new_html = [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = escape("".join(old[i1:i2])), escape("".join(new[j1:j2]))
        if op == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(f"<del>{removed}</del>")
        if added:
            new_html.append(f"<ins>{added}</ins>")
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308 - escaped


def _case_blocks(before, after, names):
    """Pairs of case studies, matched by client: changed, added, removed or unchanged."""
    unmatched = list(range(len(after)))
    blocks = []
    for old in before:
        match = next((j for j in unmatched if after[j].get("client") == old.get("client")), None)
        if match is None:
            blocks.append({"state": "removed", "before": case_study_view(old, names),
                           "after": None, "changed": set()})
            continue
        unmatched.remove(match)
        new = after[match]
        changed = {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
        blocks.append({"state": "changed" if changed else "unchanged",
                       "before": case_study_view(old, names),
                       "after": case_study_view(new, names), "changed": changed})
    for j in unmatched:
        blocks.append({"state": "added", "before": None,
                       "after": case_study_view(after[j], names), "changed": set()})
    return blocks


def diff_rows(base, data):
    """The changes from `base` to `data` (two snapshots), ready for the diff table."""
    names = taxonomy_lookup(base, data)
    rows = []
    for change in revisions.diff(base, data):
        field, before, after = change["field"], change["before"], change["after"]
        row = {"field": field, "label": FIELD_LABELS.get(field, field)}
        if field in CHOICE_FIELDS:
            labels = CHOICE_FIELDS[field]
            row.update(kind="plain", before=labels.get(before, before),
                       after=labels.get(after, after))
        elif field in revisions.TEXT_FIELDS:
            before_html, after_html = marked_text(before, after)
            row.update(kind="text", before=before_html, after=after_html)
        elif field in revisions.RELATIONS:
            lookup = names[field]

            def named(codes, lookup=lookup):
                return [lookup[code].name if code in lookup else code for code in codes]

            old, new = set(before or []), set(after or [])
            row.update(kind="set", removed=named(sorted(old - new)),
                       added=named(sorted(new - old)), kept=named(sorted(old & new)))
        elif field in revisions.MONEY_FIELDS:
            row.update(kind="money", before=decimal_or_none(before), after=decimal_or_none(after))
        elif field in ("maturity_from", "maturity_to"):
            row.update(kind="level", before=before, after=after)
        elif field == "case_studies":
            row.update(kind="cases", blocks=_case_blocks(before or [], after or [], names))
        else:
            row.update(kind="plain", before=before, after=after)
        rows.append(row)
    return rows
