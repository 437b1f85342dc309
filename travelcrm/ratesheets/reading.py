"""Turn an uploaded rate sheet (CSV, XLSX, XLS) into raw cell grids, or refuse it with the reason.

Knows nothing about rates. The kind comes from the content, never from the file name. XLSX parts
are checked before any parser sees them (zip bombs, external links, XML entity declarations, and
the cell extent of every sheet, because calamine allocates a dense grid over the used range and a
tiny file naming cell XFD1048576 would abort the process; styled empty cells count too).
Workbooks that cannot be vetted that way (every XLS, and XLSX written in unusual ways) are read
by calamine in a child process with memory and time limits, so a hostile file can cost at most
that process.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any, Final
from xml.etree import ElementTree

import python_calamine

from travelcrm.core.errors import FieldError, ValidationFailedError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELLS = 5_000_000  # over all sheets
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024  # sum of an xlsx's zip members
MAX_COMPRESSION_RATIO = 200  # per zip member (uncompressed/compressed), for members > 1 MB

_RATIO_MIN_BYTES: Final = 1024 * 1024
_MAX_ZIP_MEMBERS: Final = 10_000
_MAX_MERGED_RANGES: Final = 100_000
_MAX_PLAIN_PART_BYTES: Final = 16 * 1024 * 1024  # workbook.xml, styles.xml, relationships
_CHUNK: Final = 1024 * 1024  # zip parts are scanned in pieces of this size
_MAX_OPEN_TAG: Final = 1024 * 1024  # a longer start tag ends the cheap cell accounting
_SNIFF_CHARS: Final = 64 * 1024
_SNIFF_LINES: Final = 50
_CHILD_TIMEOUT_S: Final = 120
_CHILD_MEMORY_BYTES: Final = 3 * 1024 * 1024 * 1024
_CHILD_REJECTED_EXIT: Final = 3
_CHILD_ENV: Final = frozenset({"PATH", "LANG", "LC_ALL", "LC_CTYPE", "LD_LIBRARY_PATH", "TMPDIR"})
_CHILD_CODE: Final = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from travelcrm.ratesheets.reading import _child_main; _child_main()"
)
_SOURCE_ROOT: Final = str(Path(__file__).resolve().parents[2])

_OLE2_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC: Final = b"PK\x03\x04"
_ENCRYPTED_STREAMS: Final = (
    "EncryptedPackage".encode("utf-16-le"),
    "EncryptionInfo".encode("utf-16-le"),
)
_NOT_SPREADSHEETS: Final = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"{\\rtf", "an RTF document"),
)

_TRY_AGAIN: Final = "save it as .xlsx or .csv and upload it again."
_DAMAGED: Final = "The workbook could not be read: it is damaged or not an Excel file."
_ENCRYPTED: Final = (
    "The workbook is password-protected; save it without a password and upload it again."
)
_EXTERNAL: Final = (
    "The workbook links to other files (external links); remove them and upload it again."
)
_ENTITIES: Final = (
    "The workbook declares XML entities (<!DOCTYPE>/<!ENTITY>), which Excel never writes; "
    "it was not opened. Save it again from Excel and upload the new copy."
)

# XLSX scanning. `<c r="B7"` is how every common writer starts a cell; a sheet whose cells all
# start that way has its extent in those references, and anything else goes to the child.
_ENTITY_RE: Final = re.compile(
    rb"<\x00?!\x00?(?:D\x00?O\x00?C\x00?T\x00?Y\x00?P\x00?E|E\x00?N\x00?T\x00?I\x00?T\x00?Y)",
    re.IGNORECASE,
)
# a cell reference's row number, and its column letters (two passes, each giving plain bytes:
# a match's tuple would be a tracked object, and 100,000 of them set off the cyclic GC)
_CELL_ROW_RE: Final = re.compile(rb'<c r="[A-Za-z]+([0-9]+)"')
_CELL_COLUMN_RE: Final = re.compile(rb'<c r="([A-Za-z]+)[0-9]')
# a cell tag that does not start with its whole reference (`<col` and `<cols` are no cells)
_UNREFERENCED_CELL_RE: Final = re.compile(rb'<c(?! r="[A-Za-z]+[0-9]+")[\s/>]')
_PREFIXED_CELL_RE: Final = re.compile(rb":c[\s/>]")
_UTF16_STARTS: Final = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\x00", b"\x00<")


class SheetRejectedError(ValidationFailedError):
    """The uploaded file cannot be used. `code` names why: not_a_spreadsheet, encrypted, corrupt,
    too_large, zip_bomb, external_links, xml_entities, empty, too_many_cells, unreadable_text.
    """

    title = "The file cannot be used"

    def __init__(self, detail: str, *, code: str) -> None:
        super().__init__(detail, errors=[FieldError("file", detail, code)])
        # `code` is a class-level constant on DomainError; here each refusal names its own.
        object.__setattr__(self, "code", code)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rejected, (self.detail, self.code))


def _rejected(detail: str, code: str) -> SheetRejectedError:
    return SheetRejectedError(detail, code=code)


@dataclass(frozen=True)
class RawSheet:
    """One sheet's cells, top-left at rows[0][0].

    Values are str (stripped, never ""), int, float, datetime.datetime, datetime.date, bool or
    None; a time of day or a duration comes as text ("14:00", "26:30:00"). Rows may differ in
    length. `merged` holds (first_row, first_col, last_row, last_col),
    0-based and inclusive; only the top-left cell of a merged range holds its value.
    """

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Workbook:
    """What was read: kind "csv" | "xlsx" | "xls"; CSV has one sheet named after the file."""

    kind: str
    sheets: list[RawSheet]
    encoding: str | None  # CSV only: "utf-8", "utf-8-sig", "utf-16", "cp1252"
    delimiter: str | None  # CSV only: ",", ";", "\t"
    checksum: str  # sha256 hex of the file bytes


def sniff_kind(head: bytes) -> str | None:
    """The kind the first bytes of a file announce: "xlsx", "xls", "csv", or None (not one)."""
    return _identify(head)[0]


def read_workbook(path: Path, filename: str) -> Workbook:
    """Read the uploaded file at `path` (`filename` is the name the user gave it).

    Raises SheetRejectedError, with a sentence for the user, when the file is not usable.
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SheetRejectedError(
            f"The file is {_megabytes(size)}; the limit is {_megabytes(MAX_FILE_BYTES)}.",
            code="too_large",
        )
    if size == 0:
        raise SheetRejectedError("The file is empty.", code="empty")
    data = path.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    kind, what = _identify(data[:_SNIFF_CHARS])
    if kind == "xlsx":
        return Workbook("xlsx", _read_xlsx(path, data), None, None, checksum)
    if kind == "xls":
        return Workbook("xls", _read_xls(path, data), None, None, checksum)
    if kind == "csv":
        sheet, encoding, delimiter = _read_csv(data, filename)
        return Workbook("csv", [sheet], encoding, delimiter, checksum)
    raise _not_a_spreadsheet(what)


