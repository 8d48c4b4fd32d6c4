"""How much one solution may hold: the caps on its lists and its free texts.

One definition for every door: the API serializers, the web forms and import_catalog read
these numbers, and the services check the lists again, so what one door refuses no other
door lets in. docs/api.md ("Limits") lists them for partners.

Each cap is generous for a real listing (the demo catalog's largest solution has 2 case
studies of 2 outcomes, 5 regions and a 270-character description) yet keeps one solution's
page and API answer to a few hundred kilobytes, where 2,000 case studies of 20 outcomes made
a 2.6 MB answer that took 16 s. Stored data over a cap is left as it is; only new writes are
held to it."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Free texts, in characters (a Chinese character counts as one).
SUMMARY_MAX_CHARS = 2_000  # shown on cards and in search results: a paragraph or two
DESCRIPTION_MAX_CHARS = 20_000  # markdown; about ten printed pages
CASE_STUDY_TEXT_MAX_CHARS = 5_000  # one case study's story
REVIEW_COMMENT_MAX_CHARS = 5_000  # a reviewer's note to the vendor
# A need's text: what hurts, the goal, the constraints. Kept here, the lowest floor that reads
# it: marketplace stores needs, search ranks solutions for an ad-hoc one (POST /api/v1/match/).
NEED_DESCRIPTION_MAX_CHARS = 10_000

# Lists of one solution.
CASE_STUDIES_MAX = 20
OUTCOMES_PER_CASE_STUDY_MAX = 10
ATTACHMENTS_PER_SOLUTION_MAX = 20
# Taxonomy codes per list, for solutions and needs alike. Scenarios: half of the guide's 40
# (a solution claiming more is no longer scenario-based). The others: above the size of the
# whole taxonomy today (6 stages, 16 industries, 24 technologies, 31 regions), so "all of
# them" always fits, while a list repeating a code thousands of times does not.
RELATIONS_MAX = {
    "scenarios": 20,
    "stages": 50,
    "industries": 50,
    "technologies": 50,
    "regions": 50,
}

TOO_MANY = _("At most %(limit_value)d items are allowed here (this has %(show_value)d).")


def max_items(limit):
    """A validator for a list (or the raw values of a multiple choice) of at most `limit`."""
    return MaxLengthValidator(limit, message=TOO_MANY)


def capped_text(limit, *args, **kwargs):
    """A model TextField of at most `limit` characters. Its max_length bounds the ModelForm
    and ModelSerializer fields made from it; the validator makes full_clean() in the services
    hold the same number (a TextField's max_length alone does not). The column is unchanged."""
    return models.TextField(*args, max_length=limit, validators=[MaxLengthValidator(limit)],
                            **kwargs)


def check_count(errors, field, items, limit):
    """Add the too-many message for `field` to `errors` (a dict of lists) when `items` is
    longer than `limit`."""
    if items is not None and len(items) > limit:
        errors.setdefault(field, []).append(
            TOO_MANY % {"limit_value": limit, "show_value": len(items)})


def check_length(errors, field, value, limit):
    """Add Django's own too-long message (translated) for `field` when `value` is longer
    than `limit` characters: for services that write texts without full_clean()."""
    try:
        MaxLengthValidator(limit)(value or "")
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)


def require_length(field, value, limit):
    """check_length for a single text: raise the ValidationError at once."""
    errors = {}
    check_length(errors, field, value, limit)
    raise_if(errors)


def raise_if(errors):
    if errors:
        raise ValidationError(errors)
