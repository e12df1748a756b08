"""Tables that government systems export as ``.xls`` but write as markup: an HTML page of
``<table>`` rows, or an XML Spreadsheet 2003 (SpreadsheetML) workbook. Excel opens both;
here each becomes the rows Excel would show, every cell as text, merged cells
(``rowspan``/``colspan``, ``ss:MergeAcross``/``ss:MergeDown``) filled with their value as
an XLSX's are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = f"{{{SPREADSHEET_NS}}}"
_HTML_TABLE = re.compile(r"<table[\s>]", re.IGNORECASE)


@dataclass
class MarkupSheet:
    """One sheet as read: its name (None for an HTML page), its rows of text cells, how
    many cells were filled from a merged cell, and the merged ranges filled down over
    several rows (first and last row numbers, from 1; first and last column indexes, from 0;
    as ``resolver.reading.Grid`` holds them)."""

    name: str | None
    rows: list[list[str]] = field(default_factory=list)
    merged_cells: int = 0
    merged_down: tuple[tuple[int, int, int, int], ...] = ()


def markup_kind(text: str) -> str | None:
    """``"xml"`` for SpreadsheetML, ``"html"`` for an HTML table, None for other text.

    Parameters
    ----------
    text : str
        A file's decoded text.

    Returns
    -------
    str or None
        The kind of markup, or None.

    Examples
    --------
    >>> markup_kind('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">')
    'xml'
    >>> markup_kind("<html><body><table><tr><td>姓名</td></tr></table>")
    'html'
    >>> markup_kind("姓名,身份证号") is None
    True
    """
    head = text.lstrip("\ufeff \t\r\n")
    if not head.startswith("<"):
        return None
    if SPREADSHEET_NS in head[:4096]:
        return "xml"
    return "html" if _HTML_TABLE.search(head) else None


def html_sheet(text: str) -> MarkupSheet:
    """The rows of every ``<table>`` of an HTML page, in order, as Excel shows them on one
    sheet.

    Parameters
    ----------
    text : str
        The page.

    Returns
    -------
    MarkupSheet
        Its rows (a ``<tr>`` each).

    Examples
    --------
    >>> html_sheet("<table><tr><td rowspan=2>户主</td><td>张三</td></tr>"
    ...            "<tr><td>李四</td></tr></table>")
    MarkupSheet(name=None, rows=[['户主', '张三'], ['户主', '李四']], merged_cells=1, merged_down=((1, 2, 0, 0),))
    """
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    return parser.sheet


def spreadsheet_sheets(text: str) -> list[MarkupSheet]:
    """The worksheets of a SpreadsheetML workbook.

    Parameters
    ----------
    text : str
        The workbook's XML.

    Returns
    -------
    list of MarkupSheet
        One per worksheet, named, with its rows (``ss:Index`` gaps kept as empty rows).

    Raises
    ------
    xml.etree.ElementTree.ParseError
        If the text is not well-formed XML.

    Examples
    --------
    >>> book = ('<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    ...         'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
    ...         '<Worksheet ss:Name="一村"><Table><Row><Cell ss:MergeAcross="1">'
    ...         '<Data ss:Type="String">花名册</Data></Cell></Row>'
    ...         '<Row ss:Index="3"><Cell ss:Index="2"><Data ss:Type="Number">5</Data></Cell>'
    ...         '</Row></Table></Worksheet></Workbook>')
    >>> spreadsheet_sheets(book)
    [MarkupSheet(name='一村', rows=[['花名册', '花名册'], [], ['', '5']], merged_cells=1, merged_down=())]
    """
    root = ElementTree.fromstring(text.lstrip("\ufeff \t\r\n"))
    sheets = []
    for sheet in root.iter(f"{_SS}Worksheet"):
        grid = _Grid()
        row_number = 0
        for row in sheet.iter(f"{_SS}Row"):
            row_number = int(row.get(f"{_SS}Index", row_number + 1))
            column = 0
            for cell in row.iter(f"{_SS}Cell"):
                column = int(cell.get(f"{_SS}Index", column + 1))
                data = cell.find(f"{_SS}Data")
                value = "".join(data.itertext()).strip() if data is not None else ""
                across, down = (int(cell.get(f"{_SS}Merge{way}", 0)) for way in ("Across", "Down"))
                grid.put(row_number - 1, column - 1, value, down + 1, across + 1)
                column += across
        sheets.append(grid.sheet(sheet.get(f"{_SS}Name")))
    return sheets


class _Grid:
    """Cells placed by (row, column), merged ranges filled with their first cell's value."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], str] = {}
        self.merged_cells = 0
        self.merged_down: list[tuple[int, int, int, int]] = []

    def put(self, row: int, column: int, value: str, height: int = 1, width: int = 1) -> None:
        for down in range(height):
            for across in range(width):
                self.cells[row + down, column + across] = value
        if value:
            self.merged_cells += height * width - 1
        if value and height > 1:
            self.merged_down.append((row + 1, row + height, column, column + width - 1))

    def sheet(self, name: str | None) -> MarkupSheet:
        return MarkupSheet(name, self.rows(), self.merged_cells, tuple(self.merged_down))

    def taken(self, row: int, column: int) -> bool:
        return (row, column) in self.cells

    def rows(self) -> list[list[str]]:
        if not self.cells:
            return []
        height = max(row for row, _ in self.cells) + 1
        rows: list[list[str]] = [[] for _ in range(height)]
        for (row, column), value in sorted(self.cells.items()):
            rows[row] += [""] * (column - len(rows[row])) + [value]
        return rows


class _TableParser(HTMLParser):
    """Every ``<tr>`` of the page in order; a cell's text is its text with ``<br>`` as a line
    break, runs of white space made one space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.grid = _Grid()
        self.row = -1
        self.column = 0
        self.cell: list[str] | None = None
        self.span = (1, 1)

    @property
    def sheet(self) -> MarkupSheet:
        return self.grid.sheet(None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._end_cell()
            self.row, self.column = self.row + 1, 0
        elif tag in ("td", "th"):
            self._end_cell()
            given = dict(attrs)
            self.span = (_span(given.get("rowspan")), _span(given.get("colspan")))
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th", "tr", "table"):
            self._end_cell()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def _end_cell(self) -> None:
        if self.cell is None:
            return
        if self.row < 0:  # a cell outside any row: a row of its own
            self.row = 0
        while self.grid.taken(self.row, self.column):  # under a cell spanning rows above
            self.column += 1
        lines = "".join(self.cell).split("\n")
        value = "\n".join(" ".join(line.split()) for line in lines).strip()
        height, width = self.span
        self.grid.put(self.row, self.column, value, height, width)
        self.column += width
        self.cell = None


def _span(value: str | None) -> int:
    """A ``rowspan`` or ``colspan``: 1 unless a positive whole number (at most 1,000)."""
    return min(int(value), 1000) if value and value.strip().isdigit() and int(value) > 0 else 1
