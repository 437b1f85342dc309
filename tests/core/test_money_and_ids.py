from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from travelcrm.core.ids import new_id
from travelcrm.core.money import CurrencyMismatchError, Money, minor_units, round_money


def test_round_money_uses_the_currency_minor_unit() -> None:
    assert round_money(Decimal("10.005"), "INR") == Decimal("10.01")
    assert round_money(Decimal("10.5"), "JPY") == Decimal("11")
    assert round_money(Decimal("1.2345"), "KWD") == Decimal("1.235")


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("JPY", 0), ("KRW", 0), ("VND", 0), ("CLP", 0), ("ISK", 0), ("INR", 2), ("USD", 2),
     ("EUR", 2), ("IDR", 2), ("AED", 2), ("KWD", 3), ("BHD", 3), ("OMR", 3), ("JOD", 3),
     ("TND", 3), ("CLF", 4), ("jpy", 0)],
)  # fmt: skip
def test_minor_units_follow_iso_4217(currency: str, digits: int) -> None:
    assert minor_units(currency) == digits


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False),
    currency=st.sampled_from(["INR", "USD", "JPY", "KRW", "KWD", "OMR", "EUR", "CLF"]),
)
def test_rounding_keeps_the_minor_digits_and_moves_at_most_half_a_unit(
    amount: Decimal, currency: str
) -> None:
    rounded = round_money(amount, currency)
    unit = Decimal(1).scaleb(-minor_units(currency))
    assert rounded.as_tuple().exponent == -minor_units(currency)
    assert abs(rounded - amount) <= unit / 2
    assert round_money(rounded, currency) == rounded


def test_money_refuses_bad_codes_and_mixed_currencies() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), "RUPEES")
    with pytest.raises(CurrencyMismatchError):
        Money(Decimal(1), "INR") + Money(Decimal(1), "usd")


@given(
    st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=2), min_size=1, max_size=20)
)
def test_sums_are_exact(amounts: list[Decimal]) -> None:
    total = Money(Decimal(0), "inr")
    for amount in amounts:
        total = total + Money(amount, "INR")
    assert total.amount == sum(amounts)
    assert total.currency == "INR"


def test_new_ids_are_uuid7_and_time_ordered() -> None:
    ids = [new_id() for _ in range(2000)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert len(set(ids)) == len(ids)
    prefixes = [i.int >> 80 for i in ids]
    assert prefixes == sorted(prefixes)
