"""The entries into and exits from 低保 and 特困 in a period, as the XLSX an office files
(新纳入和退出低保、特困人员分类梳理表; ``doudi report`` and ``GET /api/ledgers/movements.xlsx``).

Four sheets: 汇总 (per township, the entries and exits of each program, then the count of
each reason, and a 合计 row), 新纳入名单 and 退出名单 (one row per movement), and 不足及改进措施:
the document's two other items (不足及薄弱环节, 下一步改进措施), headed, for the office to write. Under the title
stand the 填报单位 / 填报时间 line and a note that the reasons are inferred from the registries
and must be verified (``models.movements``). Every text is a text cell, never a formula
(``api.ledgers.text_cells``); ID numbers are masked for roles that may not read them.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.ledgers import (
    DATE_HEADERS,
    DATE_WIDTH,
    HEADER_FILL,
    chinese_date,
    filled_by,
    for_printing,
    text_cells,
)
from api.masking import masked_row
from api.published import county_names, township_label
from api.reviews import DecisionError
from models.movements import (
    DIRECTION_LABELS,
    ENTRY,
    EXIT,
    INFERRED,
    PROGRAM_LABELS,
    REASONS,
    UNKNOWN_PROGRAM,
    Movement,
    roster_movements,
)
from models.publish import run_policy, working_run
from resolver.db import table_names
from resolver.errors import DoudiError
from resolver.ingest import of_county
from resolver.registries import county_of_number

NOTE = ("说明：原因据各登记册数据推断，需核实（原始数据未记录纳入或退出原因；所用登记册为救助对象、"
        "死亡人员、建档立卡、残疾人，推断所据的记录见“依据”列）。")  # fmt: skip
MASKED_NOTE = "身份证号码已部分隐去。"
LIST_COLUMNS = ("序号", "乡镇", "村组", "姓名", "身份证号码", "救助类型", "低保类别", "救助证号",
                "{day}", "原因（据数据推断）", "依据", "记录编号")  # fmt: skip
DAY_HEADERS = {ENTRY: "纳入日期", EXIT: "退出日期"}
SHEETS = {ENTRY: "新纳入名单", EXIT: "退出名单"}
WIDTHS = {"序号": 6, "身份证号码": 21, "依据": 48, "原因（据数据推断）": 16, "救助证号": 18,
          "记录编号": 14, **dict.fromkeys(DATE_HEADERS, DATE_WIDTH)}  # fmt: skip
_DAY = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")  # a month, or a day
# The sections the 梁平 document asks the report to carry that no registry tells: the office's.
SHORTCOMINGS_SHEET = "不足及改进措施"
SHORTCOMINGS_BASIS = (
    "依据：梁平区回龙镇通知要求报送“新纳入和退出低保人员分类及原因分析、农村低保政策落实特别是"
    "‘应保尽保’方面存在的不足及薄弱环节、下一步改进措施”。分类及原因分析见“汇总”“新纳入名单”"
    "“退出名单”表；以下两项无法从数据得出，由本单位填写后报送。"
)
SHORTCOMINGS = (
    "一、农村低保政策落实特别是“应保尽保”方面存在的不足及薄弱环节",
    "二、下一步改进措施",
)
TO_FILL = "（由本单位填写）"
SECTION_ROWS, SECTION_WIDTH = 8, 8  # the blank block under a heading: rows, columns


def period_bounds(first: str, last: str) -> tuple[date, date]:
    """The first and last day of a period written as months or days.

    Parameters
    ----------
    first, last : str
        ``YYYY-MM`` (a month: its first day for ``first``, its last for ``last``) or
        ``YYYY-MM-DD`` (month and day may have one digit).

    Returns
    -------
    tuple of date
        The period's first and last day.

    Raises
    ------
    DecisionError
        ``invalid``, in Chinese, for a value that is neither, or a start after the end.

    Examples
    --------
    >>> period_bounds("2019-06", "2019-11")
    (datetime.date(2019, 6, 1), datetime.date(2019, 11, 30))
    >>> period_bounds("2020-2-3", "2020-02")
    (datetime.date(2020, 2, 3), datetime.date(2020, 2, 29))
    """
    start, end = _day(first, "起始", last=False), _day(last, "截止", last=True)
    check_period(start, end)
    return start, end


def _day(text: str, which: str, *, last: bool) -> date:
    text = text.strip()
    written = _DAY.match(text)
    try:
        if not written:
            raise ValueError(text)
        year, month = int(written.group(1)), int(written.group(2))
        if written.group(3):
            return date(year, month, int(written.group(3)))
        first = date(year, month, 1)  # (a month outside 1–12 is refused here)
        if not last:
            return first
        following = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    except ValueError:
        raise DecisionError(
            "invalid", f"{which}日期“{text}”无法识别：请写成 年-月（如 2019-06）或 年-月-日（如 2019-06-01）"
        ) from None  # fmt: skip


def check_period(start: date, end: date) -> None:
    """Refuse a period that ends before it starts.

    Parameters
    ----------
    start, end : date
        The period's first and last day.

    Raises
    ------
    DecisionError
        ``invalid``, in Chinese, when ``start`` is after ``end``.
    """
    if start > end:
        raise DecisionError("invalid", f"起始日期 {start} 晚于截止日期 {end}，请检查时间段")


def period_movements(con: duckdb.DuckDBPyConnection, start: date, end: date,
                     county: str | None = None) -> list[Movement]:  # fmt: skip
    """The entries and exits of the period in the file's published run, under its policy (of
    one county of a province drop when ``county`` is given).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database (``doudi run``'s output).
    start, end : date
        The period's first and last day.
    county : str or None
        Only this county's roster rows; all of them when None.

    Returns
    -------
    list[Movement]
        ``models.movements.roster_movements`` of the latest run, which must have published
        (its persons are the file's working tables); of a drop of several counties, each
        township after its county's name (``api.published.township_label``: 大姚县 城关).

    Raises
    ------
    DecisionError
        ``invalid`` for a start after the end; ``conflict`` when the file holds no published
        latest run.
    """
    check_period(start, end)
    if "runs" not in table_names(con):
        raise DecisionError("conflict", "数据库中没有运行记录：请先运行 `doudi run`")
    try:
        run_id = working_run(con)
        policy = run_policy(con, run_id)
    except DoudiError as error:
        raise DecisionError("conflict", str(error)) from error
    movements = [m for m in roster_movements(con, start, end, policy)
                 if of_county(m.record_id, county)]  # fmt: skip
    names = {} if county else county_names(con)
    if len(names) < 2:
        return movements
    # a province drop numbers its rows <county>/<number>: the township after its county's name
    return [replace(m, township=township_label(m.township, county_of_number(m.record_id), names))
            for m in movements]  # fmt: skip


def summary_table(movements: Sequence[Movement]) -> tuple[list[str], list[list]]:
    """The 汇总 sheet: per township, entries and exits of each program and each reason's count.

    Parameters
    ----------
    movements : sequence of Movement
        The period's entries and exits.

    Returns
    -------
    tuple
        The headers (乡镇, 低保新纳入, 低保退出, 特困新纳入, 特困退出, 类型不明 ones when any row's
        program was unreadable, then ``新纳入：<reason>`` and ``退出：<reason>`` for each reason
        that occurs, in the rules' order) and the rows by township, then 合计 (no rows and no
        合计 without movements).

    Examples
    --------
    >>> from datetime import date
    >>> m = Movement("exit", "dibao", date(2019, 7, 1), "城关", None, "DB1", "A1", "p1",
    ...              "张三", None, "A", "死亡", "死亡人员记录 D1")
    >>> headers, rows = summary_table([m])
    >>> headers
    ['乡镇', '低保新纳入', '低保退出', '特困新纳入', '特困退出', '退出：死亡']
    >>> rows
    [['城关', 0, 1, 0, 0, 1], ['合计', 0, 1, 0, 0, 1]]
    """
    programs = [*PROGRAM_LABELS.values()]
    if any(m.program_label == UNKNOWN_PROGRAM for m in movements):
        programs.append(UNKNOWN_PROGRAM)
    counts = [(d, label) for label in programs for d in (ENTRY, EXIT)]
    occurring = {(m.direction, m.reason) for m in movements}
    reasons = [(direction, reason) for direction in (ENTRY, EXIT)
               for reason in REASONS[direction] if (direction, reason) in occurring]  # fmt: skip
    headers = ["乡镇", *(f"{label}{DIRECTION_LABELS[d]}" for d, label in counts),
               *(f"{DIRECTION_LABELS[d]}：{reason}" for d, reason in reasons)]  # fmt: skip
    by_township: dict[str, Counter] = defaultdict(Counter)
    for m in movements:
        tally = by_township[m.township or "未知"]
        tally[m.direction, m.program_label] += 1
        tally["reason", m.direction, m.reason] += 1
    rows = [[township, *(tally[key] for key in counts),
             *(tally["reason", d, reason] for d, reason in reasons)]
            for township, tally in sorted(by_township.items())]  # fmt: skip
    if rows:
        rows.append(["合计", *(sum(row[i] for row in rows) for i in range(1, len(headers)))])
    return headers, rows


def movement_rows(movements: Sequence[Movement], direction: str, *, masked: bool) -> list[list]:
    """The rows of the 新纳入名单 (``entry``) or 退出名单 (``exit``), numbered from 1.

    Parameters
    ----------
    movements : sequence of Movement
        The period's entries and exits.
    direction : str
        ``entry`` or ``exit``.
    masked : bool
        Whether ID numbers are masked, in every text cell (``api.masking.masked_row``: a
        name written as 姓名（身份证号）, a case number that holds one, a basis naming another
        case's number or a date).

    Returns
    -------
    list of list
        One row per movement of that direction, in ``LIST_COLUMNS`` order, by township,
        village, program, day and record id.
    """
    chosen = sorted((m for m in movements if m.direction == direction),
                    key=lambda m: (m.township or "", m.village or "", m.program_label, m.day,
                                   m.record_id))  # fmt: skip
    rows = [
        [number, m.township or "", m.village or "", m.name or "", m.id_number or "",
         m.program_label, m.dibao_class or "", m.case_no or "", m.day, m.reason, m.basis,
         m.record_id]
        for number, m in enumerate(chosen, 1)
    ]  # fmt: skip
    return [masked_row(row, LIST_COLUMNS) for row in rows] if masked else rows


def report_title(start: date, end: date) -> str:
    """The form's title for the period.

    Parameters
    ----------
    start, end : date
        The period's first and last day.

    Returns
    -------
    str
        ``<start>至<end>新纳入和退出低保、特困人员分类梳理表``, the days written in Chinese.

    Examples
    --------
    >>> report_title(date(2019, 6, 1), date(2019, 11, 30))
    '2019年6月1日至2019年11月30日新纳入和退出低保、特困人员分类梳理表'
    """
    return f"{chinese_date(start)}至{chinese_date(end)}新纳入和退出低保、特困人员分类梳理表"


def report_summary(movements: Sequence[Movement], start: date, end: date) -> str:
    """One line of counts for the clerk.

    Parameters
    ----------
    movements : sequence of Movement
        The period's entries and exits.
    start, end : date
        The period's first and last day.

    Returns
    -------
    str
        The entries and exits of each program (and of rows whose program is unknown, when
        any), and that the reasons are inferred.

    Examples
    --------
    >>> m = Movement("exit", "tekun", date(2019, 7, 1), "城关", None, "TK1", "A1", "p1",
    ...              "张三", None, None, "死亡", "死亡人员记录 D1")
    >>> report_summary([m], date(2019, 6, 1), date(2019, 11, 30))
    '2019-06-01至2019-11-30：新纳入 低保 0 人、特困 0 人；退出 低保 0 人、特困 1 人。原因据数据推断，需核实。'
    """
    tally = Counter((m.direction, m.program_label) for m in movements)
    parts = [
        f"{DIRECTION_LABELS[direction]} "
        + "、".join(f"{label} {tally[direction, label]} 人" for label in PROGRAM_LABELS.values())
        for direction in (ENTRY, EXIT)
    ]
    unknown = tally[ENTRY, UNKNOWN_PROGRAM] + tally[EXIT, UNKNOWN_PROGRAM]
    if unknown:
        parts.append(f"救助类型不明 {unknown} 人次")
    return f"{start}至{end}：{'；'.join(parts)}。原因{INFERRED}。"


def period_report_workbook(
    movements: Sequence[Movement],
    start: date,
    end: date,
    *,
    masked: bool,
    unit: str | None = None,
    made: date | None = None,
) -> bytes:
    """The period's entries and exits as an XLSX file: 汇总, 新纳入名单, 退出名单, and the
    sections the office writes (不足及改进措施).

    Parameters
    ----------
    movements : sequence of Movement
        The period's entries and exits (``models.movements.roster_movements``).
    start, end : date
        The period's first and last day (the title).
    masked : bool
        Whether ID numbers are masked (for roles that may not read them).
    unit : str or None
        The 填报单位; left blank for the office to fill in when None.
    made : date or None
        The 填报时间; today when None.

    Returns
    -------
    bytes
        The XLSX file; every text a text cell, never a formula.
    """
    title = report_title(start, end)
    filled = "　　".join(filled_by(unit, made))
    note = NOTE + (MASKED_NOTE if masked else "")
    book = Workbook()
    book.remove(book.active)
    headers, rows = summary_table(movements)
    titled_sheet(book, "汇总", (title, filled, note), headers, rows)
    for direction, name in SHEETS.items():
        columns = [DAY_HEADERS[direction] if c == "{day}" else c for c in LIST_COLUMNS]
        listed = movement_rows(movements, direction, masked=masked)
        titled_sheet(book, name, (title, filled, note), columns, listed)
    sections_sheet(
        book, SHORTCOMINGS_SHEET, (title, filled, note), SHORTCOMINGS_BASIS, SHORTCOMINGS
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sections_sheet(
    book: Workbook, name: str, lines: tuple[str, str, str], basis: str, headings: Sequence[str]
) -> Worksheet:  # fmt: skip
    """A sheet of headed sections the office writes itself (what no registry tells): the
    title, the 填报 line and the note, the document's words asking for the sections
    (``basis``), then each heading over a blank block that says it is the office's to fill
    (``TO_FILL``).

    Parameters
    ----------
    book : Workbook
        The workbook the sheet is added to.
    name : str
        The sheet's name.
    lines : tuple of str
        The title, the 填报 line and the note (as the report's other sheets have them).
    basis : str
        What the document asks for, quoted, and where the report's own sheets answer it.
    headings : sequence of str
        The sections' headings, in order.

    Returns
    -------
    Worksheet
        The sheet.
    """
    sheet = book.create_sheet(name)
    for text in (*lines, basis):
        _across(sheet, text, 1)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.row_dimensions[4].height = 48
    for heading in headings:
        sheet.append([])
        _across(sheet, heading, 1)
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        _across(sheet, TO_FILL, SECTION_ROWS)
    for index in range(1, SECTION_WIDTH + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    return sheet


def _across(sheet: Worksheet, text: str, rows: int) -> None:
    """``text`` in a cell merged across the sheet's width and ``rows`` rows, wrapped."""
    sheet.append(text_cells(sheet, [text]))
    first = sheet.max_row
    for _ in range(rows - 1):
        sheet.append([])
    sheet.merge_cells(start_row=first, start_column=1, end_row=first + rows - 1,
                      end_column=SECTION_WIDTH)  # fmt: skip
    sheet.cell(first, 1).alignment = Alignment(wrap_text=True, vertical="top")


def titled_sheet(
    book: Workbook, name: str, lines: tuple[str, str, str], headers: Sequence[str],
    rows: list[list], widths: dict[str, int] | None = None,
) -> Worksheet:  # fmt: skip
    """A sheet: the title, the 填报 line and the note (each across the table), the header row
    and the rows; every text a text cell (``api.ledgers.text_cells``).

    Parameters
    ----------
    book : Workbook
        The workbook the sheet is added to.
    name : str
        The sheet's name.
    lines : tuple of str
        The title, the 填报 line and the note.
    headers : sequence of str
        The table's header row.
    rows : list of list
        The table's rows.
    widths : dict, optional
        Column widths by header (``WIDTHS`` when None); others get one from the header.

    Returns
    -------
    Worksheet
        The sheet, for more rows after the table.
    """
    widths = WIDTHS if widths is None else widths
    sheet = book.create_sheet(name)
    width = max(len(headers), 1)
    for number, line in enumerate(lines, 1):
        sheet.append(text_cells(sheet, [line]))
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 32
    header_row = len(lines) + 1
    sheet.append(text_cells(sheet, list(headers)))
    for cell in sheet[header_row]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(text_cells(sheet, row))
    sheet.freeze_panes = f"A{header_row + 1}"
    for_printing(sheet, header_row)
    for index, header in enumerate(headers, 1):
        default = max(8, min(22, 2 * len(header)))
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, default)
    return sheet
