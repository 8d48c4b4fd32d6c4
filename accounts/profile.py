"""The shape of an organisation's profile lists (certifications, sales contacts, regions
served), checked the same way for the web form, the API and the services. Region codes are
the catalog's taxonomy, a floor above: the form or serializer that names them checks them."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from . import limits

CERTIFICATION_KEYS = ("name", "issuer", "number", "valid_until")
CONTACT_KEYS = ("name", "title", "email", "phone")


def _text(errors, where, value, limit, required=False):
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(_("%(where)s must be text.") % {"where": where})
        return ""
    value = value.strip()
    if required and not value:
        errors.append(_("%(where)s is required.") % {"where": where})
    elif len(value) > limit:
        errors.append(_("%(where)s has at most %(limit)d characters.")
                      % {"where": where, "limit": limit})
    return value


def _rows(field, value, limit):
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise ValidationError({field: [_("Must be a list of objects.")]})
    if len(value) > limit:
        raise ValidationError({field: [
            _("At most %(limit_value)d items are allowed here (this has %(show_value)d).")
            % {"limit_value": limit, "show_value": len(value)}]})


def clean_certifications(value):
    """A list of {name, issuer, number, valid_until}; name required, valid_until an ISO date
    or empty. Returns the cleaned list; raises ValidationError on `certifications`."""
    _rows("certifications", value, limits.CERTIFICATIONS_MAX)
    cleaned, errors = [], []
    for i, row in enumerate(value):
        unknown = sorted(set(row) - set(CERTIFICATION_KEYS))
        if unknown:
            errors.append(_("Item %(n)d: unknown keys %(keys)s.")
                          % {"n": i + 1, "keys": ", ".join(unknown)})
        item = {key: _text(errors, f"[{i}].{key}", row.get(key),
                           limits.CERTIFICATION_TEXT_MAX_CHARS, required=key == "name")
                for key in ("name", "issuer", "number")}
        valid_until = row.get("valid_until") or ""
        if isinstance(valid_until, datetime.date):
            valid_until = valid_until.isoformat()
        try:
            if valid_until:
                datetime.date.fromisoformat(str(valid_until))
        except ValueError:
            errors.append(_("[%(n)d].valid_until must be a date (YYYY-MM-DD).") % {"n": i})
        item["valid_until"] = str(valid_until)
        cleaned.append(item)
    if errors:
        raise ValidationError({"certifications": errors})
    return cleaned


def clean_contacts(value):
    """A list of {name, title, email, phone}; name and one of email or phone required."""
    _rows("contacts", value, limits.CONTACTS_MAX)
    cleaned, errors = [], []
    for i, row in enumerate(value):
        unknown = sorted(set(row) - set(CONTACT_KEYS))
        if unknown:
            errors.append(_("Item %(n)d: unknown keys %(keys)s.")
                          % {"n": i + 1, "keys": ", ".join(unknown)})
        item = {key: _text(errors, f"[{i}].{key}", row.get(key), limits.CONTACT_TEXT_MAX_CHARS,
                           required=key == "name")
                for key in ("name", "title", "phone")}
        item["email"] = _text(errors, f"[{i}].email", row.get("email"), 254)
        if item["email"]:
            try:
                validate_email(item["email"])
            except ValidationError:
                errors.append(_("[%(n)d].email is not an email address.") % {"n": i})
        if not (item["email"] or item["phone"]):
            errors.append(_("[%(n)d]: give an email address or a phone number.") % {"n": i})
        cleaned.append({key: item[key] for key in CONTACT_KEYS})
    if errors:
        raise ValidationError({"contacts": errors})
    return cleaned


def clean_service_regions(value, known_codes=None):
    """A list of region codes, each once; checked against `known_codes` when given."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError({"service_regions": [_("Must be a list of region codes.")]})
    codes = list(dict.fromkeys(code.strip() for code in value if code.strip()))
    if len(codes) > limits.SERVICE_REGIONS_MAX:
        raise ValidationError({"service_regions": [
            _("At most %(limit_value)d items are allowed here (this has %(show_value)d).")
            % {"limit_value": limits.SERVICE_REGIONS_MAX, "show_value": len(codes)}]})
    if known_codes is not None:
        unknown = [code for code in codes if code not in known_codes]
        if unknown:
            raise ValidationError({"service_regions": [
                _("Unknown region codes: %(codes)s") % {"codes": ", ".join(unknown)}]})
    return codes
