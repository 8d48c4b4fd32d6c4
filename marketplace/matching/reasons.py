"""The reasons of a match, as data and in words.

Matching (matching.fit) explains a match with Reasons: a code and the parameters the sentence
needs, with taxonomy names in both languages. That is what Match.reasons stores
(`{"code": …, "params": …}` items), so a match reads in the language of whoever reads it,
not in the language it was computed in:

- `render(reason)` gives the sentence in the active language (gettext; the sentences are in
  locale/zh_Hans);
- a Match keeps its codes as loaded; they become sentences where they are shown, in the
  language of the request: `render_all` behind the need page's `reason_sentences` filter
  (marketplace/templatetags/matching_tags.py), `GET /api/v1/needs/{id}/matches/`
  (marketplace.api.matching.ReasonsField) and the admin. Reasons stored as plain sentences
  (before codes existed) pass through unchanged.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language, gettext, ngettext


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict)

    def as_json(self):
        return {"code": self.code, "params": self.params}

    def __str__(self):
        return render(self)


def bilingual(obj, prefix="name"):
    """{name_en, name_zh} of a taxonomy row, for a reason's parameters."""
    return {f"{prefix}_en": obj.name_en, f"{prefix}_zh": obj.name_zh}


def _name(params, prefix="name"):
    zh, en = params.get(f"{prefix}_zh", ""), params.get(f"{prefix}_en", "")
    if (get_language() or "en").startswith("zh"):
        return zh or en
    return en or zh


def _cny(amount):
    return f"{int(amount):,}"


def _scenario(p):
    return gettext("Covers scenario %(code)s %(name)s") % {"code": p["code"], "name": _name(p)}


def _implied_scenario(p):
    return gettext("Covers scenario %(code)s %(name)s, which your description points to") % {
        "code": p["code"], "name": _name(p)}


def _industry(p):
    return gettext("Serves your industry: %(name)s") % {"name": _name(p)}


def _cross_industry(p):
    return gettext("Made for every mechanical sub-sector, yours included")


def _stage(p):
    return gettext("Works in your lifecycle stage: %(name)s") % {"name": _name(p)}


def _target_level(p):
    return gettext("Covers your target Level %(level)d") % {"level": p["level"]}


def _step(p):
    return gettext("Covers your step from Level %(current)d to Level %(target)d") % {
        "current": p["current"], "target": p["target"]}


def _region(p):
    return gettext("Serves %(name)s") % {"name": _name(p)}


def _budget(p):
    return gettext("Price from %(price)s CNY fits your budget of %(budget)s CNY") % {
        "price": _cny(p["price"]), "budget": _cny(p["budget"])}


def _case_studies_in_industry(p):
    return ngettext("%(count)d case study in %(industry)s",
                    "%(count)d case studies in %(industry)s", p["count"]) % {
        "count": p["count"], "industry": _name(p, "industry")}


def _case_studies(p):
    return ngettext("Backed by %(count)d case study", "Backed by %(count)d case studies",
                    p["count"]) % {"count": p["count"]}


def _outcome(p):
    return gettext("Measured at a client: %(metric)s %(change)s") % {
        "metric": p["metric"], "change": p["change"]}


def _rating(p):
    return ngettext("Rated %(average)s of 5 by %(count)d enterprise",
                    "Rated %(average)s of 5 by %(count)d enterprises", p["count"]) % {
        "average": f"{p['average']:.1f}", "count": p["count"]}


def _mentions(p):
    return gettext("Mentions %(words)s") % {"words": ", ".join(p["words"])}


SENTENCES = {
    "scenario": _scenario,
    "implied_scenario": _implied_scenario,
    "industry": _industry,
    "cross_industry": _cross_industry,
    "stage": _stage,
    "target_level": _target_level,
    "step": _step,
    "region": _region,
    "budget": _budget,
    "case_studies_in_industry": _case_studies_in_industry,
    "case_studies": _case_studies,
    "outcome": _outcome,
    "rating": _rating,
    "mentions": _mentions,
}


def render(reason):
    """The sentence of a Reason (or its stored form) in the active language; a plain string
    is returned as it is, an unknown code as its code."""
    if isinstance(reason, str):
        return reason
    if isinstance(reason, Reason):
        code, params = reason.code, reason.params
    else:
        code, params = reason.get("code", ""), reason.get("params") or {}
    sentence = SENTENCES.get(code)
    try:
        return sentence(params) if sentence else code
    except (KeyError, TypeError, ValueError):
        return code  # stored by another version of this module: say what it was about


def render_all(reasons):
    return [render(reason) for reason in reasons or ()]

