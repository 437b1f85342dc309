"""Reading uploaded rate sheets into raw grids: CSV encodings and delimiters, XLSX and XLS
contents, and every refusal (with its code and a sentence for the user). Every input is built
here, in tmp_path; none is committed."""

from __future__ import annotations

import builtins
import hashlib
import itertools
import pickle
import re
import struct
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from travelcrm.core.errors import FieldError
from travelcrm.ratesheets import reading
from travelcrm.ratesheets.reading import (
    RawSheet,
    SheetRejectedError,
    Workbook,
    read_workbook,
    sniff_kind,
)

# ---- helpers ------------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read(path: Path) -> Workbook:
    return read_workbook(path, path.name)


def _refused(path: Path, code: str) -> str:
    """Reading `path` is refused with `code`; returns the message after checking it reads well."""
    with pytest.raises(SheetRejectedError) as caught:
        _read(path)
    error = caught.value
    assert error.code == code, error.detail
    assert error.status == 422
    assert error.errors == [FieldError("file", error.detail, code)]
    message = error.detail
    assert re.fullmatch(r"[A-Z][^\n]{10,}[.]", message), message
    assert "Traceback" not in message and "Error" not in message
    return message


def _xlsx(tmp_path: Path, name: str = "rates.xlsx") -> Path:
    """A small real workbook: a merged title, a header, dates, numbers and text."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Rates"
    sheet["A1"] = "Sea Breeze Resort - Rates 2027"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Room", "Meal Plan", "From", "To", "Single", "Code"])
    sheet.append([" Deluxe Room ", "CP", date(2027, 4, 1), date(2027, 9, 30), 4200, "007"])
    sheet.append(["Suite", "MAP", datetime(2027, 10, 1, 14, 30), date(2028, 3, 31), 99.5, "N/A"])
    path = tmp_path / name
    book.save(path)
    return path


def _rezip(
    source: Path,
    target: Path,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> Path:
    """A copy of the zip at `source` with some members replaced or added."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files read in the child process (the path for XLS and unusual XLSX)."""
    calls: list[Path] = []
    real = reading._read_isolated

    def spy(path: Path) -> list[RawSheet]:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(reading, "_read_isolated", spy)
    return calls


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


# A minimal BIFF8 workbook inside a minimal compound file (what .xls files are), written by hand
# because no writer for .xls is installed.

_END, _FREE, _FAT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


_Cell = tuple[int, int, str | float, int]  # row, column, value, XF (1 shows a date)


