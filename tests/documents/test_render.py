"""The proposal PDF: every figure where the customer reads it, in the agency's locale; the
cover, day pages with photos, price summary, schedule and terms; the running header and
footer with "Page x of y"; what a user typed is text, never markup or a fetch. Pages are
also looked at as images (pypdfium2): the cover carries the agency's colour and the photo."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from tests.documents.samples import sample_proposal
from travelcrm.core.locale import date_text, money_text
from travelcrm.documents.proposal import PriceGroup, PriceLine, PriceStyle
from travelcrm.documents.render import palette, to_html, to_pdf

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_every_figure_in_indian_english() -> None:
    proposal = sample_proposal(locale="en-IN")
    rendered = to_pdf(proposal)
    pages = _pages(rendered.content)
    assert rendered.pages == len(pages) >= 4
    cover, body = _flat(pages[0]), _flat(" ".join(pages[1:]))
    assert "Kerala: hills and backwaters" in cover and "BWJ-Q-2027-0042 · Version 2" in cover
    assert "1 Oct 2027 \u2013 5 Oct 2027 (5 days, 4 nights)" in cover
    assert "2 adults, 1 child (9)" in cover and "Prepared for Anita Desai" in cover
    assert "Valid until 6 Jan 2027" in cover
    assert "₹1,19,440.13" in cover  # the total, grouped in lakhs
    assert "Per person (3 paying): ₹39,813.38" in cover
    # the price summary: each line, each day's total, subtotal, tax by rule, total, per person
    assert body.count("₹18,500.00") == 5 and body.count("₹4,250.50") == 5
    assert body.count("₹22,750.50") == 5  # each day's total
    assert "Subtotal ₹1,13,752.50" in body
    assert "GST on the package (5 %) ₹5,687.63" in body
    assert "Total ₹1,19,440.13" in body
    assert "Per person (3 paying) ₹39,813.38" in body
    assert "Kathakali performance Day 1 ₹1,500.00" in body  # optional, not in the total
    # the lines add up to what the document says they add up to
    lines = sum((line.amount for g in proposal.price_groups for line in g.lines), Decimal(0))
    assert lines == proposal.subtotal and proposal.subtotal + proposal.taxes[0].amount == (
        proposal.total
    )
    # the schedule: due dates in the locale, amounts adding up to the total
    assert "Deposit (25 %) On acceptance ₹29,860.03" in body
    assert "Balance 1 Sept 2027 ₹89,580.10" in body
    assert sum(i.amount for i in proposal.schedule) == proposal.total
    # day pages: weekday dates, descriptions, services, photos' captions
    assert "Day 1 Fri, 1 Oct 2027" in body and "Day 5 Tue, 5 Oct 2027" in body
    assert "Munnar tea hills, evening" in body and "Brunton Boatyard" in body
    # inclusions, exclusions, terms, the agency
    for words in ("Private car with driver throughout", "Flights", "Terms and conditions"):
        assert words in body
    assert "Tax ID: 32ABCDE1234F1Z5" in body


def test_running_header_and_footer_on_every_page_after_the_cover() -> None:
    pages = _pages(to_pdf(sample_proposal()).content)
    total = len(pages)
    assert "Page 1 of" not in pages[0] and "Backwater Journeys Pvt Ltd" in pages[0]
    for number, text in enumerate(pages[1:], 2):
        flat = _flat(text)
        assert f"Page {number} of {total}" in flat
        assert "Quotation BWJ-Q-2027-0042 · Kerala: hills and backwaters" in flat
        assert "BWJ-Q-2027-0042 · Version 2 · 9f2c4e1a7b3d" in flat  # the checksum, short


@pytest.mark.parametrize(
    ("locale", "total", "start", "balance_due"),
    [
        ("en-US", "₹119,440.13", "Oct 1, 2027", "Sep 1, 2027"),
        ("de-DE", "119.440,13 ₹", "01.10.2027", "01.09.2027"),
    ],
)
def test_dates_and_amounts_in_the_agencys_locale(
    locale: str, total: str, start: str, balance_due: str
) -> None:
    proposal = sample_proposal(locale=locale)
    text = _flat(" ".join(_pages(to_pdf(proposal).content)))
    assert _flat(money_text(proposal.total, "INR", locale=locale)) == total  # Babel's, once
    assert total in text and start in text and balance_due in text
    assert date_text(proposal.start, locale=locale) == start
    assert "₹1,19,440.13" not in text  # no Indian grouping outside en-IN


def test_a_quote_priced_as_one_package_shows_no_lines() -> None:
    proposal = dataclasses.replace(
        sample_proposal(photos=False),
        price_style=PriceStyle.PACKAGE,
        price_groups=(PriceGroup("Package", (PriceLine("Kerala package", Decimal("113752.50")),)),),
    )
    text = _flat(" ".join(_pages(to_pdf(proposal).content)))
    assert "Kerala package ₹1,13,752.50" in text
    assert "₹18,500.00" not in text and ", total" not in text
    assert "Kerala, India" in text  # no cover photo: the destination on the agency's colour


def test_what_people_typed_is_text_not_markup() -> None:
    sneaky = '<img src="file:///etc/passwd"> & <b>bold</b> {{ 7*7 }}'
    base = sample_proposal(photos=False)
    proposal = dataclasses.replace(
        base, title=sneaky, days=(dataclasses.replace(base.days[0], description=sneaky),)
    )
    html, assets = to_html(proposal)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html and "<b>bold</b>" not in html
    assert set(assets) == {"logo"}
    text = _flat(" ".join(_pages(to_pdf(proposal).content)))
    assert '<img src="file:///etc/passwd"> & <b>bold</b> {{ 7*7 }}' in text


def test_a_light_brand_colour_still_gives_readable_headings() -> None:
    light = palette("#FFE066")
    assert light["primary"] == "#ffe066" and light["on_primary"] == "#1c2024"
    assert light["ink"] != light["primary"]  # headings darkened for white paper
    dark = palette("#0B7285")
    assert dark["on_primary"] == "#ffffff" and dark["ink"] == "#0b7285"
    assert palette("red; } body { display: none")["primary"] == "#12a594"  # not CSS


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def _near(pixel: tuple[int, ...], color: tuple[int, int, int], slack: int = 12) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], color, strict=True))


def test_the_pages_look_right_as_images() -> None:
    """Rendered to pictures: the cover's band is the agency's colour with the white logo
    card on it, the cover photo fills its frame, a day page shows its photo, and the total
    sits on the agency's colour. Kept under the e2e screenshots for people to look at."""
    proposal = sample_proposal()
    document = pdfium.PdfDocument(to_pdf(proposal).content)
    scale = 100 / 72  # 100 dpi
    images = [document[i].render(scale=scale).to_pil().convert("RGB") for i in range(len(document))]
    width, height = images[0].size
    mm = width / 210
    brand = _rgb(proposal.brand.primary_color)
    cover = images[0]
    assert _near(cover.getpixel((int(150 * mm), int(10 * mm))), brand)  # the band
    assert _near(cover.getpixel((int(25 * mm), int(5 * mm))), (255, 255, 255))  # logo card
    # the photo: its sky (orange at the top, from samples.photo) and its hills
    assert _near(cover.getpixel((int(105 * mm), int(38 * mm))), (245, 159, 0), slack=30)
    assert _near(cover.getpixel((int(105 * mm), int(150 * mm))), (47, 93, 80), slack=20)
    # a day page: the photo's sky in the upper half
    day = images[1]
    assert any(
        _near(day.getpixel((int(105 * mm), y)), (165, 216, 255), slack=25)
        for y in range(int(50 * mm), int(120 * mm), 4)
    )
    # the price page: the total row on the agency's colour
    prices = next(
        image
        for image, text in zip(images, _pages(to_pdf(proposal).content), strict=True)
        if "Price summary" in text
    )
    row = [prices.getpixel((int(150 * mm), y)) for y in range(0, height, 2)]
    assert any(_near(pixel, brand) for pixel in row)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, image in (("cover", cover), ("day", day), ("prices", prices)):
        image.save(SCREENSHOTS / f"pdf-quote-{name}.png")


def test_fonts_come_from_the_system_and_are_embedded() -> None:
    """Offline: Liberation Sans for text, DejaVu Sans for the rupee sign Liberation lacks,
    both embedded (subset) so the customer's reader needs none of them."""
    reader = PdfReader(io.BytesIO(to_pdf(sample_proposal(photos=False)).content))
    fonts = set()
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            inner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = inner["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((str(font["/BaseFont"]).split("+")[-1], embedded))
    names = {name for name, _embedded in fonts}
    assert {"Liberation-Sans", "Liberation-Sans-Bold", "DejaVu-Sans"} <= names
    assert all(embedded for _name, embedded in fonts)
