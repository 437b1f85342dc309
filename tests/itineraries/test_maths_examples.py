"""Worked examples from the sheet an operator keeps, every figure written out by hand: a Kerala
family trip, a 40-traveller group with free places, a Dubai trip bought in AED and sold in INR."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from travelcrm.itineraries.maths import (
    CommissionMode,
    Fx,
    GstScheme,
    LineFacts,
    MarkupKind,
    MarkupPolicy,
    MarkupRule,
    Rounding,
    RoundingDirection,
    RoundingLevel,
    SheetLine,
    Slab,
    TaxFacts,
    TaxKind,
    TaxRule,
    choose_markups,
    free_places,
    margin_at_risk,
    price_sheet,
    tax_lines,
)

INR = Fx.same("INR")

ANY_10 = MarkupRule("all", "Everything 10 %", MarkupKind.PERCENT, D(10))
HOTELS_KERALA_15 = MarkupRule(
    "kerala-hotels",
    "Kerala hotels 15 %",
    MarkupKind.PERCENT,
    D(15),
    destination="Kerala",
    service_type="hotel",
)
TRANSPORT_8 = MarkupRule(
    "transport", "Transport 8 %", MarkupKind.PERCENT, D(8), service_type="transport"
)
RULES = [ANY_10, HOTELS_KERALA_15, TRANSPORT_8]

INDIA = [
    TaxRule(
        "gst-pkg",
        "GST on tour package",
        TaxKind.GST_PACKAGE,
        date(2017, 7, 1),
        D(5),
        split_in_state=True,
    ),
    TaxRule(
        "gst-fee",
        "GST on service fee",
        TaxKind.GST_SERVICE,
        date(2017, 7, 1),
        D(18),
        split_in_state=True,
    ),
    TaxRule(
        "tcs-2023",
        "TCS on overseas package",
        TaxKind.TCS,
        date(2023, 10, 1),
        slabs=(Slab(D(700_000), D(5)), Slab(None, D(20))),
    ),
    TaxRule(
        "tcs-2025",
        "TCS on overseas package",
        TaxKind.TCS,
        date(2025, 4, 1),
        slabs=(Slab(D(1_000_000), D(5)), Slab(None, D(20))),
    ),
    TaxRule("tcs-2026", "TCS on overseas package", TaxKind.TCS, date(2026, 4, 1), D(2)),
    TaxRule(
        "hotel-2022",
        "GST on accommodation",
        TaxKind.HOTEL_SLAB,
        date(2022, 7, 18),
        split_in_state=True,
        slabs=(Slab(D(7500), D(12)), Slab(None, D(18))),
    ),
    TaxRule(
        "hotel-2025",
        "GST on accommodation",
        TaxKind.HOTEL_SLAB,
        date(2025, 9, 22),
        split_in_state=True,
        slabs=(Slab(D(7500), D(5)), Slab(None, D(18))),
    ),
]


def kerala_line(key: str, day: int, kind: str, net: str) -> SheetLine:
    facts = LineFacts(destination="Kerala", service_type=kind)
    markups = choose_markups(RULES, facts, MarkupPolicy.MOST_SPECIFIC)
    return SheetLine(key, key, D(net), INR, day=day, service_type=kind, markups=markups)


def test_kerala_seven_nights_for_two_adults_and_a_child() -> None:
    lines = [
        kerala_line("Cochin hotel, 2 nights, double + child's extra bed", 1, "hotel", "15000"),
        kerala_line("Munnar hotel, 2 nights, double + child with bed", 3, "hotel", "18000"),
        kerala_line("Thekkady hotel, 1 night", 5, "hotel", "6700"),
        kerala_line("Alleppey houseboat, 1 night, full board", 6, "hotel", "14000"),
        kerala_line("Kovalam hotel, 1 night", 7, "hotel", "10000"),
        kerala_line(
            "Innova, 1,150 km at 16 + 7 driver's allowances at 400", 1, "transport", "21200"
        ),
        kerala_line("Kathakali show, 3 seats", 2, "activity", "1500"),
        kerala_line("Periyar boat, 2 adults + 1 child", 5, "activity", "750"),
    ]
    rounding = Rounding(D(100), RoundingLevel.PERSON, RoundingDirection.NEAREST)
    sheet = price_sheet(lines, currency="INR", paying_pax=3, rounding=rounding)

    # markups: Kerala hotels 15 %, transport 8 %, the rest 10 %: 98,626 before rounding;
    # 98,626 / 3 = 32,875.33 a person, to the nearest 100 = 32,900, so 98,700 (+74 spread)
    assert [line.rule_names for line in sheet.lines] == [("Kerala hotels 15 %",)] * 5 + [
        ("Transport 8 %",),
        ("Everything 10 %",),
        ("Everything 10 %",),
    ]
    assert sheet.rounding_adjustment == D("74.00")
    assert [line.gross for line in sheet.lines] == [
        D("17262.94"),
        D("20715.53"),
        D("7710.78"),
        D("16112.08"),
        D("11508.63"),
        D("22913.18"),
        D("1651.24"),
        D("825.62"),
    ]
    assert sheet.total.net_sell == D("87150.00")
    assert sheet.total.gross == D("98700.00")
    assert sheet.total.commission == D("0.00")
    assert sheet.total.margin == D("11550.00")
    assert sheet.per_person == D("32900.00")
    assert sheet.by_type["hotel"].gross == D("73309.96")
    assert sheet.by_type["transport"].gross == D("22913.18")
    assert sheet.by_type["activity"].gross == D("2476.86")
    assert sheet.by_day[1].gross == D("40176.12")  # Cochin hotel + the car, both on day 1

    taxes = tax_lines(
        INDIA,
        TaxFacts(
            on=date(2026, 12, 1),
            currency="INR",
            gross=sheet.total.gross,
            margin=sheet.total.margin,
            scheme=GstScheme.PACKAGE,
            in_state=True,
        ),
    )
    assert [(t.name, t.rate_pct, t.amount) for t in taxes] == [
        ("GST on tour package (CGST)", D("2.5"), D("2467.50")),
        ("GST on tour package (SGST)", D("2.5"), D("2467.50")),
    ]
    # the same trip on the service-fee scheme: 18 % of the margin
    fee = tax_lines(
        INDIA,
        TaxFacts(
            on=date(2026, 12, 1),
            currency="INR",
            gross=sheet.total.gross,
            margin=sheet.total.margin,
            scheme=GstScheme.SERVICE_FEE,
            in_state=False,
        ),
    )
    assert [(t.name, t.base, t.amount) for t in fee] == [
        ("GST on service fee (IGST)", D("11550.00"), D("2079.00")),
    ]


def test_forty_travellers_with_free_places_and_an_agents_commission() -> None:
    assert free_places(40, 15) == 2  # 38 paying earn 2 free places (3 would need 45)
    paying = 40 - free_places(40, 15)
    markup = (MarkupRule("group", "Groups 12 %", MarkupKind.PERCENT, D(12)),)

    def line(key: str, kind: str, net: str) -> SheetLine:
        return SheetLine(
            key,
            key,
            D(net),
            INR,
            day=1,
            service_type=kind,
            markups=markup,
            commission_pct=D(5),
            commission_mode=CommissionMode.INCLUDED,
        )

    lines = [
        line("Hotel, 20 twin rooms x 3 nights at 4,000", "hotel", "240000"),
        line("Coach for 36-45, 4 days at 12,000", "transport", "48000"),
        line("Guide, 4 days at 2,500", "guide", "10000"),
        line("Monument entries, 40 at 600", "activity", "24000"),
    ]
    sheet = price_sheet(
        lines, currency="INR", paying_pax=paying, rounding=Rounding(D(10), RoundingLevel.PERSON)
    )
    # 360,640 / 38 = 9,490.53 -> 9,490 a paying person -> 360,620 (-20 spread)
    assert sheet.rounding_adjustment == D("-20.00")
    assert [line.gross for line in sheet.lines] == [
        D("268785.09"),
        D("53757.02"),
        D("11199.38"),
        D("26878.51"),
    ]
    assert [line.commission for line in sheet.lines] == [
        D("13439.25"),
        D("2687.85"),
        D("559.97"),
        D("1343.93"),
    ]
    assert sheet.per_person == D("9490.00")
    assert sheet.total.gross == D("360620.00")
    assert sheet.total.commission == D("18031.00")
    assert sheet.total.agent_net == D("342589.00")
    assert sheet.total.margin == D("20589.00")


def test_dubai_bought_in_dirhams_sold_in_rupees() -> None:
    fx = Fx("AED", "INR", rate=D("22.85"), buffer_pct=D(2))  # 23.307 a dirham
    dubai_hotels = MarkupRule(
        "dxb-hotels",
        "Dubai hotels 12 %",
        MarkupKind.PERCENT,
        D(12),
        destination="Dubai",
        service_type="hotel",
    )
    rules = [ANY_10, dubai_hotels]

    def line(key: str, kind: str, net: str) -> SheetLine:
        facts = LineFacts(destination="Dubai", service_type=kind)
        return SheetLine(
            key,
            key,
            D(net),
            fx,
            service_type=kind,
            markups=choose_markups(rules, facts, MarkupPolicy.MOST_SPECIFIC),
        )

    lines = [
        line("Hotel, 4 nights at 650", "hotel", "2600"),
        line("Desert safari, 2 at 180", "activity", "360"),
        line("Airport transfers, 2 at 150", "transport", "300"),
        line("Burj Khalifa, 2 at 169", "activity", "338"),
    ]
    sheet = price_sheet(
        lines,
        currency="INR",
        paying_pax=2,
        rounding=Rounding(D(100), RoundingLevel.TOTAL, RoundingDirection.UP),
    )
    assert [line.net_sell for line in sheet.lines] == [
        D("60598.20"),
        D("8390.52"),
        D("6992.10"),
        D("7877.77"),
    ]
    # 93,456.41 marked up, up to the next 100: 93,500 (+43.59 spread)
    assert sheet.rounding_adjustment == D("43.59")
    assert [line.gross for line in sheet.lines] == [
        D("67901.64"),
        D("9233.87"),
        D("7694.90"),
        D("8669.59"),
    ]
    assert sheet.total.net_sell == D("83858.59")
    assert sheet.total.gross == D("93500.00")
    assert sheet.total.margin == D("9641.41")
    assert sheet.per_person == D("46750.00")

    # a customer in another state: IGST 5 %; TCS on the bill with its GST (98,175)
    def taxes(on: date, already: str = "0") -> list[tuple[str, D]]:
        facts = TaxFacts(
            on=on,
            currency="INR",
            gross=sheet.total.gross,
            margin=sheet.total.margin,
            scheme=GstScheme.PACKAGE,
            in_state=False,
            overseas=True,
            tcs_already=D(already),
        )
        return [(t.name, t.amount) for t in tax_lines(INDIA, facts)]

    assert taxes(date(2026, 1, 15)) == [
        ("GST on tour package (IGST)", D("4675.00")),
        ("TCS on overseas package", D("4908.75")),  # 5 % (under ₹10 lakh this year)
    ]
    # 9,50,000 billed earlier this year: 50,000 at 5 % + 48,175 at 20 %
    assert taxes(date(2026, 1, 15), already="950000")[1] == (
        "TCS on overseas package",
        D("12135.00"),
    )
    # from 1 April 2026 the announced flat 2 %
    assert taxes(date(2026, 4, 10))[1] == ("TCS on overseas package", D("1963.50"))

    # the dirham at 23.50 today, past the 2 % buffer: 3,598 AED cost 84,553.00, 694.41 more
    assert margin_at_risk(D(3598), fx, D("23.50")) == D("694.41")
    assert margin_at_risk(D(3598), fx, D("23.20")) == D("0")


@pytest.mark.parametrize(
    ("on", "tariff", "expected"),
    [
        (date(2025, 9, 1), "7000", [("GST on accommodation (CGST)", D("840.00"))]),
        (date(2025, 10, 1), "7000", [("GST on accommodation (CGST)", D("350.00"))]),
        (date(2025, 10, 1), "9000", [("GST on accommodation (CGST)", D("1620.00"))]),
    ],
    ids=["old-slab-12", "new-slab-5", "above-7500-18"],
)
def test_a_stay_billed_alone_pays_by_each_nights_tariff(
    on: date, tariff: str, expected: list
) -> None:
    facts = TaxFacts(
        on=on,
        currency="INR",
        gross=D(tariff) * 2,
        margin=D(0),
        scheme=GstScheme.HOTEL_ONLY,
        nightly_tariffs=(D(tariff), D(tariff)),
    )
    lines = tax_lines(INDIA, facts)
    assert [(t.name, t.amount) for t in lines][:1] == expected
    assert lines[0].amount == lines[1].amount  # SGST the same as CGST
