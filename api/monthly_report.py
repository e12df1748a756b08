"""The monthly report (一月一分析一报告): the latest published run against the one before it,
as the XLSX an office files (``doudi report --monthly`` and ``GET /api/ledgers/monthly.xlsx``).

Five sheets, each under the title (with the latest run and the day it is made), the 填报
line (with the two runs) and the note that a case is a lead to check, not a decision:

- 汇总: per case type, the cases first raised by the latest run (新增), resolved in it
  (已消除: by data, by a change of rules or by reviewers' labels, said under the table with
  the rules the run changed) and raised before and by it (仍在); the cases confirmed (核实属实) in the
  period and the sum of their amounts at risk as 追回/止付金额. The amounts are the ones the
  leads reported, not sums counted back from the payments: a note row under the table says
  so. The note above the table gives the period (from the previous run's publication, or
  from the beginning when there is one run, to the latest run's) and the cases confirmed
  since, which the next report counts (the page and the 汇总表 count them now). Then the
  counts of the two lists below, and the confirmed cases one by one.
- 逾期未处置: the cases past their 整改时限 and not closed (``api.published``), most days
  overdue first.
- 超过30天未处置: the open leads first raised (the ``started_at`` of their first run) more
  than 30 days before the report, the oldest first.
- 乡镇变化: the three counts of the month per township (``Published.changes``).
- 存在问题及请求帮助: the document's two other items (存在问题及困难, 请求帮助解决), headed, for the
  office to write (``api.period_report.sections_sheet``).

The workbook names no person of the cases (case ids, case types, places, statuses, days,
amounts and the staff responsible); for a role below auditor (``masked``) an ID, account or
mobile number typed into a 责任人, and an ID or account number in any other text but a case
id, is masked as the API masks it (``api.masking``). Every text is a text cell, never a
formula.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from api.ledgers import (
    DATE_HEADERS,
    DATE_WIDTH,
    SHARED_PAYMENTS_NOTE,
    chinese_date,
    filled_by,
    money_cells,
    text_cells,
    to_fen,
)
from api.masking import masked_row
from api.period_report import sections_sheet, titled_sheet
from api.published import CHANGES, STATUS_LABELS, Published
from models.case_types import CASE_LABELS, MONEY_TYPES

NOTE = "疑点仅为核查线索，不是处理决定。"
AMOUNT_NOTE = ("说明：追回/止付金额为本期核实属实疑点的线索所报涉及金额之和（疑点的“涉及金额”），"
               "不是据发放记录核算的实际追回数额。" + SHARED_PAYMENTS_NOTE)  # fmt: skip
LONG_OPEN_DAYS = 30
NO_AMOUNT = "—"  # a case type whose cases carry no amount at risk: none, not 0.00
CHANGE_HEADERS = ("新增", "已消除", "仍在")
# The money of the leads raised now, new and still raised, after the confirmed cases' (until
# 2026-12-07 (late) a report gave no money but the confirmed cases').
RAISED_MONEY = ("新增疑点涉及金额（元）", "仍在疑点涉及金额（元）")
TYPE_COLUMNS = ("疑点类型", *CHANGE_HEADERS, "本期核实属实（件）", "追回/止付金额（元）",
                *RAISED_MONEY)  # fmt: skip
CONFIRMED_COLUMNS = ("序号", "疑点编号", "疑点类型", "乡镇", "核实时间", "核实人", "核实时涉及金额（元）",
                     "现涉及金额（元）")  # fmt: skip
GREW_NOTE = ("“核实时涉及金额”为核实属实时线索所报的金额，“现涉及金额”为本次运行所报的金额；"
             "现涉及金额高于核实时的，说明核实后仍有发放，请核实是否已止付。")  # fmt: skip
OVERDUE_COLUMNS = ("序号", "疑点编号", "疑点类型", "乡镇", "责任人", "整改时限", "逾期天数",
                   "核查状态")  # fmt: skip
LONG_OPEN_COLUMNS = ("序号", "疑点编号", "疑点类型", "乡镇", "首次发现", "已历天数", "核查状态",
                     "责任人", "整改时限")  # fmt: skip
# The last column: the leads raised now (新增 + 仍在); a lead resolved is no longer one.
TOWNSHIP_COLUMNS = ("乡镇", *CHANGE_HEADERS, "本月疑点（新增＋仍在）")
# The items the 大姚 document asks of a month's report that no registry tells: the office's.
PROBLEMS_SHEET = "存在问题及请求帮助"
PROBLEMS_BASIS = (
    "依据：大姚县通知要求“工作开展情况应含工作进展情况、存在问题及困难、请求帮助解决等事项”。"
    "工作进展情况见“汇总”“逾期未处置”“超过30天未处置”“乡镇变化”表；以下两项无法从数据得出，"
    "由本单位填写后报送。"
)
PROBLEMS = ("一、存在问题及困难", "二、请求帮助解决的事项")
WIDTHS = {"疑点编号": 30, "疑点类型": 18, "核实时间": 18, "追回/止付金额（元）": 18,
          **dict.fromkeys(RAISED_MONEY, 20),
          **dict.fromkeys(DATE_HEADERS, DATE_WIDTH)}  # fmt: skip


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly report's workbook, and the figures the command line and the access log
    tell."""

    content: bytes
    run_id: str | None
    previous_run_id: str | None
    changes: dict[str, int]  # the totals ``new``, ``resolved`` and ``open``
    overdue: int
    long_open: int
    confirmed: int
    recovered: float  # the confirmed cases' amounts at risk
    resolved_causes: dict[str, int] = field(default_factory=dict)
    """The resolved cases by why they went away (``Published.resolved_cause``)."""
    rules: str | None = None
    """What the latest run changed in policy or link settings (``Published.rules_changed``)."""


