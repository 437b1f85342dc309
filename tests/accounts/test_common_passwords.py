"""The shipped list of the 10,000 most common passwords, and the rule that uses it."""

from __future__ import annotations

from importlib import resources

import pytest

from travelcrm.accounts.passwords import (
    COMMON_PASSWORD_MESSAGE,
    MIN_LENGTH,
    check_password_rules,
    common_passwords,
)
from travelcrm.core.errors import ValidationFailedError


def _lines() -> list[str]:
    text = (
        resources.files("travelcrm.accounts")
        .joinpath("data", "common-passwords.txt")
        .read_text(encoding="utf-8")
    )
    return text.splitlines()


def test_the_list_has_10000_lower_cased_unique_entries_in_order() -> None:
    lines = _lines()
    assert lines[0].startswith("# The 10,000 most common passwords")
    entries = lines[1:]
    assert len(entries) == 10_000
    assert len(set(entries)) == 10_000
    assert all(entry and entry == entry.strip().lower() for entry in entries)
    assert entries[:2] == ["123456", "password"]  # most common first
    assert common_passwords() == frozenset(entries)
    assert common_passwords() is common_passwords()  # loaded once


def _long_common() -> list[str]:
    return [entry for entry in _lines()[1:] if len(entry) >= MIN_LENGTH]


def test_there_are_common_passwords_long_enough_to_pass_the_length_rule() -> None:
    assert len(_long_common()) >= 20


@pytest.mark.parametrize("index", [0, 1, 2, 5, 10, -1])
def test_long_common_passwords_are_refused(index: int) -> None:
    password = _long_common()[index]
    with pytest.raises(ValidationFailedError) as excinfo:
        check_password_rules(password)
    assert excinfo.value.detail == f"The password {COMMON_PASSWORD_MESSAGE}."
    assert [e.as_dict() for e in excinfo.value.errors] == [
        {"field": "password", "message": COMMON_PASSWORD_MESSAGE, "code": "weak_password"}
    ]


def test_the_check_ignores_case_and_surrounding_spaces() -> None:
    password = next(p for p in _long_common() if any(c.isalpha() for c in p))
    for variant in (password.upper(), password.title(), f"  {password} "):
        with pytest.raises(ValidationFailedError) as excinfo:
            check_password_rules(variant, field="new_password")
        assert [(e.field, e.message, e.code) for e in excinfo.value.errors] == [
            ("new_password", COMMON_PASSWORD_MESSAGE, "weak_password")
        ]


def test_common_is_reported_with_the_other_problems() -> None:
    with pytest.raises(ValidationFailedError) as excinfo:
        check_password_rules("password")
    messages = [e.message for e in excinfo.value.errors]
    assert messages == [f"must be at least {MIN_LENGTH} characters", COMMON_PASSWORD_MESSAGE]


def test_only_exact_entries_are_refused() -> None:
    password = _long_common()[0]
    check_password_rules(password + "!7")  # the list is exact, not a pattern


@pytest.mark.parametrize(
    "password",
    ["Sunrise-Demo-2026", "Horizon-Demo-2026", "Monsoon-Goa-2026!", "vT7#qLm2!xW9pRz4-Kd"],
)
def test_strong_and_demo_passwords_pass(password: str) -> None:
    assert password.strip().lower() not in common_passwords()
    check_password_rules(password)
