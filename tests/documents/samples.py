"""A quote-shaped proposal with photos, for the renderer's tests and the benchmark."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw

from travelcrm.core.money import round_money
from travelcrm.documents.proposal import (
    Branding,
    Day,
    DocumentKind,
    Instalment,
    PerPerson,
    Picture,
    PriceGroup,
    PriceLine,
    PriceStyle,
    Proposal,
    Service,
    TaxLine,
    Travellers,
)


def photo(width: int, height: int, top: str, bottom: str, *, fmt: str = "JPEG") -> bytes:
    """A picture with a gradient and a horizon, so a rendered page shows where it landed."""
    image = Image.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(image)
    a, b = Image.new("RGB", (1, 1), top).getpixel((0, 0)), Image.new("RGB", (1, 1), bottom)
    b_rgb = b.getpixel((0, 0))
    for y in range(height):
        share = y / max(1, height - 1)
        color = tuple(round(x + (z - x) * share) for x, z in zip(a, b_rgb, strict=True))  # type: ignore[arg-type]
        draw.line([(0, y), (width, y)], fill=color)
    draw.polygon(
        [
            (0, height * 0.7),
            (width * 0.35, height * 0.45),
            (width * 0.7, height * 0.65),
            (width, height * 0.5),
            (width, height),
            (0, height),
        ],
        fill="#2f5d50",
    )
    out = io.BytesIO()
    image.save(out, format=fmt, quality=80)
    return out.getvalue()


def logo() -> bytes:
    image = Image.new("RGBA", (400, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 112, 112), fill="#0b7285")
    draw.rectangle((140, 40, 380, 80), fill="#0b7285")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


DAYS = (
    (
        "Arrival in Kochi",
        "Met at the airport and driven to your hotel in Fort Kochi. Evening walk past the "
        "Chinese fishing nets.",
    ),
    (
        "Munnar tea hills",
        "Drive up into the Western Ghats through spice gardens and waterfalls to Munnar.",
    ),
    (
        "Munnar at leisure",
        "Visit Eravikulam National Park and a tea factory; the afternoon is yours.",
    ),
    (
        "Alleppey backwaters",
        "Board your private houseboat for a night on the backwaters, all meals on board.",
    ),
    ("Departure", "Transfer to Kochi airport for your flight home."),
)


def sample_proposal(
    *,
    locale: str = "en-IN",
    currency: str = "INR",
    photos: bool = True,
    kind: DocumentKind = DocumentKind.QUOTE,
    days: int = 5,
) -> Proposal:
    start = date(2027, 10, 1)
    cover = (
        Picture(photo(1200, 760, "#f59f00", "#74c0fc"), "Backwaters at dusk") if photos else None
    )
    days = tuple(
        Day(
            number=n,
            date=start + timedelta(days=n - 1),
            title=title,
            description=text,
            overnight="Munnar"
            if n in (2, 3)
            else ("Houseboat" if n == 4 else ("Kochi" if n == 1 else "")),
            photos=(
                (Picture(photo(800, 520, "#a5d8ff", "#ffe066"), f"{title}, morning"),)
                + (
                    (Picture(photo(800, 520, "#ffc9c9", "#b2f2bb"), f"{title}, evening"),)
                    if n == 2
                    else ()
                )
                if photos and n <= 3
                else ()
            ),
            services=(
                Service(
                    "Stay",
                    "Brunton Boatyard" if n == 1 else "Windermere Estate",
                    detail="1 night, 1 double room",
                ),
                Service("Transfer", f"Private car, day {n}", detail="Sedan with driver"),
            )
            + ((Service("Activity", "Kathakali performance", optional=True),) if n == 1 else ()),
        )
        for n, (title, text) in enumerate(DAYS[:days], 1)
    )
    groups = tuple(
        PriceGroup(
            title=f"Day {day.number} \u2013 {day.title}",
            lines=(
                PriceLine(day.services[0].title, Decimal("18500.00"), "1 night"),
                PriceLine(day.services[1].title, Decimal("4250.50"), "Sedan"),
            ),
            total=Decimal("22750.50"),
        )
        for day in days
    )
    subtotal = Decimal("22750.50") * len(days)  # 5 days: 1,13,752.50
    gst = round_money(subtotal * Decimal("0.05"), currency)  # 5 days: 5,687.63
    total = subtotal + gst  # 5 days: 1,19,440.13
    deposit = round_money(total * Decimal("0.25"), currency)
    return Proposal(
        kind=kind,
        brand=Branding(
            name="Backwater Journeys",
            primary_color="#0B7285",
            logo=Picture(logo()),
            locale=locale,
            timezone="Asia/Kolkata",
            legal_name="Backwater Journeys Pvt Ltd",
            address="12 Marine Drive, Kochi 682031",
            tax_id="32ABCDE1234F1Z5",
        ),
        title="Kerala: hills and backwaters",
        reference="BWJ-Q-2027-0042",
        version=2,
        currency=currency,
        start=start,
        end=start + timedelta(days=len(days) - 1),
        travellers=Travellers(adults=2, child_ages=(9,)),
        days=days,
        subtotal=subtotal,
        total=total,
        price_style=PriceStyle.BY_DAY,
        price_groups=groups,
        optional_lines=(PriceLine("Kathakali performance", Decimal("1500.00"), "Day 1"),),
        taxes=(TaxLine("GST on the package", gst, Decimal("5")),),
        per_person=(PerPerson("Per person (3 paying)", round_money(total / 3, currency)),),
        schedule=(
            Instalment("Deposit (25 %)", deposit),
            Instalment("Balance", total - deposit, date(2027, 9, 1)),
        ),
        inclusions=(
            "4 nights in the hotels named, breakfast daily",
            "Private car with driver throughout",
        ),
        exclusions=("Flights", "Entrance fees not listed", "Anything not named under Included"),
        terms=(
            "Prices are per the version above and hold until the date it is valid until.",
            "A booking is confirmed when the deposit is received; the balance is due 30 days "
            "before travel.",
        ),
        cover_photo=cover,
        destination="Kerala, India",
        prepared_for="Anita Desai",
        prepared_at=datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        valid_until=date(2027, 1, 6),
        checksum="9f2c4e1a7b3d5f60" * 4,
    )
