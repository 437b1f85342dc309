"""Amounts and dates in the reader's locale (Babel): en-IN writes ₹1,80,000.00 and 1 Oct 2027,
en-US $180,000.00 and Oct 1, 2027, de-DE 180.000,00 ₹ and 01.10.2027.

The locale is the agency's (`tenants.locale`, a BCP 47 tag such as "en-IN"). Screens set it
once per event (`use_locale`), so every formatter below speaks it without being passed it; code
that renders for someone else (a PDF, an email) passes `locale=` explicitly. Money keeps its
currency's minor units (JPY 0, INR 2, KWD 3) and is rounded by the one money rule."""

from __future__ import annotations

import re
import unicodedata
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date as babel_date
from babel.dates import format_interval, format_skeleton, format_time, get_timezone_location
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_name,
    get_decimal_symbol,
    get_territory_currencies,
)

from travelcrm.core.fields import COUNTRIES, CURRENCIES
from travelcrm.core.money import minor_units, round_money

DEFAULT_LOCALE = "en-IN"  # a new agency's (tenants.locale's default)
DASH = "\u2013"  # the en dash of ranges: "1 Apr 2027 - 31 Mar 2028" (an en dash)
NBSP = "\u00a0"

locale_var: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)

_CODE_THEN_DIGIT = re.compile(r"([A-Z]{3})([-\d])")


@lru_cache(maxsize=64)
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LOCALE.replace("-", "_"))


def use_locale(tag: str | None) -> None:
    """The locale of what this unit of work shows (the current context only)."""
    locale_var.set(tag or DEFAULT_LOCALE)


def current_locale(tag: str | None = None) -> Locale:
    return _locale(tag or locale_var.get())


def decimal_comma(tag: str | None = None) -> bool:
    """Does the locale write decimals with a comma (de-DE, fr-FR)? Typed amounts are read so."""
    return get_decimal_symbol(current_locale(tag)) == ","


def _decimal(amount: Decimal | str | float | int | None) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def amount_text(
    amount: Decimal | str | float | int | None, currency: str, *, locale: str | None = None
) -> str:
    """The number with the locale's grouping and the currency's minor units: "1,80,000.00"."""
    value = _decimal(amount)
    if value is None:
        return ""
    places = minor_units(currency)
    loc = current_locale(locale)
    # the locale's grouping (en-IN groups lakhs); the currency's places, padded ("9,000.00")
    rounded = round_money(value, currency) or Decimal(0)  # no "-0.00"
    grouped = format_decimal(rounded, locale=loc, decimal_quantization=False)
    if places:
        mark = get_decimal_symbol(loc)
        whole, _, fraction = grouped.partition(mark)
        grouped = f"{whole}{mark}{(fraction + '0' * places)[:places]}"
    return grouped


def money_text(
    amount: Decimal | str | float | int | None, currency: str, *, locale: str | None = None
) -> str:
    """ "₹1,80,000.00" (en-IN), "$180,000.00" (en-US), "180.000,00 ₹" (de-DE); a currency
    without a symbol in the locale keeps its code, apart from the number: "AED 1,250.50"."""
    value = _decimal(amount)
    if value is None:
        return ""
    code = currency.upper()
    rounded = round_money(value, code) or Decimal(0)  # no "-₹0.00"
    return _money_of(rounded, code, current_locale(locale))


@lru_cache(maxsize=8192)
def _money_of(rounded: Decimal, code: str, loc: Locale) -> str:
    """`money_text` of an amount already in the currency's minor units, remembered: a pricing
    sheet writes a few hundred amounts, many alike, and Babel takes a tenth of a millisecond
    for each. (Equal amounts are one key whatever their exponent: Babel pads or rounds them to
    the currency's digits, so they are written alike.)"""
    text = format_currency(rounded, code, locale=loc, currency_digits=True)
    return _CODE_THEN_DIGIT.sub(rf"\1{NBSP}\2", text)


def date_text(value: date | None, *, locale: str | None = None) -> str:
    """ "1 Oct 2027" (en-IN), "Oct 1, 2027" (en-US), "01.10.2027" (de-DE); "" for None."""
    if value is None:
        return ""
    return babel_date(value, format="medium", locale=current_locale(locale))


def range_text(start: date | None, end: date | None, *, locale: str | None = None) -> str:
    """ "1 Apr 2027 - 31 Mar 2028" (an en dash); one date when only one is known."""
    if start is None or end is None:
        return date_text(start or end, locale=locale)
    return f"{date_text(start, locale=locale)} {DASH} {date_text(end, locale=locale)}"


def short_range_text(start: date | None, end: date | None, *, locale: str | None = None) -> str:
    """A range as short as the locale writes it, for narrow columns: "11-14 Feb 2027",
    "27 Feb - 5 Mar 2027" (en-IN), "Feb 11 - 14, 2027" (en-US); one date when only one is
    known (or both are the same day)."""
    if start is None or end is None or end < start:
        return range_text(start, end, locale=locale)
    return format_interval(start, end, "yMMMd", locale=current_locale(locale))


def month_text(value: date | None, *, locale: str | None = None) -> str:
    """ "Feb 2027" (en-IN, en-US), "Feb. 2027" (de-DE): a month without its day; "" for None."""
    if value is None:
        return ""
    return format_skeleton("yMMM", value, locale=current_locale(locale))


