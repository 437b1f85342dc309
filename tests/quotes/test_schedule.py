"""The payment schedule's arithmetic: properties over currencies with 0, 2 and 3 minor digits,
deposits as a percent or an amount, instalments and travel dates; then worked examples with
every figure written out."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from travelcrm.core.money import minor_units
from travelcrm.quotes.schedule import DepositKind, Payment, PaymentKind, Policy, build

TODAY = date(2026, 12, 7)
CURRENCIES = st.sampled_from(["INR", "USD", "JPY", "KWD"])


@st.composite
def cases(draw: st.DrawFn) -> tuple[D, str, Policy, date]:
    currency = draw(CURRENCIES)
    digits = minor_units(currency)
    total = D(draw(st.integers(min_value=0, max_value=10**10))).scaleb(-digits)
    kind = draw(st.sampled_from(list(DepositKind)))
    if kind is DepositKind.PERCENT:
        value = D(draw(st.integers(min_value=0, max_value=10000))).scaleb(-2)
    else:
        value = D(draw(st.integers(min_value=0, max_value=10**10))).scaleb(-digits)
    policy = Policy(
        deposit_kind=kind,
        deposit_value=value,
        balance_days_before=draw(st.integers(min_value=0, max_value=120)),
        instalments=draw(st.integers(min_value=0, max_value=12)),
    )
    travel = TODAY + timedelta(days=draw(st.integers(min_value=-10, max_value=400)))
    return total, currency, policy, travel


def _payments(case: tuple[D, str, Policy, date]) -> list[Payment]:
    total, currency, policy, travel = case
    return build(total, currency, policy=policy, today=TODAY, travel_start=travel)


@given(cases())
def test_the_payments_add_up_to_the_total_exactly(case) -> None:
    payments = _payments(case)
    total, currency, _, _ = case
    assert sum((p.amount for p in payments), D(0)) == total
    for p in payments:  # every amount in whole minor units of the currency
        assert p.amount == p.amount.quantize(D(1).scaleb(-minor_units(currency)))


@given(cases())
def test_no_payment_is_negative(case) -> None:
    assert all(p.amount >= 0 for p in _payments(case))


@given(cases())
def test_due_dates_never_go_backwards_and_none_is_after_travel(case) -> None:
    payments = _payments(case)
    _, _, policy, travel = case
    dates = [p.due_on for p in payments]
    assert dates == sorted(dates)
    assert dates[0] >= TODAY
    assert [p.on_acceptance for p in payments].count(True) <= 1
    if payments[0].on_acceptance:
        assert dates[0] == TODAY and payments[0].kind in (PaymentKind.DEPOSIT, PaymentKind.FULL)
    if len(payments) > 1:
        assert dates[-1] == travel - timedelta(days=policy.balance_days_before)
        assert payments[-1].kind is PaymentKind.BALANCE


@given(cases())
def test_a_balance_date_already_here_collapses_to_one_payment(case) -> None:
    total, _, policy, travel = case
    payments = _payments(case)
    if travel - timedelta(days=policy.balance_days_before) <= TODAY:
        assert payments == [Payment(PaymentKind.FULL, TODAY, total, on_acceptance=True)]
    else:
        assert len(payments) == 1 or payments[-1].kind is PaymentKind.BALANCE


# ---- worked examples --------------------------------------------------------------------------


def test_a_25_percent_deposit_and_the_balance_30_days_before() -> None:
    payments = build(
        D("123456.78"),
        "INR",
        policy=Policy(deposit_value=D(25), balance_days_before=30),
        today=TODAY,
        travel_start=date(2027, 3, 1),
    )
    assert payments == [
        Payment(PaymentKind.DEPOSIT, TODAY, D("30864.20"), on_acceptance=True),  # 30864.195
        Payment(PaymentKind.BALANCE, date(2027, 1, 30), D("92592.58")),
    ]


def test_two_instalments_share_the_rest_and_the_balance_takes_the_odd_paise() -> None:
    payments = build(
        D("100000.00"),
        "INR",
        policy=Policy(
            deposit_kind=DepositKind.AMOUNT,
            deposit_value=D("10000"),
            balance_days_before=45,
            instalments=2,
        ),
        today=TODAY,
        travel_start=date(2027, 4, 9),  # balance 23 Feb 2027: 78 days from today
    )
    assert [(p.kind, p.due_on, p.amount) for p in payments] == [
        (PaymentKind.DEPOSIT, TODAY, D("10000.00")),
        (PaymentKind.INSTALMENT, date(2027, 1, 2), D("30000.00")),  # today + 78 // 3 = 26 days
        (PaymentKind.INSTALMENT, date(2027, 1, 28), D("30000.00")),  # today + 52 days
        (PaymentKind.BALANCE, date(2027, 2, 23), D("30000.00")),
    ]
    odd = build(
        D("100.00"),
        "USD",
        policy=Policy(deposit_value=D(0), balance_days_before=10, instalments=2),
        today=TODAY,
        travel_start=date(2027, 1, 31),
    )
    assert [p.amount for p in odd] == [D("33.33"), D("33.33"), D("33.34")]
    assert odd[0].kind is PaymentKind.INSTALMENT and not odd[0].on_acceptance


def test_yen_and_dinar_round_to_their_own_minor_units() -> None:
    yen = build(
        D(100001),
        "JPY",
        policy=Policy(deposit_value=D("33.33"), balance_days_before=30),
        today=TODAY,
        travel_start=date(2027, 6, 1),
    )
    assert [p.amount for p in yen] == [D(33330), D(66671)]  # 33330.3333 -> 33330
    dinar = build(
        D("1000.000"),
        "KWD",
        policy=Policy(deposit_value=D(0), balance_days_before=30, instalments=2),
        today=TODAY,
        travel_start=date(2027, 6, 1),
    )
    assert [p.amount for p in dinar] == [D("333.333"), D("333.333"), D("333.334")]


def test_a_balance_already_due_or_a_deposit_of_everything_is_one_payment() -> None:
    late = build(
        D("50000"),
        "INR",
        policy=Policy(deposit_value=D(25), balance_days_before=30),
        today=TODAY,
        travel_start=TODAY + timedelta(days=30),  # the balance would be due today
    )
    assert late == [Payment(PaymentKind.FULL, TODAY, D("50000.00"), on_acceptance=True)]
    everything = build(
        D("500"),
        "USD",
        policy=Policy(deposit_kind=DepositKind.AMOUNT, deposit_value=D(800)),
        today=TODAY,
        travel_start=date(2027, 12, 1),
    )
    assert everything == [Payment(PaymentKind.FULL, TODAY, D("500.00"), on_acceptance=True)]


def test_a_policy_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        Policy(deposit_value=D(101))
    with pytest.raises(ValueError):
        Policy(instalments=13)
    with pytest.raises(ValueError):
        Policy(deposit_value=D(-1))
    with pytest.raises(ValueError):
        build(D(-1), "INR", policy=Policy(), today=TODAY, travel_start=TODAY)
