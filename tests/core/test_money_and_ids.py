from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from travelcrm.core.ids import new_id
from travelcrm.core.money import CurrencyMismatchError, Money, round_money


def test_round_money_uses_the_currency_minor_unit() -> None:
    assert round_money(Decimal("10.005"), "INR") == Decimal("10.01")
    assert round_money(Decimal("10.5"), "JPY") == Decimal("11")
    assert round_money(Decimal("1.2345"), "KWD") == Decimal("1.235")


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
