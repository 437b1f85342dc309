"""Money is a Decimal amount with an ISO 4217 currency code, rounded by one helper."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor units (the maintenance agency's list of active codes): every
# currency whose minor unit is not 2. All others (INR, USD, EUR, IDR, ...) have 2.
_MINOR_UNITS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI"),
        0,
    ),
    **dict.fromkeys(("VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


class CurrencyMismatchError(ValueError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine amounts in {left} and {right}")
        self.left, self.right = left, right


def minor_units(currency: str) -> int:
    """Digits after the decimal point of `currency` (ISO 4217): JPY 0, INR 2, KWD 3."""
    return _MINOR_UNITS.get(currency.upper(), 2)


# the quantum of each number of minor digits, made once (a sheet rounds thousands of amounts)
_QUANTUM = {digits: Decimal(1).scaleb(-digits) for digits in {2, *_MINOR_UNITS.values()}}


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit: the only rounding rule for money."""
    return amount.quantize(_QUANTUM[minor_units(currency)], rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        code = self.currency.upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"{self.currency!r} is not an ISO 4217 currency code")
        object.__setattr__(self, "currency", code)
        object.__setattr__(self, "amount", Decimal(self.amount))

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)
        return Money(self.amount - other.amount, self.currency)

    def rounded(self) -> Money:
        return Money(round_money(self.amount, self.currency), self.currency)
