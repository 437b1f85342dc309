"""The JSON nesting measure that guards every parse of a client's JSON."""

from __future__ import annotations

import json

import pytest

from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.jsondepth import MAX_JSON_DEPTH, check_depth, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ("12", 0),
        ('"[[[["', 0),  # brackets in strings do not count
        ('"a \\" [[["', 0),  # nor after an escaped quote
        ("{}", 1),
        ('[[1], {"a": ["]]]", {"b": []}]}]', 5),
        ("[" * 1000 + "]" * 1000, 1000),
    ],
)
def test_nesting_depth(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth
    assert nesting_depth(text.encode()) == depth


def test_the_limit_is_inclusive() -> None:
    check_depth(json.dumps(json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)), field="body")
    with pytest.raises(ValidationFailedError) as info:
        check_depth("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), field="mapping")
    assert [(e.field, e.code) for e in info.value.errors] == [("mapping", "too_deep")]
