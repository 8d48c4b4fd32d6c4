"""What pages need to show a need's matches: `{% load matching_tags %}`."""

from django import template

from marketplace.matching.reasons import render_all

register = template.Library()


@register.filter
def reason_sentences(reasons):
    """A Match's stored reasons as sentences in the active language:

        {% for reason in match.reasons|reason_sentences %}"""
    return render_all(reasons)
