"""Phone numbers as the centre types them, stored in E.164 and shown the international way.

`phonenumbers` (Google's libphonenumber) knows every country's numbering plan; a number is
accepted only if it is a valid number for its country, not merely number-shaped.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_REGION = "DE"  # for numbers typed without a country code


def to_e164(text: str, region: str | None = DEFAULT_REGION) -> str:
    """The number in E.164 (`+493012345678`), or ValidationError saying what is wrong."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"“{text}” is not a phone number.", code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"“{text}” is not a valid phone number.", code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """`+493012345678` as people read it, `+49 30 12345678`; anything else as it is."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def as_typed(text: str) -> str:
    """The E.164 of a number typed in a search ("030 1234567"), or "" if it is none."""
    try:
        return to_e164(text)
    except ValidationError:
        return ""