# ---- kinds --------------------------------------------------------------------------------------


def _identify(head: bytes) -> tuple[str | None, str]:
    """(kind, "") for a spreadsheet, else (None, what the bytes look like)."""
    if head.startswith(_ZIP_MAGIC):
        return "xlsx", ""
    if head.startswith(_OLE2_MAGIC):
        return "xls", ""
    for magic, what in _NOT_SPREADSHEETS:
        if head.startswith(magic):
            return None, what
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv", ""
    if b"\x00" in head:
        return None, ""
    start = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:256].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        return None, "a web page (HTML)"
    if start.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            return None, "an Excel 2003 XML spreadsheet"
        return None, "an XML document"
    return "csv", ""


def _not_a_spreadsheet(what: str) -> SheetRejectedError:
    if not what:
        message = (
            "This file is not a spreadsheet: it holds binary data that is neither an Excel "
            "workbook nor CSV text."
        )
    elif what.startswith(("an OpenDocument spreadsheet", "an Excel", "a web page")):
        message = f"This file is {what}, not an .xlsx, .xls or .csv file; {_TRY_AGAIN}"
    else:
        message = f"This file is {what}, not a spreadsheet."
    return SheetRejectedError(message, code="not_a_spreadsheet")


def _megabytes(size: int) -> str:
    """A size for people: "73.2 MB", "50 MB", "12 KB", "80 bytes"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


# ---- CSV ----------------------------------------------------------------------------------------


def _read_csv(data: bytes, filename: str) -> tuple[RawSheet, str, str]:
    text, encoding = _decode_text(data)
    if not text.strip():
        raise SheetRejectedError("The file is empty.", code="empty")
    delimiter = _sniff_delimiter(text)
    rows: list[list[Any]] = []
    append = rows.append
    width = 0
    limit = MAX_CELLS
    try:
        with _gc_paused():
            for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                if len(record) > width:
                    width = len(record)
                append([value.strip() or None for value in record])
                if len(rows) * width > limit:
                    raise _too_many_cells(len(rows) * width, limit)
    except csv.Error as exc:
        raise SheetRejectedError(
            f"The CSV file could not be read near line {len(rows) + 1} ({exc}).", code="corrupt"
        ) from exc
    _drop_trailing_empty(rows)
    if not rows:
        raise SheetRejectedError("The file is empty.", code="empty")
    name = PureWindowsPath(filename).stem or "Sheet1"
    return RawSheet(name, rows, []), encoding, delimiter


def _decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in (BOM first, then strict UTF-8, then Windows-1252)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data:
            raise _not_a_spreadsheet("")
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SheetRejectedError(
        "The file is not text in a known encoding (UTF-8, UTF-16 or Windows-1252); "
        "save it as CSV UTF-8 and upload it again.",
        code="unreadable_text",
    )


def _sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab: the one that splits the first non-empty lines most consistently."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (0.0, 0)
    for delimiter in (",", ";", "\t"):
        counts: list[int] = []
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(value.strip() for value in record):
                    counts.append(len(record))
                    if len(counts) >= _SNIFF_LINES:
                        break
        except csv.Error:
            continue
        if not counts:
            continue
        fields, seen = Counter(counts).most_common(1)[0]
        score = (seen / len(counts), fields)
        if fields > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


# ---- XLSX ---------------------------------------------------------------------------------------


@dataclass
class _PartScan:
    """What one zip part showed while streaming through it."""

    strings_part: bool = False  # xl/sharedStrings.xml: count its <si> entries
    is_sheet: bool = False
    regular: bool = True  # every cell tag starts `<c r="..."`, so the extent below is complete
    max_row: int = 0
    max_col: int = 0
    merges: int = 0
    strings: int = 0


def _read_xlsx(path: Path, data: bytes) -> list[RawSheet]:
    regular = _vet_xlsx(data)
    if not regular:
        return _read_isolated(path)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return _read_calamine(book, MAX_CELLS)
    except SheetRejectedError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises its own errors, or a pyo3 PanicException
        raise _calamine_refusal(exc) from exc


def _vet_xlsx(data: bytes) -> bool:
    """Refuse unsafe XLSX; True when every sheet's extent was measured (safe in-process)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _vet_archive(archive)
    except SheetRejectedError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise SheetRejectedError(_DAMAGED, code="corrupt") from exc
    except (ValueError, NotImplementedError, RuntimeError) as exc:  # bad headers, methods
        raise SheetRejectedError(_DAMAGED, code="corrupt") from exc


