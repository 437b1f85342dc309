"""The pricing sheet's arithmetic, in one place: FX with a buffer, markups (and which rule
applies), agent commission, manual overrides, the agency's rounding, totals per day and per
service type, per-person figures on a half-twin basis, and taxes as dated data.

Plain functions of `Decimal` values and frozen dataclasses: no session, no clock, no float.
Every amount a function returns is rounded to its currency's ISO 4217 minor unit by
`core.money.round_money`; percentages are given as percent (15 means 15 %).

The columns of a line, left to right, and what ties them:

    net (buying currency) x FX (rate x (1 + buffer %)) = net_sell (selling currency)
    gross = net_sell + markup                       (commission included in the gross)
    gross = net_sell + markup + commission          (commission on top)
    agent_net = gross - commission                  (what the agency keeps of the gross)
    margin = agent_net - net_sell                   (what the agency earns)

A markup m and a margin g on the agency's price describe the same sell price
S = C(1 + m) = C / (1 - g), so g = m / (1 + m) and m = g / (1 - g).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

from travelcrm.core.money import minor_units, round_money

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)


def _pct(value: Decimal) -> Decimal:
    return value / HUNDRED


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency`: 0.01 INR, 1 JPY, 0.001 KWD."""
    return ONE.scaleb(-minor_units(currency))


# ---- markup and margin ---------------------------------------------------------------------------


def margin_pct_from_markup(markup_pct: Decimal) -> Decimal:
    """The margin on the sell price that a markup on cost gives: 25 % markup = 20 % margin."""
    m = _pct(markup_pct)
    return m / (ONE + m) * HUNDRED


def markup_pct_from_margin(margin_pct: Decimal) -> Decimal:
    """The markup on cost that gives a margin on the sell price: 20 % margin = 25 % markup."""
    g = _pct(margin_pct)
    if g >= ONE:
        raise ValueError("a margin must be below 100 % of the sell price")
    return g / (ONE - g) * HUNDRED


def sell_from_markup(cost: Decimal, markup_pct: Decimal, currency: str) -> Decimal:
    return round_money(cost * (ONE + _pct(markup_pct)), currency)


def sell_from_margin(cost: Decimal, margin_pct: Decimal, currency: str) -> Decimal:
    g = _pct(margin_pct)
    if g >= ONE:
        raise ValueError("a margin must be below 100 % of the sell price")
    return round_money(cost / (ONE - g), currency)


# ---- FX ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fx:
    """How much of the selling currency one unit of the buying currency costs, plus the
    agency's buffer against the rate moving before the customer pays."""

    buy: str
    sell: str
    rate: Decimal = ONE
    buffer_pct: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("an exchange rate must be above zero")
        if self.buffer_pct < 0:
            raise ValueError("an FX buffer cannot be negative")

    @classmethod
    def same(cls, currency: str) -> Fx:
        return cls(buy=currency, sell=currency)

    @property
    def effective(self) -> Decimal:
        """The rate the sheet uses: the rate raised by the buffer."""
        return self.rate * (ONE + _pct(self.buffer_pct))

    def convert(self, amount: Decimal) -> Decimal:
        """`amount` in the buying currency, in the selling currency at the buffered rate."""
        return round_money(amount * self.effective, self.sell)

    def back(self, amount: Decimal) -> Decimal:
        """`amount` in the selling currency, in the buying currency at the buffered rate."""
        return round_money(amount / self.effective, self.buy)


def margin_at_risk(net_buy: Decimal, fx: Fx, today_rate: Decimal) -> Decimal:
    """What the agency loses (positive) if it pays the supplier at today's rate instead of
    the buffered rate the price was made with: zero while the move stays inside the buffer."""
    planned = fx.convert(net_buy)
    now = round_money(net_buy * today_rate, fx.sell)
    return max(ZERO, now - planned)


# ---- markup rules --------------------------------------------------------------------------------


class MarkupKind(StrEnum):
    PERCENT = "percent"  # of the net in the selling currency
    AMOUNT = "amount"  # in the selling currency, per line