def monthly_report(
    published: Published, *, masked: bool, unit: str | None = None, made: date | None = None,
    county: str | None = None,
) -> MonthlyReport:  # fmt: skip
    """The monthly report of the published runs (see the module docstring).

    Parameters
    ----------
    published : Published
        The published cases, runs and events so far.
    masked : bool
        Whether numbers in its texts are masked (for roles that may not see them): a
        责任人's with ``mask_typed``, a 核实人's with ``masked_field``.
    unit : str or None
        The 填报单位; left blank for the office to fill in when None.
    made : date or None
        The day of the report (填报时间, and the day days are counted to); today when None.
    county : str or None
        The county of a province drop ``published`` holds the cases of (named in the
        title), None for a whole drop.

    Returns
    -------
    MonthlyReport
        The XLSX file and its figures.
    """
    made = made or date.today()
    latest, previous = published.run_pair()
    since, until = _period(published, previous), _period(published, latest)
    confirmed = confirmed_cases(published, since, until)
    overdue, long_open = overdue_rows(published, made), long_open_rows(published, made)
    if masked:
        overdue = [masked_row(row, OVERDUE_COLUMNS) for row in overdue]
        long_open = [masked_row(row, LONG_OPEN_COLUMNS) for row in long_open]
    as_of = next((run.get("as_of") for run in published.published_runs if run["run_id"] == latest),
                 None)  # fmt: skip
    lines = _lines((latest, previous), as_of, unit, made,
                   published.county_names.get(county, county))  # fmt: skip
    book = Workbook()
    book.remove(book.active)
    # the period said above the table its counts are of, with the confirmations after it
    counted = (*lines[:2], f"{NOTE}{period_note(since, until, confirmed_cases(published, until))}")
    sheet = titled_sheet(
        book, "汇总", counted, TYPE_COLUMNS, type_rows(published, confirmed), WIDTHS
    )
    causes, rules = _resolved_causes(published), published.rules_changed()
    _summary_notes(sheet, published, (len(overdue), len(long_open)), confirmed, masked,
                   f"已消除的疑点 {sum(causes.values())} 件{causes_said(causes, rules)}。")  # fmt: skip
    # the table's amounts, and the two amounts of the confirmed cases under it
    amounts = {TYPE_COLUMNS.index(name) + 1 for name in ("追回/止付金额（元）", *RAISED_MONEY)}
    money_cells(sheet, amounts | {len(CONFIRMED_COLUMNS) - 1, len(CONFIRMED_COLUMNS)},
                first_row=len(lines) + 2)  # fmt: skip
    titled_sheet(book, "逾期未处置", lines, OVERDUE_COLUMNS, overdue, WIDTHS)
    titled_sheet(book, "超过30天未处置", lines, LONG_OPEN_COLUMNS, long_open, WIDTHS)
    titled_sheet(book, "乡镇变化", lines, TOWNSHIP_COLUMNS, township_rows(published), WIDTHS)
    sections_sheet(book, PROBLEMS_SHEET, lines, PROBLEMS_BASIS, PROBLEMS)
    changes = published.changes()
    recovered = reported_amount(confirmed)
    return MonthlyReport(_bytes(book), latest, previous, {k: changes[k] for k in CHANGES},
                         len(overdue), len(long_open), len(confirmed), recovered, causes,
                         rules)  # fmt: skip