def _biff(sheets: list[tuple[str, list[_Cell], list[tuple[int, int, int, int]]]]) -> bytes:
    """A Workbook stream: `sheets` are (name, cells as (row, col, value, xf), merged ranges)."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0, 1997, 0, 0)
    head = [_record(0x0809, bof)]
    head += [_record(0x00E0, struct.pack("<HH", 0, fmt) + bytes(16)) for fmt in (0, 14)]
    bodies = []
    for _name, cells, merged in sheets:
        parts = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 1997, 0, 0))]
        for row, col, value, xf in cells:
            if isinstance(value, str):
                text = struct.pack("<HB", len(value), 0) + value.encode("latin-1")
                parts.append(_record(0x0204, struct.pack("<HHH", row, col, xf) + text))
            else:
                assert isinstance(value, float)
                parts.append(_record(0x0203, struct.pack("<HHHd", row, col, xf, value)))
        if merged:
            ranges = b"".join(struct.pack("<HHHH", *m) for m in merged)
            parts.append(_record(0x00E5, struct.pack("<H", len(merged)) + ranges))
        parts.append(_record(0x000A))
        bodies.append(b"".join(parts))

    def bound(offset: int, name: str) -> bytes:
        return _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name.encode())

    offset = sum(map(len, head)) + sum(len(bound(0, n)) for n, _, _ in sheets) + 4
    for (name, _, _), body in zip(sheets, bodies, strict=True):
        head.append(bound(offset, name))
        offset += len(body)
    return b"".join(head) + _record(0x000A) + b"".join(bodies)


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding `streams` (each padded to 4096 bytes, no mini stream)."""
    sectors: list[bytes] = []
    fat = [_FAT, _END]  # sector 0 holds the FAT, sector 1 the directory
    entries = []
    for name, data in streams.items():
        padded = data.ljust(4096, b"\0")
        count = -(-len(padded) // 512)
        start = 2 + len(sectors)
        fat += [start + i + 1 for i in range(count - 1)] + [_END]
        sectors += [padded[i * 512 : (i + 1) * 512].ljust(512, b"\0") for i in range(count)]
        entries.append((name, start, len(padded)))
    assert len(fat) <= 128 and len(entries) <= 3

    def entry(name: str, kind: int, start: int, size: int, right: int, child: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        fields = struct.pack("<HBBIII", len(encoded), kind, 1, _NONE, right, child)
        return (
            encoded.ljust(64, b"\0")
            + fields
            + bytes(36)
            + struct.pack("<II", start, size)
            + bytes(4)
        )

    directory = entry("Root Entry", 5, _END, 0, _NONE, 1 if entries else _NONE)
    for number, (name, start, size) in enumerate(entries, start=1):
        directory += entry(
            name, 2, start, size, number + 1 if number < len(entries) else _NONE, _NONE
        )
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    fat_sector = struct.pack("<128I", *(fat + [_FREE] * (128 - len(fat))))
    return header + fat_sector + directory.ljust(512, b"\0") + b"".join(sectors)


# ---- CSV ----------------------------------------------------------------------------------------


def test_utf8_csv_with_commas(tmp_path: Path) -> None:
    data = b"Hotel,Room,Price\nHilton,DBL,120.50\nTaj,SGL, 99 \n"
    path = _write(tmp_path, "hotels.csv", data)

    workbook = _read(path)

    assert workbook.kind == "csv"
    assert (workbook.encoding, workbook.delimiter) == ("utf-8", ",")
    assert workbook.checksum == hashlib.sha256(data).hexdigest()
    assert workbook.sheets == [
        RawSheet(
            "hotels",
            [["Hotel", "Room", "Price"], ["Hilton", "DBL", "120.50"], ["Taj", "SGL", "99"]],
            [],
        )
    ]


def test_utf8_bom_csv_with_semicolons(tmp_path: Path) -> None:
    text = "Hotel;Price;Single\r\nAlpenhof;1,5;2,50\r\nSeeblick;3,5;4,50\r\n"
    path = _write(tmp_path, "tarif.csv", b"\xef\xbb\xbf" + text.encode())

    workbook = _read(path)

    assert (workbook.encoding, workbook.delimiter) == ("utf-8-sig", ";")
    assert workbook.sheets[0].rows[0] == ["Hotel", "Price", "Single"]  # no BOM in the first cell
    assert workbook.sheets[0].rows[1] == ["Alpenhof", "1,5", "2,50"]


def test_utf16_csv_with_tabs(tmp_path: Path) -> None:
    text = "Hotel\tCity\tPrice\r\nRiad Zitoun\tMarrakech\t1 250\r\nDār\tFès\t900\r\n"
    path = _write(tmp_path, "export.txt", text.encode("utf-16"))

    workbook = _read(path)

    assert (workbook.kind, workbook.encoding, workbook.delimiter) == ("csv", "utf-16", "\t")
    assert workbook.sheets[0].rows == [
        ["Hotel", "City", "Price"],
        ["Riad Zitoun", "Marrakech", "1 250"],
        ["Dār", "Fès", "900"],
    ]


def test_windows_1252_csv_with_semicolons(tmp_path: Path) -> None:
    text = "Hôtel;Prix\r\nCafé de Flore;€ 120,00\r\nLe Procope \u2013 Paris;€ 95,50\r\n"
    path = _write(tmp_path, "tarifs.csv", text.encode("cp1252"))

    workbook = _read(path)

    assert (workbook.encoding, workbook.delimiter) == ("cp1252", ";")
    assert workbook.sheets[0].rows == [
        ["Hôtel", "Prix"],
        ["Café de Flore", "€ 120,00"],
        ["Le Procope \u2013 Paris", "€ 95,50"],
    ]


def test_quoted_fields_keep_their_delimiters_quotes_and_line_breaks(tmp_path: Path) -> None:
    text = (
        "Hotel,Notes,Price\n"
        '"Hilton, Paris","Sea view; ""deluxe""",120\n'
        '"Ritz, London","Two\nlines",130\n'
        '"Savoy, London","a, b, c, d, e",140\n'
    )
    path = _write(tmp_path, "quoted.csv", text.encode())

    workbook = _read(path)

    assert workbook.delimiter == ","
    assert workbook.sheets[0].rows[1:] == [
        ["Hilton, Paris", 'Sea view; "deluxe"', "120"],
        ["Ritz, London", "Two\nlines", "130"],
        ["Savoy, London", "a, b, c, d, e", "140"],
    ]


def test_csv_keeps_title_rows_and_text_and_drops_trailing_empty_rows(tmp_path: Path) -> None:
    text = "Rates 2027;;;\n;;;\nRoom;Code;Price;Note\nDBL;007;N/A; \nSGL;0012;80;x;extra\n;;;\n\n"
    path = _write(tmp_path, "rates.csv", text.encode())

    workbook = read_workbook(path, r"C:\fakepath\Supplier Rates.CSV")

    sheet = workbook.sheets[0]
    assert sheet.name == "Supplier Rates"
    assert sheet.rows == [
        ["Rates 2027", None, None, None],
        [None, None, None, None],
        ["Room", "Code", "Price", "Note"],
        ["DBL", "007", "N/A", None],  # CSV cells stay text: no number or NA guessing
        ["SGL", "0012", "80", "x", "extra"],  # rows need not be rectangular
    ]


def test_single_column_csv(tmp_path: Path) -> None:
    workbook = _read(_write(tmp_path, "list.csv", b"Hotel\nHilton\nTaj\n"))

    assert workbook.delimiter == ","
    assert workbook.sheets[0].rows == [["Hotel"], ["Hilton"], ["Taj"]]


# ---- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_with_a_merged_title_dates_and_numbers(tmp_path: Path, isolated: list[Path]) -> None:
    path = _xlsx(tmp_path)

    workbook = _read(path)

    assert isolated == []  # vetted, so read in-process

    assert (workbook.kind, workbook.encoding, workbook.delimiter) == ("xlsx", None, None)
    assert workbook.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    [sheet] = workbook.sheets
    assert sheet.name == "Rates"
    assert sheet.merged == [(0, 0, 0, 5)]
    assert sheet.rows[0] == ["Sea Breeze Resort - Rates 2027", None, None, None, None, None]
    assert sheet.rows[1] == [None] * 6  # the empty row under the title is kept
    assert sheet.rows[2] == ["Room", "Meal Plan", "From", "To", "Single", "Code"]
    assert sheet.rows[3] == [
        "Deluxe Room",
        "CP",
        date(2027, 4, 1),
        date(2027, 9, 30),
        4200.0,
        "007",
    ]
    assert sheet.rows[4] == [
        "Suite",
        "MAP",
        datetime(2027, 10, 1, 14, 30),
        date(2028, 3, 31),
        99.5,
        "N/A",
    ]
    assert type(sheet.rows[3][4]) is float
    assert len(sheet.rows) == 5


def test_xlsx_with_two_sheets_keeps_their_order_and_an_empty_one(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Hotels"
    first.append(["Hotel", "Price"])
    first.append(["Hilton", 120])
    book.create_sheet("Notes")
    transfers = book.create_sheet("Transfers")
    transfers["C3"] = "Airport - Hotel"
    transfers["D3"] = 25.5
    transfers.merge_cells("C3:C4")
    path = tmp_path / "two.xlsx"
    book.save(path)

    workbook = _read(path)

    assert [s.name for s in workbook.sheets] == ["Hotels", "Notes", "Transfers"]
    assert workbook.sheets[0].rows == [["Hotel", "Price"], ["Hilton", 120.0]]
    assert workbook.sheets[1] == RawSheet("Notes", [], [])
    assert workbook.sheets[2].rows == [
        [None, None, None, None],
        [None, None, None, None],
        [None, None, "Airport - Hotel", 25.5],
    ]
    assert workbook.sheets[2].merged == [(2, 2, 3, 2)]


def test_the_kind_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, "rates.csv")

    assert _read(path).kind == "xlsx"


def test_xlsx_without_cell_references_is_read_in_a_child_process(
    tmp_path: Path, isolated: list[Path]
) -> None:
    """Cells without r="A1" are placed by calamine itself; they are read in the isolated path."""
    source = _xlsx(tmp_path)
    sheet_xml = _member(source, "xl/worksheets/sheet1.xml")
    stripped = re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", sheet_xml)
    assert stripped != sheet_xml
    path = _rezip(source, tmp_path / "bare.xlsx", replace={"xl/worksheets/sheet1.xml": stripped})

    [sheet] = _read(path).sheets

    assert isolated == [path]
    assert sheet.rows == _read(source).sheets[0].rows
    assert sheet.merged == [(0, 0, 0, 5)]


def test_a_sparse_far_cell_is_refused_before_calamine_allocates_the_grid(tmp_path: Path) -> None:
    """A1 and XFD1048576 make a 17-billion-cell range; calamine would abort the process."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "x"
    sheet["XFD1048576"] = 1
    path = tmp_path / "sparse.xlsx"
    book.save(path)

    message = _refused(path, "too_many_cells")

    assert "17,179,869,184" in message and "5,000,000" in message


def test_too_many_cells_in_xlsx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_CELLS", 20)

    assert "limit is 20" in _refused(_xlsx(tmp_path), "too_many_cells")


def test_workbook_without_data_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)

    assert _refused(path, "empty") == "The workbook has no data in any sheet."


# ---- XLS ----------------------------------------------------------------------------------------


def test_xls_is_read_with_merges_dates_and_numbers(tmp_path: Path, isolated: list[Path]) -> None:
    rates: list[_Cell] = [
        (0, 0, "Hotel Rates 2027", 0),
        (1, 0, "Hotel", 0),
        (1, 1, "Price", 0),
        (1, 2, "From", 0),
        (2, 0, " Hilton ", 0),
        (2, 1, 120.5, 0),
        (2, 2, 46478.0, 1),  # 2027-04-01 as an Excel serial, shown as a date
    ]
    stream = _biff([("Rates", rates, [(0, 0, 0, 2)]), ("Notes", [(0, 0, "see terms", 0)], [])])
    path = _write(tmp_path, "old.xls", _cfb({"Workbook": stream}))

    workbook = _read(path)

    assert (workbook.kind, workbook.encoding, workbook.delimiter) == ("xls", None, None)
    assert isolated == [path]
    assert [s.name for s in workbook.sheets] == ["Rates", "Notes"]
    rates_sheet = workbook.sheets[0]
    assert rates_sheet.merged == [(0, 0, 0, 2)]
    assert rates_sheet.rows == [
        ["Hotel Rates 2027", None, None],
        ["Hotel", "Price", "From"],
        ["Hilton", 120.5, date(2027, 4, 1)],
    ]
    assert workbook.sheets[1].rows == [["see terms"]]


def test_ole2_file_without_a_workbook_stream_is_corrupt(tmp_path: Path) -> None:
    path = _write(tmp_path, "other.xls", _cfb({"Contents": b"nothing to see"}))

    assert "damaged" in _refused(path, "corrupt")


def test_ole2_header_alone_is_corrupt(tmp_path: Path) -> None:
    path = _write(tmp_path, "stub.xls", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600))

    _refused(path, "corrupt")


def test_xls_whose_cells_would_exhaust_memory_costs_only_the_child(tmp_path: Path) -> None:
    """Calamine aborts on these; the child dies, the caller gets a refusal."""
    far: list[_Cell] = [(0, 0, 1.0, 0), (65535, 65535, 1.0, 0)]
    path = _write(tmp_path, "bomb.xls", _cfb({"Workbook": _biff([("S", far, [])])}))

    _refused(path, "corrupt")


def test_password_protected_xlsx_is_encrypted(tmp_path: Path) -> None:
    """Excel saves a password-protected .xlsx as a compound file with these two streams."""
    streams = {"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(60), "EncryptedPackage": bytes(64)}
    path = _write(tmp_path, "secret.xlsx", _cfb(streams))

    message = _refused(path, "encrypted")

    assert message == (
        "The workbook is password-protected; save it without a password and upload it again."
    )


# ---- not spreadsheets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "This file is a PDF, not a spreadsheet."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This file is a PNG image, not a spreadsheet."),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "This file is a JPEG image, not a spreadsheet."),
        (b"GIF89a\x01\x00\x01\x00", "This file is a GIF image, not a spreadsheet."),
    ],
)
def test_renamed_documents_and_images(tmp_path: Path, head: bytes, expected: str) -> None:
    path = _write(tmp_path, "rates.xlsx", head + bytes(200))

    assert _refused(path, "not_a_spreadsheet") == expected


def test_word_document_zip(tmp_path: Path) -> None:
    path = tmp_path / "rates.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")

    assert _refused(path, "not_a_spreadsheet") == (
        "This file is a Word document (.docx), not a spreadsheet."
    )


def test_any_other_zip(tmp_path: Path) -> None:
    path = tmp_path / "rates.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("rates/hotels.csv", "Hotel,Price\n")

    assert _refused(path, "not_a_spreadsheet") == "This file is a ZIP archive, not a spreadsheet."


def test_opendocument_spreadsheet_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "rates.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    message = _refused(path, "not_a_spreadsheet")

    assert "OpenDocument spreadsheet (.ods)" in message and "save it as .xlsx or .csv" in message


def test_binary_data_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = _write(tmp_path, "rates.csv", b"\x01\x02Hotel\x00\x00\x07Price\x00" * 20)

    assert "binary" in _refused(path, "not_a_spreadsheet")


def test_html_saved_as_xls_is_not_a_spreadsheet(tmp_path: Path) -> None:
    page = b"<html><body><table><tr><td>Hotel</td><td>120</td></tr></table></body></html>"
    path = _write(tmp_path, "report.xls", page)

    assert "web page (HTML)" in _refused(path, "not_a_spreadsheet")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "xlsx"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(8), "xls"),
        (b"Hotel;Price\r\nHilton;120\r\n", "csv"),
        (b"\xef\xbb\xbfHotel,Price\n", "csv"),
        ("Hotel\tPrice\n".encode("utf-16"), "csv"),
        (b"%PDF-1.4", None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"\x00\x01\x02\x03", None),
        (b"<!DOCTYPE html><html>", None),
    ],
)
def test_sniff_kind(head: bytes, kind: str | None) -> None:
    assert sniff_kind(head) == kind


# ---- unsafe XLSX --------------------------------------------------------------------------------


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    """30 MB of zeros compress about 1000:1; the limit is 200:1 for parts over 1 MB."""
    path = _rezip(_xlsx(tmp_path), tmp_path / "bomb.xlsx")
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet2.xml", "w") as part,
    ):
        for _ in range(30):
            part.write(bytes(1024 * 1024))

    message = _refused(path, "zip_bomb")

    assert "xl/worksheets/sheet2.xml" in message


def test_zip_bomb_by_total_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(reading, "MAX_COMPRESSION_RATIO", 10**9)
    path = _rezip(_xlsx(tmp_path), tmp_path / "big.xlsx", add={"xl/media/pad.bin": bytes(3 << 20)})

    assert "unpacks to" in _refused(path, "zip_bomb")


def test_external_link_parts(tmp_path: Path) -> None:
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    path = _rezip(
        _xlsx(tmp_path),
        tmp_path / "linked.xlsx",
        add={"xl/externalLinks/externalLink1.xml": link},
    )

    assert _refused(path, "external_links") == (
        "The workbook links to other files (external links); remove them and upload it again."
    )


def test_external_link_relationship(tmp_path: Path) -> None:
    source = _xlsx(tmp_path)
    rels = _member(source, "xl/_rels/workbook.xml.rels")
    relationship = (
        b'<Relationship Id="rId99" Target="links/other.xml" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/externalLink"/></Relationships>'
    )
    path = _rezip(
        source,
        tmp_path / "linked.xlsx",
        replace={"xl/_rels/workbook.xml.rels": rels.replace(b"</Relationships>", relationship)},
        add={"xl/links/other.xml": b"<externalLink/>"},
    )

    _refused(path, "external_links")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_xml_entity_declarations(tmp_path: Path, encoding: str) -> None:
    source = _xlsx(tmp_path)
    sheet_xml = _member(source, "xl/worksheets/sheet1.xml").decode()
    body = sheet_xml.split("?>", 1)[1] if sheet_xml.startswith("<?xml") else sheet_xml
    declared = f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n{body}'
    path = _rezip(
        source,
        tmp_path / "entities.xlsx",
        replace={"xl/worksheets/sheet1.xml": declared.encode(encoding)},
    )

    assert "<!ENTITY>" in _refused(path, "xml_entities")


def test_xlsx_missing_its_workbook_part_is_corrupt(tmp_path: Path) -> None:
    source = _xlsx(tmp_path)
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            if info.filename != "xl/workbook.xml":
                new.writestr(info.filename, old.read(info.filename))

    _refused(path, "corrupt")


def test_damaged_xlsx_is_corrupt(tmp_path: Path) -> None:
    data = _xlsx(tmp_path).read_bytes()
    path = _write(tmp_path, "cut.xlsx", data[: len(data) // 2])

    assert _refused(path, "corrupt") == (
        "The workbook could not be read: it is damaged or not an Excel file."
    )


# ---- sizes, emptiness, text ---------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n", b"\xef\xbb\xbf\r\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    assert _refused(_write(tmp_path, "empty.csv", data), "empty") == "The file is empty."


def test_too_large_is_refused_before_the_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "huge.csv", b"Hotel,Price\n" * 100)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was read")

    with monkeypatch.context() as patch:
        patch.setattr(reading, "MAX_FILE_BYTES", 1000)
        patch.setattr(Path, "read_bytes", no_reading)
        patch.setattr(Path, "open", no_reading)
        patch.setattr(builtins, "open", no_reading)
        with pytest.raises(SheetRejectedError) as caught:
            _read(path)

    assert caught.value.code == "too_large"
    assert caught.value.detail == "The file is 1 KB; the limit is 1000 bytes."


def test_too_many_cells_in_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_CELLS", 10)
    path = _write(tmp_path, "rates.csv", b"a,b,c\n" * 4)

    assert "limit is 10" in _refused(path, "too_many_cells")


def test_text_in_no_known_encoding(tmp_path: Path) -> None:
    # 0x81 and 0x8D are neither UTF-8 nor defined in Windows-1252.
    path = _write(tmp_path, "rates.csv", b"Hotel;Price\n\x81\x8d;120\n")

    assert "encoding" in _refused(path, "unreadable_text")


# ---- the error itself ---------------------------------------------------------------------------


def test_refusal_carries_its_code_and_survives_pickling() -> None:
    error = SheetRejectedError("The file is empty.", code="empty")

    copy = pickle.loads(pickle.dumps(error))

    assert (copy.code, copy.detail, copy.errors) == ("empty", "The file is empty.", error.errors)
    assert error.errors == [FieldError("file", "The file is empty.", "empty")]
    assert str(error) == "The file is empty."


def _cells(refs: list[tuple[int, int]]) -> bytes:
    def letters(col: int) -> str:
        text = ""
        while col:
            col, rest = divmod(col - 1, 26)
            text = chr(65 + rest) + text
        return text

    return b"".join(f'<c r="{letters(c)}{r}"><v>1</v></c>'.encode() for c, r in refs)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 16384), st.integers(1, 1_048_576)), min_size=1, max_size=40),
    st.lists(st.integers(0, 40), max_size=4),
)
def test_a_sheets_extent_is_its_largest_row_and_column_in_any_order(
    refs: list[tuple[int, int]], cuts: list[int]
) -> None:
    """Cells in any order, split over any number of pieces of the stream: the extent is the
    largest row number and column, whatever their widths and wherever they come."""
    scan = reading._PartScan(is_sheet=True)
    bounds = [0, *sorted(c for c in cuts if c < len(refs)), len(refs)]
    for start, stop in itertools.pairwise(bounds):
        reading._scan_window(b"<sheetData><row>" + _cells(refs[start:stop]) + b"</row>", scan)
    assert scan.regular
    assert (scan.max_row, scan.max_col) == (max(r for _, r in refs), max(c for c, _ in refs))
