"""A `Proposal` as HTML (Jinja, autoescaped) and as a PDF (`core.pdf`): a cover with the
agency's logo, colours, the trip's title and a photo; a page per day's description, photos and
services; the price summary; the payment schedule; inclusions, exclusions and terms. Running
header and footer with "Page x of y"; dates and amounts in the agency's locale (Babel)."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_skeleton
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from travelcrm.core.locale import (
    current_locale,
    date_text,
    datetime_text,
    money_text,
    range_text,
)
from travelcrm.core.pdf import Asset, RenderedPdf, asset_url, render_document, sniff_image_type
from travelcrm.documents.proposal import DocumentKind, Picture, PriceStyle, Proposal, Travellers

# Bump when the layout changes: stored PDFs of an older layout are rendered again.
LAYOUT_VERSION = "2"  # 2: the sign-off stays with the terms
DEFAULT_COLOR = "#12A594"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_KIND_WORDS = {DocumentKind.ITINERARY: "Itinerary", DocumentKind.QUOTE: "Quotation"}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("travelcrm.documents", "templates"),
        autoescape=select_autoescape(("html", "css"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# ---- colours -------------------------------------------------------------------------------------


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _mix(color: str, other: str, share: float) -> str:
    """`color` with `share` (0-1) of `other` mixed in."""
    a, b = _rgb(color), _rgb(other)
    return _hex(tuple(x + (y - x) * share for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]


def _luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def palette(primary: str) -> dict[str, str]:
    """The agency's colour and what goes with it: a text colour readable on it, a darker
    shade for headings on white, a pale tint for panels."""
    base = (primary if _HEX.match(primary or "") else DEFAULT_COLOR).lower()
    on_primary = "#ffffff" if _luminance(base) < 0.45 else "#1c2024"
    # headings on white need contrast: darken light brand colours until they read
    ink = base
    while _luminance(ink) > 0.18:
        ink = _mix(ink, "#000000", 0.15)
    return {
        "primary": base,
        "on_primary": on_primary,
        "ink": ink,
        "tint": _mix(base, "#ffffff", 0.9),
        "line": _mix(base, "#ffffff", 0.7),
        "deep": _mix(base, "#000000", 0.35),
    }


# ---- words ---------------------------------------------------------------------------------------


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def travellers_text(travellers: Travellers) -> str:
    """ "2 adults, 2 children (5, 9)"."""
    parts = [_plural(travellers.adults, "adult", "adults")] if travellers.adults else []
    if travellers.child_ages:
        ages = ", ".join(str(age) for age in travellers.child_ages)
        parts.append(f"{_plural(len(travellers.child_ages), 'child', 'children')} ({ages})")
    return ", ".join(parts)


def length_text(start: date, end: date) -> str:
    """ "5 days, 4 nights"."""
    days = (end - start).days + 1
    return f"{_plural(days, 'day', 'days')}, {_plural(days - 1, 'night', 'nights')}"


class _Formats:
    """The template's formatters, in the agency's locale and currency."""

    def __init__(self, proposal: Proposal) -> None:
        self.locale = proposal.brand.locale
        self.timezone = proposal.brand.timezone
        self.currency = proposal.currency

    def money(self, amount: Decimal | None) -> str:
        return money_text(amount, self.currency, locale=self.locale)

    def date(self, value: dt.date | None) -> str:
        return date_text(value, locale=self.locale)

    def day(self, value: dt.date) -> str:
        """ "Tue, 1 Oct 2027" (en-IN), "Tue, Oct 1, 2027" (en-US)."""
        return format_skeleton("yMMMEd", value, locale=current_locale(self.locale))

    def range(self, start: dt.date, end: dt.date) -> str:
        return range_text(start, end, locale=self.locale)

    def instant(self, value: dt.datetime | None) -> str:
        return datetime_text(value, self.timezone, locale=self.locale)

    def percent(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        return f"{value.normalize():f} %"


# ---- pictures ------------------------------------------------------------------------------------


def _assets(proposal: Proposal) -> tuple[dict[str, Asset], dict[str, Any]]:
    """The pictures as in-memory assets by name, and the names the template uses."""
    assets: dict[str, Asset] = {}

    def add(name: str, picture: Picture | None) -> str | None:
        if picture is None:
            return None
        kind = sniff_image_type(picture.content)
        if kind is None:  # not a picture we show: left out rather than broken
            return None
        assets[name] = Asset(picture.content, kind)
        return asset_url(name)

    names: dict[str, Any] = {
        "logo": add("logo", proposal.brand.logo),
        "cover": add("cover", proposal.cover_photo),
        "days": {
            day.number: [
                (url, photo.caption)
                for index, photo in enumerate(day.photos, 1)
                if (url := add(f"day-{day.number}-{index}", photo)) is not None
            ]
            for day in proposal.days
        },
    }
    return assets, names


# ---- rendering -----------------------------------------------------------------------------------


def to_html(proposal: Proposal) -> tuple[str, dict[str, Asset]]:
    """The document's HTML and the assets it names."""
    assets, pictures = _assets(proposal)
    formats = _Formats(proposal)
    colors = palette(proposal.brand.primary_color)
    template = _environment().get_template("proposal.html")
    html = template.render(
        p=proposal,
        brand=proposal.brand,
        f=formats,
        colors=colors,
        pictures=pictures,
        kind_word=_KIND_WORDS[proposal.kind],
        travellers=travellers_text(proposal.travellers),
        length=length_text(proposal.start, proposal.end),
        grouped=proposal.price_style is not PriceStyle.PACKAGE and len(proposal.price_groups) > 1,
        lang=proposal.brand.locale,
    )
    return html, assets


def to_pdf(proposal: Proposal) -> RenderedPdf:
    """The proposal as a PDF (with its page count)."""
    html, assets = to_html(proposal)
    return render_document(html, assets=assets)
