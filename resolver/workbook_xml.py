"""An office's XLSX at the level of its XML: its sheets' parts by name, the columns a sheet's
header rows fill, and text cells set in it (``with_text_cells``) with every other byte of the
workbook as it was (but one cell format added for a text that starts like a formula) —
styles, merged cells, widths, validations and other sheets are never loaded, so they cannot
be lost, and a 50,000-row sheet is edited in a second (openpyxl took
some 9 s to load and save one).

Rows and cells may leave out their references (each is then the one after the last), and
the sheet's elements may carry a namespace prefix (``<x:row>``, as some programs write).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

# How a typed entry that a spreadsheet reads as a formula starts.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 does not allow (control characters other than tab, line feed, return).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ELEMENT = rb"<%s\b([^>]*)>"
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_REFERENCE = re.compile(rb'\br="([A-Z]*)(\d*)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
# What follows dataValidations in a worksheet (schema order), where it is placed before.
_AFTER_VALIDATIONS = (
    "hyperlinks|printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|"
    "customProperties|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|"
    "legacyDrawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst"
)

SheetCells = dict[tuple[int, int], str]
"""Text by (row, column), both from 1."""
_STYLES = "xl/styles.xml"
# A workbook's cell formats (``cellXfs``): its prefix, attributes and formats.
_CELL_FORMATS = re.compile(rb"<(\w+:)?cellXfs\b([^>]*)>(.*?)</(?:\w+:)?cellXfs>", re.DOTALL)
_COUNT = re.compile(rb'\s+count="[^"]*"')
# The cell format the quote prefix is given by: the workbook's first font, fill and border.
_PLAIN = {b"numFmtId": b"0", b"fontId": b"0", b"fillId": b"0", b"borderId": b"0",
          b"quotePrefix": b"1"}  # fmt: skip


def inert_text(text: str) -> str:
    """A text cell of a CSV as Doudi writes it: one that a spreadsheet would read as a formula
    (``FORMULA_STARTS``) gets a leading apostrophe, the mark a spreadsheet itself puts before
    a typed text that looks like one (its quote prefix), so it opens as text.

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    str
        ``text``, with ``'`` before it when it starts like a formula.

    Examples
    --------
    >>> inert_text("=HYPERLINK(D2)"), inert_text("暂缓"), inert_text("")
    ("'=HYPERLINK(D2)", '暂缓', '')
    """
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def column_number(letters: str) -> int:
    """A column's number from its letters (``A`` 1, ``AA`` 27; 0 for none).

    Parameters
    ----------
    letters : str
        The column's letters, upper case.

    Returns
    -------
    int
        Its number, from 1.

    Examples
    --------
    >>> column_number("A"), column_number("AB"), column_number("")
    (1, 28, 0)
    """
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


@cache
def column_letters(number: int) -> str:
    """A column's letters from its number.

    Parameters
    ----------
    number : int
        The column's number, from 1.

    Returns
    -------
    str
        Its letters.

    Examples
    --------
    >>> column_letters(1), column_letters(28), column_letters(703)
    ('A', 'AB', 'AAA')
    """
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """The archive member of each worksheet of an XLSX, by sheet name (none when the archive
    has no workbook part).

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open XLSX.

    Returns
    -------
    dict of str to str
        Sheet name to member name (``xl/worksheets/sheet1.xml``), in the workbook's order.
    """
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    relations = _elements(archive.read("xl/_rels/workbook.xml.rels"), rb"(?:\w+:)?Relationship")
    targets = {item.get(b"Id"): item.get(b"Target", b"") for item in relations}
    workbook = archive.read("xl/workbook.xml")
    names_of_id = _relation_ids(workbook)
    members = {}
    for sheet in _elements(workbook, rb"(?:\w+:)?sheet"):
        relation = next((sheet[name] for name in names_of_id if name in sheet), b"")
        target = targets.get(relation, b"").decode().lstrip("/").removeprefix("xl/")
        if f"xl/{target}" in names:
            members[_xml_text(sheet.get(b"name", b""))] = f"xl/{target}"
    return members


# The namespace of a sheet's relationship id (``r:id``), transitional and strict.
_RELATIONSHIPS = (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  b"http://purl.oclc.org/ooxml/officeDocument/relationships")  # fmt: skip


def _relation_ids(workbook: bytes) -> list[bytes]:
    """The names a sheet's relationship id goes by in the workbook part: ``id`` under each
    prefix bound to the relationships namespace (``r:id`` as Excel writes, ``rel:id`` …)."""
    uris = b"|".join(re.escape(uri) for uri in _RELATIONSHIPS)
    prefixes = re.findall(rb"xmlns:(\w+)\s*=\s*[\"'](?:" + uris + rb")[\"']", workbook)
    return [prefix + b":id" for prefix in dict.fromkeys(prefixes)] or [b"r:id"]


def struck_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles (``s`` of a cell) of an XLSX whose font is struck through: a clerk's
    way of deleting a row without deleting it.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open XLSX.

    Returns
    -------
    frozenset of int
        The indexes into ``cellXfs`` whose font has ``<strike/>`` (none without styles).
    """
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    styles = archive.read("xl/styles.xml")
    fonts = re.search(rb"<(?:\w+:)?fonts\b[^>]*>(.*?)</(?:\w+:)?fonts>", styles, re.DOTALL)
    formats = re.search(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", styles, re.DOTALL)
    if fonts is None or formats is None:
        return frozenset()
    each_font = re.findall(rb"<(?:\w+:)?font\b[^>]*?(?:/>|>.*?</(?:\w+:)?font>)", fonts.group(1),
                           re.DOTALL)  # fmt: skip
    struck = {index for index, font in enumerate(each_font) if _STRIKE.search(font)}
    if not struck:
        return frozenset()
    return frozenset(index for index, xf in enumerate(_elements(formats.group(1), rb"(?:\w+:)?xf"))
                     if int(xf.get(b"fontId", b"0")) in struck)  # fmt: skip


# A font's strike: <strike/>, or with val 1 or true (val 0 or false is none).
_STRIKE = re.compile(rb'<(?:\w+:)?strike(?:\s*/>|\s+val="(?:1|true)")')


def _elements(xml: bytes, tag: bytes) -> list[dict[bytes, bytes]]:
    """The attributes of each ``tag`` element, in any order."""
    return [dict(_ATTRIBUTE.findall(attributes))
            for attributes in re.findall(_ELEMENT % tag, xml)]  # fmt: skip


def _xml_text(raw: bytes) -> str:
    """An attribute's text: its entities and character references (``&amp;``, ``&#34920;``)
    read."""
    return html.unescape(raw.decode("utf-8"))


@dataclass(frozen=True)
class _Tags:
    """The sheet's namespace prefix of its elements (``x:`` or none) and the patterns that
    find them."""

    prefix: str
    row: re.Pattern[bytes]
    cell: re.Pattern[bytes]
    value: re.Pattern[bytes]
    dimension: re.Pattern[bytes]
    validations: re.Pattern[bytes]
    after_validations: re.Pattern[bytes]

    def tag(self, name: str) -> str:
        return f"{self.prefix}{name}"


def _tags(xml: bytes) -> _Tags:
    root = _ROOT.search(xml)
    if root is None:
        raise ValueError("not a worksheet")
    return _tags_of((root.group(1) or b"").decode())


@cache
def _tags_of(p: str) -> _Tags:
    def pattern(text: str) -> re.Pattern[bytes]:
        return re.compile(text.encode(), re.S)

    return _Tags(
        p,
        row=pattern(rf"<{p}row\b([^>]*?)(?:/>|>(.*?)</{p}row>)"),
        cell=pattern(rf"<{p}c\b([^>]*?)(?:/>|>.*?</{p}c>)"),
        value=pattern(rf"<{p}v>[^<]|<{p}t\b[^>]*>\s*[^<\s]"),
        dimension=pattern(rf'(<{p}dimension\b[^>]*\bref=")([^"]*)(")'),
        validations=pattern(rf"<{p}dataValidations\b([^>]*?)(/>|>)"),
        after_validations=pattern(rf"<{p}(?:{_AFTER_VALIDATIONS})\b|</{p}worksheet>"),
    )


def element_prefix(xml: bytes) -> str | None:
    """The namespace prefix of a worksheet's elements (``x:`` as the .NET OpenXML SDK
    writes, or an empty text); None when the XML is not a worksheet (a chart sheet).

    Parameters
    ----------
    xml : bytes
        A sheet's part.

    Returns
    -------
    str or None
        The prefix, with its colon.

    Examples
    --------
    >>> element_prefix(b'<x:worksheet xmlns:x="">'), element_prefix(b"<worksheet>")
    ('x:', '')
    >>> element_prefix(b"<chartsheet>") is None
    True
    """
    root = _ROOT.search(xml)
    return None if root is None else (root.group(1) or b"").decode()


class CellPlaces:
    """Where a sheet's cells lie, for cells a search found in its XML: a cell that names its
    reference (``r="B7"``, wherever the attribute stands) is placed by it; one that does not
    is the cell after the one before it in its row, and a row without a reference the row
    after the one before it, as a reader lays them out. Rows are indexed only when such a
    cell is met (once per sheet, O(B) for B bytes); each such cell then reads its own row's
    cells before it.

    Parameters
    ----------
    xml : bytes
        A worksheet part.

    Examples
    --------
    >>> xml = (b'<worksheet><sheetData><row><c><v>1</v></c><c t="n" r="D1"/><c/></row>'
    ...        b'<row r="5"><c s="1" r="B5"/></row></sheetData></worksheet>')
    >>> places = CellPlaces(xml)
    >>> [places.place(found.start(), found.group(1))
    ...  for found in re.finditer(rb"<c\\b([^>]*?)/?>", xml)]
    [(1, 1), (1, 4), (1, 5), (5, 2)]
    """

    def __init__(self, xml: bytes) -> None:
        self._xml = xml
        self._tags = _tags(xml)
        self._row_starts: list[int] = []
        self._row_numbers: list[int] = []

    def place(self, start: int, attributes: bytes) -> tuple[int, int]:
        """Where a cell lies.

        Parameters
        ----------
        start : int
            The offset in the sheet's XML where the cell's tag begins.
        attributes : bytes
            The attributes of its tag.

        Returns
        -------
        tuple of (int, int)
            Its row and column, both from 1.
        """
        column, row = _reference(attributes)
        if column and row:
            return row, column
        if not self._row_starts:
            self._index_rows()
        index = bisect_right(self._row_starts, start) - 1
        row = row or self._row_numbers[index]
        if not column:
            for cell in self._tags.cell.finditer(self._xml, self._row_starts[index], start):
                column = _reference(cell.group(1))[0] or column + 1
            column += 1
        return row, column

    def _index_rows(self) -> None:
        number = 0
        row = re.compile(rb"<%s\b([^>]*)>" % self._tags.tag("row").encode())
        for found in row.finditer(self._xml):
            number = _reference(found.group(1))[1] or number + 1
            self._row_starts.append(found.start())
            self._row_numbers.append(number)


def table_width(content: bytes, sheet: str, first_row: int) -> int:
    """The last column of a sheet that holds a value in a row from ``first_row`` down (a cell
    with only a style holds none), or that a merged range reaching those rows covers; 0 when
    none does. Columns added after it overwrite nothing: not a note beside a row, nor the
    hidden part of a merged header cell.

    Complexity: O(B) for B bytes of the sheet; the rows are read one by one only when some
    cell lies beyond the header's columns (or does not name its column).

    Parameters
    ----------
    content : bytes
        The workbook.
    sheet : str
        The sheet's name.
    first_row : int
        The table's first row (its first header row), from 1; rows above it (a title) are
        not counted.

    Returns
    -------
    int
        The column's number, from 1.

    Examples
    --------
    >>> import openpyxl
    >>> book = openpyxl.Workbook()
    >>> book.active.append(["标题", None, None, None, None, "制表日期"])
    >>> book.active.append(["姓名", None, "备注"])
    >>> book.active.append(["张三", None, None, "已核实"])
    >>> book.active["F3"].number_format = "0.00"  # a style, no value
    >>> book.active.merge_cells("C2:E2")
    >>> buffer = io.BytesIO()
    >>> book.save(buffer)
    >>> table_width(buffer.getvalue(), "Sheet", 2)
    5
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read(sheet_members(archive)[sheet])
    tags = _tags(xml)
    width = max((right for right, bottom in _merged_ranges(xml) if bottom >= first_row),
                default=0)  # fmt: skip
    rows = (body for number, body in _numbered_rows(tags, xml) if number >= first_row)
    width = max(width, *_filled_columns(tags, next(rows, b"")), 0)
    if _beyond(tags, xml, width):  # a cell may lie beyond the first row's: every row is read
        for body in rows:
            width = max(width, *_filled_columns(tags, body), 0)
    return width


def _numbered_rows(tags: _Tags, xml: bytes) -> Iterator[tuple[int, bytes]]:
    """Each row's number (from 1) and the XML of its cells."""
    number = 0
    for match in tags.row.finditer(xml):
        number = _reference(match.group(1))[1] or number + 1
        yield number, match.group(2) or b""


def _beyond(tags: _Tags, xml: bytes, width: int) -> bool:
    """Whether some cell of the sheet may lie beyond column ``width``: one names a column
    after it, or one does not name its column at all (counted in C, not cell by cell)."""
    cell = b"<" + tags.tag("c").encode()
    unnamed = sum(xml.count(cell + end) for end in (b" ", b">", b"/")) - xml.count(cell + b' r="')
    return (
        unnamed > 0 or re.search(re.escape(cell) + b' r="' + _letters_after(width), xml) is not None
    )


@cache
def _letters_after(width: int) -> bytes:
    """A pattern of the column letters after column ``width`` (``[B-Z]|[A-Z]{2,}`` after
    ``A``), followed by the row's digits."""
    letters = column_letters(width) if width else ""
    choices = [f"[A-Z]{{{len(letters) + 1},}}"]
    for index, letter in enumerate(letters):
        if letter < "Z":
            rest = "[A-Z]" * (len(letters) - index - 1)
            choices.append(f"{letters[:index]}[{chr(ord(letter) + 1)}-Z]{rest}")
    return f"(?:{'|'.join(choices)})\\d".encode()


def sheet_extent(xml: bytes, cells: int) -> tuple[int, int] | None:
    """The extent of a sheet's cells, its last row and last column, when a grid from A1 to
    them holds more than ``cells`` cells; None when it holds no more. A reader lays a sheet
    out as such a grid before it gives a row (one value typed into XFD1048576 asks for 2^34
    cells), so the extent is found in the XML first. Cells with only a style count too: a
    generous bound.

    Complexity: O(B) for B bytes of the sheet, in one search that builds nothing per cell
    when every cell names its reference first (``<c r="B7"``, as Excel, WPS and openpyxl
    write); otherwise the rows are read one by one. A sheet found too large takes a few dozen
    more searches, to name its extent.

    Parameters
    ----------
    xml : bytes
        The sheet's XML.
    cells : int
        The most cells allowed.

    Returns
    -------
    tuple of (int, int) or None
        The last row and the last column, both from 1, or None.

    Raises
    ------
    ValueError
        If the XML is not a worksheet.

    Examples
    --------
    >>> import openpyxl
    >>> book = openpyxl.Workbook()
    >>> book.active.append(["姓名", "金额"])
    >>> book.active["XFD1048576"] = "x"
    >>> buffer = io.BytesIO()
    >>> book.save(buffer)
    >>> xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    >>> sheet_extent(xml, 60_000_000), sheet_extent(xml, 2**34)
    ((1048576, 16384), None)
    """
    tags = _tags(xml)
    cell = re.escape(f"<{tags.tag('c')}".encode())
    last = xml.rfind(f'<{tags.tag("c")} r="'.encode())
    rows = _reference(xml[last : last + 64])[1] if last >= 0 else 0  # rows are in order
    if _outside(cell, rows, cells // max(rows, 1)).search(xml) is None:  # the common case
        return None
    if re.search(cell + _UNNAMED, xml):
        rows, columns = _counted_extent(tags, xml)
    else:
        rows, columns = _searched_extent(xml, cell, rows, cells)
    return (rows, columns) if rows * columns > cells else None


# A cell whose tag does not begin with its reference (it has none, or another attribute first).
_UNNAMED = rb'(?! r=")[\s>/]'


def _outside(cell: bytes, rows: int, columns: int) -> re.Pattern[bytes]:
    """A cell that does not name its reference first, or whose reference lies below row
    ``rows`` or right of column ``columns``."""
    return re.compile(cell + b' r="(?:' + _letters_after(columns) + b"|[A-Z]++"
                      + _number_after(rows) + b'")|' + cell + _UNNAMED)  # fmt: skip


def _searched_extent(xml: bytes, cell: bytes, rows: int, cells: int) -> tuple[int, int]:
    """The last row and column of a sheet whose cells all name their reference first, found
    by searches (the rows may be out of order); the column only as far as ``cells`` allows
    for those rows when no cell lies beyond."""

    def below(row: int) -> bool:
        return re.search(cell + b' r="[A-Z]+' + _number_after(row) + b'"', xml) is not None

    def right_of(column: int) -> bool:
        return re.search(cell + b' r="' + _letters_after(column), xml) is not None

    rows = _least_not(below, rows)
    return rows, _least_not(right_of, cells // max(rows, 1))


def _least_not(beyond: Callable[[int], bool], start: int) -> int:
    """The least number from ``start`` on that nothing lies ``beyond`` (it holds for every
    number below one where it holds)."""
    if not beyond(start):
        return start
    low, high = start, max(2 * start, 1)
    while beyond(high):
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if beyond(middle) else (low, middle)
    return high


def _counted_extent(tags: _Tags, xml: bytes) -> tuple[int, int]:
    """The last row and column holding a cell, row by row: a cell without a reference is the
    one after the last (its row, the one after the last row)."""
    rows = columns = 0
    cell = f"<{tags.tag('c')}".encode()
    for number, body in _numbered_rows(tags, xml):
        if b'r="' not in body:  # cells one after another from A: only counted
            count = sum(body.count(cell + end) for end in (b" ", b">", b"/"))
            rows, columns = (max(rows, number), max(columns, count)) if count else (rows, columns)
            continue
        column = 0
        for found in tags.cell.finditer(body):
            named_column, named_row = _reference(found.group(1))
            column = named_column or column + 1
            rows, columns = max(rows, named_row or number), max(columns, column)
    return rows, columns


@cache
def _number_after(number: int) -> bytes:
    """A pattern of the whole numbers after ``number`` (written without leading zeros)."""
    digits = str(number)
    choices = [f"[1-9]\\d{{{len(digits)},}}"]
    for index, digit in enumerate(digits):
        if digit < "9":
            rest = len(digits) - index - 1
            choices.append(f"{digits[:index]}[{int(digit) + 1}-9]\\d{{{rest}}}")
    return f"(?:{'|'.join(choices)})".encode()


MAX_COLUMN = 16384  # XFD, a sheet's last column
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def hidden_rows(xml: bytes) -> frozenset[int]:
    """The rows a sheet hides (``<row r="5" hidden="1">``): offices hide the rows of people
    who left rather than delete them.

    Parameters
    ----------
    xml : bytes
        A worksheet part.

    Returns
    -------
    frozenset of int
        The hidden rows' numbers, from 1.

    Examples
    --------
    >>> sorted(hidden_rows(b'<sheetData><row r="2"><c r="A2"/></row><row r="3" hidden="1">'
    ...                    b'<c r="A3"/></row><x:row spans="1:2" r="9" hidden="true"/>'))
    [3, 9]
    """
    if b"hidden=" not in xml:
        return frozenset()
    numbers = (_ROW_NUMBER.search(match.group(0)) for match in _HIDDEN_ROW.finditer(xml))
    return frozenset(int(number.group(1)) for number in numbers if number)


def hidden_columns(xml: bytes) -> frozenset[int]:
    """The columns a sheet hides (``<col min max hidden="1">``, before its cells).

    Parameters
    ----------
    xml : bytes
        A worksheet part.

    Returns
    -------
    frozenset of int
        The hidden columns, from 0 (a range hidden to the sheet's last column, XFD, too).

    Examples
    --------
    >>> sorted(hidden_columns(b'<cols><col min="3" max="4" hidden="1"/><col min="5" max="5"/>'
    ...                       b'</cols><sheetData/>'))
    [2, 3]
    """
    end = xml.find(b"sheetData")
    columns = _elements(xml if end < 0 else xml[:end], rb"(?:\w+:)?col")
    hidden = set()
    for column in columns:
        first, last = column.get(b"min", b""), column.get(b"max", b"")
        if column.get(b"hidden") in (b"1", b"true") and first.isdigit() and last.isdigit():
            hidden.update(range(int(first) - 1, min(int(last), MAX_COLUMN)))
    return frozenset(hidden)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _merged_ranges(xml: bytes) -> list[tuple[int, int]]:
    """Each merged range's (last column, last row), from 1."""
    return [(column_number((right or left).decode()), int(bottom or top))
            for left, top, right, bottom in _MERGE.findall(xml)]  # fmt: skip


def _filled_columns(tags: _Tags, body: bytes) -> list[int]:
    columns, column = [], 0
    for cell in tags.cell.finditer(body):
        column = _reference(cell.group(1))[0] or column + 1
        if tags.value.search(cell.group(0)):
            columns.append(column)
    return columns


def with_text_cells(content: bytes, cells: dict[str, SheetCells],
                    prompts: dict[str, SheetCells] | None = None) -> bytes:  # fmt: skip
    """The XLSX ``content`` with text cells set on named sheets (an empty text clears the
    cell), and an input message (shown when the cell is selected) on some cells. Only those
    sheets' XML changes, and the styles when a text starts like a formula (``FORMULA_STARTS``):
    one cell format is added that quote-prefixes such a cell, so it stays text when a clerk
    edits it. Cells are inline strings, never formulas; a row's ``spans`` hint is dropped and
    the sheet's dimension widened.

    Complexity: O(B + C log C) for B bytes of the sheets edited and C cells set.

    Parameters
    ----------
    content : bytes
        The workbook.
    cells : dict of str to dict
        Per sheet name, text by (row, column).
    prompts : dict of str to dict, optional
        Per sheet name, an input message by (row, column).

    Returns
    -------
    bytes
        The workbook written again.

    Raises
    ------
    ValueError
        If a sheet's XML is not a worksheet with its rows (``sheetData``).

    Examples
    --------
    >>> import openpyxl
    >>> book = openpyxl.Workbook()
    >>> book.active.title = "表"
    >>> book.active.append(["标题"])
    >>> book.active.append(["姓名", "金额"])
    >>> book.active.append(["张三", 300])
    >>> book.active.merge_cells("A1:B1")
    >>> buffer = io.BytesIO()
    >>> book.save(buffer)
    >>> edited = with_text_cells(buffer.getvalue(), {"表": {(2, 3): "结果", (3, 3): "a<b"}},
    ...                          {"表": {(2, 3): "仅为提示"}})
    >>> sheet = openpyxl.load_workbook(io.BytesIO(edited))["表"]
    >>> [[cell.value for cell in row] for row in sheet.iter_rows()]
    [['标题', None, None], ['姓名', '金额', '结果'], ['张三', 300, 'a<b']]
    >>> sheet.merged_cells.ranges, sheet.data_validations.dataValidation[0].prompt
    ({<MergedCellRange A1:B1>}, '仅为提示')
    """
    source = zipfile.ZipFile(io.BytesIO(content))
    members = sheet_members(source)
    formulas = any(text.startswith(FORMULA_STARTS) for sheet in cells.values()
                   for text in sheet.values())  # fmt: skip
    styles, quoted = _quote_style(source) if formulas else (None, None)
    edited = {members[name]: (sheet, (prompts or {}).get(name, {}))
              for name, sheet in cells.items()}  # fmt: skip
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename in edited:
                data = _edited_sheet(data, *edited[item.filename], quoted)
            elif item.filename == _STYLES and styles is not None:
                data = styles
            out.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _quote_style(source: zipfile.ZipFile) -> tuple[bytes | None, int | None]:
    """The workbook's styles with a cell format added that quote-prefixes its text (a text
    that looks like a formula stays text when a clerk edits the cell), and that format's
    index; None for the styles when the workbook has that format already (written back
    before); (None, None) for a workbook without cell formats (its cells stay inline
    strings, never formulas, without the prefix)."""
    if _STYLES not in source.namelist():
        return None, None
    styles = source.read(_STYLES)
    found = _CELL_FORMATS.search(styles)
    if found is None:
        return None, None
    prefix, attributes, formats = (found.group(1) or b""), found.group(2), found.group(3)
    existing = _elements(formats, re.escape(prefix) + rb"xf")
    for at, xf in enumerate(existing):  # a file written back before has it already
        if {key: xf.get(key, b"0") for key in _PLAIN} == _PLAIN:
            return None, at
    index = len(existing)
    added = (b"<" + prefix + b'xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" '
             b'quotePrefix="1" applyAlignment="0"/>')  # fmt: skip
    head = b"<" + prefix + b"cellXfs" + _COUNT.sub(b"", attributes).rstrip(b"/")
    replaced = (head + f' count="{index + 1}">'.encode() + formats + added
                + b"</" + prefix + b"cellXfs>")  # fmt: skip
    return styles[: found.start()] + replaced + styles[found.end() :], index


def _edited_sheet(xml: bytes, cells: SheetCells, prompts: SheetCells,
                  quoted: int | None = None) -> bytes:  # fmt: skip
    tags = _tags(xml)
    by_row: dict[int, dict[int, str]] = {}
    for (row, column), text in cells.items():
        by_row.setdefault(row, {})[column] = text
    pending = sorted(by_row)  # rows to set, in order; those the sheet lacks are written
    pieces, position, number, next_row = [], 0, 0, 0
    for match in tags.row.finditer(xml):
        number = _reference(match.group(1))[1] or number + 1
        pieces.append(xml[position : match.start()])
        while next_row < len(pending) and pending[next_row] < number:
            pieces.append(_new_row(tags, pending[next_row], by_row[pending[next_row]], quoted))
            next_row += 1
        if next_row < len(pending) and pending[next_row] == number:
            pieces.append(_row_with(tags, match.group(1), match.group(2) or b"", number,
                                    by_row[number], quoted))  # fmt: skip
            next_row += 1
        else:
            pieces.append(match.group(0))
        position = match.end()
    data = tags.tag("sheetData").encode()
    rest = xml[position:].replace(b"<" + data + b"/>", b"<" + data + b"></" + data + b">", 1)
    end = rest.index(b"</" + data + b">")  # ValueError: no rows to put the cells in
    missing = b"".join(_new_row(tags, row, by_row[row], quoted) for row in pending[next_row:])
    xml = b"".join([*pieces, rest[:end], missing, rest[end:]])
    width = max((column for _, column in cells), default=0)
    xml = tags.dimension.sub(lambda found: found[1] + _widened(found[2], width) + found[3], xml, 1)
    return _with_prompts(tags, xml, prompts) if prompts else xml


def _reference(attributes: bytes) -> tuple[int, int]:
    """(column, row) of an element's ``r`` attribute, each 0 when it does not say."""
    found = _REFERENCE.search(attributes)
    if found is None:
        return 0, 0
    letters, digits = found.groups()
    return column_number(letters.decode()), int(digits or 0)


def _row_with(tags: _Tags, attributes: bytes, body: bytes, number: int,
              texts: dict[int, str], quoted: int | None) -> bytes:  # fmt: skip
    """A row's XML with ``texts`` set in it, its other cells kept in column order."""
    row = tags.tag("row").encode()
    head = b"<" + row + _SPANS.sub(b"", attributes) + b">"
    if _last_column(tags, body) < min(texts, default=0):  # the common case: columns added
        added = b"".join(_text_cell(tags, column, number, text, quoted)
                         for column, text in sorted(texts.items()) if text)  # fmt: skip
        return head + body + added + b"</" + row + b">"
    kept, column = [], 0
    for cell in tags.cell.finditer(body):
        column = _reference(cell.group(1))[0] or column + 1
        if column not in texts:
            kept.append((column, cell.group(0)))
    kept += [(column, _text_cell(tags, column, number, text, quoted))
             for column, text in texts.items() if text]  # fmt: skip
    kept.sort(key=lambda item: item[0])
    return head + b"".join(xml for _, xml in kept) + b"</" + row + b">"


def _last_column(tags: _Tags, body: bytes) -> int | float:
    """The column of a row's last cell when it is found cheaply (the last cell is the last
    element and names its column); infinity otherwise, 0 for a row without cells."""
    body = body.rstrip()
    if not body:
        return 0
    start = body.rfind(b"<" + tags.tag("c").encode())
    last = tags.cell.match(body, start) if start >= 0 else None
    if last is None or last.end() != len(body):
        return float("inf")
    return _reference(last.group(1))[0] or float("inf")


def _new_row(tags: _Tags, number: int, texts: dict[int, str], quoted: int | None) -> bytes:
    return _row_with(tags, f' r="{number}"'.encode(), b"", number, texts, quoted)


def _text_cell(tags: _Tags, column: int, row: int, text: str, quoted: int | None) -> bytes:
    """An inline string cell; quote-prefixed (style ``quoted``) when it starts like a formula."""
    c, inline, t = tags.tag("c"), tags.tag("is"), tags.tag("t")
    style = f' s="{quoted}"' if quoted is not None and text.startswith(FORMULA_STARTS) else ""
    return (f'<{c} r="{column_letters(column)}{row}"{style} t="inlineStr"><{inline}><{t} '
            f'xml:space="preserve">{escape(ILLEGAL.sub("", text))}</{t}></{inline}></{c}>'
            ).encode()  # fmt: skip


def _widened(reference: bytes, width: int) -> bytes:
    """A dimension (``A1:F45``) reaching column ``width`` at least."""
    start, _, end = reference.decode().partition(":")
    end = end or start
    letters = end.rstrip("0123456789")
    if column_number(letters) >= width:
        return reference
    return f"{start}:{column_letters(width)}{end[len(letters) :]}".encode()


def _with_prompts(tags: _Tags, xml: bytes, prompts: SheetCells) -> bytes:
    """The sheet with an input message on each of ``prompts``' cells (a data validation that
    allows anything), beside the sheet's own validations."""
    validation, validations = tags.tag("dataValidation"), tags.tag("dataValidations")
    added = b"".join(
        f'<{validation} allowBlank="1" showInputMessage="1" '
        f'prompt="{escape(text, {chr(34): "&quot;"})}" sqref="{column_letters(column)}{row}"/>'
        .encode()
        for (row, column), text in prompts.items()
    )  # fmt: skip
    closing = f"</{validations}>".encode()
    own = tags.validations.search(xml)
    if own is None:
        data_end = xml.index(f"</{tags.tag('sheetData')}>".encode())
        place = tags.after_validations.search(xml, data_end).start()
        opening = f'<{validations} count="{len(prompts)}">'.encode()
        return xml[:place] + opening + added + closing + xml[place:]
    counted = re.search(rb'count="(\d+)"', own.group(1))
    count = (int(counted.group(1)) if counted else 0) + len(prompts)
    attributes = re.sub(rb'\s*count="\d+"', b"", own.group(1))
    head = f"<{validations}".encode() + attributes + f' count="{count}">'.encode() + added
    if own.group(2) == b"/>":
        return xml[: own.start()] + head + closing + xml[own.end() :]
    return xml[: own.start()] + head + xml[own.end() :]