def _resolved_causes(published: Published) -> dict[str, int]:
    """The month's resolved cases by why they went away (``CAUSES_SAID`` order)."""
    causes = Counter(published.resolved_cause(case) for case in published.cases.values()
                     if published.change(case) == "resolved")  # fmt: skip
    return {cause: causes[cause] for cause in CAUSES_SAID if causes[cause]}


def monthly_summary(report: MonthlyReport) -> str:
    """One line of the report's figures, for the clerk.

    Parameters
    ----------
    report : MonthlyReport
        The report.

    Returns
    -------
    str
        The month's changes, the overdue and long-open counts, the confirmed cases and
        their amount.

    Examples
    --------
    >>> report = MonthlyReport(b"", "r-2", "r-1", {"new": 3, "resolved": 2, "open": 9}, 1, 4,
    ...                        2, 1234.5, {"data": 2})
    >>> monthly_summary(report)
    '运行 r-2（与 r-1 相比）：新增疑点 3 件，已消除 2 件（均因数据变化），仍在 9 件；逾期未处置 1 件，超过30天未处置 4 件；本期核实属实 2 件，追回/止付金额 1,234.50 元（线索所报金额）。'
    >>> from dataclasses import replace
    >>> monthly_summary(replace(report, resolved_causes={"data": 1, "rules": 1},
    ...                         rules="归并阈值 0.95 → 1.0")).split("；")[0]
    '运行 r-2（与 r-1 相比）：新增疑点 3 件，已消除 2 件（因数据变化 1 件，因口径调整 1 件：本次运行口径有调整：归并阈值 0.95 → 1.0），仍在 9 件'
    """
    compared = f"与 {report.previous_run_id} 相比" if report.previous_run_id else "首次运行"
    changes = report.changes
    return (f"运行 {report.run_id}（{compared}）：新增疑点 {changes['new']} 件，已消除 "
            f"{changes['resolved']} 件{causes_said(report.resolved_causes, report.rules)}，"
            f"仍在 {changes['open']} 件；"
            f"逾期未处置 {report.overdue} 件，超过30天未处置 {report.long_open} 件；"
            f"本期核实属实 {report.confirmed} 件，"
            f"追回/止付金额 {report.recovered:,.2f} 元（线索所报金额）。")  # fmt: skip


# The resolved leads' causes as the report says them (``Published.resolved_cause``).
CAUSES_SAID = {"data": "因数据变化", "rules": "因口径调整", "data_and_rules": "因数据变化及口径调整",
               "relinked": "因人员标注改变关联"}  # fmt: skip


def causes_said(causes: dict[str, int], rules: str | None) -> str:
    """Why the month's resolved leads went away, in brackets, with the rules the latest run
    changed (until 2026-12-08 the report called every one 因数据变化消除: a blind tester's
    threshold raised to 1.0 closed 13 leads as data changes).

    Parameters
    ----------
    causes : dict of str to int
        Each cause's count (keys of ``CAUSES_SAID``).
    rules : str or None
        What the latest run changed in policy or link settings (``Published.rules_changed``).

    Returns
    -------
    str
        ``（均因数据变化）``, ``（因数据变化 1 件，因口径调整 1 件：本次运行口径有调整：…）``, or empty
        when none resolved.
    """
    if not causes:
        return ""
    if set(causes) == {"data"}:
        return "（均因数据变化）"
    said = "，".join(f"{CAUSES_SAID[cause]} {count} 件" for cause, count in causes.items())
    changed = f"：本次运行口径有调整：{rules}" if rules else ""
    return f"（{said}{changed}）"


