"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
31-character set (digits and capital letters without I, O, Z, S, V), the last one a check
character computed from the first 17.

`normalize_credit_code` is what every path that takes a code applies first (strip, upper
case); `validate_credit_code` is the model field's validator, so the admin, the API, the
catalog import and the registration form all refuse a wrong code, naming the field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_LENGTH = 18
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {char: value for value, char in enumerate(CHARSET)}
# Weight of position i (0-based) is 3^i mod 31.
WEIGHTS = [pow(3, i, 31) for i in range(CREDIT_CODE_LENGTH - 1)]


def normalize_credit_code(value):
    return (value or "").strip().upper()


def check_character(first17):
    """The check character for the first 17 characters of a code (all in CHARSET)."""
    total = sum(VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(value):
    """Why `value` (normalised) is not a valid code, as a sentence; None when it is valid."""
    if len(value) != CREDIT_CODE_LENGTH:
        return _("A unified social credit code has 18 characters (this one has %(n)d).") % {
            "n": len(value)}
    wrong = sorted({char for char in value if char not in VALUE})
    if wrong:
        return _("A unified social credit code uses digits and capital letters except I, O, "
                 "Z, S and V; “%(chars)s” cannot appear in it.") % {"chars": "".join(wrong)}
    if check_character(value[:-1]) != value[-1]:
        return _("This unified social credit code's last character (the check character) "
                 "does not match the others: please check it for a typing error.")
    return None


def is_valid_credit_code(value):
    return credit_code_problem(normalize_credit_code(value)) is None


def validate_credit_code(value):
    """The model field's validator: blank is allowed (the field is optional); otherwise the
    value must already be normalised and carry the right check character."""
    if not value:
        return
    problem = credit_code_problem(value)
    if problem is None and value != normalize_credit_code(value):
        problem = _("Write the unified social credit code in capital letters, without spaces.")
    if problem is not None:
        raise ValidationError(problem, code="invalid_credit_code")
