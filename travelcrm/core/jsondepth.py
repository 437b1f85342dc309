"""How deep a JSON text nests, measured without parsing it: Python's `json` recurses once per
level, so a body of a thousand `[` fails with a RecursionError (a 500) before any schema runs.
Every JSON the API accepts (request bodies, the import's `mapping` form field) is measured first
and refused with a 422 over `MAX_JSON_DEPTH`, far above any document we take."""

from __future__ import annotations

import re
from itertools import accumulate

from travelcrm.core.errors import FieldError, ValidationFailedError

MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def nesting_depth(text: str | bytes) -> int:
    """The deepest nesting of arrays and objects (brackets inside strings do not count).
    Linear: strings dropped by a regex and the rest reduced to brackets in C, then one pass over
    the brackets alone (about 40 ms per MB of brackets)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    opening = brackets.count(b"[") + brackets.count(b"{")
    if opening <= 1:
        return opening
    return max(accumulate(_STEP[b] for b in brackets))


def check_depth(text: str | bytes, *, field: str) -> None:
    """Refuse (422, `too_deep` on `field`) a JSON text nested deeper than `MAX_JSON_DEPTH`."""
    depth = nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ValidationFailedError(
            f"The {field} is JSON nested {depth} levels deep; at most {MAX_JSON_DEPTH} are "
            "accepted.",
            errors=[FieldError(field, f"nested deeper than {MAX_JSON_DEPTH} levels", "too_deep")],
        )