def reported_amount(confirmed: list[tuple[dict[str, Any], dict[str, Any]]]) -> float:
    """The sum of the confirmed cases' amounts at risk, to the fen.

    Parameters
    ----------
    confirmed : list of tuple
        Cases with the decision that confirmed them (``confirmed_cases``).

    Returns
    -------
    float
        Their amounts at risk added, in yuan rounded to the fen (a case with none adds 0).

    Examples
    --------
    >>> reported_amount([({"amount_at_risk": 0.1}, {}), ({"amount_at_risk": 0.2}, {}),
    ...                  ({"amount_at_risk": None}, {})])
    0.3
    """
    return round(sum(case["amount_at_risk"] or 0.0 for case, _ in confirmed), 2)


def period_note(since: datetime | None, until: datetime | None,
                later: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:  # fmt: skip
    """What the report's 本期核实属实 counts: the confirmations between the two runs'
    publications, and those made since the latest run, which the next report counts (the
    review page and the 汇总表 count every case by its status now).

    Parameters
    ----------
    since, until : datetime or None
        The period (``confirmed_cases``): the previous run's publication (None: from the
        beginning) and the latest run's (None: no run).
    later : list of tuple
        The cases confirmed after ``until``.

    Returns
    -------
    str
        The sentence, in Chinese.

    Examples
    --------
    >>> period_note(None, datetime(2026, 10, 1, 10), [({"amount_at_risk": 3280.0}, {})])
    '本表“本期核实属实”“追回/止付金额”只计截至2026-10-01 10:00（本次运行发布）的核实；此后又核实属实 1 件（线索所报金额 3,280.00 元），计入下期报告（审核页面“汇总”和乡镇汇总表按当前核查状态统计，已含这些疑点）。'
    """
    end = f"{until:%Y-%m-%d %H:%M}（本次运行发布）" if until else "今天"
    span = f"{since:%Y-%m-%d %H:%M}（上次运行发布）至{end}之间" if since else f"截至{end}"
    counted = f"本表“本期核实属实”“追回/止付金额”只计{span}的核实"
    if not later:
        return f"{counted}；其后的核实计入下期报告。"
    return (f"{counted}；此后又核实属实 {len(later)} 件（线索所报金额 {reported_amount(later):,.2f} 元），"
            "计入下期报告（审核页面“汇总”和乡镇汇总表按当前核查状态统计，已含这些疑点）。")  # fmt: skip


def confirmed_at(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The decision that first confirmed a case now confirmed (属实): a case reopened and
    confirmed again is counted in the period it was first confirmed in, so that a year's
    reports count each case once.

    Parameters
    ----------
    events : list of dict
        The case's history, oldest first.

    Returns
    -------
    dict or None
        The first decision that moved the case to ``confirmed``, when that is still its
        status; None otherwise.

    Examples
    --------
    >>> events = [{"kind": "decision", "from_status": "open", "to_status": "in_review"},
    ...           {"kind": "decision", "from_status": "in_review", "to_status": "confirmed"},
    ...           {"kind": "assignment", "from_status": "confirmed", "to_status": "confirmed"}]
    >>> confirmed_at(events)["from_status"]
    'in_review'
    >>> confirmed_at(events[:1]) is None
    True
    >>> again = [*events, {"kind": "decision", "from_status": "confirmed", "to_status": "in_review",
    ...                    "recorded_at": 2},
    ...          {"kind": "decision", "from_status": "in_review", "to_status": "confirmed",
    ...           "recorded_at": 3}]
    >>> confirmed_at(again) is events[1]
    True
    """
    if not events or events[-1]["to_status"] != "confirmed":
        return None
    return next((event for event in events
                 if event.get("kind", "decision") == "decision"
                 and event["to_status"] == "confirmed"
                 and event["from_status"] != "confirmed"), None)  # fmt: skip


def confirmed_cases(
    published: Published, since: datetime | None, until: datetime | None = None
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The cases confirmed (属实) in the period, resolved by data since or not, each as the
    run in force when it was confirmed published it (its amount then: the money found, not
    what a later run adds).

    Parameters
    ----------
    published : Published
        The published cases, runs and events.
    since, until : datetime or None
        The period: after ``since`` (the previous run's publication; from the beginning
        when None), up to ``until`` (the latest run's; no end when None). A confirmation
        after the latest run falls in the next report's period, so each is counted once.

    Returns
    -------
    list of tuple
        Each case with the decision that confirmed it, by time of confirmation.
    """
    found = []
    for case_id, events in published.history.items():
        event, case = confirmed_at(events), published.cases.get(case_id)
        if event is None or case is None:
            continue
        at = event["recorded_at"]
        if (since is None or at > since) and (until is None or at <= until):
            found.append((published.case_as_of(case_id, at) or case, event))
    return sorted(found, key=lambda pair: (pair[1]["recorded_at"], pair[0]["case_id"]))


def type_rows(
    published: Published, confirmed: list[tuple[dict[str, Any], dict[str, Any]]]
) -> list[list]:
    """The 汇总 table: per case type, the month's changes and the confirmed cases' amounts.

    Parameters
    ----------
    published : Published
        The published cases and runs.
    confirmed : list of tuple
        The cases confirmed in the period (``confirmed_cases``).

    Returns
    -------
    list of list
        One row per case type in ``TYPE_COLUMNS`` order, then 合计; the amount of a type
        whose cases carry none (``MONEY_TYPES``) is ``NO_AMOUNT``.
    """
    counts = {kind: dict.fromkeys(CHANGES, 0) for kind in CASE_LABELS}
    fen = {kind: dict.fromkeys(("confirmed", "new", "open"), 0) for kind in CASE_LABELS}
    for case in published.cases.values():
        change = published.change(case)
        if change is not None and case["case_type"] in counts:
            counts[case["case_type"]][change] += 1
            if change != "resolved":  # a lead resolved is no longer one: no money
                fen[case["case_type"]][change] += to_fen(case["amount_at_risk"])
    confirmed_counts = dict.fromkeys(CASE_LABELS, 0)
    for case, _ in confirmed:
        if case["case_type"] in counts:
            confirmed_counts[case["case_type"]] += 1
            fen[case["case_type"]]["confirmed"] += to_fen(case["amount_at_risk"])
    rows = [[label, *(counts[kind][c] for c in CHANGES), confirmed_counts[kind],
             *(_yuan(fen[kind][part]) if kind in MONEY_TYPES else NO_AMOUNT
               for part in ("confirmed", "new", "open"))]
            for kind, label in CASE_LABELS.items()]  # fmt: skip
    total = [sum(row[i] for row in rows) for i in range(1, len(CHANGE_HEADERS) + 2)]
    money = [_yuan(sum(fen[kind][part] for kind in MONEY_TYPES))
             for part in ("confirmed", "new", "open")]  # fmt: skip
    return [*rows, ["合计", *total, *money]]


def _yuan(fen: int) -> float:
    """A sum of whole fen as 元."""
    return fen / 100


def overdue_rows(published: Published, today: date) -> list[list]:
    """逾期未处置: the cases past their 整改时限 and not closed.

    Parameters
    ----------
    published : Published
        The published cases and events.
    today : date
        The day overdue is judged on and days are counted to.

    Returns
    -------
    list of list
        One row per case in ``OVERDUE_COLUMNS`` order, most days overdue first, numbered.
    """
    found = []
    for case_id, case in published.cases.items():
        if published.overdue(case_id, today):
            assigned = published.assignments[case_id]
            found.append([case_id, CASE_LABELS.get(case["case_type"], case["case_type"]),
                          published.township_of(case), assigned["assignee"],
                          _day(assigned["due_date"]), (today - assigned["due_date"]).days,
                          STATUS_LABELS[published.status(case_id)]])  # fmt: skip
    found.sort(key=lambda row: (-row[5], row[0]))
    return [[number, *row] for number, row in enumerate(found, 1)]


def long_open_rows(published: Published, today: date) -> list[list]:
    """超过30天未处置: open leads first raised more than ``LONG_OPEN_DAYS`` days before ``today``.

    Parameters
    ----------
    published : Published
        The published cases, runs and events.
    today : date
        The day days are counted to.

    Returns
    -------
    list of list
        One row per case in ``LONG_OPEN_COLUMNS`` order, the oldest first, numbered.
    """
    found = []
    for case_id, case in published.cases.items():
        raised = published.first_raised(case)
        if raised is None or published.closed(case_id):
            continue
        days = (today - raised.date()).days
        if days > LONG_OPEN_DAYS:
            assigned = published.assignments.get(case_id) or {}
            found.append([case_id, CASE_LABELS.get(case["case_type"], case["case_type"]),
                          published.township_of(case), _day(raised), days,
                          STATUS_LABELS[published.status(case_id)], assigned.get("assignee") or "",
                          _day(assigned.get("due_date"))])  # fmt: skip
    found.sort(key=lambda row: (-row[4], row[0]))
    return [[number, *row] for number, row in enumerate(found, 1)]


def township_rows(published: Published) -> list[list]:
    """乡镇变化: the month's changes per township (``Published.changes``).

    Parameters
    ----------
    published : Published
        The published cases and runs.

    Returns
    -------
    list of list
        One row per township in ``TOWNSHIP_COLUMNS`` order (the last: the leads raised now,
        new and still raised), then 合计 (none without changes).
    """
    rows = [[township, *(line[kind] for kind in CHANGES), line["new"] + line["open"]]
            for township, line in published.changes()["by_township"].items()]  # fmt: skip
    if rows:
        rows.append(["合计", *(sum(row[i] for row in rows) for i in range(1, 5))])
    return rows


def _period(published: Published, run_id: str | None) -> datetime | None:
    """When run ``run_id`` was published (None for no run): the bound of a period."""
    runs = {run["run_id"]: run for run in published.published_runs}
    return runs[run_id]["finished_at"] if run_id in runs else None


def _lines(runs: tuple[str | None, str | None], as_of: date | None, unit: str | None,
           made: date, county: str | None = None) -> tuple:  # fmt: skip
    """The report's title (the month its data are of and their day: a report is filed for a
    month, 一月一报告; until 2026-12-07 it named the run and the day it was made), the line
    of 填报单位, 填报时间 and the runs compared, and the note."""
    latest, previous = runs
    month = f"{as_of.year}年{as_of.month}月" if as_of else ""
    of = "，".join(part for part in (f"区县 {county}" if county else "",
                                     f"数据截至{chinese_date(as_of)}" if as_of else "") if part)  # fmt: skip
    title = f"{unit or ''}{month}兜底疑点月度分析报告" + (f"（{of}）" if of else "")
    runs = f"本次运行：{latest or '无'}　　上次运行：{previous or '无（首次运行）'}"
    filled = "　　".join([*filled_by(unit, made), runs])
    return title, filled, NOTE


def _summary_notes(sheet: Worksheet, published: Published, lists: tuple[int, int],
                   confirmed: list, masked: bool, resolved: str) -> None:  # fmt: skip
    """Under the 汇总 table: the note on amounts, why the resolved leads went away
    (``resolved``), the two lists' counts (overdue, long open), and the confirmed cases one
    by one (the period is said above the table)."""
    overdue, long_open = lists
    sheet.append([])
    for line in (AMOUNT_NOTE, resolved,
                 f"逾期未处置 {overdue} 件（见“逾期未处置”表）；超过30天未处置 {long_open} 件"
                 "（见“超过30天未处置”表）。", "", "本期核实属实的疑点", GREW_NOTE):  # fmt: skip
        sheet.append(text_cells(sheet, [line]) if line else [])
    sheet.append(text_cells(sheet, list(CONFIRMED_COLUMNS)))
    for number, (case, event) in enumerate(confirmed, 1):
        row = [number, case["case_id"], CASE_LABELS.get(case["case_type"], case["case_type"]),
               published.township_of(case), f"{event['recorded_at']:%Y-%m-%d %H:%M}",
               event["actor"], case["amount_at_risk"], _amount_now(published, case)]  # fmt: skip
        sheet.append(text_cells(sheet, masked_row(row, CONFIRMED_COLUMNS) if masked else row))


def _amount_now(published: Published, case: dict[str, Any]) -> float | None:
    """A confirmed case's amount at risk as the latest run that raised it reports it."""
    return published.cases.get(case["case_id"], case)["amount_at_risk"]


def _day(value: date | datetime | None) -> date | None:
    """A day as a date cell (a spreadsheet sorts and filters it as a date, not as text)."""
    return value.date() if isinstance(value, datetime) else value


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