def datetime_text(value: datetime | None, timezone: str, *, locale: str | None = None) -> str:
    """A stored UTC instant as the agency reads it, with the weekday: "Tue, 8 Dec 2026, 10:00 AM"
    (en-IN in Asia/Kolkata), "Di., 8. Dez. 2026, 10:00" (de-DE); "" for None."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    local = aware.astimezone(ZoneInfo(timezone))
    loc = current_locale(locale)
    day = format_skeleton("yMMMEd", local, locale=loc)
    return f"{day}, {format_time(local, 'short', locale=loc)}"


# ---- choices people pick by name (never typed codes) ------------------------------------------

# The locales an agency may write in: the ones its people and customers read.
AGENCY_LOCALES = (
    "en-IN", "en-US", "en-GB", "en-AU", "en-SG", "en-AE", "en-CA", "en-NZ", "en-ZA", "hi-IN",
    "fr-FR", "de-DE", "es-ES", "it-IT", "nl-NL", "pt-PT", "pt-BR", "ar-AE", "ja-JP", "th-TH",
    "id-ID", "ms-MY", "en-MY", "en-LK", "en-NP",
)  # fmt: skip


def currency_options(on: date | None = None, *, locale: str | None = None) -> list[tuple[str, str]]:
    """The currencies in use, by name: ("INR", "Indian Rupee (INR)"), sorted by name."""
    today = on or date.today()
    codes = {
        code
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, today, tender=True)
    }
    loc = current_locale(locale)
    names = {code: get_currency_name(code, locale=loc) for code in codes}
    return sorted(((code, f"{name} ({code})") for code, name in names.items()), key=lambda o: o[1])


def _offset(zone: str, now: datetime) -> timedelta:
    return now.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)


def _utc(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@lru_cache(maxsize=8)
def _timezone_options(locale: str, day: date) -> tuple[tuple[str, str], ...]:
    now = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    loc = current_locale(locale)
    zones = [
        z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    ]
    labelled = []
    for zone in zones:
        try:
            city = get_timezone_location(zone, locale=loc, return_city=True)
            where = get_timezone_location(zone, locale=loc)  # "United States (New York) Time"
        except (LookupError, ValueError):
            continue
        country = where.removesuffix(" Time").split(" (")[0]
        offset = _offset(zone, now)
        label = f"({_utc(offset)}) {city}" + (f", {country}" if country != city else "")
        labelled.append((offset, label, zone))
    return tuple((zone, label) for _o, label, zone in sorted(labelled))


def timezone_options(*, locale: str | None = None) -> list[tuple[str, str]]:
    """Timezones as people find them: ("Asia/Kolkata", "(UTC+05:30) Kolkata, India"), by offset."""
    return list(_timezone_options(str(current_locale(locale)), date.today()))


def locale_options(*, locale: str | None = None) -> list[tuple[str, str]]:
    """("en-IN", "English (India)"), in the reader's language, sorted by name."""
    loc = current_locale(locale)
    named = [(tag, _locale(tag).get_display_name(loc) or tag) for tag in AGENCY_LOCALES]
    return sorted(named, key=lambda o: o[1])


def country_name(code: str | None, *, locale: str | None = None) -> str:
    """ "India" for "IN" (in the reader's language); the code itself when Babel has no name."""
    if not code:
        return ""
    return current_locale(locale).territories.get(code.upper(), code)


@lru_cache(maxsize=8)
def _countries(locale: str) -> tuple[tuple[str, str], ...]:
    names = current_locale(locale).territories
    named = [(c, names.get(c, c)) for c in COUNTRIES]
    return tuple(sorted(named, key=lambda o: _plain(o[1])))


def _plain(name: str) -> str:
    """ "Åland Islands" sorts as "aland islands" (under A, not after Z)."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def country_options(*, locale: str | None = None) -> list[tuple[str, str]]:
    """Every country by name: ("IN", "India"), sorted by name, in the reader's language."""
    return list(_countries(str(current_locale(locale))))


@lru_cache(maxsize=8)
def _country_codes(locale: str) -> dict[str, str]:
    by_name = {name.casefold(): code for code, name in _countries("en")}
    return by_name | {name.casefold(): code for code, name in _countries(locale)}


def country_code(text: str | None, *, locale: str | None = None) -> str | None:
    """The code of a country given by its name ("India", "india", in the reader's language or
    English) or its code ("in"); None for empty text or no such country."""
    value = " ".join((text or "").split())
    if not value:
        return None
    if value.upper() in COUNTRIES:
        return value.upper()
    return _country_codes(str(current_locale(locale))).get(value.casefold())


_CODE_IN_LABEL = re.compile(r"\(([A-Za-z]{3})\)\s*$")


def currency_code(text: str | None, *, locale: str | None = None) -> str | None:
    """The code of a currency given as its label ("Indian Rupee (INR)"), its name ("indian
    rupee", in the reader's language or English) or its code ("inr"); None for empty text or
    no such currency."""
    value = " ".join((text or "").split())
    if not value:
        return None
    found = _CODE_IN_LABEL.search(value)
    code = (found.group(1) if found else value).upper()
    if code in CURRENCIES:
        return code
    wanted = value.casefold()
    for reader in (current_locale(locale), _locale("en")):
        for candidate in CURRENCIES:
            if get_currency_name(candidate, locale=reader).casefold() == wanted:
                return candidate
    return None


def currency_label(code: str, *, locale: str | None = None) -> str:
    """ "Indian Rupee (INR)"."""
    return f"{get_currency_name(code, locale=current_locale(locale))} ({code})"


def timezone_label(zone: str, *, locale: str | None = None) -> str:
    """ "(UTC+05:30) Kolkata, India"; the zone's name when it is not one people pick."""
    return dict(timezone_options(locale=locale)).get(zone, zone)


def locale_label(tag: str, *, locale: str | None = None) -> str:
    """ "English (India)" for "en-IN"."""
    return _locale(tag).get_display_name(current_locale(locale)) or tag
