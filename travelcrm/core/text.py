"""Text that can be stored: no control characters (NUL breaks PostgreSQL) and no lone UTF-16
surrogates (they cannot be encoded). Use `CleanStr` for every user-supplied text field."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def clean_text(value: str) -> str:
    for ch in value:
        code = ord(ch)
        if (code < 32 and ch not in _ALLOWED_CONTROLS) or code == 127:
            raise ValueError("must not contain control characters")
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError("contains invalid characters (lone surrogates)")
    return value


# Documented in OpenAPI too, so clients (and the contract fuzzer) know what is accepted.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

CleanStr = Annotated[
    str, StringConstraints(pattern=NO_CONTROL_CHARACTERS), AfterValidator(clean_text)
]
