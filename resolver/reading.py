"""Read one registry file, CSV or spreadsheet, into rows of text.

The format comes from the file's first bytes and the text encoding from its content (a BOM,
then strict UTF-8, then GB18030, which covers GBK), never from the extension.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from python_calamine import CalamineWorkbook

from resolver.errors import InputError

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
BOMS = ((UTF8_BOM, "utf-8-sig"), *((bom, "utf-16") for bom in UTF16_BOMS))
TABLE_SUFFIXES = frozenset({".csv", ".xlsx", ".xls", ".xlsm"})
LARGEST_EXACT_FLOAT = 1e15


@dataclass(frozen=True)
class Table:
    """A file's header and data columns, every cell as text (Arrow string arrays);
    ``row_numbers`` are the spreadsheet row numbers of the data rows (the header is row 1).
    Cells beyond the header row's width get the headers 列N (N the column's position)."""

    path: Path
    file_format: str
    encoding: str | None
    headers: list[str]
    columns: list[pa.Array]
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


def decode(content: bytes) -> tuple[str, str] | None:
    """The encoding and text of CSV bytes, or None if they are not text in a supported
    encoding (a BOM, then strict UTF-8, then GB18030)."""
    candidates = [encoding for bom, encoding in BOMS if content.startswith(bom)]
    for encoding in candidates[:1] or ["utf-8", "gb18030"]:
        try:
            return encoding, content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(path: Path, content: bytes) -> Table:
    fast = _read_utf8(path, content)
    if fast is not None:
        return fast
    decoded = decode(content)
    if decoded is None or (b"\x00" in content[:4096] and decoded[0] != "utf-16"):
        raise InputError(path, None, None, "not a CSV in UTF-8 or GB18030/GBK, nor a spreadsheet")
    encoding, text = decoded
    if encoding not in ("utf-8", "utf-8-sig"):  # UTF-8 bytes the fast reader had already
        fast = _read_csv_arrow(path, text.encode("utf-8"), encoding)
        if fast is not None:
            return fast
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as error:
        raise InputError(path, None, None, f"malformed CSV: {error}") from error
    return _table(path, "csv", encoding, records)


def _read_utf8(path: Path, content: bytes) -> Table | None:
    """Most files: UTF-8 (with or without a BOM) that the fast reader takes as it is, without
    decoding it in Python first (it checks the UTF-8 itself)."""
    if content.startswith(UTF16_BOMS) or b"\x00" in content[:4096]:  # UTF-16, or binary
        return None
    try:  # a GB18030 file shows itself in its first line, long before the reader would
        codecs.getincrementaldecoder("utf-8")().decode(content[:65536])
    except UnicodeDecodeError:
        return None
    encoding = "utf-8-sig" if content.startswith(UTF8_BOM) else "utf-8"
    return _read_csv_arrow(path, content.removeprefix(UTF8_BOM), encoding)


def _delimiter(text: str) -> str:
    """Tab when the first line has more tabs than commas, else comma."""
    first_line = text.split("\n", 1)[0]
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


# Arrow's reader gives all-text columns only when told each column's type; it ignores types
# of columns a file does not have.
_ALL_TEXT = pcsv.ConvertOptions(
    column_types={f"f{i}": pa.string() for i in range(1000)},
    strings_can_be_null=False,
    quoted_strings_can_be_null=False,
)


def _read_csv_arrow(path: Path, data: bytes, encoding: str) -> Table | None:
    """The fast reader, for UTF-8 ``data`` where every line is one row of the header's width
    (most files); None for the others (ragged rows, values spanning lines, not UTF-8)."""
    read = pcsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24)
    delimiter = _delimiter(data[:4096].decode("utf-8", errors="replace"))
    parse = pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False)
    try:
        parsed = pcsv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse,
                               convert_options=_ALL_TEXT)  # fmt: skip
    except pa.ArrowInvalid:
        return None
    if parsed.num_rows == 0 or parsed.num_columns > 1000:
        return None
    columns = [column.combine_chunks() for column in parsed.columns]
    blank = np.ones(parsed.num_rows, dtype=bool)
    for column in columns:
        blank &= np.asarray(pc.equal(pc.utf8_trim_whitespace(column), ""))
    numbers = np.flatnonzero(~blank) + 1
    if len(numbers) == 0:
        raise InputError(path, None, None, "the file is empty: no header row")
    keep = pa.array(numbers[1:] - 1)
    headers = [column[int(numbers[0]) - 1].as_py() for column in columns]
    log.debug("read %s: %d rows (csv, %s)", path.name, len(keep), encoding)
    return Table(path, "csv", encoding, headers, [column.take(keep) for column in columns],
                 numbers[1:].tolist())  # fmt: skip


def _read_workbook(path: Path, content: bytes) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types for broken workbooks
        raise InputError(path, None, None, f"unreadable spreadsheet: {error}") from error
    # most cells are text already: only the others go through ``cell_text``
    records = [[cell if type(cell) is str else cell_text(cell) for cell in row] for row in sheet]
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
    columns = [
        pa.array(list(column), pa.string())
        for column in (zip(*rows, strict=True) if rows else [[] for _ in headers])
    ]
    log.debug("read %s: %d rows (%s, %s)", path.name, len(rows), file_format, encoding)
    return Table(path, file_format, encoding, headers, columns, [number for number, _ in data])
