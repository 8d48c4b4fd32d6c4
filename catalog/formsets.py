"""Repeating rows on web forms (certifications, contacts, case studies, outcomes) that work
without script: each formset shows one blank row, and an "add another" submit button named
`add-<prefix>` posts the form back with one more blank row, saving nothing."""

from django import forms


def add_row_requested(data, prefix):
    return f"add-{prefix}" in data


def with_added_row(data, prefix, limit):
    """A copy of the posted `data` whose formset `prefix` has one more (blank) row, up to
    `limit` rows."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key) or 0)
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, limit))
    return data


def rows(formset):
    """The filled rows of a valid formset, those marked for deletion left out (a blank
    extra row has no cleaned data; a kept row has, changed or not)."""
    return [
        form.cleaned_data for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def capped_formset(form, limit, extra=1):
    """A formset of `form` with one blank row and at most `limit` filled ones, refused
    beyond that with a message naming the cap."""
    return forms.formset_factory(form, extra=extra, max_num=limit, validate_max=True,
                                 absolute_max=limit + extra, can_delete=True)
