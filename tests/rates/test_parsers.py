"""The one set of parsers the grid, the REST API and the sheet import read rate values with:
whatever the grid shows, typed back, is the value it showed; and the import reads the same
text the same way (property tests)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from travelcrm.core.money import minor_units
from travelcrm.rates import parsers
from travelcrm.rates.schemas import weekdays_mask
from travelcrm.ratesheets import values
from travelcrm.ui.components.money import format_amount, format_money
from travelcrm.ui.pages.rates import cells as grid
from travelcrm.ui.pages.rates import text

CURRENCIES = ["INR", "USD", "JPY", "KWD", "EUR", "AED"]


@given(low=st.integers(1, 999), high=st.integers(1, 999))
def test_a_pax_range_reads_the_same_in_the_grid_and_the_import(low: int, high: int) -> None:
    low, high = min(low, high), max(low, high)
    for written in (f"{low}-{high}", f"{low} to {high}", f"{low} \u2013 {high} pax"):
        assert parsers.parse_pax(written) == (low, high)
        assert grid.parse_pax(written) == values.parse_pax(written) == (low, high)
    open_top = 99 if low <= 99 else 999
    assert grid.parse_pax(f"{low}+") == values.parse_pax(f"{low}+") == (low, open_top)
    assert grid.cell_patch("pax", f"{low}-{high}") == {"pax_min": low, "pax_max": high}


@given(mask=st.integers(1, 127))
def test_weekdays_as_the_grid_shows_them_read_back_to_the_same_days(mask: int) -> None:
    shown = text.weekdays_text(mask)
    assert weekdays_mask(text.parse_weekdays(shown)) == mask
    assert weekdays_mask(values.parse_weekdays(shown)) == mask


@given(
    currency=st.sampled_from(CURRENCIES),
    amount=st.decimals(min_value=0, max_value=10**9, allow_nan=False, places=3),
)
def test_amounts_as_the_grid_shows_them_read_back_to_the_same_amount(
    currency: str, amount: Decimal
) -> None:
    rounded = amount.quantize(Decimal(1).scaleb(-minor_units(currency)))
    shown = format_amount(rounded, currency)
    assert grid.parse_cell("net", shown, currency) == rounded
    assert values.parse_amount(shown) == (rounded, None)
    # with its symbol or code, as people paste it from a quote
    assert grid.parse_cell("net", format_money(rounded, currency), currency) == rounded


def test_a_price_in_another_currency_is_refused_in_the_grid() -> None:
    with pytest.raises(text.CellError, match="This list's prices are in INR, not USD"):
        grid.parse_cell("net", "$1,200", "INR")
    with pytest.raises(text.CellError, match="'abc' is not an amount"):
        grid.parse_amount("abc")
