"""From a raw sheet to candidate rate lines: find the header, suggest a mapping, unpivot.

Nothing here touches the database: the lines come out with names (service, season) that the
services resolve against the supplier and the rate list, and every problem comes out as a
`RowProblem` naming the row as the user sees it in their spreadsheet (1-based) and the column.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from travelcrm.rates.pricewords import PriceWord, PriceWords, no_price_reason, price_word
from travelcrm.rates.schemas import WEEKDAY_NAMES, weekdays_mask
from travelcrm.ratesheets import values
from travelcrm.ratesheets.reading import RawSheet
from travelcrm.ratesheets.schemas import PRICE_FIELDS, ColumnRule, ImportField, ImportMapping

HEADER_SCAN_ROWS = 40
ALL_WEEKDAYS = (1 << len(WEEKDAY_NAMES)) - 1

# ---- header vocabulary -------------------------------------------------------------------------


def _norm(text: Any) -> str:
    """Lower case without accents, punctuation as spaces, single spaces: 'Room-Type:' ->
    'room type', 'Gültig ab' -> 'gultig ab', 'Größe' -> 'grosse'."""
    folded = unicodedata.normalize("NFKD", str(text).casefold())
    if not folded.isascii():
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z%+/&]+", " ", folded).split())


# Header words in the languages suppliers write in: English, German, French, Spanish,
# Italian, Portuguese and Indonesian, written as `_norm` gives them (no accents). Each field's
# aliases list English first, then one line per language in that order.


_ALIASES: dict[ImportField, tuple[str, ...]] = {
    ImportField.SERVICE: (
        "room category",
        "room categories",
        "room type",
        "room types",
        "category",
        "room",
        "rooms",
        "accommodation",
        "unit type",
        "vehicle",
        "vehicle type",
        "vehicles",
        "car type",
        "car",
        "cab type",
        "coach",
        "activity",
        "activities",
        "tour",
        "tours",
        "excursion",
        "excursions",
        "sightseeing",
        "service",
        "services",
        "product",
        "ticket",
        "tickets",
        "experience",
    ),
    ImportField.MEAL_PLAN: (
        "meal plan",
        "meal plans",
        "meal",
        "meals",
        "plan",
        "mp",
        "board",
        "board basis",
        "map/cp/ap",
        "cp/map/ap",
        "ep/cp/map/ap",
        "cp/map",
        "map/cp",
    ),
    ImportField.SEASON: ("season", "season name", "seasons", "period name"),
    ImportField.VALID_FROM: (
        "valid from",
        "from",
        "from date",
        "start",
        "start date",
        "date from",
        "period from",
        "stay from",
        "wef",
        "w e f",
        "effective from",
    ),
    ImportField.VALID_TO: (
        "valid to",
        "valid till",
        "valid until",
        "valid upto",
        "to",
        "till",
        "until",
        "upto",
        "to date",
        "end",
        "end date",
        "date to",
        "period to",
        "stay to",
    ),
    ImportField.BASIS: ("basis", "pricing basis", "rate basis", "price basis", "charge basis"),
    ImportField.OCCUPANCY: ("occupancy", "occ", "room occupancy", "sharing"),
    ImportField.AGE_BAND: ("age band", "pax type", "guest type", "age group", "passenger type"),
    ImportField.PAX: (
        "pax",
        "pax break",
        "pax slab",
        "slab",
        "no of pax",
        "no of persons",
        "persons",
        "group size",
    ),
    ImportField.PAX_MIN: ("min pax", "pax from", "minimum pax"),
    ImportField.PAX_MAX: ("max pax", "pax to", "maximum pax"),
    ImportField.NET: (
        "net",
        "net rate",
        "net rates",
        "net price",
        "net cost",
        "rate",
        "rates",
        "price",
        "cost",
        "buy",
        "buy rate",
        "buying price",
        "contract rate",
        "contracted rate",
        "tariff",
        "amount",
        "per day",
        "per vehicle",
        "per person",
        "per room",
    ),
    ImportField.SELL: ("sell", "sell rate", "selling rate", "selling price", "sale price"),
    ImportField.MARKUP: ("markup", "markup %", "mark up", "mark up %", "margin %", "margin"),
    ImportField.MIN_NIGHTS: (
        "min nights",
        "minimum nights",
        "min night",
        "min stay",
        "minimum stay",
        "mlos",
        "min los",
    ),
    ImportField.WEEKDAYS: ("days", "weekdays", "applicable days", "day of week", "valid days"),
    ImportField.CURRENCY: ("currency", "curr", "ccy", "cur"),
    # ("max pax" stays the top of a pax break)
    ImportField.CAPACITY: (
        "seats",
        "no of seats",
        "seating capacity",
        "capacity",
        "vehicle capacity",
        "up to",
    ),
    ImportField.SUPPLEMENT: (
        "supplement",
        "supplements",
        "supplement name",
        "surcharge",
        "surcharges",
        "extra",
        "extras",
        "add on",
        "add ons",
    ),
    # ("on request" is a price word: a price cell saying there is no price)
    ImportField.OPTIONAL: ("optional", "is optional"),
}
# the same fields in the other languages: field -> language (ISO 639-1) -> header words
LANGUAGES = ("de", "fr", "es", "it", "pt", "id")
_TRANSLATED: dict[ImportField, dict[str, tuple[str, ...]]] = {
    ImportField.SERVICE: {
        "de": (
            "zimmer",
            "zimmertyp",
            "zimmerart",
            "zimmerkategorie",
            "kategorie",
            "fahrzeug",
            "fahrzeugtyp",
            "fahrzeugart",
            "fahrzeuge",
            "aktivitat",
            "ausflug",
            "ausfluge",
            "leistung",
            "leistungen",
            "unterkunft",
        ),
        "fr": (
            "chambre",
            "chambres",
            "type de chambre",
            "categorie de chambre",
            "categorie",
            "vehicule",
            "type de vehicule",
            "activite",
            "prestation",
            "produit",
            "hebergement",
        ),
        "es": (
            "habitacion",
            "tipo de habitacion",
            "categoria de habitacion",
            "categoria",
            "vehiculo",
            "tipo de vehiculo",
            "actividad",
            "excursion",
            "servicio",
            "producto",
            "alojamiento",
        ),
        "it": (
            "camera",
            "tipo camera",
            "tipologia camera",
            "tipologia",
            "categoria camera",
            "veicolo",
            "tipo veicolo",
            "mezzo",
            "attivita",
            "escursione",
            "servizio",
            "prodotto",
            "sistemazione",
        ),
        "pt": (
            "quarto",
            "tipo de quarto",
            "categoria de quarto",
            "veiculo",
            "tipo de veiculo",
            "atividade",
            "passeio",
            "servico",
            "produto",
            "acomodacao",
        ),
        "id": (
            "kamar",
            "tipe kamar",
            "jenis kamar",
            "kategori kamar",
            "kategori",
            "kendaraan",
            "jenis kendaraan",
            "tipe kendaraan",
            "mobil",
            "aktivitas",
            "kegiatan",
            "layanan",
            "produk",
            "akomodasi",
        ),
    },
    ImportField.MEAL_PLAN: {
        "de": ("verpflegung", "verpflegungsart", "mahlzeiten"),
        "fr": ("pension", "formule", "formule repas", "plan repas", "repas"),
        "es": ("regimen", "regimen alimenticio", "plan de comidas", "comidas"),
        "it": ("trattamento", "pasti", "piano pasti"),
        "pt": ("regime", "regime alimentar", "plano de refeicoes", "refeicoes", "pensao"),
        "id": ("paket makan", "makan", "rencana makan"),
    },
    ImportField.SEASON: {
        "de": ("saison", "saisonname", "saisonzeit"),
        "fr": ("saison", "nom de saison"),
        "es": ("temporada", "nombre de temporada"),
        "it": ("stagione", "stagionalita"),
        "pt": ("temporada", "estacao", "epoca"),
        "id": ("musim", "nama musim"),
    },
    ImportField.VALID_FROM: {
        "de": ("gultig ab", "gultig von", "ab", "von", "ab datum", "datum von", "beginn"),
        "fr": ("valable du", "valable a partir du", "valide du", "du", "a partir du", "debut"),
        "es": ("valido desde", "desde", "fecha desde", "fecha inicio", "fecha de inicio"),
        "it": ("valido dal", "valido da", "dal", "data inizio", "inizio"),
        "pt": ("valido de", "de", "data inicio", "data de inicio", "inicio", "vigencia de"),
        "id": ("berlaku dari", "berlaku mulai", "dari", "mulai", "tanggal mulai", "awal"),
    },
    ImportField.VALID_TO: {
        "de": ("gultig bis", "bis", "bis datum", "datum bis", "ende"),
        "fr": ("valable au", "valable jusqu au", "valide au", "au", "jusqu au", "fin"),
        "es": ("valido hasta", "hasta", "fecha hasta", "fecha fin", "fecha de fin"),
        "it": ("valido al", "valido fino al", "al", "fino al", "data fine", "fine"),
        "pt": ("valido ate", "ate", "data fim", "data final", "fim", "vigencia ate"),
        "id": ("berlaku sampai", "berlaku hingga", "sampai", "hingga", "tanggal akhir", "akhir"),
    },
    ImportField.BASIS: {
        "de": ("preisbasis", "abrechnung", "abrechnungsart", "berechnung"),
        "fr": ("base", "base tarifaire", "base de prix"),
        "es": ("base de precio", "base de tarifa", "tipo de tarifa"),
        "it": ("base tariffaria", "base di prezzo"),
        "pt": ("base de preco", "base tarifaria"),
        "id": ("dasar harga", "basis harga"),
    },
    ImportField.OCCUPANCY: {
        "de": ("belegung", "zimmerbelegung"),
        "fr": ("occupation", "occupation de la chambre"),
        "es": ("ocupacion",),
        "it": ("occupazione",),
        "pt": ("ocupacao",),
        "id": ("okupansi", "hunian"),
    },
    ImportField.AGE_BAND: {
        "de": ("altersgruppe", "gasttyp", "reisendentyp"),
        "fr": ("tranche d age", "type de passager", "categorie d age"),
        "es": ("tipo de pasajero", "grupo de edad", "rango de edad"),
        "it": ("fascia d eta", "fascia eta", "tipo passeggero"),
        "pt": ("faixa etaria", "tipo de passageiro"),
        "id": ("kelompok umur", "jenis tamu"),
    },
    ImportField.PAX: {
        "de": ("personen", "anzahl personen", "personenzahl", "gruppengrosse"),
        "fr": ("personnes", "nombre de personnes", "nb pax", "taille du groupe"),
        "es": ("personas", "numero de personas", "tamano del grupo"),
        "it": ("persone", "numero persone", "numero pax"),
        "pt": ("pessoas", "numero de pessoas"),
        "id": ("jumlah orang", "orang", "jumlah pax"),
    },
    ImportField.PAX_MIN: {
        "de": ("min personen", "mindestteilnehmer"),
        "fr": ("pax minimum", "minimum de personnes"),
        "es": ("pax minimo", "minimo de personas"),
        "it": ("pax minimo", "minimo persone"),
        "pt": ("pax minimo", "minimo de pessoas"),
        "id": ("pax minimal", "minimal orang"),
    },
    ImportField.PAX_MAX: {
        "de": ("max personen", "hochstteilnehmer"),
        "fr": ("pax maximum", "maximum de personnes"),
        "es": ("pax maximo", "maximo de personas"),
        "it": ("pax massimo", "massimo persone"),
        "pt": ("pax maximo", "maximo de pessoas"),
        "id": ("pax maksimal", "maksimal orang"),
    },
    ImportField.NET: {
        "de": (
            "preis",
            "netto",
            "nettopreis",
            "netto preis",
            "nettorate",
            "tarif",
            "kosten",
            "betrag",
            "einkaufspreis",
            "tagespreis",
            "pro tag",
            "preis pro tag",
            "pro fahrzeug",
            "pro person",
            "pro zimmer",
        ),
        "fr": (
            "prix",
            "prix net",
            "tarif net",
            "cout",
            "montant",
            "par jour",
            "prix par jour",
            "par vehicule",
            "par personne",
            "par chambre",
        ),
        "es": (
            "precio",
            "precio neto",
            "tarifa",
            "tarifa neta",
            "neto",
            "costo",
            "coste",
            "importe",
            "por dia",
            "precio por dia",
            "por vehiculo",
            "por persona",
            "por habitacion",
        ),
        "it": (
            "prezzo",
            "prezzo netto",
            "tariffa",
            "tariffa netta",
            "importo",
            "al giorno",
            "per giorno",
            "per veicolo",
            "per persona",
            "per camera",
        ),
        "pt": (
            "preco",
            "preco liquido",
            "tarifa liquida",
            "liquido",
            "custo",
            "valor",
            "diaria",
            "por veiculo",
            "por pessoa",
            "por quarto",
        ),
        "id": (
            "harga",
            "harga net",
            "harga nett",
            "biaya",
            "per hari",
            "harga per hari",
            "per kendaraan",
            "per orang",
            "per kamar",
        ),
    },
    ImportField.SELL: {
        "de": ("verkaufspreis", "verkauf", "vk preis"),
        "fr": ("prix de vente", "vente"),
        "es": ("precio de venta", "venta", "pvp"),
        "it": ("prezzo di vendita", "vendita"),
        "pt": ("preco de venda", "venda"),
        "id": ("harga jual",),
    },
    ImportField.MARKUP: {
        "de": ("aufschlag", "aufschlag %", "marge"),
        "fr": ("majoration", "marge %"),
        "es": ("margen", "margen %", "recargo"),
        "it": ("margine", "margine %", "ricarico"),
        "pt": ("margem", "margem %"),
        "id": ("keuntungan", "margin keuntungan"),
    },
    ImportField.MIN_NIGHTS: {
        "de": ("mindestaufenthalt", "mindestnachte", "min nachte"),
        "fr": ("sejour minimum", "nuits minimum", "min nuits"),
        "es": ("estancia minima", "noches minimas", "min noches"),
        "it": ("soggiorno minimo", "notti minime", "min notti"),
        "pt": ("estadia minima", "noites minimas", "min noites"),
        "id": ("minimal menginap", "min malam", "minimum malam"),
    },
    ImportField.WEEKDAYS: {
        "de": ("tage", "wochentage", "gultige tage"),
        "fr": ("jours", "jours de la semaine", "jours valables"),
        "es": ("dias", "dias de la semana", "dias validos"),
        "it": ("giorni", "giorni della settimana", "giorni validi"),
        "pt": ("dias da semana", "dias validos"),
        "id": ("hari", "hari berlaku"),
    },
    ImportField.CURRENCY: {
        "de": ("wahrung",),
        "fr": ("devise", "monnaie"),
        "es": ("moneda", "divisa"),
        "it": ("valuta",),
        "pt": ("moeda",),
        "id": ("mata uang",),
    },
    ImportField.CAPACITY: {
        "de": ("sitze", "sitzplatze", "kapazitat"),
        "fr": ("places", "capacite"),
        "es": ("plazas", "capacidad"),
        "it": ("posti", "capacita"),
        "pt": ("lugares", "capacidade"),
        "id": ("kursi", "kapasitas"),
    },
    ImportField.SUPPLEMENT: {
        "de": ("zuschlag", "zuschlage"),
        "fr": ("supplement", "supplements"),
        "es": ("suplemento", "suplementos"),
        "it": ("supplemento", "supplementi"),
        "pt": ("suplemento", "suplementos"),
        "id": ("biaya tambahan",),
    },
    ImportField.OPTIONAL: {
        "de": ("fakultativ",),
        "fr": ("optionnel", "facultatif"),
        "es": ("opcional",),
        "it": ("facoltativo", "opzionale"),
        "pt": ("opcional",),
        "id": ("opsional",),
    },
}


def _vocabulary() -> dict[str, ImportField]:
    """Each header word and the one field it names (a word naming two fields is a mistake in
    the tables above, refused at import time)."""
    found: dict[str, ImportField] = {}
    words = [(name, a) for name, aliases in _ALIASES.items() for a in aliases]
    words += [(name, a) for name, by in _TRANSLATED.items() for ws in by.values() for a in ws]
    for name, alias in words:
        if found.setdefault(alias, name) != name:
            raise RuntimeError(f"the header word {alias!r} names {found[alias]} and {name}")
    return found


_FIELD_BY_ALIAS = _vocabulary()
# header words that mean "a price column standing for this occupancy / age band"
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MONTH_HEADER = re.compile(r"^([a-z]{3,9})[\s\-/']*(\d{2}|\d{4})$")
# per-km / per-hour extras (no field of ours prices them), in each language
_EXTRA_PRICE_WORDS = re.compile(
    r"\b(km|kms|kilometers?|kilometres?|kilometer|hours?|stunden?|heures?|horas?|ora|ore|jam)\b"
)
# header words of a wide price column: what the column stands for (an occupancy, an age band),
# in the other languages; English ones are read by `values` ("Dbl", "CWB"...)
_SINGLE = {ImportField.OCCUPANCY: "single"}
_DOUBLE = {ImportField.OCCUPANCY: "double"}
_TRIPLE = {ImportField.OCCUPANCY: "triple"}
_EXTRA_BED = {ImportField.OCCUPANCY: "extra_bed"}
_ADULT = {ImportField.AGE_BAND: "adult"}
_CHILD_WITH_BED = {ImportField.AGE_BAND: "child_with_bed"}
_CHILD_NO_BED = {ImportField.AGE_BAND: "child_without_bed"}
_PRICE_COLUMN_WORDS: dict[str, dict[ImportField, str]] = {
    word: meaning
    for meaning, words in (
        (
            _SINGLE,
            (
                "einzelzimmer",
                "ez",
                "einzel",
                "einzelbelegung",
                "simple",
                "chambre simple",
                "chambre individuelle",
                "individuelle",
                "individual",
                "habitacion individual",
                "sencilla",
                "singola",
                "camera singola",
                "uso singola",
                "quarto individual",
                "kamar single",
                "tunggal",
            ),
        ),
        (
            _DOUBLE,
            (
                "doppelzimmer",
                "dz",
                "doppel",
                "doppelbelegung",
                "chambre double",
                "doble",
                "habitacion doble",
                "doppia",
                "camera doppia",
                "duplo",
                "quarto duplo",
                "kamar double",
                "ganda",
            ),
        ),
        (
            _TRIPLE,
            (
                "dreibettzimmer",
                "dreibett",
                "dreifach",
                "chambre triple",
                "habitacion triple",
                "tripla",
                "camera tripla",
                "triplo",
                "quarto triplo",
                "kamar triple",
            ),
        ),
        (
            _EXTRA_BED,
            (
                "zustellbett",
                "extrabett",
                "lit supplementaire",
                "lit d appoint",
                "cama extra",
                "cama supletoria",
                "letto aggiunto",
                "letto supplementare",
                "cama adicional",
                "tempat tidur tambahan",
                "kasur tambahan",
            ),
        ),
        (_ADULT, ("erwachsene", "erwachsener", "adulte", "adultes", "adulto", "adultos")),
        (_ADULT, ("adulti", "dewasa")),
        (
            _CHILD_WITH_BED,
            (
                "kind mit bett",
                "kind mit zustellbett",
                "enfant avec lit",
                "nino con cama",
                "bambino con letto",
                "crianca com cama",
                "anak dengan tempat tidur",
                "anak dengan kasur",
            ),
        ),
        (
            _CHILD_NO_BED,
            (
                "kind",
                "kinder",
                "kind ohne bett",
                "enfant",
                "enfants",
                "enfant sans lit",
                "nino",
                "ninos",
                "nino sin cama",
                "bambino",
                "bambini",
                "bambino senza letto",
                "crianca",
                "criancas",
                "crianca sem cama",
                "anak",
                "anak anak",
                "anak tanpa tempat tidur",
                "anak tanpa kasur",
            ),
        ),
    )
    for word in words
}


def _field_of(header: str) -> ImportField | None:
    """The field a header names, from the aliases ('Room Type' -> service)."""
    text = _norm(header)
    if not text:
        return None
    found = _FIELD_BY_ALIAS.get(text)
    if found is not None:
        return found
    # "Net Rate (INR)", "Rate per night", "Valid From (dd/mm/yyyy)": the words before a bracket
    head = _norm(re.split(r"[(\[]", str(header))[0])
    return _FIELD_BY_ALIAS.get(head)


def _price_kind(header: str) -> dict[ImportField, str] | None:
    """What a wide price column stands for ('Dbl' -> double occupancy; 'CWB' -> child with
    bed; 'Apr-27' -> that month), or None when the header is not such a column."""
    text = str(header).strip()
    if not text:
        return None
    words = _PRICE_COLUMN_WORDS.get(_norm(text)) or _PRICE_COLUMN_WORDS.get(
        _norm(re.split(r"[(\[]", text)[0])
    )
    if words is not None:  # "Doppelzimmer", "Enfant (4-11 ans)"
        return dict(words)
    try:
        return {ImportField.OCCUPANCY: values.parse_occupancy(text)}
    except ValueError:
        pass
    band: str | None
    try:
        band = values.parse_age_band(re.split(r"[(\[]", text)[0].strip() or text)
    except ValueError:
        # a plain "Child (4-11)" price column: tickets and meals have no bed to speak of
        band = "child_without_bed" if re.match(r"(child|chd|kid)", _norm(text)) else None
    if band is not None:
        return {ImportField.AGE_BAND: band}
    month = _month_range(text)
    if month is not None:
        return {
            ImportField.VALID_FROM: month[0].isoformat(),
            ImportField.VALID_TO: month[1].isoformat(),
        }
    return None


def _month_range(text: Any) -> tuple[date, date] | None:
    if isinstance(text, datetime | date):
        start = date(text.year, text.month, 1)
    else:
        found = _MONTH_HEADER.match(_norm(text).replace(" ", "-", 1) if text else "")
        if not found or found.group(1) not in _MONTHS:
            return None
        year = int(found.group(2))
        start = date(year + 2000 if year < 100 else year, _MONTHS[found.group(1)], 1)
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, following - timedelta(days=1)


_RANGE_IN_TEXT = re.compile(
    r"(?P<start>\d{1,2}[\s\-/.]*(?:[A-Za-z]{3,9}|\d{1,2})[\s\-/.,]*\d{2,4})\s*"
    r"(?:-|\u2013|\u2014|to|till|until)\s*"
    r"(?P<end>\d{1,2}[\s\-/.]*(?:[A-Za-z]{3,9}|\d{1,2})[\s\-/.,]*\d{2,4})",
    re.IGNORECASE,
)


def _group_meaning(label: str, *, day_first: bool) -> dict[ImportField, str]:
    """A column group's label ('Peak 01 Oct 27 - 19 Dec 27', 'Festive', 'Apr-27') as fixed
    values: a season name, a date range, or both."""
    text = label.strip()
    fixed: dict[ImportField, str] = {}
    month = _month_range(text)
    if month is not None:
        return {
            ImportField.VALID_FROM: month[0].isoformat(),
            ImportField.VALID_TO: month[1].isoformat(),
        }
    found = _RANGE_IN_TEXT.search(text)
    if found:
        try:
            start = values.parse_date(found.group("start"), day_first=day_first)
            end = values.parse_date(found.group("end"), day_first=day_first)
        except ValueError:
            found = None
        else:
            fixed[ImportField.VALID_FROM] = start.isoformat()
            fixed[ImportField.VALID_TO] = end.isoformat()
    name = (text[: found.start()] if found else text).strip(" :-\u2013(|,")
    name = re.sub(r"\s*\bseason\b\s*$", "", name, flags=re.IGNORECASE).strip()
    if name:
        fixed[ImportField.SEASON] = name
    return fixed


# ---- header row and suggestions ------------------------------------------------------------------


def _is_text(cell: Any) -> bool:
    return isinstance(cell, str) and bool(cell.strip()) and not _looks_numeric(cell)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\s₹$€£]*[-+(]?[\d.,\s]+\)?[\s%]*", text))


def find_header_row(sheet: RawSheet) -> int:
    """The header row: among the first rows, the one naming the most known fields or price
    columns (title rows, merged banners and blank lines above it don't); else the first row
    with the most text cells that has data below it."""
    return _header_scan(sheet)[0]


def _header_scan(sheet: RawSheet) -> tuple[int, int]:
    """(the header row, how many of its cells name a known field or price column)."""
    best, best_score = 0, (-1, -1)
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        texts = [c for c in row if _is_text(c) or isinstance(c, datetime | date)]
        if len(texts) < 2:
            continue
        known = sum(
            1
            for c in texts
            if (isinstance(c, str) and (_field_of(c) or _price_kind(c))) or _month_range(c)
        )
        score = (known, len(texts))
        if score > best_score:
            best, best_score = index, score
    return best, max(best_score[0], 0)


# ---- which sheet of a workbook holds the rates ---------------------------------------------------

SCORE_ROWS = 200  # data rows looked at under the header, per sheet


@dataclass(frozen=True)
class SheetScore:
    """How much a sheet looks like a rate table (0-100): header cells naming known fields,
    numbers in the rows under it, and how many rows there are. A cover, notes or terms sheet
    scores low."""

    name: str
    score: int
    header_row: int
    known_headers: int
    numeric_share: float  # of the filled cells under the header (first rows)
    data_rows: int  # filled rows under the header (up to SCORE_ROWS)


# an amount or a date written as text: "AED 1,350", "Rs. 12.500,00", "01-Apr-27", "31.05.2027"
_NUMBERISH = re.compile(
    r"[^\W\d]{0,3}\.?\s?[₹$€£]?\s?[-+(]?\d[\d.,\s]*\)?\s?(%|[^\W\d]{0,3})"
    r"|\d{1,2}[-/.\s][^\W\d]{3,9}[-/.\s]\d{2,4}"
    r"|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
)


def _is_number(cell: Any) -> bool:
    """A number or a date, or text that writes one."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float | Decimal | datetime | date):
        return True
    return isinstance(cell, str) and bool(_NUMBERISH.fullmatch(cell.strip()))


def score_sheet(sheet: RawSheet) -> SheetScore:
    """Score one sheet: up to 60 for known header cells (a rate table names 3-6 of them), 25
    for the share of numbers under the header, 15 for having rows (30 or more)."""
    row, known = _header_scan(sheet)
    below = [r for r in sheet.rows[row + 1 : row + 1 + SCORE_ROWS] if any(_filled(r))]
    cells = [c for r in below for c in r if c is not None and c != ""]
    numeric = sum(1 for c in cells if _is_number(c)) / len(cells) if cells else 0.0
    score = 10 * min(known, 6) + round(25 * numeric) + round(15 * min(len(below), 30) / 30)
    if not below:
        score = min(score, 10 * min(known, 6))
    return SheetScore(sheet.name, score, row, known, round(numeric, 2), len(below))


def _filled(row: Sequence[Any]) -> Iterator[bool]:
    return (c is not None and c != "" for c in row)


def score_sheets(sheets: Sequence[RawSheet]) -> list[SheetScore]:
    """Every sheet's score, in the workbook's order."""
    return [score_sheet(s) for s in sheets]


def best_sheet(sheets: Sequence[RawSheet]) -> RawSheet:
    """The sheet that looks most like a rate table (the first of equals; a workbook's only
    sheet, even an empty one)."""
    if len(sheets) == 1:
        return sheets[0]
    scores = score_sheets(sheets)
    top = max(range(len(sheets)), key=lambda i: (scores[i].score, bool(sheets[i].rows), -i))
    return sheets[top]


def _header_cells(sheet: RawSheet, header_row: int) -> list[tuple[str, str | None]]:
    """Each column's own header and the label of its column group, if any.

    A two-row header has group labels in the row above ("Peak 01 Oct - 19 Dec" merged across
    its Single/Dbl/Triple columns, or written once over the first of them); a column whose
    header is merged down from that row ("Room Category" over both rows) is its own header,
    not a group."""
    header = sheet.rows[header_row] if header_row < len(sheet.rows) else []
    above = sheet.rows[header_row - 1] if header_row > 0 else []
    width = max(len(header), len(above))
    own = [cell_text(header[i]) if i < len(header) else "" for i in range(width)]
    groups: list[str | None] = [None] * width
    if not above:
        return list(zip(own, groups, strict=True))
    merged_above = [m for m in sheet.merged if m[0] <= header_row - 1 <= m[2]]
    down: set[int] = set()
    for _r0, c0, r1, c1 in merged_above:
        label = cell_text(above[c0]) if c0 < len(above) else ""
        if r1 >= header_row:  # merged down into the header row: the column's own header
            for column in range(c0, min(c1 + 1, width)):
                down.add(column)
                own[column] = own[column] or label
        elif label and c1 > c0:
            for column in range(c0, min(c1 + 1, width)):
                groups[column] = label
    for column in range(width):
        text = cell_text(above[column]) if column < len(above) else ""
        if text and not own[column] and column not in down and groups[column] is None:
            own[column] = text  # written over an empty header cell: its own header
            down.add(column)
    if any(g is not None for g in groups):
        return list(zip(own, groups, strict=True))
    # unmerged group labels: written once over the first column of a run of headed columns
    starts = [
        c
        for c in range(width)
        if c not in down and c < len(above) and cell_text(above[c]) and own[c]
    ]
    if len(starts) >= 2 and not any(_field_of(cell_text(above[c])) for c in starts):
        for position, start in enumerate(starts):
            stop = starts[position + 1] if position + 1 < len(starts) else width
            for column in range(start, stop):
                if column not in down and own[column]:
                    groups[column] = cell_text(above[start])
    return list(zip(own, groups, strict=True))


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as shown: "Peak 01 Oct 27 - 19 Dec 27 · Dbl" for grouped headers
    samples: list[str]


def columns_of(sheet: RawSheet, header_row: int) -> list[Column]:
    """The sheet's columns under the header: their shown names and a few sample values."""
    cells = _header_cells(sheet, header_row)
    width = max((len(r) for r in sheet.rows[header_row : header_row + 200]), default=0)
    columns = []
    for index in range(width):
        name, group = cells[index] if index < len(cells) else ("", None)
        if group and group != name:
            name = f"{group} · {name}" if name else group
        samples = [
            cell_text(r[index])
            for r in sheet.rows[header_row + 1 : header_row + 60]
            if index < len(r) and r[index] is not None
        ][:5]
        if name or samples:
            columns.append(Column(index, name or f"Column {get_column_letter(index + 1)}", samples))
    return columns


def cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def suggest_mapping(
    sheet: RawSheet,
    *,
    header_row: int | None = None,
    template: ImportMapping | None = None,
    day_first: bool = True,
) -> ImportMapping:
    """A mapping to start from: the supplier's saved template where its headers are found
    again, else from header names and their common variants; wide price columns say what
    they stand for (occupancy, age band, season group, month)."""
    row = find_header_row(sheet) if header_row is None else header_row
    columns = columns_of(sheet, row)
    cells = _header_cells(sheet, row)
    rules: list[ColumnRule] = []
    taken: set[ImportField] = set()
    base: ImportMapping | None = None
    if template is not None:
        by_header = {_norm(rule.header): rule for rule in template.columns if rule.header}
        if sum(1 for c in columns if _norm(c.header) in by_header) >= max(2, len(by_header) // 2):
            base = template
            rules = [
                by_header[_norm(c.header)].model_copy(
                    update={"column": c.index, "header": c.header}
                )
                for c in columns
                if _norm(c.header) in by_header
            ]
            taken = {r.field for r in rules if not r.fixed and r.field not in PRICE_FIELDS}
    known = {r.column for r in rules}
    fields = {r.field for r in rules}
    if base is not None and ImportField.SERVICE in fields and fields & PRICE_FIELDS:
        # the template reads this sheet: the columns it leaves out, the operator left out
        return base.model_copy(update={"sheet": sheet.name, "header_row": row, "columns": rules})
    # the headers the template does not know (another layout of the same supplier, such as
    # our own export of its list) are read from their names
    for column in columns:
        if column.index in known:
            continue
        own, group = cells[column.index] if column.index < len(cells) else ("", None)
        rule = _suggest(column, own, group, taken, day_first=day_first)
        if rule is not None:
            rules.append(rule)
            if not rule.fixed and rule.field not in PRICE_FIELDS:
                taken.add(rule.field)
    rules.sort(key=lambda r: r.column)
    if base is not None:
        return base.model_copy(update={"sheet": sheet.name, "header_row": row, "columns": rules})
    return ImportMapping(sheet=sheet.name, header_row=row, columns=rules)


def _suggest(
    column: Column,
    own: str,
    group: str | None,
    taken: set[ImportField],
    *,
    day_first: bool,
) -> ColumnRule | None:
    fixed: dict[ImportField, str] = {}
    if group:
        fixed.update(_group_meaning(group, day_first=day_first))
    named = _field_of(own)
    # a named column under a group label is one of the group's prices ("Peak · Rate")
    if named is not None and named not in taken and (named in PRICE_FIELDS or not group):
        return ColumnRule(column=column.index, header=column.header, field=named, fixed=fixed)
    if _EXTRA_PRICE_WORDS.search(_norm(own)):
        return None  # per-km / per-hour extras: no field of ours prices them
    kind = _price_kind(own)
    if kind is not None:
        fixed.update(kind)
        return ColumnRule(
            column=column.index, header=column.header, field=ImportField.NET, fixed=fixed
        )
    if fixed and column.samples:
        return ColumnRule(
            column=column.index, header=column.header, field=ImportField.NET, fixed=fixed
        )
    return None


# ---- rows -> lines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the user sees it in the spreadsheet (1-based)
    column: str  # the column's header ("" for the whole row)
    reason: str
    code: str = "invalid"


@dataclass
class SheetLine:
    """What the constants of a mapping (or a column group's fixed values) say of a line,
    names not yet resolved; `LINE_FIELDS` lists its fields in a line's order."""

    row: int
    service: str
    meal_plan: str | None = None
    season: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    basis: str | None = None
    occupancy: str | None = None
    age_band: str | None = None
    pax_min: int = 1
    pax_max: int = 99
    min_nights: int = 1
    weekdays: int = ALL_WEEKDAYS  # a mask: bit 0 Monday ... bit 6 Sunday
    currency: str | None = None
    net: Decimal = Decimal(0)
    sell: Decimal | None = None
    markup_pct: Decimal | None = None
    capacity: int | None = None  # seats per vehicle, from a seats column or constant
    supplement: str | None = None  # a surcharge's name; None for the base price
    optional: bool = False
    seats: int | None = None  # the seats a basis cell names ("per car, up to 6")
    columns: dict[str, str] = field(default_factory=dict)  # field -> header, for messages


# a line as `build_lines` gives it is a list of these values, in this order (hot: a list per
# line, 400,000 for a big sheet, where an object per line costs twice as much)
class LineValues(NamedTuple):
    """A line's values by name (where speed does not matter: a line itself is a list)."""

    service: str
    meal_plan: str | None
    season: str | None
    valid_from: date | None
    valid_to: date | None
    basis: str | None
    occupancy: str | None
    age_band: str | None
    pax_min: int
    pax_max: int
    min_nights: int
    weekdays: int
    currency: str | None
    net: Decimal
    sell: Decimal | None
    markup_pct: Decimal | None
    capacity: int | None
    supplement: str | None
    optional: bool
    seats: int | None  # a seats column or constant (`capacity`) wins over these


LINE_FIELDS = LineValues._fields
(
    SERVICE,
    MEAL_PLAN,
    SEASON,
    VALID_FROM,
    VALID_TO,
    BASIS,
    OCCUPANCY,
    AGE_BAND,
    PAX_MIN,
    PAX_MAX,
    MIN_NIGHTS,
    WEEKDAYS,
    CURRENCY,
    NET,
    SELL,
    MARKUP,
    CAPACITY,
    SUPPLEMENT,
    OPTIONAL,
    SEATS,
) = range(len(LINE_FIELDS))
_line_values = operator.attrgetter(*LINE_FIELDS)


@dataclass(frozen=True, slots=True)
class _GroupPlan:
    """One column group of a mapping (an occupancy, a season...) as `build_lines` uses it."""

    fixed: list[tuple[int, Any]]  # the group's fixed values, parsed: (index in a line, value)
    fixed_columns: dict[str, str]  # and the headers they are reported under
    cells: list[tuple[int, ImportField, str]]  # its price columns: (column, field, header)
    net_header: str  # where "the net price is empty" is reported


# (the line's row, its values in LINE_FIELDS' order, its column group, the sheet's row)
Line = tuple[int, list[Any], int, Sequence[Any]]


@dataclass
class SheetResult:
    lines: list[Line]
    errors: list[RowProblem]
    warnings: list[RowProblem]
    rows_read: int
    date_style: values.DateStyle | None
    number_style: values.NumberStyle | None
    constant_columns: dict[str, str] = field(default_factory=dict)
    row_rules: list[tuple[ImportField, int, str]] = field(default_factory=list)
    plans: list[_GroupPlan] = field(default_factory=list)

    def columns_of(self, plan: int, row: Sequence[Any]) -> dict[str, str]:
        """Which header each field of a line came from (for its messages): worked out again
        from its row only when a message needs it. A line came out of its row only when every
        cell it read was good, so each filled cell it read gave its field."""
        columns = dict(self.constant_columns)
        for name, column, header in self.row_rules:
            if _get(row, column) is not None:
                columns[_FIELD_NAME[name]] = header
        group = self.plans[plan]
        columns.update(group.fixed_columns)
        for column, name, header in group.cells:
            if _get(row, column) is not None:
                columns[_FIELD_NAME[name]] = header
        return columns


_ROW_FIELDS = (
    ImportField.SERVICE,
    ImportField.MEAL_PLAN,
    ImportField.SEASON,
    ImportField.VALID_FROM,
    ImportField.VALID_TO,
    ImportField.BASIS,
    ImportField.OCCUPANCY,
    ImportField.AGE_BAND,
    ImportField.PAX,
    ImportField.PAX_MIN,
    ImportField.PAX_MAX,
    ImportField.MIN_NIGHTS,
    ImportField.WEEKDAYS,
    ImportField.CURRENCY,
    ImportField.CAPACITY,
    ImportField.SUPPLEMENT,
    ImportField.OPTIONAL,
)


def _texts(rows: list[list[Any]], columns: list[int]) -> list[tuple[int, str]]:
    """(offset of the row, text) of the text cells in `columns`, row by row. Quick for the
    usual workbook, whose dates and prices are real dates and numbers, not text."""
    found: list[tuple[int, int, str]] = []
    for place, column in enumerate(columns):
        try:
            cells = list(map(operator.itemgetter(column), rows))
        except IndexError:  # ragged rows (a CSV)
            cells = [row[column] if column < len(row) else None for row in rows]
        if str in set(map(type, cells)):
            found += [(k, place, c) for k, c in enumerate(cells) if type(c) is str]
    if len(columns) > 1:
        found.sort(key=operator.itemgetter(0, 1))
    return [(k, c) for k, _place, c in found]


def _date_samples(sheet: RawSheet, mapping: ImportMapping) -> list[tuple[str, str]]:
    """The date texts of the file with where they are (the evidence names the row)."""
    wanted = [
        r.column
        for r in mapping.columns
        if r.field in (ImportField.VALID_FROM, ImportField.VALID_TO)
    ]
    first = mapping.header_row + 1
    samples = [(c, f"row {first + offset + 1}") for offset, c in _texts(sheet.rows[first:], wanted)]
    samples += [
        (r.header, f"the header of column {get_column_letter(r.column + 1)}")
        for r in mapping.columns
        if r.fixed
    ]
    return samples


def _amount_samples(sheet: RawSheet, mapping: ImportMapping) -> list[str]:
    wanted = [r.column for r in mapping.columns if r.field in PRICE_FIELDS]
    rows = sheet.rows[mapping.header_row + 1 : mapping.header_row + 5001]
    return [c for _offset, c in _texts(rows, wanted)]


def build_lines(
    sheet: RawSheet,
    mapping: ImportMapping,
    *,
    default_day_first: bool = True,
    progress: Callable[[int, int], None] | None = None,
    price_words: PriceWords | None = None,
) -> SheetResult:
    """Every data row under the header as lines (one per price column group), with each
    problem named by row and column; blank rows and notes under the table are skipped.
    `price_words`: the agency's words for 0 and for no price in price cells (a no-price word
    gives no line, and a warning naming its row and column)."""
    errors: list[RowProblem] = []
    warnings: list[RowProblem] = []
    date_style: values.DateStyle | None = None
    number_style: values.NumberStyle | None = None
    if mapping.day_first is None:
        try:
            date_style = values.decide_date_style(
                _date_samples(sheet, mapping), default_day_first=default_day_first
            )
        except ValueError as exc:
            errors.append(RowProblem(0, "", f"Dates: {exc}.", "mixed_dates"))
            date_style = values.DateStyle(default_day_first, "mixed; see the error")
        day_first = date_style.day_first
    else:
        day_first = mapping.day_first
    if mapping.decimal_comma is None:
        try:
            number_style = values.decide_number_style(_amount_samples(sheet, mapping))
        except ValueError as exc:
            errors.append(RowProblem(0, "", f"Amounts: {exc}.", "mixed_numbers"))
            number_style = values.NumberStyle(False, "mixed; see the error")
        decimal_comma = number_style.decimal_comma
    else:
        decimal_comma = mapping.decimal_comma

    row_rules = {r.field: r for r in mapping.columns if r.field in _ROW_FIELDS and not r.fixed}
    groups: dict[tuple[tuple[str, str], ...], list[ColumnRule]] = {}
    for rule in mapping.columns:
        if rule.field in PRICE_FIELDS:
            key = tuple(sorted((k.value, v) for k, v in rule.fixed.items()))
            groups.setdefault(key, []).append(rule)
    # constants and the fixed values of each column group are parsed once, not per row: a
    # bad one is reported once (row 0, its column); lines then start from the parsed values
    reader = _Reader(day_first, decimal_comma, price_words)
    blank = SheetLine(row=0, service="")
    once: list[RowProblem] = []
    for name, text in mapping.constants.items():
        reader.apply(blank, name, text, "(constant)", 0, once)
    plans: list[_GroupPlan] = []
    for key, rules in groups.items():
        parsed = SheetLine(row=0, service="")
        for fixed_name, text in key:
            reader.apply(parsed, ImportField(fixed_name), text, rules[0].header, 0, once)
        plans.append(
            _GroupPlan(
                fixed=[
                    (index, value)
                    for index, (value, empty) in enumerate(
                        zip(_line_values(parsed), _line_values(_EMPTY), strict=True)
                    )
                    if value != empty
                ],
                fixed_columns=parsed.columns,
                cells=[(rule.column, rule.field, rule.header) for rule in rules],
                net_header=next(
                    (r.header for r in rules if r.field == ImportField.NET), rules[0].header
                ),
            )
        )
    errors += _unique(once)
    if once:
        return SheetResult([], errors, warnings, 0, date_style, number_style)
    row_cells = [(name, rule.column, rule.header) for name, rule in row_rules.items()]
    result = SheetResult(
        [], errors, warnings, 0, date_style, number_style, blank.columns, row_cells, plans
    )
    # what a row's cells do, worked out once: (field, column, header, its name in problems,
    # where its value goes in a line: an index, or two for a pax break)
    targets = [
        (name, column, header, _FIELD_NAME[name], _TARGETS[name])
        for name, column, header in row_cells
    ]
    service_header = (
        row_rules[ImportField.SERVICE].header if ImportField.SERVICE in row_rules else ""
    )
    price_columns = sorted({column for plan in plans for column, _f, _h in plan.cells})
    group_cells = [
        (
            index,
            plan.fixed,
            # (does the group fix a date? if not, its lines have the row's dates)
            any(place in (VALID_FROM, VALID_TO) for place, _value in plan.fixed),
            [
                (
                    price_columns.index(column),
                    name,
                    header,
                    _FIELD_NAME[name],
                    _TARGETS[name],
                    name is ImportField.NET,
                )
                for column, name, header in plan.cells
            ],
            plan.net_header,
        )
        for index, plan in enumerate(plans)
    ]
    width = 1 + max([*price_columns, *(column for _n, column, _h in row_cells)])
    take_prices = operator.itemgetter(*price_columns)
    several_prices = len(price_columns) > 1
    start = list(_line_values(blank))
    lines = result.lines
    parsed_cells = reader.parsed
    parse = reader.parse
    data = sheet.rows[mapping.header_row + 1 :]
    total = len(data)
    rows_read = 0
    padding = [None] * width
    first = mapping.header_row + 2  # the first data row's number
    for number, row in enumerate(data, start=first):
        if progress is not None and (number - first) % 2000 == 0:
            progress(number - first, total)
        if len(row) < width:
            row = [*row, *padding[len(row) :]]
        # (a raw sheet's text is stripped and never "": an empty cell is None)
        prices = take_prices(row) if several_prices else (take_prices(row),)
        if prices.count(None) == len(prices):
            filled = [c for c in row if c is not None and c != ""]
            if _is_note(filled):
                warnings.append(_note(number, filled))
            elif len(filled) > 1 and any(
                _get(row, column) is not None for _n, column, _h in row_cells
            ):
                warnings.append(RowProblem(number, "", "no price in this row; skipped", "no_price"))
            continue  # blank, a note under the table, a sub-heading
        rows_read += 1
        values_ = start.copy()
        problems: list[RowProblem] = []
        for name, column, header, code, target in targets:
            cell = row[column]
            if cell is None:
                continue
            found = parsed_cells.get((name, cell.__class__, cell))
            if found is None:
                found = parse(name, cell)
            ok, value = found
            if not ok:
                problems.append(RowProblem(number, header, value, code))
            elif target.__class__ is int:
                values_[target] = value
            else:  # a pax break: two values
                values_[target[0]], values_[target[1]] = value
        if not values_[SERVICE]:
            problems.append(
                RowProblem(
                    number,
                    service_header,
                    "the service (room, vehicle, activity) is empty",
                    "required",
                )
            )
        row_problems: list[RowProblem] = []  # its column groups' problems
        row_reversed = _reversed(values_)
        for plan_index, fixed, fixes_dates, cells, net_header in group_cells:
            line: list[Any] | None = None
            has_net = no_price = False
            known = len(row_problems)
            for position, name, header, code, target, is_net in cells:
                cell = prices[position]
                if cell is None:
                    continue
                if line is None:
                    line = values_.copy()
                    for index, value in fixed:
                        line[index] = value
                if is_net:
                    has_net = True
                found = parsed_cells.get((name, cell.__class__, cell))
                if found is None:
                    found = parse(name, cell)
                ok, value = found
                if not ok:
                    row_problems.append(RowProblem(number, header, value, code))
                    continue
                if value is NO_PRICE:
                    no_price = no_price or is_net
                    what = "no line" if is_net else "the line has no sell price"
                    warnings.append(
                        RowProblem(number, header, f"{no_price_reason(cell)}; {what}", "no_price")
                    )
                    continue
                if target == MARKUP:
                    line[MARKUP] = value
                    continue
                amount, currency = value  # a price: its amount, and its currency if written
                if currency is not None:
                    if line[CURRENCY] is not None and line[CURRENCY] != currency:
                        row_problems.append(
                            RowProblem(
                                number,
                                header,
                                f"{_text(cell)} is in {currency}, but this line is in "
                                f"{line[CURRENCY]}",
                                code,
                            )
                        )
                        continue
                    line[CURRENCY] = currency
                line[target] = amount
            if line is None or no_price:
                continue  # no price for this occupancy / season on this row
            if not has_net and len(row_problems) == known:
                row_problems.append(
                    RowProblem(number, net_header, "the net price is empty", "required")
                )
            if _reversed(line) if fixes_dates else row_reversed:
                valid_from, valid_to = line[VALID_FROM], line[VALID_TO]
                row_problems.append(
                    RowProblem(
                        number,
                        result.columns_of(plan_index, row).get(ImportField.VALID_TO.value, ""),
                        f"ends ({valid_to:%d %b %Y}) before it starts ({valid_from:%d %b %Y})",
                        "range",
                    )
                )
            if len(row_problems) == known and not problems:
                # (a row whose own cells failed gives no line at all)
                lines.append((number, line, plan_index, row))
        if problems or row_problems:
            filled = [c for c in row if c is not None and c != ""]
            if not values_[SERVICE] and _is_note(filled):  # a note written in a price column
                warnings.append(_note(number, filled))
                continue
            errors += _unique(problems + row_problems)
    if progress is not None:
        progress(total, total)
    result.rows_read = rows_read
    return result


def _is_note(filled: list[Any]) -> bool:
    """A row of text in one or two cells, in or under the table: "Rates are subject to
    change", "Validity: 1 Apr - 30 Sep", "Note: | MAP includes dinner"."""
    return 0 < len(filled) <= 2 and all(_is_text(cell) for cell in filled)


def _note(row: int, filled: list[Any]) -> RowProblem:
    text = " ".join(_text(cell) for cell in filled)
    shown = text if len(text) <= 80 else text[:77] + "..."
    return RowProblem(row, "", f"text, not a rate line: {shown!r}", "text_row")


def _reversed(line: list[Any]) -> bool:
    """Does the line end before it starts?"""
    valid_from, valid_to = line[VALID_FROM], line[VALID_TO]
    return bool(valid_from and valid_to and valid_to < valid_from)


def _unique(problems: list[RowProblem]) -> list[RowProblem]:
    return list(dict.fromkeys(problems))


def _get(row: Sequence[Any], index: int) -> Any:
    if index >= len(row):
        return None
    cell = row[index]
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    return cell


_EMPTY = SheetLine(row=0, service="")
# a price cell saying there is no price ("On request"): no line, a warning
NO_PRICE: Any = object()
_PRICES = frozenset({ImportField.NET, ImportField.SELL})


class _Reader:
    """Parses cells. Sheets repeat their values (a date on a thousand rows, a price on
    hundreds): each distinct cell of a field is parsed once, and its value or its problem
    reused."""

    def __init__(
        self, day_first: bool, decimal_comma: bool, words: PriceWords | None = None
    ) -> None:
        self.day_first = day_first
        self.decimal_comma = decimal_comma
        self.words = words
        # (field, the cell's type, the cell) -> (True, value) or (False, why not); 1, 1.0 and
        # True are equal keys but not equal cells
        self.parsed: dict[tuple[ImportField, type, Any], tuple[bool, Any]] = {}

    def parse(self, name: ImportField, cell: Any) -> tuple[bool, Any]:
        meaning = None
        if self.words is not None and name in _PRICES:
            meaning = price_word(cell, self.words)
        if meaning is PriceWord.ZERO:
            found: tuple[bool, Any] = (True, (Decimal(0), None))
        elif meaning is PriceWord.NO_PRICE:
            found = (True, NO_PRICE)
        else:
            try:
                found = (True, _VALUES[name](cell, self.day_first, self.decimal_comma))
            except ValueError as exc:
                found = (False, str(exc))
        self.parsed[(name, type(cell), cell)] = found
        return found

    def apply(
        self,
        line: SheetLine,
        name: ImportField,
        cell: Any,
        header: str,
        row: int,
        problems: list[RowProblem],
    ) -> None:
        """Parse one cell (a constant, a column group's fixed value) into the line's field; a
        bad value becomes a problem on (row, header)."""
        found = self.parsed.get((name, type(cell), cell))
        if found is None:
            found = self.parse(name, cell)
        ok, value = found
        if value is NO_PRICE:
            ok, value = False, f"{no_price_reason(cell)}; give an amount here"
        if not ok:
            problems.append(RowProblem(row, header, value, _FIELD_NAME[name]))
            return
        try:
            _SETTERS[name](line, value, cell)
        except ValueError as exc:
            problems.append(RowProblem(row, header, str(exc), _FIELD_NAME[name]))
            return
        line.columns[_FIELD_NAME[name]] = header


# a field's name as lines and problems record it (an enum's `.value` is slow on a hot path)
_FIELD_NAME: dict[ImportField, str] = {f: f.value for f in ImportField}
# where a field's value goes in a line (a pax break fills two places, and so does a basis with
# the seats written in it)
_TARGETS: dict[ImportField, Any] = {
    f: LINE_FIELDS.index(f.value) for f in ImportField if f.value in LINE_FIELDS
} | {ImportField.PAX: (PAX_MIN, PAX_MAX), ImportField.BASIS: (BASIS, SEATS)}


def _text(cell: Any) -> str:
    return " ".join(cell_text(cell).split())


def _name(cell: Any) -> str:
    """A service's or a season's name as written (less the apostrophe our export puts before
    text like "=Sea View", so that a round trip keeps names as they were)."""
    return _text(values.unneutralise(cell) if isinstance(cell, str) else cell)


# what an amount column (NUMERIC(18, 4)) holds: 14 digits before the decimal mark
_TOO_LARGE = Decimal(10) ** 14


def _shown(cell: Any) -> str:
    """The cell's text for a message, cut short if long (a 300-digit number, say)."""
    text = _text(cell)
    return text if len(text) <= 24 else f"{text[:20]}… ({len(text)} characters)"


def _price(cell: Any, _d: bool, decimal_comma: bool) -> tuple[Decimal, str | None]:
    amount, currency = values.parse_amount(cell, decimal_comma=decimal_comma)
    if amount < 0:
        raise ValueError(f"{_text(cell)} is negative; prices can't be")
    if amount >= _TOO_LARGE:
        raise ValueError(
            f"{_shown(cell)} is too large for a price (at most 14 digits before the decimal mark)"
        )
    return amount, currency


def _markup(cell: Any, _d: bool, decimal_comma: bool) -> Decimal:
    percent = values.parse_percent(cell, decimal_comma=decimal_comma)
    if abs(percent) >= _TOO_LARGE:
        raise ValueError(f"{_shown(cell)} is too large for a markup percentage")
    return percent


def _priced(line: SheetLine, value: tuple[Decimal, str | None], cell: Any) -> Decimal:
    """The amount, the line taking the currency it is written in (one currency a line)."""
    amount, currency = value
    if currency is not None:
        if line.currency is not None and line.currency != currency:
            raise ValueError(f"{_text(cell)} is in {currency}, but this line is in {line.currency}")
        line.currency = currency
    return amount


def _supplement(cell: Any, _d: bool, _c: bool) -> str | None:
    """A supplement's name as written ("Driver allowance"), or None where the cell says the
    row is the base price ("-", "None", "Base"); a rate line keeps 60 characters."""
    name = _name(cell)
    if name.casefold() in _NO_SUPPLEMENT:
        return None
    if len(name) > _LONGEST_SUPPLEMENT:
        raise ValueError(
            f"{_shown(cell)} is too long for a supplement's name (at most "
            f"{_LONGEST_SUPPLEMENT} characters)"
        )
    return name


_LONGEST_SUPPLEMENT = 60
_NO_SUPPLEMENT = frozenset({"-", "\u2013", "\u2014", "none", "nil", "n/a", "base", "base price"})


def _min_nights(cell: Any, _d: bool, _c: bool) -> int:
    nights = values.parse_int(cell, what="nights")
    if not 1 <= nights <= 60:
        raise ValueError(f"{nights} minimum nights is outside 1-60")
    return nights


# a cell's value for each field: pure (cell, day_first, decimal_comma) -> value
_VALUES: dict[ImportField, Callable[[Any, bool, bool], Any]] = {
    ImportField.SERVICE: lambda cell, _d, _c: _name(cell),
    ImportField.MEAL_PLAN: lambda cell, _d, _c: values.parse_meal_plan(cell),
    ImportField.SEASON: lambda cell, _d, _c: _name(cell),
    ImportField.VALID_FROM: lambda cell, day_first, _c: values.parse_date(
        cell, day_first=day_first
    ),
    ImportField.VALID_TO: lambda cell, day_first, _c: values.parse_date(cell, day_first=day_first),
    ImportField.BASIS: lambda cell, _d, _c: values.parse_basis_and_seats(cell),
    ImportField.OCCUPANCY: lambda cell, _d, _c: values.parse_occupancy(cell),
    ImportField.AGE_BAND: lambda cell, _d, _c: values.parse_age_band(cell),
    ImportField.PAX: lambda cell, _d, _c: values.parse_pax(cell),
    ImportField.PAX_MIN: lambda cell, _d, _c: values.parse_int(cell, what="people"),
    ImportField.PAX_MAX: lambda cell, _d, _c: values.parse_int(cell, what="people"),
    ImportField.NET: _price,
    ImportField.SELL: _price,
    ImportField.MARKUP: _markup,
    ImportField.MIN_NIGHTS: _min_nights,
    ImportField.WEEKDAYS: lambda cell, _d, _c: weekdays_mask(values.parse_weekdays(cell)),
    ImportField.CURRENCY: lambda cell, _d, _c: values.parse_currency(cell),
    ImportField.CAPACITY: lambda cell, _d, _c: values.parse_seats(cell),
    ImportField.SUPPLEMENT: _supplement,
    ImportField.OPTIONAL: lambda cell, _d, _c: values.parse_optional(cell),
    ImportField.IGNORE: lambda _cell, _d, _c: None,
}


def _set_pax(line: SheetLine, value: tuple[int, int], _cell: Any) -> None:
    line.pax_min, line.pax_max = value


def _set_basis(line: SheetLine, value: tuple[str, int | None], _cell: Any) -> None:
    line.basis, line.seats = value


def _set_net(line: SheetLine, value: tuple[Decimal, str | None], cell: Any) -> None:
    line.net = _priced(line, value, cell)


def _set_sell(line: SheetLine, value: tuple[Decimal, str | None], cell: Any) -> None:
    line.sell = _priced(line, value, cell)


def _setter(attr: str) -> Callable[[SheetLine, Any, Any], None]:
    def set_value(line: SheetLine, value: Any, _cell: Any) -> None:
        setattr(line, attr, value)

    return set_value


# how a parsed value goes into a line (values shared between lines are never changed in place)
_SETTERS: dict[ImportField, Callable[[SheetLine, Any, Any], None]] = {
    ImportField.SERVICE: _setter("service"),
    ImportField.MEAL_PLAN: _setter("meal_plan"),
    ImportField.SEASON: _setter("season"),
    ImportField.VALID_FROM: _setter("valid_from"),
    ImportField.VALID_TO: _setter("valid_to"),
    ImportField.BASIS: _set_basis,
    ImportField.OCCUPANCY: _setter("occupancy"),
    ImportField.AGE_BAND: _setter("age_band"),
    ImportField.PAX: _set_pax,
    ImportField.PAX_MIN: _setter("pax_min"),
    ImportField.PAX_MAX: _setter("pax_max"),
    ImportField.NET: _set_net,
    ImportField.SELL: _set_sell,
    ImportField.MARKUP: _setter("markup_pct"),
    ImportField.MIN_NIGHTS: _setter("min_nights"),
    ImportField.WEEKDAYS: _setter("weekdays"),
    ImportField.CURRENCY: _setter("currency"),
    ImportField.CAPACITY: _setter("capacity"),
    ImportField.SUPPLEMENT: _setter("supplement"),
    ImportField.OPTIONAL: _setter("optional"),
    ImportField.IGNORE: lambda _line, _value, _cell: None,
}


def mapped_fields(mapping: ImportMapping) -> set[ImportField]:
    """Every field the mapping gives a value for (columns, fixed values and constants)."""
    found = {r.field for r in mapping.columns}
    found |= {k for r in mapping.columns for k in r.fixed}
    found |= set(mapping.constants)
    return found


def unmapped_required(mapping: ImportMapping) -> list[ImportField]:
    """The required fields a mapping leaves unmapped: a service, a net price, and for each
    line a season name or both validity dates ("season" when none of the three is mapped,
    else the missing date)."""
    fields = mapped_fields(mapping)
    missing = [f for f in (ImportField.SERVICE, ImportField.NET) if f not in fields]
    dates = (ImportField.VALID_FROM, ImportField.VALID_TO)
    if ImportField.SEASON not in fields and not set(dates) <= fields:
        if fields.isdisjoint(dates):
            missing.append(ImportField.SEASON)
        else:
            missing += [f for f in dates if f not in fields]
    return missing


REQUIRED_LABELS: dict[ImportField, str] = {
    ImportField.SERVICE: "service (room, vehicle or activity)",
    ImportField.NET: "net price",
    ImportField.SEASON: "season, or valid from and valid to",
    ImportField.VALID_FROM: "valid from",
    ImportField.VALID_TO: "valid to",
}


def missing_required(mapping: ImportMapping) -> list[str]:
    """What a mapping lacks before anything can be read, in words: a service and a net price,
    and a season (name or dates) for each line."""
    return [REQUIRED_LABELS[f] for f in unmapped_required(mapping)]
