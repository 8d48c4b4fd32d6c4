"""Small text filters for templates."""

from django import template

register = template.Library()


@register.filter
def no_final_stop(name):
    """A name that a sentence's own full stop follows, without a stop of its own:
    "Suzhou Lianxin Co., Ltd." + "." would read "Co., Ltd.." (the abbreviation's stop ends
    the sentence instead)."""
    text = str(name or "")
    return text[:-1] if text.endswith(".") else text