class MarkupPolicy(StrEnum):
    MOST_SPECIFIC = "most_specific"  # the rule naming the most of the line's facts wins
    STACK = "stack"  # every matching rule: percentages multiply, amounts add


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What a markup rule can match on."""

    market: str | None = None
    destination: str | None = None
    supplier_type: str | None = None
    service_type: str | None = None
    travel_date: date | None = None


@dataclass(frozen=True, slots=True)
class MarkupRule:
    """A markup the agency applies to lines matching every criterion it names (a criterion
    left empty matches anything). `id` and `name` travel to the sheet so it can say which
    rule priced each line."""

    id: str
    name: str
    kind: MarkupKind
    value: Decimal
    market: str | None = None
    destination: str | None = None
    supplier_type: str | None = None
    service_type: str | None = None
    travel_from: date | None = None
    travel_to: date | None = None

    @property
    def specificity(self) -> int:
        named = (self.market, self.destination, self.supplier_type, self.service_type)
        period = self.travel_from is not None or self.travel_to is not None
        return sum(value is not None for value in named) + int(period)

    def matches(self, facts: LineFacts) -> bool:
        for wanted, have in (
            (self.market, facts.market),
            (self.destination, facts.destination),
            (self.supplier_type, facts.supplier_type),
            (self.service_type, facts.service_type),
        ):
            if wanted is not None and (have is None or wanted.casefold() != have.casefold()):
                return False
        if self.travel_from is not None or self.travel_to is not None:
            if facts.travel_date is None:
                return False
            if self.travel_from is not None and facts.travel_date < self.travel_from:
                return False
            if self.travel_to is not None and facts.travel_date > self.travel_to:
                return False
        return True


def choose_markups(
    rules: Sequence[MarkupRule], facts: LineFacts, policy: MarkupPolicy
) -> tuple[MarkupRule, ...]:
    """The rules that price a line. Most specific: the matching rule naming the most facts
    (a tie goes to the earlier rule in `rules`, so the caller's order is the tie-break).
    Stack: every matching rule, broadest first."""
    matching = [rule for rule in rules if rule.matches(facts)]
    if not matching:
        return ()
    if policy is MarkupPolicy.STACK:
        return tuple(sorted(matching, key=lambda rule: rule.specificity))
    best = max(rule.specificity for rule in matching)
    return (next(rule for rule in matching if rule.specificity == best),)


def apply_markups(net_sell: Decimal, markups: Iterable[MarkupRule], currency: str) -> Decimal:
    """The agency's price before commission: percentages compound on the net, amounts add."""
    factor = ONE
    amount = ZERO
    for rule in markups:
        if rule.kind is MarkupKind.PERCENT:
            factor *= ONE + _pct(rule.value)
        else:
            amount += rule.value
    return round_money(net_sell * factor + amount, currency)


# ---- one line ------------------------------------------------------------------------------------


class CommissionMode(StrEnum):
    INCLUDED = "included"  # the agent's commission is taken out of the gross
    ON_TOP = "on_top"  # the agent's commission is added to the agency's price


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One priced item as the sheet takes it. `net` is the item's whole net in the buying
    currency (all nights, rooms, vehicles). `sell_override` locks the gross; `margin_override_pct`
    locks the agency's margin as a share of its price (agent net): either wins over markups.
    An optional line is priced and shown but not totalled; a supplement line (single
    supplement) is left out of the half-twin per-person figure."""

    key: str
    label: str
    net: Decimal
    fx: Fx
    day: int | None = None
    service_type: str = "other"
    markups: tuple[MarkupRule, ...] = ()
    commission_pct: Decimal = ZERO
    commission_mode: CommissionMode = CommissionMode.INCLUDED
    sell_override: Decimal | None = None
    margin_override_pct: Decimal | None = None
    optional: bool = False
    supplement: bool = False
    list_sell: Decimal | None = None  # the rate list's own sell, used when no markup rule applies


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A line's columns, in the selling currency from `net_sell` on."""

    key: str
    label: str
    day: int | None
    service_type: str
    optional: bool
    supplement: bool
    net: Decimal
    buy_currency: str
    fx_rate: Decimal
    fx_buffer_pct: Decimal
    net_sell: Decimal
    markup: Decimal
    gross: Decimal
    commission: Decimal
    agent_net: Decimal
    margin: Decimal
    currency: str
    rule_ids: tuple[str, ...] = ()
    rule_names: tuple[str, ...] = ()
    overridden: bool = False

    @property
    def margin_pct(self) -> Decimal:
        """The margin as a share of the agency's price (agent net)."""
        return ZERO if not self.agent_net else self.margin / self.agent_net * HUNDRED


def _commission_of(gross: Decimal, line: SheetLine, currency: str) -> Decimal:
    c = _pct(line.commission_pct)
    if line.commission_mode is CommissionMode.INCLUDED:
        return round_money(gross * c, currency)
    return gross - round_money(gross / (ONE + c), currency)


def _columns(line: SheetLine, net_sell: Decimal, gross: Decimal, currency: str) -> PricedLine:
    """Every column from the net and a (possibly rounded) gross: commission, agent net,
    margin and markup are always worked out from the gross the customer sees."""
    commission = _commission_of(gross, line, currency)
    agent_net = gross - commission
    markup = (
        agent_net - net_sell if line.commission_mode is CommissionMode.ON_TOP else gross - net_sell
    )
    return PricedLine(
        key=line.key,
        label=line.label,
        day=line.day,
        service_type=line.service_type,
        optional=line.optional,
        supplement=line.supplement,
        net=round_money(line.net, line.fx.buy),
        buy_currency=line.fx.buy,
        fx_rate=line.fx.rate,
        fx_buffer_pct=line.fx.buffer_pct,
        net_sell=net_sell,
        markup=markup,
        gross=gross,
        commission=commission,
        agent_net=agent_net,
        margin=agent_net - net_sell,
        currency=currency,
        rule_ids=tuple(rule.id for rule in line.markups),
        rule_names=tuple(rule.name for rule in line.markups),
        overridden=line.sell_override is not None or line.margin_override_pct is not None,
    )


def price_line(line: SheetLine) -> PricedLine:
    """A line's columns before the agency's rounding step (amounts in minor units)."""
    currency = line.fx.sell
    net_sell = line.fx.convert(line.net)
    c = _pct(line.commission_pct)
    if not ZERO <= c < ONE:
        raise ValueError("a commission is at least 0 % and below 100 %")
    if line.sell_override is not None:
        gross = round_money(line.sell_override, currency)
    else:
        if line.margin_override_pct is not None:
            # the agency keeps its margin on what is left once the agent is paid
            kept = sell_from_margin(net_sell, line.margin_override_pct, currency)
            if line.commission_mode is CommissionMode.INCLUDED:
                gross = round_money(kept / (ONE - c), currency)
            else:
                gross = round_money(kept * (ONE + c), currency)
        else:
            if not line.markups and line.list_sell is not None:
                price = line.fx.convert(line.list_sell)  # the contract's own sell price
            else:
                price = apply_markups(net_sell, line.markups, currency)
            if line.commission_mode is CommissionMode.INCLUDED:
                gross = price  # a marked-up gross pays the agent out of the markup
            else:
                gross = round_money(price * (ONE + c), currency)
    return _columns(line, net_sell, gross, currency)


# ---- rounding ------------------------------------------------------------------------------------


class RoundingLevel(StrEnum):
    LINE = "line"  # each line's gross to the step
    PERSON = "person"  # the price per paying person to the step; the total is that times pax
    TOTAL = "total"  # the trip's total to the step


class RoundingDirection(StrEnum):
    NEAREST = "nearest"  # half up
    UP = "up"


@dataclass(frozen=True, slots=True)
class Rounding:
    """The agency's rounding: a step (1, 10, 100, 0.05...; zero = the currency's minor unit
    only), where it applies, and which way."""

    step: Decimal = ZERO
    level: RoundingLevel = RoundingLevel.LINE
    direction: RoundingDirection = RoundingDirection.NEAREST

    def apply(self, amount: Decimal, currency: str) -> Decimal:
        step = self.step if self.step > 0 else minor_unit(currency)
        units = amount / step
        if self.direction is RoundingDirection.UP:
            units = units.to_integral_value(rounding=ROUND_CEILING)
        else:
            units = units.to_integral_value(rounding=ROUND_HALF_UP)
        return round_money(units * step, currency)


def spread(amount: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """`amount` shared in proportion to `weights`, in whole minor units that add up to it
    exactly (largest remainders get the leftover units; equal weights when all are zero)."""
    if not weights:
        return []
    unit = minor_unit(currency)
    units = int((amount / unit).to_integral_value(rounding=ROUND_HALF_UP))
    total_weight = sum((abs(w) for w in weights), ZERO)
    shares = (
        [abs(w) / total_weight for w in weights]
        if total_weight
        else [ONE / len(weights)] * len(weights)
    )
    sign = 1 if units >= 0 else -1
    exact = [Decimal(abs(units)) * share for share in shares]
    whole = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = abs(units) - sum(whole)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in by_remainder[:left]:
        whole[i] += 1
    return [Decimal(sign * n) * unit for n in whole]


# ---- the sheet -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Totals:
    net_sell: Decimal
    markup: Decimal
    gross: Decimal
    commission: Decimal
    agent_net: Decimal
    margin: Decimal

    @classmethod
    def of(cls, lines: Iterable[PricedLine]) -> Totals:
        sums = dict.fromkeys(
            ("net_sell", "markup", "gross", "commission", "agent_net", "margin"), ZERO
        )
        for line in lines:
            for name in sums:
                sums[name] += getattr(line, name)
        return cls(**sums)


@dataclass(frozen=True, slots=True)
class Sheet:
    """The priced itinerary: its lines (optional ones included, flagged), the totals of the
    lines that count, the same per day and per service type, and per paying person."""

    currency: str
    lines: tuple[PricedLine, ...]
    total: Totals
    by_day: Mapping[int | None, Totals]
    by_type: Mapping[str, Totals]
    paying_pax: int
    per_person: Decimal
    twin_share_per_person: Decimal
    single_supplement_per_person: Decimal
    rounding_adjustment: Decimal = ZERO

    @property
    def counted(self) -> tuple[PricedLine, ...]:
        return tuple(line for line in self.lines if not line.optional)


def price_sheet(
    lines: Sequence[SheetLine],
    *,
    currency: str,
    paying_pax: int,
    singles: int = 0,
    rounding: Rounding = Rounding(),
) -> Sheet:
    """Price every line and total them under the agency's rounding. Rounding the line level
    rounds each gross; the person and total levels round the trip and spread the difference
    over the counted lines in proportion to their gross (so lines always add up to the total),
    and commission, agent net and margin are worked out again from the rounded gross."""
    if paying_pax < 1:
        raise ValueError("a sheet needs at least one paying traveller")
    for line in lines:
        if line.fx.sell != currency:
            raise ValueError(f"line {line.key} sells in {line.fx.sell}, the sheet in {currency}")
    by_key = {line.key: line for line in lines}
    priced = [price_line(line) for line in lines]

    def regross(item: PricedLine, gross: Decimal) -> PricedLine:
        return _columns(by_key[item.key], item.net_sell, gross, currency)

    def rounded(item: PricedLine) -> PricedLine:
        gross = rounding.apply(item.gross, currency)
        # the same gross, digit for digit, gives the same columns: nothing to work out again
        same = gross == item.gross and gross.as_tuple() == item.gross.as_tuple()
        return item if same else regross(item, gross)

    adjustment = ZERO
    if rounding.level is RoundingLevel.LINE:
        priced = [
            item if by_key[item.key].sell_override is not None else rounded(item) for item in priced
        ]
    else:
        counted = [i for i, item in enumerate(priced) if not item.optional]
        trip = sum((priced[i].gross for i in counted), ZERO)
        if rounding.level is RoundingLevel.PERSON:
            target = rounding.apply(trip / paying_pax, currency) * paying_pax
        else:
            target = rounding.apply(trip, currency)
        adjustment = target - trip
        movable = [i for i in counted if by_key[priced[i].key].sell_override is None] or counted
        shares = spread(adjustment, [priced[i].gross for i in movable], currency)
        for i, share in zip(movable, shares, strict=True):
            priced[i] = regross(priced[i], priced[i].gross + share)
        priced = [
            regross(item, rounding.apply(item.gross, currency)) if item.optional else item
            for item in priced
        ]

    counted_lines = [item for item in priced if not item.optional]
    total = Totals.of(counted_lines)
    days: dict[int | None, list[PricedLine]] = defaultdict(list)
    types: dict[str, list[PricedLine]] = defaultdict(list)
    for item in counted_lines:
        days[item.day].append(item)
        types[item.service_type].append(item)
    supplements = sum((item.gross for item in counted_lines if item.supplement), ZERO)
    return Sheet(
        currency=currency,
        lines=tuple(priced),
        total=total,
        by_day={day: Totals.of(items) for day, items in sorted(days.items(), key=_day_order)},
        by_type={kind: Totals.of(items) for kind, items in sorted(types.items())},
        paying_pax=paying_pax,
        per_person=round_money(total.gross / paying_pax, currency),
        twin_share_per_person=round_money((total.gross - supplements) / paying_pax, currency),
        single_supplement_per_person=(
            round_money(supplements / singles, currency) if singles else ZERO
        ),
        rounding_adjustment=adjustment,
    )


def _day_order(item: tuple[int | None, object]) -> tuple[int, int]:
    day = item[0]
    return (1, 0) if day is None else (0, day)


# ---- group places --------------------------------------------------------------------------------


def free_places(travellers: int, one_free_per: int) -> int:
    """Free (FOC) places in a group where every `one_free_per` paying travellers earn one:
    the most free places f with f * one_free_per <= travellers - f (40 with 1 per 15: 2)."""
    if one_free_per < 1 or travellers < 1:
        return 0
    return travellers // (one_free_per + 1)


# ---- taxes ---------------------------------------------------------------------------------------


class TaxKind(StrEnum):
    GST_PACKAGE = (
        "gst_package"  # a share of the gross (a package billing stay and transport together)
    )
    GST_SERVICE = "gst_service"  # a share of the agency's margin (its service fee)
    HOTEL_SLAB = "hotel_slab"  # by each night's tariff, on a stay billed alone
    TCS = "tcs"  # collected at source on an overseas package, by the year's amount
    CUSTOM = "custom"  # any other line: a share of the gross or of the margin


class TaxBase(StrEnum):
    GROSS = "gross"
    MARGIN = "margin"


@dataclass(frozen=True, slots=True)
class Slab:
    """Up to `up_to` (None: above every other slab), `rate_pct` applies."""

    up_to: Decimal | None
    rate_pct: Decimal


@dataclass(frozen=True, slots=True)
class TaxRule:
    """A dated row of the agency's tax table: in force from `valid_from` until a later row of
    the same `kind` (and `name`, for custom lines) takes over."""

    id: str
    name: str
    kind: TaxKind
    valid_from: date
    rate_pct: Decimal = ZERO
    base: TaxBase = TaxBase.GROSS
    slabs: tuple[Slab, ...] = ()
    split_in_state: bool = False  # GST: central + state halves within the agency's state


def in_force(rules: Iterable[TaxRule], kind: TaxKind, on: date) -> TaxRule | None:
    """The row of `kind` in force on `on`: the latest `valid_from` not after it."""
    candidates = [rule for rule in rules if rule.kind is kind and rule.valid_from <= on]
    return max(candidates, key=lambda rule: rule.valid_from, default=None)


def _slab_rate(slabs: Sequence[Slab], amount: Decimal) -> Decimal:
    for slab in sorted(slabs, key=lambda s: (s.up_to is None, s.up_to or ZERO)):
        if slab.up_to is None or amount <= slab.up_to:
            return slab.rate_pct
    return ZERO


def tiered(amount: Decimal, slabs: Sequence[Slab], already: Decimal = ZERO) -> Decimal:
    """Tax on `amount` when the slabs run over a year's total and `already` of it has been
    billed before: each part of the amount pays its own slab's rate (unrounded)."""
    ordered = sorted(slabs, key=lambda s: (s.up_to is None, s.up_to or ZERO))
    tax = ZERO
    low = ZERO
    start, end = already, already + amount
    for slab in ordered:
        high = slab.up_to
        lo = max(start, low)
        hi = end if high is None else min(end, high)
        if hi > lo:
            tax += (hi - lo) * _pct(slab.rate_pct)
        if high is not None:
            low = high
    return tax


class GstScheme(StrEnum):
    PACKAGE = "package"  # GST_PACKAGE on the gross
    SERVICE_FEE = "service_fee"  # GST_SERVICE on the margin
    HOTEL_ONLY = "hotel_only"  # HOTEL_SLAB per night
    NONE = "none"


@dataclass(frozen=True, slots=True)
class TaxFacts:
    """What the tax lines of one bill depend on."""

    on: date  # the invoice date: the rules in force that day apply
    currency: str
    gross: Decimal
    margin: Decimal
    scheme: GstScheme = GstScheme.NONE
    in_state: bool = True  # the customer's state is the agency's
    nightly_tariffs: tuple[Decimal, ...] = ()  # a hotel-only bill: each room-night's tariff
    overseas: bool = False
    tcs_already: Decimal = ZERO  # overseas packages this customer was billed this year
    custom: tuple[str, ...] = field(default=())  # names of custom lines to add


@dataclass(frozen=True, slots=True)
class TaxLine:
    rule_id: str
    name: str
    kind: TaxKind
    base: Decimal
    rate_pct: Decimal | None  # None when several slab rates apply
    amount: Decimal
    collected: bool = False  # TCS: collected for the government, credited to the customer


def tax_lines(rules: Sequence[TaxRule], facts: TaxFacts) -> list[TaxLine]:
    """The tax lines of a bill, each naming its rule. GST within the agency's state is billed
    as equal central and state halves (CGST + SGST), otherwise as one integrated line (IGST);
    TCS is worked out on the bill with its GST."""
    currency = facts.currency
    out: list[TaxLine] = []

    def gst(rule: TaxRule, base: Decimal, rate_pct: Decimal, amount: Decimal | None = None) -> None:
        if rule.split_in_state and facts.in_state:
            half = (
                round_money(base * _pct(rate_pct) / 2, currency)
                if amount is None
                else round_money(amount / 2, currency)
            )
            out.extend(
                TaxLine(rule.id, f"{rule.name} ({part})", rule.kind, base, rate_pct / 2, half)
                for part in ("CGST", "SGST")
            )
            return
        name = f"{rule.name} (IGST)" if rule.split_in_state else rule.name
        value = round_money(base * _pct(rate_pct), currency) if amount is None else amount
        out.append(TaxLine(rule.id, name, rule.kind, base, rate_pct, value))

    if facts.scheme is GstScheme.PACKAGE:
        rule = in_force(rules, TaxKind.GST_PACKAGE, facts.on)
        if rule is not None:
            gst(rule, facts.gross, rule.rate_pct)
    elif facts.scheme is GstScheme.SERVICE_FEE:
        rule = in_force(rules, TaxKind.GST_SERVICE, facts.on)
        if rule is not None:
            gst(rule, max(facts.margin, ZERO), rule.rate_pct)
    elif facts.scheme is GstScheme.HOTEL_ONLY:
        rule = in_force(rules, TaxKind.HOTEL_SLAB, facts.on)
        if rule is not None:
            by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
            for tariff in facts.nightly_tariffs:
                by_rate[_slab_rate(rule.slabs, tariff)] += tariff
            for rate_pct, base in sorted(by_rate.items()):
                if rate_pct:
                    gst(rule, base, rate_pct)
    for name in facts.custom:
        rule = next(
            (
                r
                for r in sorted(rules, key=lambda r: r.valid_from, reverse=True)
                if r.kind is TaxKind.CUSTOM and r.name == name and r.valid_from <= facts.on
            ),
            None,
        )
        if rule is not None:
            base = facts.gross if rule.base is TaxBase.GROSS else max(facts.margin, ZERO)
            out.append(
                TaxLine(
                    rule.id,
                    rule.name,
                    rule.kind,
                    base,
                    rule.rate_pct,
                    round_money(base * _pct(rule.rate_pct), currency),
                )
            )
    if facts.overseas:
        rule = in_force(rules, TaxKind.TCS, facts.on)
        if rule is not None:
            base = facts.gross + sum((line.amount for line in out), ZERO)
            slabs = rule.slabs or (Slab(None, rule.rate_pct),)
            amount = round_money(tiered(base, slabs, facts.tcs_already), currency)
            rates = {s.rate_pct for s in slabs}
            single = next(iter(rates)) if len(rates) == 1 else None
            out.append(TaxLine(rule.id, rule.name, rule.kind, base, single, amount, collected=True))
    return out


def with_override(
    line: SheetLine, *, sell: Decimal | None = None, margin_pct: Decimal | None = None
) -> SheetLine:
    """The line with its gross or its margin locked by the agent (one or the other)."""
    return replace(line, sell_override=sell, margin_override_pct=margin_pct)
