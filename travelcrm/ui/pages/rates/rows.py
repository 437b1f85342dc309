"""What the rate list page shows, as plain values: the rows of its tables (seasons, age bands,
coverage issues, the diff, the bulk preview, restrictions, calendar days, the price check's
nights), the grid's columns, the choices of its selects, and the sentences it says."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from travelcrm.core.errors import DomainError
from travelcrm.rates.models import BASIS_WORDS, AgeBandKind, Occupancy, PricingBasis, RateLine
from travelcrm.suppliers.models import SupplierService
from travelcrm.ui.pages.rates.cells import GRID_COLUMNS
from travelcrm.ui.pages.rates.list_state import Option
from travelcrm.ui.pages.rates.text import choice_words, schema_message, service_words, words

PER_PAGE = 100
PREVIEW_ROWS = 200
ALL = "all"  # the filters' "everything" (a select's value cannot be empty)
EDITABLE_FIELDS = [name for name, _t, _w, editable in GRID_COLUMNS if editable]


@dataclass
class SeasonRow:
    season_id: str
    name: str
    dates: str  # "1 Oct 2027 - 19 Dec 2027, 6 Jan 2028 - 31 Mar 2028"
    starts_on: str  # ISO, for the edit form
    ends_on: str
    nights: int


@dataclass
class RangeSlot:
    """One date range of the season being edited (ISO dates from the date inputs)."""

    starts_on: str = ""
    ends_on: str = ""
    error: str = ""


@dataclass
class BandRow:
    kind: str
    label: str
    age_min: str
    age_max: str


@dataclass
class IssueRow:
    severity: str  # error (blocks) | confirm (blocks until ticked) | warning
    message: str
    service_id: str
    season_id: str
    line_count: int
    can_show: bool
    key: str = ""  # what the publish names when the operator confirms this gap
    confirmed: bool = False


@dataclass
class DiffLine:
    change: str  # added | removed | changed
    key: str
    old_net: str
    new_net: str
    old_sell: str
    new_sell: str
    old_dates: str = ""  # a season's dates (its row has no prices)
    new_dates: str = ""


@dataclass
class BulkLine:
    label: str
    old: str
    new: str
    delta: str
    up: bool


@dataclass
class RestrictionRow:
    restriction_id: str
    kind: str
    kind_label: str
    service: str
    dates: str
    reason: str


@dataclass
class DayCell:
    iso: str
    day: str
    in_month: bool
    units: str  # "" when no allotment
    used: str
    left: str
    tone: str  # "" | blackout | stop_sale
    note: str


@dataclass
class NightRow:
    night: str
    net: str
    sell: str
    parts: str = ""  # "Innova, 300 km x ₹18.00 x 2 vehicles + Driver allowance, ..."


def service_label(service: SupplierService) -> str:
    return f"{service.name} ({service.meal_plan})" if service.meal_plan else service.name


def sentence(text: str) -> str:
    """ "enter a value" -> "Enter a value." """
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def refusal(where: str, reason: str) -> str:
    """ "Row 3, Net: cannot be negative." (one full stop, whatever the reason ends with)."""
    return f"{where}: {reason.strip().rstrip('.')}."


def range_label(page: int, per_page: int, total: int) -> str:
    """ "1-100 of 20,000" ("No lines" when there are none)."""
    if total == 0:
        return "No lines"
    first = (page - 1) * per_page + 1
    return f"{first:,}-{min(page * per_page, total):,} of {total:,}"


def field_message(exc: Exception, field: str) -> str:
    """The reason a cell was refused: the edited field's message, else the first one."""
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        mine = [e for e in errors if field in [str(p) for p in e.get("loc", ())]]
        return service_words(schema_message((mine or errors)[0]))
    if isinstance(exc, DomainError):
        named = [e for e in exc.errors if e.field == field] or exc.errors
        return service_words(named[0].message if named else exc.detail)
    return service_words(str(exc))


def line_label(line: RateLine, services: dict[str, str], seasons: dict[str, str]) -> str:
    what = (
        words(line.occupancy)
        if line.occupancy != Occupancy.ANY.value
        else choice_words("basis", line.basis)
    )
    return (
        f"{services.get(str(line.service_id), '?')} · {seasons.get(str(line.season_id), '?')} · "
        + (f"{line.supplement} · " if line.supplement else "")
        + f"{what} · {words(line.age_band)} · {line.pax_min}-{line.pax_max} pax"
    )


PICK_WIDTH = 36  # the tick column in front of the line's cells


MONEY_COLUMNS = {"net", "sell", "effective_sell"}


def text_width(text: str) -> int:
    """About how many pixels the grid's 13px font needs for `text` (wide letters count more), with
    the cell's padding: enough that a service's or season's full name shows in its column."""
    wide = sum(1 for c in text if c.isupper() or c in "mwMW@%")
    narrow = sum(1 for c in text if c in "il.,:;|!'()[] ")
    return round(7.2 * len(text) + 2.2 * wide - 3 * narrow) + 24


NAME_COLUMN_MOST = 420  # a longer name is cut, and shows whole in the filter's list


def grid_columns(
    editable: bool, currency: str = "", names: Mapping[str, Iterable[str]] | None = None
) -> list[dict[str, Any]]:
    """Glide's columns: a tick box to pick lines (delete, bulk update), then the cells (the
    money columns name the currency: "Net INR"); the service and season columns as wide as the
    longest of `names["service"]`, `names["season"]` (every name of the version, so a page or a
    filter never moves the columns)."""
    pick = {"title": "", "id": "pick", "type": "bool", "width": PICK_WIDTH, "editable": editable}
    widths = {
        name: min(
            max([width, *(text_width(n) for n in (names or {}).get(name, ()))]), NAME_COLUMN_MOST
        )
        for name, _title, width, _e in GRID_COLUMNS
    }
    return [pick] + [
        {
            "title": f"{title} {currency}" if name in MONEY_COLUMNS and currency else title,
            "id": name,
            "type": "str",
            "width": widths[name],
            "editable": editable and can_edit,
        }
        for name, title, _width, can_edit in GRID_COLUMNS
    ]


def _choices(values: list[str]) -> list[Option]:
    return [Option(v, words(v)) for v in values]


BASIS_OPTIONS = [Option(b.value, BASIS_WORDS[b.value]) for b in PricingBasis]
PC_ANY_BASIS = "any"  # the price check's "as the list sells it" (a select's value is not "")
OCCUPANCY_OPTIONS = _choices([o.value for o in Occupancy])
BAND_OPTIONS = _choices([a.value for a in AgeBandKind])
BAND_LABELS = {
    AgeBandKind.ADULT.value: "Adult",
    AgeBandKind.CHILD_WITH_BED.value: "Child with bed",
    AgeBandKind.CHILD_WITHOUT_BED.value: "Child without bed",
    AgeBandKind.INFANT.value: "Infant",
}