def _vet_archive(archive: zipfile.ZipFile) -> bool:
    members = archive.infolist()
    names = {info.filename.lower(): info for info in members}
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        what = _zip_contents(archive, names)
        if what == "a ZIP archive" and any(name.startswith("xl/") for name in names):
            raise SheetRejectedError(_DAMAGED, code="corrupt")  # a workbook missing parts
        raise _not_a_spreadsheet(what)
    if len(members) > _MAX_ZIP_MEMBERS:
        raise SheetRejectedError(
            f"The workbook is made of {len(members):,} parts, far more than Excel writes; "
            "it was not opened.",
            code="zip_bomb",
        )
    total = sum(info.file_size for info in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SheetRejectedError(
            f"The workbook unpacks to {_megabytes(total)}, more than the "
            f"{_megabytes(MAX_UNCOMPRESSED_BYTES)} allowed; it was not opened.",
            code="zip_bomb",
        )
    for info in members:
        if info.file_size > _RATIO_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise SheetRejectedError(
                f"A part of the workbook ({info.filename}) is compressed over "
                f"{MAX_COMPRESSION_RATIO} times, the way zip bombs are; it was not opened.",
                code="zip_bomb",
            )
        if info.flag_bits & 0x1:
            raise SheetRejectedError(_ENCRYPTED, code="encrypted")
    if any(name.startswith("xl/externallinks/") for name in names):
        raise SheetRejectedError(_EXTERNAL, code="external_links")

    # Calamine also loads these whole; oversized ones are left to the child's memory limit.
    regular = not any(
        info.file_size > _MAX_PLAIN_PART_BYTES
        for name, info in names.items()
        if name in {"xl/workbook.xml", "xl/styles.xml"} or name.endswith(".rels")
    )
    cells = merges = 0
    for info in members:
        if info.is_dir():
            continue
        scan = _scan_part(archive, info, strings=info.filename.lower() == "xl/sharedstrings.xml")
        if scan.strings > MAX_CELLS:
            raise _too_many_cells(scan.strings, MAX_CELLS, what="text values")
        if scan.is_sheet:
            regular = regular and scan.regular
            cells += scan.max_row * scan.max_col
            merges += scan.merges
            if cells > MAX_CELLS:
                raise _too_many_cells(cells, MAX_CELLS)
            if merges > _MAX_MERGED_RANGES:
                raise _too_many_cells(merges, _MAX_MERGED_RANGES, what="merged ranges")

    rels = names.get("xl/_rels/workbook.xml.rels")
    if rels is not None and _links_externally(archive, rels):
        raise SheetRejectedError(_EXTERNAL, code="external_links")
    return regular


def _zip_contents(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str:
    """What a ZIP that is not an Excel workbook holds, for the refusal message."""
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation (.pptx)"
    if "xl/workbook.bin" in names:
        return "an Excel binary workbook (.xlsb)"
    mimetype = names.get("mimetype")
    if mimetype is not None and mimetype.file_size < 200:
        kind = archive.read(mimetype).decode("ascii", "replace")
        if kind.endswith("opendocument.spreadsheet"):
            return "an OpenDocument spreadsheet (.ods)"
        if "opendocument" in kind:
            return "an OpenDocument file"
    return "a ZIP archive"


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, strings: bool) -> _PartScan:
    """Stream one part: refuse entity declarations, measure sheet cells, count shared strings.

    Pieces are cut before a start tag that is still open, so no `<...` token is ever split.
    """
    scan = _PartScan(strings_part=strings)
    carry = b""
    first = True
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            window = carry + chunk if carry else chunk
            if first:
                first = False
                head = window[:4096]
                if head.lstrip(codecs.BOM_UTF8).startswith(_UTF16_STARTS):
                    scan.is_sheet, scan.regular = True, False  # UTF-16 XML: not measured here
            last = window.rfind(b"<")
            if last == -1 or window.find(b">", last) != -1:
                _scan_window(window, scan)
                carry = b""
            elif len(window) - last > _MAX_OPEN_TAG:
                _scan_window(window, scan)
                scan.regular = False
                carry = window[-64:]
            else:
                _scan_window(window[:last], scan)
                carry = window[last:]
        if carry:
            _scan_window(carry, scan)
    return scan


def _scan_window(window: bytes, scan: _PartScan) -> None:
    # (a lone "!" is rare in a part and found at memchr speed; "<" is everywhere)
    if b"!" in window and _ENTITY_RE.search(window):
        raise SheetRejectedError(_ENTITIES, code="xml_entities")
    if scan.strings_part:
        scan.strings += window.count(b"<si") + window.count(b":si")
    if not scan.is_sheet:
        if b"sheetData" not in window:
            return
        scan.is_sheet = True
        if b":sheetData" in window:
            scan.regular = False
    if not scan.regular:
        return
    if _UNREFERENCED_CELL_RE.search(window):
        scan.regular = False  # a cell without a leading r="..." (calamine places those itself)
        return
    if _PREFIXED_CELL_RE.search(window):
        scan.regular = False  # <x:c ...>: cells in a prefixed namespace
        return
    if b"mergeCell" in window:
        scan.merges += window.count(b"<mergeCell ")
    rows = _CELL_ROW_RE.findall(window)
    if rows:  # (the distinct letters and numbers first: a sheet repeats them on every row)
        # every cell tag is a whole reference here, so the letters are those same cells'
        columns = set(_CELL_COLUMN_RE.findall(window))
        scan.max_col = max(scan.max_col, *map(_column_number, columns))
        scan.max_row = max(scan.max_row, *map(int, set(rows)))


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


def _links_externally(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Does the workbook's relationship part name an external link? (Run after the scan.)"""
    try:
        with archive.open(info) as stream:
            for _, element in ElementTree.iterparse(stream):
                if element.get("Type", "").endswith("/externalLink"):
                    return True
                element.clear()
    except ElementTree.ParseError as exc:
        raise SheetRejectedError(_DAMAGED, code="corrupt") from exc
    return False


# ---- calamine -----------------------------------------------------------------------------------


_PLAIN: Final = frozenset({int, bool, dt.datetime, dt.date})


def _read_calamine(book: python_calamine.CalamineWorkbook, max_cells: int) -> list[RawSheet]:
    """Every worksheet of an open workbook, refusing more than `max_cells` cells in all."""
    sheets: list[RawSheet] = []
    cells = 0
    for meta in book.sheets_metadata:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        end = sheet.end
        rows: list[list[Any]] = []
        if end is not None:
            cells += (end[0] + 1) * (end[1] + 1)
            if cells > max_cells:
                raise _too_many_cells(cells, max_cells)
            with _gc_paused():
                rows = _clean_rows(sheet.to_python(skip_empty_area=False))
        merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
        sheets.append(RawSheet(meta.name, rows, merged))
        del sheet
    if not any(sheet.rows for sheet in sheets):
        raise SheetRejectedError("The workbook has no data in any sheet.", code="empty")
    return sheets


def _clean_rows(raw: list[list[Any]]) -> list[list[Any]]:
    """Strip text ("" becomes None), NaN becomes None, times and durations become text."""
    rows = [
        [
            (value.strip() or None)
            if (kind := value.__class__) is str
            else (value if value == value else None)
            if kind is float
            else value
            if kind in _PLAIN
            else _odd_value(value)
            for value in row
        ]
        for row in raw
    ]
    _drop_trailing_empty(rows)
    return rows


def _odd_value(value: Any) -> Any:
    if isinstance(value, dt.time):
        plain = not value.second and not value.microsecond
        return value.isoformat(timespec="minutes" if plain else "auto")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        hours, rest = divmod(abs(seconds), 3600)
        return f"{'-' if seconds < 0 else ''}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if isinstance(value, str):  # a str subclass
        return value.strip() or None
    return value


def _drop_trailing_empty(rows: list[list[Any]]) -> None:
    while rows and all(value is None for value in rows[-1]):
        rows.pop()


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a million-cell grid only allocates; the cyclic GC would just rescan it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _calamine_refusal(exc: BaseException) -> SheetRejectedError:
    if isinstance(exc, python_calamine.PasswordError):
        return SheetRejectedError(_ENCRYPTED, code="encrypted")
    return SheetRejectedError(_DAMAGED, code="corrupt")


def _too_many_cells(count: int, limit: int, *, what: str = "cells") -> SheetRejectedError:
    return SheetRejectedError(
        f"The file has about {count:,} {what}; the limit is {limit:,}. "
        "Remove unused rows, columns and sheets, or split it, and upload it again.",
        code="too_many_cells",
    )


# ---- XLS and the isolated reader ----------------------------------------------------------------


def _read_xls(path: Path, data: bytes) -> list[RawSheet]:
    if any(name in data for name in _ENCRYPTED_STREAMS):
        raise SheetRejectedError(_ENCRYPTED, code="encrypted")
    if _has_stream(data, "WordDocument") and not _has_stream(data, "Workbook", "Book"):
        raise _not_a_spreadsheet("a Word document (.doc)")
    if _has_stream(data, "PowerPoint Document") and not _has_stream(data, "Workbook", "Book"):
        raise _not_a_spreadsheet("a PowerPoint presentation (.ppt)")
    return _read_isolated(path)


def _has_stream(data: bytes, *names: str) -> bool:
    return any((name + "\0").encode("utf-16-le") in data for name in names)


def _read_isolated(path: Path) -> list[RawSheet]:
    """Read with calamine in a child process, so a hostile file costs at most that process."""
    command = [sys.executable, "-I", "-c", _CHILD_CODE, _SOURCE_ROOT, str(path), str(MAX_CELLS)]
    env = {name: value for name, value in os.environ.items() if name in _CHILD_ENV}
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=_CHILD_TIMEOUT_S, check=False, env=env
        )
    except subprocess.TimeoutExpired as exc:
        raise SheetRejectedError(
            "The workbook took too long to read; it may be damaged. "
            f"Open it in Excel, {_TRY_AGAIN}",
            code="corrupt",
        ) from exc
    try:
        if done.returncode == _CHILD_REJECTED_EXIT:
            refusal = json.loads(done.stdout)
            raise SheetRejectedError(str(refusal["detail"]), code=str(refusal["code"]))
        if done.returncode == 0:
            return [
                RawSheet(name, rows, [(m[0], m[1], m[2], m[3]) for m in merged])
                for name, rows, merged in json.loads(done.stdout, object_hook=_from_json)
            ]
    except (ValueError, KeyError, TypeError):
        pass  # not what the child writes: treat like a crash
    raise SheetRejectedError(_DAMAGED, code="corrupt")


def _child_main() -> None:
    """Entry point of the child process (argv: source root, path, max_cells).

    Writes the sheets as JSON to stdout, or a refusal and exit status _CHILD_REJECTED_EXIT.
    """
    import resource

    for limit, value in (
        (resource.RLIMIT_AS, _CHILD_MEMORY_BYTES),
        (resource.RLIMIT_CPU, _CHILD_TIMEOUT_S),
    ):
        hard = resource.getrlimit(limit)[1]
        resource.setrlimit(
            limit, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard)
        )
    path, max_cells = sys.argv[2], int(sys.argv[3])
    out = sys.stdout.buffer
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
        sheets = _read_calamine(book, max_cells)
    except SheetRejectedError as exc:
        refusal = exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises its own errors, or a pyo3 PanicException
        refusal = _calamine_refusal(exc)
    else:
        payload = [[s.name, s.rows, s.merged] for s in sheets]
        out.write(json.dumps(payload, default=_to_json, ensure_ascii=False).encode())
        out.flush()
        return
    out.write(json.dumps({"code": refusal.code, "detail": refusal.detail}).encode())
    out.flush()
    sys.exit(_CHILD_REJECTED_EXIT)


def _to_json(value: Any) -> dict[str, str]:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot send {type(value).__name__}")


def _from_json(obj: dict[str, Any]) -> Any:
    if "$datetime" in obj:
        return dt.datetime.fromisoformat(obj["$datetime"])
    if "$date" in obj:
        return dt.date.fromisoformat(obj["$date"])
    return obj
