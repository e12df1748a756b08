"""Read one file, CSV or workbook, into grids of text: one per sheet, every non-blank row with
its row number (where the table starts in a grid is ``resolver.layout``'s work).

The format comes from the file's first bytes and the text encoding from its content (a BOM,
then strict UTF-8, then GB18030, which covers GBK), never from the extension: WPS ``.et`` and
``.wps`` files and ``.txt`` exports are read for what they are.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import struct
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from resolver.errors import InputError, unreadable_file
from resolver.markup import html_sheet, markup_kind, spreadsheet_sheets
from resolver.normalize import FORMULA_WITHOUT_VALUE
from resolver.workbook_xml import (
    CellPlaces,
    SheetCells,
    column_letters,
    column_number,
    element_prefix,
    hidden_columns,
    hidden_rows,
    sheet_extent,
    sheet_members,
    struck_styles,
)

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# The stream an encrypted (password-protected) xlsx keeps in its OLE container.
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# A .xls (BIFF8) workbook's first record, and the records among its globals that say it is
# encrypted (FILEPASS, which Excel writes right after it) or that its sheets begin (BOUNDSHEET)
# or that the globals end (EOF): a FILEPASS before either is an open password.
BIFF8_BOF = b"\x09\x08\x10\x00\x00\x06\x05\x00"
FILEPASS, BOUNDSHEET, BIFF_EOF = 0x002F, 0x0085, 0x000A
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
BOMS = ((UTF8_BOM, "utf-8-sig"), *((bom, "utf-16") for bom in UTF16_BOMS))
LARGEST_EXACT_FLOAT = 1e15
HEAD_BYTES, HEAD_LINES = 65536, 50  # where the fast CSV reader learns the table's width
TAIL_CHARS = 4096  # the end of a CSV looked at for a quote closing its last cell
MAX_COLUMNS = 1000
REPLACEMENT = "\ufffd"
STRAY_NULS = 16  # more NUL bytes than this: a binary file, not text with a stray byte
# The most cells a sheet may span (from A1 to its last row and column): the reader lays the
# sheet out as that grid before it gives a row, so a stray value in XFD1048576 (2^34 cells)
# would end the process. A full sheet of 1,048,576 rows and 50 columns is real.
MAX_SHEET_CELLS = 60_000_000


@dataclass(frozen=True)
class Grid:
    """One sheet of a workbook, or a CSV file (``sheet`` None), as read: every row that is
    not blank, every cell as text (Arrow string arrays, one per column), with its row number
    (the file's first row is 1). ``merged_cells``: cells filled from a merged range's value;
    ``bad_lines``: lines with bytes that are not text in the encoding (shown as U+FFFD)."""

    path: Path
    sheet: str | None
    file_format: str
    encoding: str | None
    columns: list[pa.Array]
    row_numbers: list[int]
    merged_cells: int = 0
    bad_lines: tuple[int, ...] = ()
    hidden: bool = False
    blank_rows: tuple[int, ...] = ()  # blank rows between the first and last rows that are not
    struck_cells: frozenset[tuple[int, int]] = frozenset()  # (row number, column index) of
    # the cells struck through (XLSX)
    hidden_columns: frozenset[int] = frozenset()  # the column indexes a person hid (XLSX)
    hidden_rows: frozenset[int] = frozenset()  # the row numbers a person hid (XLSX)
    # The row numbers read one column to the left (``resolver.tables.shifted_rows_realigned``)
    shifted_rows: frozenset[int] = frozenset()
    # The merged ranges spanning rows whose value was filled down: (first row number, last row
    # number, first column index, last column index), each a value written once.
    merged_down: tuple[tuple[int, int, int, int], ...] = ()
    first_column: int = 0  # the sheet's column (from 0) its first column is: a table beside
    # another on one sheet (``resolver.layout.side_by_side``) starts right of it

    @property
    def height(self) -> int:
        """How many rows the grid holds (blank rows are not held)."""
        return len(self.row_numbers)

    def row(self, index: int) -> list[str]:
        """One row's cells as text.

        Parameters
        ----------
        index : int
            The row's index in the grid (from 0), not its row number in the file.

        Returns
        -------
        list[str]
            One text per column, empty for a null cell.
        """
        return [column[index].as_py() or "" for column in self.columns]


def read_grids(path: Path, content: bytes | None = None) -> list[Grid]:
    """Every sheet of a workbook, or the one grid of a CSV (``content``: the file's bytes,
    when the caller has read them already); an unreadable file raises ``InputError``.

    Parameters
    ----------
    path : Path
        The file, named in errors and grids (read only when ``content`` is None).
    content : bytes | None
        The file's bytes, or None to read them from ``path``.

    Returns
    -------
    list[Grid]
        One grid per worksheet of a workbook, or the one grid of a CSV file.

    Raises
    ------
    InputError
        If the file cannot be read, or cannot be parsed as a workbook or as CSV text.
    """
    if content is None:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise InputError(path, None, None, unreadable_file(error)) from error
    if content.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return _read_workbook(path, content)
    return _read_markup(path, content) or [_read_csv(path, content)]


def _read_markup(path: Path, content: bytes) -> list[Grid] | None:
    """The grids of an HTML table or an XML Spreadsheet 2003 workbook (what government systems
    export as ``.xls``); None for bytes that do not start as markup."""
    if content[:1024].removeprefix(UTF8_BOM).lstrip()[:1] != b"<" or _binary(content):
        return None
    decoded = decode(content)
    kind = markup_kind(decoded[1]) if decoded else None
    if decoded is None or kind is None:
        return None
    encoding, text = decoded
    try:
        sheets = [html_sheet(text)] if kind == "html" else spreadsheet_sheets(text)
    except ElementTree.ParseError as error:
        raise InputError(
            path, None, None, f"XML 表格（XML 电子表格 2003）格式错误：{error}"
        ) from error
    return [replace(_grid(path, sheet.name, kind, encoding, sheet.rows),
                    merged_cells=sheet.merged_cells, merged_down=sheet.merged_down)
            for sheet in sheets]  # fmt: skip


def decode(content: bytes) -> tuple[str, str] | None:
    """The encoding and text of CSV bytes, or None if they are not text in a supported
    encoding (a BOM, then strict UTF-8, then GB18030).

    Parameters
    ----------
    content : bytes
        A file's bytes.

    Returns
    -------
    tuple[str, str] | None
        The encoding's name and the decoded text, or None.
    """
    candidates = [encoding for bom, encoding in BOMS if content.startswith(bom)]
    for encoding in candidates[:1] or ["utf-8", "gb18030"]:
        try:
            return encoding, content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _binary(content: bytes) -> bool:
    """More NUL bytes than a text file holds by accident (UTF-16 text aside): more than
    ``STRAY_NULS``, or more than one byte in a hundred."""
    nuls = content.count(b"\x00")
    return not content.startswith(UTF16_BOMS) and (nuls > STRAY_NULS or nuls * 100 > len(content))


def _nuls_marked(text: str) -> tuple[str, tuple[int, ...]]:
    """Text with each stray NUL shown as U+FFFD, as any byte that is not text, and the line
    numbers holding one."""
    lines = tuple(number for number, line in enumerate(text.split("\n"), start=1)
                  if "\x00" in line)  # fmt: skip
    return text.replace("\x00", REPLACEMENT), lines


def _decode_damaged(content: bytes) -> tuple[str, str, tuple[int, ...]] | None:
    """Text with a few bytes that are not text: the encoding with fewer bad bytes, the text
    with each shown as U+FFFD, and the line numbers holding them; None when most is no text."""
    best = None
    for encoding in ("utf-8", "gb18030"):
        text = content.decode(encoding, errors="replace")
        bad = text.count(REPLACEMENT)
        if best is None or bad < best[2]:
            best = (encoding, text, bad)
    encoding, text, bad = best
    if bad > max(20, len(text) // 100):  # not a text file with a stray byte, but no text
        return None
    lines = tuple(number for number, line in enumerate(text.split("\n"), start=1)
                  if REPLACEMENT in line)  # fmt: skip
    return encoding, text, lines


def _read_csv(path: Path, content: bytes) -> Grid:
    fast = _read_utf8(path, content)
    if fast is not None:
        return fast
    bad_lines: tuple[int, ...] = ()
    binary = _binary(content)
    decoded = None if binary else decode(content)
    if decoded is None:
        damaged = None if binary else _decode_damaged(content)
        if damaged is None:
            raise InputError(
                path, None, None, "不是 UTF-8 或 GB18030/GBK 编码的 CSV，也不是表格文件"
            )
        encoding, text, bad_lines = damaged
    else:
        encoding, text = decoded
    if "\x00" in text and not content.startswith(UTF16_BOMS):  # a stray NUL byte
        text, nul_lines = _nuls_marked(text)
        bad_lines = tuple(sorted({*bad_lines, *nul_lines}))
    if encoding not in ("utf-8", "utf-8-sig") or bad_lines:
        fast = _read_csv_arrow(path, text.encode("utf-8"), encoding)
        if fast is not None:
            return _with_bad_lines(fast, bad_lines)
    delimiter = delimiter_of(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise InputError(path, None, None, f"CSV 格式错误：{error}") from error
    grid = _grid(path, None, "csv", encoding, records)
    _refuse_swallowed(grid, delimiter, _usual_width(records), text[-TAIL_CHARS:])
    return _with_bad_lines(grid, bad_lines)


def _with_bad_lines(grid: Grid, bad_lines: tuple[int, ...]) -> Grid:
    if bad_lines:
        log.warning("%s: bytes that are not text on lines %s", grid.path, bad_lines[:20])
    return replace(grid, bad_lines=bad_lines)


def _read_utf8(path: Path, content: bytes) -> Grid | None:
    """Most files: UTF-8 (with or without a BOM) that the fast reader takes as it is, without
    decoding it in Python first (it checks the UTF-8 itself)."""
    if content.startswith(UTF16_BOMS) or b"\x00" in content:  # UTF-16, binary or a stray NUL
        return None
    try:  # a GB18030 file shows itself in its first line, long before the reader would
        codecs.getincrementaldecoder("utf-8")().decode(content[:65536])
    except UnicodeDecodeError:
        return None
    encoding = "utf-8-sig" if content.startswith(UTF8_BOM) else "utf-8"
    return _read_csv_arrow(path, content.removeprefix(UTF8_BOM), encoding)


def delimiter_of(text: str) -> str:
    """The delimiter CSV text is read with: of comma, tab and semicolon, the one the first
    line holding any of them holds most of (a comma on a tie): a title line above the header
    holds none, a 备注 below it may hold semicolons in its text.

    Parameters
    ----------
    text : str
        The file's text (its first lines are enough).

    Returns
    -------
    str
        ``","``, ``"\\t"`` or ``";"``.

    Examples
    --------
    >>> delimiter_of("某县2026年10月发放表\\n救助证号\\t发放金额\\nDB1\\t320\\n")
    '\\t'
    """
    for line in text.split("\n", HEAD_LINES)[:HEAD_LINES]:
        if any(mark in line for mark in (",", "\t", ";")):
            return max((",", "\t", ";"), key=line.count)
    return ","


# Arrow's reader gives all-text columns only when told each column's type; it ignores types
# of columns a file does not have.
_ALL_TEXT = pcsv.ConvertOptions(
    column_types={f"f{i}": pa.string() for i in range(1000)},
    strings_can_be_null=False,
    quoted_strings_can_be_null=False,
)


def _read_csv_arrow(path: Path, data: bytes, encoding: str) -> Grid | None:
    """The fast reader, for UTF-8 ``data`` whose rows are one line each and at most as wide
    as the widest of its first lines (most files; title lines and footers narrower than the
    table are read too); None for the others (values spanning lines, wider rows below)."""
    head = data[:HEAD_BYTES].decode("utf-8", errors="replace")
    delimiter = delimiter_of(head)
    lines = head.split("\n")[:HEAD_LINES]
    try:
        head_rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:  # a stray carriage return: the careful reader decides
        return None
    # at least one column: Arrow reads a file of blank lines as one column of nulls
    width = max(max((len(row) for row in head_rows), default=1), 1)
    if width > MAX_COLUMNS:
        return None
    narrow: list[tuple[int | None, str]] = []  # lines with fewer cells than the table

    def keep_aside(row) -> str:
        narrow.append((row.number, row.text))
        return "skip"

    parse = pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                              invalid_row_handler=keep_aside)  # fmt: skip
    for threads in (True, False):  # line numbers of narrow lines come from one thread only
        read = pcsv.ReadOptions(column_names=[f"f{i}" for i in range(width)],
                                block_size=1 << 24, use_threads=threads)  # fmt: skip
        try:
            parsed = pcsv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse,
                                   convert_options=_ALL_TEXT)  # fmt: skip
        except pa.ArrowInvalid:
            return None
        if not narrow or not threads:
            break
        narrow.clear()
    columns = [column.combine_chunks() for column in parsed.columns]  # all text (_ALL_TEXT)
    lines_of_rows = np.arange(1, parsed.num_rows + 1)
    if narrow:
        placed = _placed(narrow, delimiter, width, parsed.num_rows)
        if placed is None:
            return None
        columns, lines_of_rows = placed(columns)
    blank = _blank_rows(columns, len(lines_of_rows))
    if blank.all():
        raise InputError(path, None, None, "文件是空的：没有表头行")
    kept = np.flatnonzero(~blank)
    numbers = lines_of_rows[kept]
    blank_rows = lines_of_rows[np.flatnonzero(blank[kept[0] : kept[-1]]) + kept[0]]
    log.debug("read %s: %d rows (csv, %s)", path.name, len(numbers), encoding)
    if len(kept) < len(blank):
        take = pa.array(kept)
        columns = [column.take(take) for column in columns]
    grid = Grid(path, None, "csv", encoding, columns, numbers.tolist(),
                blank_rows=tuple(blank_rows.tolist()))  # fmt: skip
    tail = data[-TAIL_CHARS:].decode("utf-8", errors="ignore")
    _refuse_swallowed(grid, delimiter, _usual_width(head_rows), tail)
    return grid


def _usual_width(rows: list[list[str]]) -> int:
    """How many cells most rows that are not blank hold: the table's width, which a title line
    above it or a row with a stray separator does not change (1 for no such row)."""
    widths = Counter(len(row) for row in rows if "".join(row).strip())
    return max(widths, key=widths.__getitem__, default=1)


def _refuse_swallowed(grid: Grid, delimiter: str, width: int, tail: str) -> None:
    """Refuse a CSV one of whose cells swallowed the rows after its own: a quote that opens a
    cell and is never closed (``tail``, the file's last characters, ends inside the grid's last
    cell), or is closed only by a stray quote lines later, a line of the cell holding as many
    separators as a whole row of ``width`` cells. Read as written, the rows would be one cell.
    A cell broken over a few lines inside its quotes (an address typed with Alt+Enter) is read."""
    found = []
    for index, column in enumerate(grid.columns):
        if not _may_break_lines(column):
            continue
        for row in np.flatnonzero(np.asarray(pc.match_substring(column, "\n"))):
            lines = column[row].as_py().rstrip("\r\n").split("\n")
            swallows = len(lines) > 1 or index < width - 1  # lines, or its row's next cells
            left_open = (row == grid.height - 1 and swallows
                         and _open_at_end(grid.row(row), index, tail, delimiter))  # fmt: skip
            whole_row = any(line.count(delimiter) >= max(width - 1, 1) for line in lines[1:])
            if left_open or whole_row:
                found.append((int(row), index, len(lines) - 1, left_open))
    if found:
        row, index, swallowed, left_open = min(found)
        reason = _swallowed_reason(swallowed, left_open)
        raise InputError(grid.path, grid.row_numbers[row], _column_name(grid, index, width), reason)


def _may_break_lines(column: pa.Array) -> bool:
    """Whether a text column's bytes hold a line break (in a cell, or in its buffer outside the
    column): one search of the column, not one per cell."""
    data = column.buffers()[2]
    return data is not None and b"\n" in data.to_pybytes()


def _open_at_end(cells: list[str], index: int, tail: str, delimiter: str) -> bool:
    """Whether cell ``index`` of the file's last row runs to the end of the file, its quote never
    closed: it is the row's last cell not empty, and the file does not end with a quote after it
    (line breaks, spaces and separators aside)."""
    last = max((position for position, cell in enumerate(cells) if cell), default=-1)
    return last == index and not tail.rstrip("\r\n \t" + delimiter).endswith('"')


def _swallowed_reason(swallowed: int, left_open: bool) -> str:
    """What is wrong with a cell that swallowed ``swallowed`` lines after its own, and what to do."""
    fix = "：请删去或补全该引号后重新导出"
    if not left_open:
        return (f"该格以英文引号开头，与 {swallowed} 行之后的另一个引号配成了一对，其间 {swallowed} 行"
                f"（含整行的记录）都被并入这一格{fix}")  # fmt: skip
    merged = f"其后 {swallowed} 行都被并入这一格" if swallowed else "该行其后的单元格都被并入这一格"
    return f"该格以英文引号开头，但直到文件末尾都没有配对的引号，{merged}{fix}"


def _column_name(grid: Grid, index: int, width: int) -> str:
    """A column's header (the first row with ``width`` cells not blank, if any holds a name
    there) or else its letter."""
    for row in range(min(grid.height, HEAD_LINES)):
        cells = grid.row(row)
        if sum(1 for cell in cells if cell.strip()) >= width and "\n" not in cells[index]:
            return cells[index].strip() or column_letters(index + 1)
    return column_letters(index + 1)


def _blank_rows(columns: list[pa.Array], height: int) -> np.ndarray:
    """Per row, whether every cell is blank: each column is looked at only in the rows blank
    so far (after the first, a few)."""
    rows = np.arange(height)
    for column in columns:
        if not len(rows):
            break
        cells = column if len(rows) == height else column.take(pa.array(rows))
        rows = rows[np.asarray(pc.equal(pc.utf8_trim_whitespace(cells), ""))]
    blank = np.zeros(height, dtype=bool)
    blank[rows] = True
    return blank


def _placed(narrow: list[tuple[int | None, str]], delimiter: str, width: int, rows: int):
    """A function putting the narrow lines back among the parsed rows, padded to the table's
    width, in line order; None when they cannot be placed (a line number unknown, a value
    spanning lines, a row wider than the table)."""
    try:
        cells = [next(csv.reader([text], delimiter=delimiter), []) for _, text in narrow]
    except csv.Error:
        return None
    numbers = [number for number, _ in narrow]
    if None in numbers or any(len(row) > width or text.count('"') % 2
                              for row, (_, text) in zip(cells, narrow, strict=True)):  # fmt: skip
        return None
    lines = np.arange(1, rows + len(narrow) + 1)
    parsed_lines = np.setdiff1d(lines, np.asarray(numbers))

    def place(columns: list[pa.Array]) -> tuple[list[pa.Array], np.ndarray]:
        padded = [row + [""] * (width - len(row)) for row in cells]
        extra = [pa.array(list(column), pa.string()) for column in zip(*padded, strict=True)]
        order = pa.array(np.argsort(np.concatenate([parsed_lines, numbers]), kind="stable"))
        joined = [pa.concat_arrays([column, more]).take(order)
                  for column, more in zip(columns, extra, strict=True)]  # fmt: skip
        return joined, lines

    return place


def _read_workbook(path: Path, content: bytes) -> list[Grid]:
    file_format = "xlsx" if content.startswith(ZIP_MAGIC) else "xls"
    if content.startswith(OLE_MAGIC) and (ENCRYPTED in content or _xls_encrypted(content)):
        raise InputError(path, None, None, "文件设有打开密码，无法读取：请在 Excel 或 WPS 中取消密码"
                         "（文件→信息→保护工作簿）后另存为 .xlsx 再试")  # fmt: skip
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = [meta for meta in workbook.sheets_metadata if "Work" in str(meta.typ)]
        written = _cells_as_written(path, content) if file_format == "xlsx" else {}
        grids = [_sheet_grid(path, file_format, workbook, meta,
                             *written.get(meta.name, ({}, {}, frozenset(), frozenset(),
                                                       frozenset())))
                 for meta in sheets]  # fmt: skip
    except InputError:
        raise
    except Exception as error:  # calamine raises its own error types for broken workbooks
        log.info("%s: %s", path, error)  # the reader's own words are English
        raise InputError(path, None, None, "无法打开的表格文件：文件已损坏，或不是 Excel 表格，"
                         "请在 Excel 或 WPS 中打开后另存为 .xlsx 再试") from error  # fmt: skip
    return grids


def _xls_encrypted(content: bytes) -> bool:
    """Whether a .xls (BIFF8) workbook has an open password: a FILEPASS record among the
    globals' records before the first sheet's (calamine's own PasswordError is lost when it
    reads from memory, as it then tries every format and says only that none fits)."""
    at = content.find(BIFF8_BOF)
    while 0 <= at <= len(content) - 4:
        kind, size = struct.unpack_from("<HH", content, at)
        if kind == FILEPASS:
            return True
        if kind in (BOUNDSHEET, BIFF_EOF):
            return False
        at += 4 + size
    return False


def row_texts(content: bytes, sheet: str, row: int) -> list[str]:
    """One row of a workbook's sheet as text, a cell per column from A (a header row read
    again, to find columns by their headers).

    Parameters
    ----------
    content : bytes
        The workbook.
    sheet : str
        The sheet's name.
    row : int
        The row's number, from 1.

    Returns
    -------
    list[str]
        The row's cells, stripped; empty when the sheet has fewer rows.
    """
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=row)
    if len(rows) < row:
        return []
    return [(cell if type(cell) is str else _cell_text(cell)).strip() for cell in rows[row - 1]]


def _sheet_grid(path: Path, file_format: str, workbook, meta, errors: dict, numbers: dict,
                struck: frozenset[tuple[int, int]], hidden_columns: frozenset[int],
                hidden_rows: frozenset[int]) -> Grid:  # fmt: skip
    sheet = workbook.get_sheet_by_name(meta.name)
    # most cells are text already: only the others go through ``_cell_text``
    records = [[cell if type(cell) is str else _cell_text(cell) for cell in row]
               for row in sheet.to_python(skip_empty_area=False)]  # fmt: skip
    for (row, column), digits in numbers.items():  # before a merged range copies them
        if row < len(records) and column < len(records[row]):
            records[row][column] = digits
    filled, merged_down = _fill_merged(records, sheet.merged_cell_ranges or [])
    for (row, column), text in errors.items():
        if row < len(records) and column < len(records[row]) and not records[row][column]:
            records[row][column] = text
    hidden = meta.visible != SheetVisibleEnum.Visible
    return replace(_grid(path, meta.name, file_format, None, records), merged_cells=filled,
                   hidden=hidden, struck_cells=struck, hidden_columns=hidden_columns,
                   hidden_rows=hidden_rows, merged_down=merged_down)  # fmt: skip


def _fill_merged(records: list[list[str]], ranges
                 ) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:  # fmt: skip
    """Give every cell of a merged range the value of its first cell, as a person sees it;
    the number of cells filled, and the ranges spanning rows that were filled down (first
    and last row numbers, from 1; first and last column indexes, from 0)."""
    filled, down = 0, []
    for (top, left), (bottom, right) in ranges:
        if top >= len(records) or left >= len(records[top]):
            continue
        value = records[top][left]
        for row in records[top : bottom + 1]:
            for column in range(left, min(right + 1, len(row))):
                if not row[column] and value:
                    row[column] = value
                    filled += 1
        if value and bottom > top:
            down.append((top + 1, bottom + 1, left, right))
    return filled, tuple(down)


@dataclass(frozen=True)
class _CellPatterns:
    """The searches for the cells a reader loses, for a sheet whose elements carry
    ``prefix`` (``x:`` or none). Each finds a cell's reference when it comes first, as most
    programs write (groups 1 and 2: column letters and row), else its attributes (group 3),
    then what the search is for."""

    error: re.Pattern[bytes]
    formula_only: re.Pattern[bytes]
    any_long_number: re.Pattern[bytes]
    long_number: re.Pattern[bytes]
    styled: re.Pattern[bytes]
    formula_marks: tuple[bytes, bytes]


@cache
def _cell_patterns(p: str) -> _CellPatterns:
    # possessive: a cell's reference, when it comes first, is never read again as an attribute
    cell = rf'<{p}c\b(?:\s+r="([A-Z]+)(\d+)")?+'
    # A cell's formula, if any: within the cell (its text holds no "<"), never the next cell's.
    formula = rf"(?:<{p}f[^>]*/>|<{p}f[^>]*>[^<]*</{p}f>)"
    # A formula's cell holding no result (no <v>, or an empty one); a text formula's empty
    # result (t="str", <v></v>: =IF(A7="","",A7) down an office template) is a result.
    no_result = rf"(?:<{p}v\s*/>|<{p}v></{p}v>)?</{p}c>"
    return _CellPatterns(
        error=re.compile(rf'{cell}([^>]*?\st="e"[^>]*)>{formula}?<{p}v>([^<]*)</{p}v>'.encode()),
        formula_only=re.compile(rf'{cell}((?![^>]*\st="str")[^>]*+)>{formula}{no_result}'.encode()),
        any_long_number=re.compile(rf"<{p}v>-?\d{{16}}".encode()),  # 100 MB in 0.04 s
        long_number=re.compile(rf"{cell}([^>]*+)>{formula}?<{p}v>(-?\d{{16,}})</{p}v>".encode()),
        # A cell with a value, and its style index.
        styled=re.compile(rf'{cell}([^>]*?\ss="(\d+)"[^>/]*)>(?:<{p}f|<{p}v|<{p}is)'.encode()),
        formula_marks=(f"</{p}f>".encode(), f"<{p}f ".encode()),
    )


def _cells_as_written(
    path: Path, content: bytes
) -> dict[str, tuple[SheetCells, SheetCells, frozenset, frozenset]]:
    """Per sheet name, what the reader does not give: its hidden columns (from 0) and rows
    (from 1), the cells struck through, and cells by (row, column) from 0 whose text the reader loses: those
    holding an Excel error (``#N/A``, ``#REF!`` …) or a formula without its result
    (``FORMULA_WITHOUT_VALUE``), which it shows as blank (a blank is not what the sheet
    says), and whole numbers of more than 15 digits, which it rounds to a
    float (an ID an exporting program wrote as a number has every digit in the file; one
    Excel rounded has lost them there too, and stays marked damaged). A sheet spanning too
    many cells to load is refused first (``_check_extent``). The sheet's elements may carry
    a namespace prefix, and its cells may name their reference after other attributes or
    not at all (``CellPlaces``)."""
    found: dict[str, tuple[SheetCells, SheetCells, frozenset, frozenset, frozenset]] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        struck = struck_styles(archive)
        for name, member in sheet_members(archive).items():
            xml = archive.read(member)
            prefix = element_prefix(xml)
            if prefix is None:  # not a worksheet (a chart sheet): no cells
                continue
            _check_extent(path, name, xml)
            patterns, places = _cell_patterns(prefix), CellPlaces(xml)
            errors = _cells(patterns.error, xml, places) if b't="e"' in xml else {}
            if any(mark in xml for mark in patterns.formula_marks):
                errors |= {place: FORMULA_WITHOUT_VALUE
                           for place, _ in _found_cells(patterns.formula_only, xml, places)}  # fmt: skip
            numbers = (_cells(patterns.long_number, xml, places)
                       if patterns.any_long_number.search(xml) else {})  # fmt: skip
            cells = frozenset((row + 1, column) for (row, column), (style,) in
                              _found_cells(patterns.styled, xml, places)
                              if int(style) in struck) if struck else frozenset()  # fmt: skip
            hidden, rows_hidden = hidden_columns(xml), hidden_rows(xml)
            if errors or numbers or cells or hidden or rows_hidden:
                found[name] = (errors, numbers, cells, hidden, rows_hidden)
    return found


def _check_extent(path: Path, sheet: str, xml: bytes) -> None:
    """Refuse a sheet whose cells span more than ``MAX_SHEET_CELLS`` (found in its XML,
    before the reader lays it out)."""
    try:
        extent = sheet_extent(xml, MAX_SHEET_CELLS)
    except ValueError:  # not a worksheet (a chart sheet): nothing to lay out
        return
    if extent is None:
        return
    rows, columns = extent
    raise InputError(path, None, None, f"工作表的使用范围过大：单元格用到第 {rows:,} 行、第 "
                     f"{columns:,} 列（{column_letters(columns)} 列），共 {rows * columns:,} "
                     f"个单元格，超过可读取的上限 {MAX_SHEET_CELLS:,} 个（常因远处误填了内容）："
                     "请删除多余的行和列后另存再试", sheet=sheet)  # fmt: skip


def _found_cells(pattern: re.Pattern[bytes], xml: bytes, places: CellPlaces
                 ) -> list[tuple[tuple[int, int], tuple[bytes, ...]]]:  # fmt: skip
    """Each cell ``pattern`` finds, by (row, column) from 0, with what it found (its groups
    after the cell's attributes)."""
    found = pattern.findall(xml)
    if all(groups[0] for groups in found):  # the common case: each names its reference first
        return [((int(groups[1]) - 1, column_number(groups[0].decode()) - 1), groups[3:])
                for groups in found]  # fmt: skip
    return [(_place(places, match), match.groups()[3:]) for match in pattern.finditer(xml)]


def _place(places: CellPlaces, match: re.Match[bytes]) -> tuple[int, int]:
    letters, digits, attributes = match.group(1, 2, 3)
    if letters:
        return int(digits) - 1, column_number(letters.decode()) - 1
    row, column = places.place(match.start(), attributes)
    return row - 1, column - 1


def _cells(pattern: re.Pattern[bytes], xml: bytes, places: CellPlaces) -> SheetCells:
    return {place: value.decode() for place, (value,) in _found_cells(pattern, xml, places)}


def _cell_text(cell: object) -> str:
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


def _grid(path: Path, sheet: str | None, file_format: str, encoding: str | None,
          records: list[list[str]]) -> Grid:  # fmt: skip
    numbered = [(number, row) for number, row in enumerate(records, start=1)
                if "".join(row).strip()]  # fmt: skip
    width = max((len(row) for _, row in numbered), default=0)
    rows = [row if len(row) == width else row + [""] * (width - len(row)) for _, row in numbered]
    columns = [pa.array(list(column), pa.string()) for column in zip(*rows, strict=True)]
    log.debug("read %s %s: %d rows (%s, %s)", path.name, sheet or "", len(rows), file_format,
              encoding)  # fmt: skip
    numbers = [number for number, _ in numbered]
    kept = set(numbers)
    blank_rows = (
        tuple(n for n in range(numbers[0], numbers[-1]) if n not in kept) if numbers else ()
    )
    return Grid(path, sheet, file_format, encoding, columns, numbers, blank_rows=blank_rows)
