"""How customer details read on pages."""

from __future__ import annotations

import phonenumbers


def readable_phone(value: str | None) -> str:
    """A stored E.164 phone with its usual spacing ("+91 98123 45678"); as stored if unusual."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
