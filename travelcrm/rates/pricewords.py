"""Words suppliers write in price cells instead of a number, and what they mean.

"Complimentary", "FOC", "Incl." mean a price of 0; "on request", "N/A", "-", "TBA" mean there is
no price for that cell. An agency may keep its own lists (`rates.services.price_words`); one
that never saved any uses the defaults below, in English, German, French, Spanish, Italian,
Portuguese and Indonesian. The rate grid, the REST API and the sheet import read price cells
through `price_word`, so a word means the same everywhere.

A word matches a whole cell, ignoring case, accents, dots and the punctuation around it:
"Incl." is "incl", "F.O.C." is "foc", "Sin cargo" is "sin cargo". A blank cell is never a word
(and never 0).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "DEFAULT_NO_PRICE_WORDS",
    "DEFAULT_ZERO_WORDS",
    "PriceWord",
    "PriceWords",
    "clean_words",
    "default_price_words",
    "no_price_reason",
    "price_word",
    "word_key",
]


class PriceWord(StrEnum):
    ZERO = "zero"  # the price is 0 (complimentary, included)
    NO_PRICE = "no_price"  # there is no price for this cell (on request, not available)


DEFAULT_ZERO_WORDS: tuple[str, ...] = (
    # English
    "Complimentary",
    "Free",
    "Free of charge",
    "FOC",  # F.O.C. too: dots don't count
    "Incl.",
    "Included",
    "Inclusive",
    "NIL",
    # German
    "Gratis",
    "Kostenlos",
    "Inklusive",
    "Inkl.",
    "Frei",
    # French
    "Gratuit",
    "Offert",
    "Compris",
    "Inclus",
    # Spanish
    "Gratuito",
    "Incluido",
    "Sin cargo",
    "Cortesía",  # Portuguese "cortesia" too: accents don't count
    # Italian
    "Incluso",
    "Omaggio",
    # Portuguese: "grátis", "incluído", "cortesia" match the words above (accents don't count)
    # Indonesian ("gratis" is above)
    "Termasuk",
)
DEFAULT_NO_PRICE_WORDS: tuple[str, ...] = (
    # English
    "On request",
    "Upon request",
    "N/A",
    "NA",
    "-",  # any dash alone: hyphen, en dash, em dash, minus, "--"
    "TBA",
    "TBC",
    "Not available",
    # German
    "Auf Anfrage",
    "a.A.",
    # French
    "Sur demande",
    # Spanish
    "Bajo petición",
    "A consultar",
    # Italian
    "Su richiesta",
    # Portuguese
    "Sob consulta",
    "Sob pedido",
    "Sobre pedido",
    # Indonesian
    "Atas permintaan",
    "Tidak tersedia",
)

_LONGEST_WORD = 40
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# punctuation trimmed around a word (dashes are kept: "-" alone is a word)
_AROUND = " \t\r\n.,;:!?*()[]{}\"'`\u00b4\u2018\u2019\u201c\u201d\u00ab\u00bb"
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"[0-9]")  # a price word has none (`PriceWordsIn` refuses them)


def word_key(text: str) -> str:
    """What a cell is compared by: lower case, without accents, dots and surrounding
    punctuation, spaces single. "  Incl. " -> "incl", "Grátis" -> "gratis", "F.O.C." -> "foc"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.strip(_AROUND)
    if plain and plain.strip(_DASHES) == "":
        return "-"  # a hyphen, an en or em dash, a minus sign, or several: one key
    return _SPACES.sub(" ", plain.replace(".", "")).strip(_AROUND)


@dataclass(frozen=True)
class PriceWords:
    """An agency's words, by meaning (as written, for showing) and by key (for matching)."""

    zero: tuple[str, ...]
    no_price: tuple[str, ...]

    def __post_init__(self) -> None:
        keys: dict[str, PriceWord] = {}
        for meaning, words in ((PriceWord.ZERO, self.zero), (PriceWord.NO_PRICE, self.no_price)):
            for word in words:
                key = word_key(word)
                if key:
                    keys.setdefault(key, meaning)
        object.__setattr__(self, "_keys", keys)

    def meaning(self, text: str) -> PriceWord | None:
        if len(text) > _LONGEST_WORD * 2:
            return None
        keys: dict[str, PriceWord] = self._keys  # type: ignore[attr-defined]
        return keys.get(word_key(text))


def default_price_words() -> PriceWords:
    return _DEFAULTS


_DEFAULTS = PriceWords(DEFAULT_ZERO_WORDS, DEFAULT_NO_PRICE_WORDS)


def price_word(value: Any, words: PriceWords) -> PriceWord | None:
    """What a price cell's word means, or None when the cell is no such word (a number, a blank,
    text with a digit, anything else: the amount parser has the last word on those)."""
    if not isinstance(value, str) or not value.strip() or _DIGIT.search(value):
        return None
    return words.meaning(value)


def no_price_reason(value: str) -> str:
    """Why a cell holding a no-price word gives no price (shown by the grid and the import)."""
    return f"{value.strip()!r} is not a price (no price for this cell)"


def clean_words(words: Iterable[str]) -> list[str]:
    """Words as an agency saves them: trimmed, the first of each key kept, in their order."""
    seen: set[str] = set()
    kept = []
    for word in words:
        text = " ".join(word.split())
        key = word_key(text)
        if key and key not in seen:
            seen.add(key)
            kept.append(text)
    return kept
