"""Read one registry file, CSV or spreadsheet, into rows of text.

The format comes from the file's first bytes and the text encoding from its content (a BOM,
then strict UTF-8, then GB18030, which covers GBK), never from the extension.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from python_calamine import CalamineWorkbook

from resolver.errors import InputError

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
TABLE_SUFFIXES = frozenset({".csv", ".xlsx", ".xls", ".xlsm"})
LARGEST_EXACT_FLOAT = 1e15


@dataclass(frozen=True)
class Table:
    """A file's header and data columns, every cell as text; ``row_numbers`` are the
    spreadsheet row numbers of the data rows (the header is row 1). Cells beyond the header
    row's width get the headers 列N (N the column's position)."""

    path: Path
    file_format: str
    encoding: str | None
    headers: list[str]
    columns: list[list[str]]
    row_numbers: list[int]

    @property
    def height(self) -> int:
        return len(self.row_numbers)


def read_table(path: Path) -> Table:
    """Read a CSV or spreadsheet file; an unreadable file raises ``InputError``."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InputError(path, None, None, f"cannot read the file: {error.strerror}") from error
    if content.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return _read_workbook(path, content)
    return _read_csv(path, content)


def detect_encoding(content: bytes) -> str | None:
    """The encoding of CSV bytes, or None if they are not text in a supported encoding."""
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _read_csv(path: Path, content: bytes) -> Table:
    encoding = detect_encoding(content)
    if encoding is None or (b"\x00" in content[:4096] and encoding != "utf-16"):
        raise InputError(path, None, None, "not a CSV in UTF-8 or GB18030/GBK, nor a spreadsheet")
    text = content.decode(encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise InputError(path, None, None, f"malformed CSV: {error}") from error
    return _table(path, "csv", encoding, records)


def _read_workbook(path: Path, content: bytes) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types for broken workbooks
        raise InputError(path, None, None, f"unreadable spreadsheet: {error}") from error
    records = [[cell_text(cell) for cell in row] for row in sheet]
    return _table(path, "xlsx" if content.startswith(ZIP_MAGIC) else "xls", None, records)


def cell_text(cell: object) -> str:
    """A spreadsheet cell as the text a person saw: whole numbers without ``.0``; a number too
    long for a float to hold exactly in scientific form, so that damage stays visible."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < LARGEST_EXACT_FLOAT:
            return str(int(cell))
        return repr(cell).upper()
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _table(path: Path, file_format: str, encoding: str | None, records: list[list[str]]) -> Table:
    numbered = [
        (number, row) for number, row in enumerate(records, start=1) if "".join(row).strip()
    ]
    if not numbered:
        raise InputError(path, None, None, "the file is empty: no header row")
    (_, headers), data = numbered[0], numbered[1:]
    width = max(len(row) for _, row in numbered)
    headers = headers + [f"列{position + 1}" for position in range(len(headers), width)]
    rows = [row if len(row) == width else row + [""] * (width - len(row)) for _, row in data]
    columns = (
        [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in headers]
    )
    log.debug("read %s: %d rows (%s, %s)", path.name, len(rows), file_format, encoding)
    return Table(path, file_format, encoding, headers, columns, [number for number, _ in data])
