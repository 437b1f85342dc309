"""A quote's payment schedule, as plain arithmetic: a deposit on acceptance (a percent of the
total or an amount), instalments spread evenly in between, and the balance N days before
travel.

    payments = build(Decimal("100000"), "INR", policy=Policy(...), today=..., travel_start=...)

Rules (each a property test in `tests/quotes/test_schedule.py`):

* the amounts add up to the total exactly, in the currency's minor units (ISO 4217): the
  deposit is rounded half-up, the rest is split into equal parts of whole minor units and the
  minor units left over go to the last payment (the balance);
* no amount is negative; a deposit larger than the total is the whole total;
* due dates never go backwards: deposit (the day the schedule is made: on acceptance) <=
  each instalment <= balance;
* a balance whose date is already here (on or before `today`) collapses the schedule to one
  payment of the whole total, due at once; so does a deposit that is the whole total.

`today` is the agency's date (its timezone), given by the caller: nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from travelcrm.core.money import minor_units, round_money

__all__ = ["DepositKind", "Payment", "PaymentKind", "Policy", "build"]

MAX_INSTALMENTS = 12


class DepositKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"


class PaymentKind(StrEnum):
    DEPOSIT = "deposit"  # on acceptance
    INSTALMENT = "instalment"
    BALANCE = "balance"
    FULL = "full"  # the whole total at once (a collapsed schedule)


@dataclass(frozen=True, slots=True)
class Policy:
    """How an agency (or one quote) asks to be paid."""

    deposit_kind: DepositKind = DepositKind.PERCENT
    deposit_value: Decimal = Decimal(25)  # percent (0-100) or an amount in the quote's currency
    balance_days_before: int = 30  # the balance is due this many days before travel
    instalments: int = 0  # equal payments between the deposit and the balance

    def __post_init__(self) -> None:
        if self.deposit_value < 0:
            raise ValueError("a deposit is not negative")
        if self.deposit_kind is DepositKind.PERCENT and self.deposit_value > 100:
            raise ValueError("a deposit percent is 0-100")
        if self.balance_days_before < 0:
            raise ValueError("the balance is due on or before travel")
        if not 0 <= self.instalments <= MAX_INSTALMENTS:
            raise ValueError(f"0 to {MAX_INSTALMENTS} instalments")


@dataclass(frozen=True, slots=True)
class Payment:
    kind: PaymentKind
    due_on: date
    amount: Decimal
    on_acceptance: bool = False


def _deposit(total: Decimal, currency: str, policy: Policy) -> Decimal:
    if policy.deposit_kind is DepositKind.PERCENT:
        wanted = total * policy.deposit_value / Decimal(100)
    else:
        wanted = policy.deposit_value
    return min(round_money(wanted, currency), total)


def _split(amount: Decimal, parts: int, currency: str) -> list[Decimal]:
    """`amount` in `parts` equal shares of whole minor units; the units left over go to the
    last share, so the shares add up to `amount` exactly."""
    unit = Decimal(1).scaleb(-minor_units(currency))
    share = (amount / parts).quantize(unit, rounding=ROUND_DOWN)
    shares = [share] * parts
    shares[-1] = amount - share * (parts - 1)
    return shares


def build(
    total: Decimal,
    currency: str,
    *,
    policy: Policy,
    today: date,
    travel_start: date,
) -> list[Payment]:
    """The payments of a quote worth `total` (in `currency`), in due-date order."""
    if total < 0:
        raise ValueError("a quote's total is not negative")
    total = round_money(total, currency)
    balance_on = travel_start - timedelta(days=policy.balance_days_before)
    deposit = _deposit(total, currency, policy)
    if balance_on <= today or deposit >= total:
        return [Payment(PaymentKind.FULL, today, total, on_acceptance=True)]
    rest = total - deposit
    parts = policy.instalments + 1  # the instalments and the balance
    shares = _split(rest, parts, currency)
    span = (balance_on - today).days
    payments: list[Payment] = []
    if deposit > 0:
        payments.append(Payment(PaymentKind.DEPOSIT, today, deposit, on_acceptance=True))
    for i, share in enumerate(shares[:-1], start=1):
        due = today + timedelta(days=span * i // parts)
        payments.append(Payment(PaymentKind.INSTALMENT, due, share))
    payments.append(Payment(PaymentKind.BALANCE, balance_on, shares[-1]))
    return payments
