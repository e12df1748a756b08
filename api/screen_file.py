"""A month's payment list (发放表) screened before it goes to the bank, written back as the
same file: same format, same rows in the same order, title and 合计 rows untouched, with two
columns added after the last header column — ``审核结果`` (通过 / 暂缓) and ``暂缓原因`` —
filled on the data rows only. The checks are ``models.screening``'s; reading the file is
ingest's (``resolver.ingest.read_registry_file``). A hold is a prompt to check before paying,
never a stop order: every held line's reason, the summary and the command say so.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from models.publish import run_policy, working_run
from models.screening import (
    AMOUNT_BLANK,
    CARRIED,
    CASE_BLANK,
    CASE_NOT_FOUND,
    EXTRA,
    FUND,
    HOLD,
    NOTE,
    PASS,
    PROGRAM_TEXT,
    Decision,
    Hold,
    Released,
    cases_of_payees,
    cases_written_otherwise,
    counted_with_case,
    screen_payments,
    summary,
)
from resolver.case_numbers import joined_note
from resolver.db import column_names, table_names
from resolver.errors import DoudiError, InputError
from resolver.funds import fund_categories
from resolver.headers import Vocabulary
from resolver.identity import database_key
from resolver.ingest import drop_counties, numbered_in, read_registry_file, resolve_county
from resolver.layout import is_blank, skip_reason
from resolver.outputs import write_whole
from resolver.quality import problem_label
from resolver.reading import decode, delimiter_of, row_texts
from resolver.registries import column_header
from resolver.tables import NOTE_HEADERS, Source
from resolver.workbook_xml import SheetCells, inert_text, table_width, with_text_cells

logger = logging.getLogger(__name__)

RESULT_HEADER, REASON_HEADER = "审核结果", "暂缓原因"


@dataclass(frozen=True)
class PaymentList:
    """A payment file as read: its tables (one per sheet, or the CSV) and all their lines,
    normalised, in file order (``source_no``, ``row_no`` say where each line is)."""

    path: Path
    sources: list[Source]
    lines: pa.Table


@dataclass(frozen=True)
class Screening:
    """A payment file screened: its lines' decisions (in the lines' order), the summary
    (``models.screening.summary``) and each line's case number as the database holds it
    (``case_nos``: ``<county>/<number>`` in a province's; what releases are known by)."""

    payments: PaymentList
    decisions: list[Decision]
    summary: dict
    case_nos: list[str | None]


CASE_STAND_INS = {"case_no": ("payee_id_number", "bank_account")}
"""A list without 救助证号 is screened when it gives the payee's ID or account, by which each
line's case is found (``models.screening.cases_of_payees``)."""


def read_payment_list(path: Path, vocabulary: Vocabulary | None = None) -> PaymentList:
    """Read a payment file (CSV or XLSX as offices export it) as the ``payments`` registry.

    Parameters
    ----------
    path : Path
        The file.
    vocabulary : Vocabulary or None
        The headers to recognise (with the county's own, ``--columns``); built-in when None.

    Returns
    -------
    PaymentList
        Its tables and lines.

    Raises
    ------
    InputError, InputErrors
        If the file cannot be used (naming file, sheet, rows and column).
    """
    sources = read_registry_file(Path(path), "payments", vocabulary=vocabulary,
                                 stand_ins=CASE_STAND_INS)  # fmt: skip
    lines = pa.concat_tables([_screened_lines(source) for source in sources],
                             promote_options="default")  # fmt: skip
    return PaymentList(Path(path), sources, lines)


def _screened_lines(source: Source) -> pa.Table:
    """A table's lines as screened: where the list has 应发 beside the 实发 read and 实发 is
    still blank (a list before the bank is paid), the amount is 应发's, noted; and per line
    whether its amount is counted on an earlier line of its merged range (``merged``: the
    finding ``amount_merged_once``, or 应发 merged where 实发 is blank), whether its amount
    cell is blank (``AMOUNT_BLANK``: a member's line beside the one carrying his case's), and
    its 救助类型 and fund category as written (``PROGRAM_TEXT``, ``FUND``: a line of another
    fund, 取暖费 …, is no 低保 or 特困 money) and its cells beside the contract's (``EXTRA``:
    the 补发 months a note names are judged as those months)."""
    lines = source.normalised
    merged_rows = {row for table in source.findings
                   for row, problem in zip(table.column("row_no").to_pylist(),
                                           table.column("problem").to_pylist(), strict=True)
                   if problem == "amount_merged_once"}  # fmt: skip
    merged = pc.is_in(lines["row_no"], pa.array(sorted(merged_rows), pa.int64()))
    if source.owed is not None:
        unpaid = pa.array(is_blank(source.raw["amount"].combine_chunks()))
        owed = pc.and_(unpaid, pc.or_(pc.is_valid(source.owed["amount"]), source.owed["merged"]))
        if pc.any(owed).as_py():
            amount = pc.if_else(owed, source.owed["amount"], lines["amount"])
            lines = lines.set_column(lines.column_names.index("amount"), "amount", amount)
            merged = pc.or_(merged, pc.and_(owed, source.owed["merged"]))
            paid = next(header for header, name in source.mapping if name == "amount")
            source.notes.append(f"列「{paid.strip()}」有 {pc.sum(owed).as_py()} 个空格（发放前尚未"
                                "填写实发金额）：按同一行的应发金额核对")  # fmt: skip
    blank = pc.and_(pa.array(is_blank(source.raw["amount"].combine_chunks())),
                    pc.is_null(lines["amount"]))  # fmt: skip
    return (
        lines.append_column("merged", merged)
        .append_column(AMOUNT_BLANK, blank)
        .append_column(PROGRAM_TEXT, source.raw["program"])
        .append_column(FUND, fund_categories(source.raw["extra"].combine_chunks()))
        .append_column(EXTRA, source.raw["extra"])
    )


def screen_file(
    con: duckdb.DuckDBPyConnection, path: Path, vocabulary: Vocabulary | None = None,
    county: str | None = None,
) -> Screening:  # fmt: skip
    """Screen a payment file against the published run of ``con``, under the run's policy.
    In a province's database the file is one county's, and says which (``county``): its
    救助证号 are that county's.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database (``doudi run``'s output).
    path : Path
        The payment file.
    vocabulary : Vocabulary or None
        The headers to recognise; built-in when None.
    county : str or None
        The county the file is of, in a province's database; None in a county's.

    Returns
    -------
    Screening
        The decisions and the summary.

    Raises
    ------
    DoudiError
        If the database holds no published run, or ``county`` is missing for a province's
        database or not one of its counties; ``InputError`` if the file cannot be used.
    """
    if "runs" not in table_names(con):
        raise DoudiError("数据库中没有运行记录：请先运行 `doudi run`")
    run_id = working_run(con)
    policy = run_policy(con, run_id)
    county = _county_of_file(con, county)  # before the file is read: it may be large
    payments = read_payment_list(path, vocabulary)
    lines = _in_county(payments.lines, county)
    lines, found_by = _cases_looked_up(con, payments, lines)
    lines, written_otherwise = cases_written_otherwise(con, lines)
    decisions = screen_payments(con, lines, policy, run_id=run_id,
                                dismissed=_dismissed(con))  # fmt: skip
    decisions = [_saying_how_found(decision, found_by[decision.line])
                 if decision.line in found_by else decision for decision in decisions]  # fmt: skip
    decisions = [_saying_how_read(decision, *written_otherwise[decision.line])
                 if decision.line in written_otherwise else decision
                 for decision in decisions]  # fmt: skip
    case_nos = lines.column("case_no").to_pylist()
    decisions = carry_releases(decisions, case_nos, released_holds(con), database_key(con))
    counted_on = household_lines(payments)
    decisions = [replace(decisions[counted_on[decision.line]], line=decision.line)
                 if decision.line in counted_on else decision for decision in decisions]  # fmt: skip
    found = summary(
        decisions,
        payments.lines.column("pay_month").to_pylist(),
        payments.lines.column("amount").to_pylist(),
    )
    read_as = _read_as(payments)
    if note := joined_note(list(written_otherwise.values())):
        read_as["notes"].append(note)
    if found_by:
        unfound = sum(1 for case_no, _ in found_by.values() if case_no is None)
        read_as["notes"].append(f"表中没有救助证号：{len(found_by) - unfound} 行按领款人身份证号或银行账号"
                                f"查到案件，{unfound} 行未找到（暂缓：无法核对）")  # fmt: skip
    with_case = counted_with_case(lines)
    if with_case:
        read_as["notes"].append(f"{len(with_case)} 行发放金额为空、同一案件同月另有一行列出金额："
                                "这些行的金额计在该行，按案件合计核对")  # fmt: skip
    if counted_on:
        rows = payments.lines.select(["source_no", "row_no"]).take(list(counted_on))
        members = len(set(zip(*rows.to_pydict().values(), strict=True)))
        read_as["notes"].append(f"金额跨行合并的同户其余 {members} 行不单独核对，审核结果随"
                                "合并区域第一行（金额计在该行）")  # fmt: skip
    return Screening(payments, decisions, {**found, **read_as, "file": str(path),
                                           "run_id": run_id}, case_nos)  # fmt: skip


def _cases_looked_up(con: duckdb.DuckDBPyConnection, payments: PaymentList, lines: pa.Table
                     ) -> tuple[pa.Table, dict[int, tuple[str | None, str | None]]]:  # fmt: skip
    """The lines with the case of each line of a table without 救助证号 (a bank's 代发 file)
    looked up by its payee's ID or account (``cases_of_payees``), and, per line looked up,
    its case and the key that found it ((None, None): not found)."""
    without = {number for number, source in enumerate(payments.sources)
               if "case_no" not in {name for _, name in source.mapping}}  # fmt: skip
    if not without:
        return lines, {}
    numbers = lines.column("source_no").to_pylist()
    looked_up = [line for line, number in enumerate(numbers) if number in without]
    found = cases_of_payees(con, lines)
    cases = lines.column("case_no").to_pylist()
    for line in looked_up:
        cases[line] = found[line][0]
    index = lines.column_names.index("case_no")
    lines = lines.set_column(index, "case_no", pa.array(cases, pa.string()))
    return lines, {line: found[line] for line in looked_up}


def _saying_how_found(decision: Decision, found: tuple[str | None, str | None]) -> Decision:
    """A looked-up line's decision, its holds saying how its case was found, or that none
    was (in place of 救助证号为空)."""
    case_no, how = found
    if case_no is None:
        holds = tuple(replace(hold, text=hold.text.replace(CASE_BLANK, CASE_NOT_FOUND))
                      for hold in decision.holds)  # fmt: skip
    else:
        holds = tuple(replace(hold, text=f"{hold.text}（表中没有救助证号，按{how}查得案件 {case_no}）")
                      for hold in decision.holds)  # fmt: skip
    return replace(decision, holds=holds)


def _saying_how_read(decision: Decision, written: str, on_roster: str) -> Decision:
    """The decision of a line whose 救助证号 the roster writes otherwise, its holds saying
    which case it was read as (``cases_written_otherwise``)."""
    said = (f"（救助证号 {written} 与名册中唯一一个案件 {on_roster} 去掉前导 0、连字符等后相同、"
            "领款人也相符，按该案件核对）")  # fmt: skip
    return replace(decision, holds=tuple(replace(hold, text=hold.text + said)
                                         for hold in decision.holds))  # fmt: skip


def household_lines(payments: PaymentList) -> dict[int, int]:
    """The lines whose amount is a household's merged down over its members' rows and counted
    on the first row of the merged range (``merged``: ``resolver.tables``), each with the
    line of that first row of the same table and month: the household's payment is that
    line's, and its members' lines take its result. A ledger with a column per month has a
    line per row and month, a month's column merged on its own: a member's 8月 takes the
    household's 8月, its 10月 the household's 10月.

    Parameters
    ----------
    payments : PaymentList
        The file as read.

    Returns
    -------
    dict of int to int
        Line (index in ``payments.lines``) to the line its amount is counted on.
    """
    numbers = payments.lines.column("source_no").to_pylist()
    months = payments.lines.column("pay_month").to_pylist()
    merged = payments.lines.column("merged").to_pylist()
    counted_on, first = {}, {}
    for line, (key, member) in enumerate(zip(zip(numbers, months, strict=True), merged,
                                             strict=True)):  # fmt: skip
        if not member:
            first[key] = line  # a merged range's rows follow its first one, in file order
        elif key in first:
            counted_on[line] = first[key]
    return counted_on


# Columns no screening reads, named in no note: a row's number, a screening's own columns.
NOT_READ_ALONE = ("序号", "栏次", RESULT_HEADER, REASON_HEADER)


def _read_as(payments: PaymentList) -> dict:
    """How the file was read beyond its lines: each row not read as a line (a title, a 合计
    row, a blank row…) with its sheet and why, the reader's notes (which of two amount
    columns was taken, the columns no header Doudi knows names), and how many values of each column had each problem (an account a
    spreadsheet turned into a float cannot be checked for sharing)."""
    rows = dict.fromkeys(
        (source.sheet, row, reason) for source in payments.sources for row, reason in source.skipped
    )  # a title above tables side by side: once
    skipped = [{"sheet": sheet, "row": row, "reason": skip_reason(reason)}
               for sheet, row, reason in rows]  # fmt: skip
    # a note every sheet makes alike (no 记录编号 column): once
    notes = list(dict.fromkeys(note for source in payments.sources for note in source.notes))
    unread = dict.fromkeys(label for source in payments.sources for label in source.unmapped
                           if label not in NOT_READ_ALONE)  # fmt: skip
    if unread:
        notes.append("未能识别的列（未读取，原样保留）：" + "、".join(f"「{label}」" for label in unread)
                     + _back_pay_unread(list(unread)) + "；列名另有写法时，可用 --columns 对照文件指定")  # fmt: skip
    found: dict[tuple, list[str]] = defaultdict(list)  # (column, problem): the rows, as shown
    for source in payments.sources:
        sheet = f"「{source.sheet}」" if source.sheet else ""
        for table in source.findings:
            for column, problem, row in zip(table.column("column_name").to_pylist(),
                                            table.column("problem").to_pylist(),
                                            table.column("row_no").to_pylist(), strict=True):  # fmt: skip
                found[(column, problem)].append(f"{sheet}第 {row} 行")
    problems = [{"column": column_header("payments", column), "problem": problem_label(problem),
                 "count": len(rows), "rows": rows[:SHOWN_PROBLEM_ROWS]}
                for (column, problem), rows in sorted(found.items())]  # fmt: skip
    return {"skipped": skipped, "notes": notes, "problems": problems}


def _back_pay_unread(unread: list[str]) -> str:
    """What the note on columns not read says of a column of free notes (备注 …): the 补发 or
    quarter's months it names are judged as those months, as a run reads the ledger's
    (``models.amounts.case_parts``); until 2026-12-07 a screening read no note.

    >>> _back_pay_unread(["乡镇", "备注"])
    '；「备注」中写明的补发或按季发放的月份（如“补发2026年6月”“2026年7-9月”）按所写月份审核'
    >>> _back_pay_unread(["乡镇"])
    ''
    """
    notes = [label for label in unread if any(word in label for word in NOTE_HEADERS)]
    if not notes:
        return ""
    named = "、".join(f"「{label}」" for label in notes)
    return f"；{named}中写明的补发或按季发放的月份（如“补发2026年6月”“2026年7-9月”）按所写月份审核"


def _county_of_file(con: duckdb.DuckDBPyConnection, county: str | None) -> str | None:
    """The county ``county`` names, as the database stores it (``resolve_county``); None in a
    county's database. A province's database needs one."""
    if county is None and (counties := drop_counties(con)):
        raise DoudiError("这是多个区县的数据库：请指明发放表所属区县（命令行用 --county，"
                         "接口用 ?county=，审核页面选择“所属区县”；可选："
                         f"{'、'.join(counties)}）")  # fmt: skip
    return resolve_county(con, county)


def _in_county(lines: pa.Table, county: str | None) -> pa.Table:
    """The lines with their 救助证号 as the database holds them: ``<county>/<number>`` in a
    province's database (``county`` as it stores it)."""
    if county is None:
        return lines
    index = lines.column_names.index("case_no")
    return lines.set_column(index, "case_no", numbered_in(county, lines["case_no"]))


def _dismissed(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The cases whose latest review decision dismissed them (no longer open leads)."""
    if "case_events" not in table_names(con):
        return set()
    rows = con.execute(
        "SELECT case_id FROM case_events WHERE kind = 'decision' "
        "QUALIFY row_number() OVER (PARTITION BY case_id ORDER BY event_id DESC) = 1 "
        "AND to_status = 'dismissed'"
    ).fetchall()
    return {case_id for (case_id,) in rows}


def release_key(secret: str, case_no: str | None, hold: Hold) -> str:
    """What a release (核实后放行) of a hold is known by in later screenings: a digest, keyed
    with the database's secret (``resolver.identity.database_key``), of the line's case number
    as the database holds it, the hold's kind and its basis (``Hold.basis``), in full. A
    screening stores case numbers masked, and two 救助证号 made of ``DB`` and an ID number
    mask alike (``DB532326***********0``) where their cases are not one; the digest tells
    them apart, and without the secret cannot be traced back to a number.

    Parameters
    ----------
    secret : str
        The database's secret.
    case_no : str or None
        The line's case number (``Screening.case_nos``).
    hold : Hold
        A hold of a ``CARRIED`` kind.

    Returns
    -------
    str
        The digest, in hex.

    Examples
    --------
    >>> held = Hold("amount", "金额不符", ("910.00", "455.00"))
    >>> release_key("k", "DB532326195601016870", held) == release_key(
    ...     "k", "DB532326198803120010", held)
    False
    """
    text = "\x1f".join((case_no or "", hold.kind, *hold.basis))
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def release_keys(decision: Decision, case_no: str | None, secret: str) -> list[str]:
    """The ``release_key`` of each of a line's holds a release carries over (``CARRIED``).

    Parameters
    ----------
    decision : Decision
        The line's decision.
    case_no : str or None
        The line's case number as the database holds it.
    secret : str
        The database's secret.

    Returns
    -------
    list of str
        The keys, in the holds' order.
    """
    return [release_key(secret, case_no, hold) for hold in decision.holds
            if hold.kind in CARRIED]  # fmt: skip


def released_holds(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The holds whose latest clearing in stored screenings released them (核实后放行), of the
    kinds a release carries over: each as its ``release_key``, with the words naming that
    release — its day, who, and the screening — never the reviewer's note (analysts do not
    see notes). A hold released in one screening and kept (确认暂缓) in a later one is not
    released: each line counts by its latest clearing, and the latest line's clearing rules.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database; the API's screenings are stored in it (none: an empty dict).

    Returns
    -------
    dict
        ``release_key``: the words naming the release.
    """
    stored = "screening_events" in table_names(con)
    if not stored or "release_keys" not in column_names(con, "screening_lines"):
        return {}
    rows = con.execute("""
        SELECT l.release_keys, e.outcome, e.actor, e.recorded_at, e.screening_id
        FROM screening_events e JOIN screening_lines l USING (screening_id, line_no)
        WHERE l.release_keys IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY e.screening_id, e.line_no
                                   ORDER BY e.event_id DESC) = 1
        ORDER BY e.recorded_at, e.event_id
    """).fetchall()  # fmt: skip
    released = {}
    for keys, outcome, actor, recorded_at, screening_id in rows:
        words = f"{recorded_at:%Y-%m-%d} {actor} 核实后放行，见发放前审核第 {screening_id} 号"
        for key in json.loads(keys):
            if outcome == "released":
                released[key] = words  # the latest release last
            else:
                released.pop(key, None)
    return released


def carry_releases(
    decisions: list[Decision], case_nos: Sequence[str | None], released: Mapping[str, str],
    secret: str,
) -> list[Decision]:  # fmt: skip
    """The decisions with each hold an earlier release covers moved to ``released``: a hold
    of a ``CARRIED`` kind (a shared account, an amount) of the same case on the same basis
    (the same other cases of the account; the same amounts paid and owed) as a hold a
    reviewer released (the same ``release_key``). A line left with no hold passes, its
    reasons naming the release; a hold on anything new (another case on the account, another
    amount) holds again.

    Parameters
    ----------
    decisions : list of Decision
        The screening's decisions, in the lines' order.
    case_nos : sequence of str or None
        Each line's case number as the database holds it.
    released : mapping
        ``released_holds``'s.
    secret : str
        The database's secret.

    Returns
    -------
    list of Decision
        The decisions, in the same order.

    Examples
    --------
    >>> held = Decision(0, (Hold("account", "账号共用", ("DB2",)),))
    >>> released = {release_key("k", "DB1", held.holds[0]): "x"}
    >>> [d.result for d in carry_releases([held], ["DB1"], released, "k")]
    ['通过']
    >>> [d.result for d in carry_releases([held], ["DB3"], released, "k")]
    ['暂缓']
    """
    if not released:
        return decisions
    carried = []
    for decision in decisions:
        case_no = case_nos[decision.line]
        kept, covered = [], []
        for hold in decision.holds:
            by = hold.kind in CARRIED and released.get(release_key(secret, case_no, hold))
            if by:
                covered.append(Released(hold, by))
            else:
                kept.append(hold)
        carried.append(replace(decision, holds=tuple(kept), released=tuple(covered)))
    return carried


def cell_texts(decision: Decision) -> tuple[str, str]:
    """The two cells a line gets: ``审核结果`` and ``暂缓原因`` (which ends, for a held line,
    with the note that a hold is no stop order).

    Parameters
    ----------
    decision : Decision
        The line's decision.

    Returns
    -------
    tuple of str
        ``("通过", "")``, ``("通过", reasons)`` for a line earlier releases or its own
        amount kept from a hold (naming them), or ``("暂缓", reasons)``.

    Examples
    --------
    >>> from models.screening import Hold
    >>> cell_texts(Decision(0, (Hold("amount", "金额不符"),)))
    ('暂缓', '发放金额与类别人数不符：金额不符。暂缓仅为发放前核实提示，不是停发决定')
    """
    if not decision.holds:
        return decision.result, decision.reasons
    return decision.result, f"{decision.reasons}。{NOTE}"


def row_cells(lines: Sequence[tuple[str | None, tuple[str, str]]]) -> tuple[str, str]:
    """The two cells of a row of the file from those of its lines (each with its pay month):
    a row of one line gets the line's; a row of several (a ledger with a column per month,
    each month's amount a line) is 暂缓 when any of its lines is, and its reason names each
    month with a reason, in the file's order, the note that a hold is no stop order once.

    Parameters
    ----------
    lines : sequence of (str or None, (str, str))
        The row's lines: the pay month (None when unread) and the line's two cells.

    Returns
    -------
    tuple of str
        The row's ``审核结果`` and ``暂缓原因``.

    Examples
    --------
    >>> row_cells([("2024-01", ("暂缓", f"无法核对：x。{NOTE}")), ("2024-02", ("通过", ""))])
    ('暂缓', '2024-01：无法核对：x。暂缓仅为发放前核实提示，不是停发决定')
    """
    if len(lines) == 1:
        return lines[0][1]
    results = {result for _, (result, _) in lines}
    result = HOLD if HOLD in results else PASS
    reasons = "；".join(f"{month or '月份不明'}：{text.removesuffix(f'。{NOTE}')}"
                       for month, (_, text) in lines if text)  # fmt: skip
    return result, (f"{reasons}。{NOTE}" if result == HOLD else reasons)


def write_screened(screening: Screening, out: Path,
                   cleared: Mapping[int, tuple[str, str]] | None = None) -> None:  # fmt: skip
    """Write the screened file: the input with the two columns added (same format).

    Parameters
    ----------
    screening : Screening
        The screening of the file.
    out : Path
        Where to write it (its folder is created).
    cleared : mapping of int to (str, str), optional
        The two cells of held lines reviewers cleared since, by line (``Decision.line``),
        in place of the screening's; a household's first line's for its members' lines
        (``household_lines``) not cleared themselves.

    Raises
    ------
    InputError
        If the file is an ``.xls`` workbook (its format cannot be written back), or ``out``
        is a folder or names another format than the file's.
    """
    payments = screening.payments
    _check_out(out, payments.sources[0].file_format)
    lines: dict[int, dict[int, list[tuple[str | None, tuple[str, str]]]]] = {}
    numbers = payments.lines.column("source_no").to_pylist()
    rows = payments.lines.column("row_no").to_pylist()
    months = payments.lines.column("pay_month").to_pylist()
    cleared, counted_on = cleared or {}, household_lines(payments)
    for decision, number, row, month in zip(screening.decisions, numbers, rows, months,
                                            strict=True):  # fmt: skip
        texts = (cleared.get(decision.line) or cleared.get(counted_on.get(decision.line))
                 or cell_texts(decision))  # fmt: skip
        lines.setdefault(number, {}).setdefault(row, []).append((month, texts))
    cells = {number: {row: row_cells(parts) for row, parts in by_row.items()}
             for number, by_row in lines.items()}  # fmt: skip
    content = payments.path.read_bytes()
    first = payments.sources[0]
    if first.file_format == "csv":
        write_whole(out, _written_csv(content, payments.sources, cells))
    elif first.file_format == "xlsx":
        try:
            written = _written_workbook(content, payments.sources, cells)
        except (ValueError, KeyError) as error:  # a sheet whose XML this writer cannot place
            raise InputError(payments.path, None, None, "无法在该表格中写回审核结果（工作表结构"
                             "无法识别）：请在 Excel 或 WPS 中另存为 .xlsx 后再试") from error  # fmt: skip
        write_whole(out, written)
    else:
        raise InputError(payments.path, None, None,
                         "无法在 .xls 文件中写回审核结果：请在 Excel 或 WPS 中另存为 .xlsx 后再试")  # fmt: skip


# The suffixes a screened file may be written under, by the format it was read in.
OUT_SUFFIXES = {"csv": (".csv", ".txt", ".tsv"), "xlsx": (".xlsx", ".xlsm")}


def _check_out(out: Path, file_format: str) -> None:
    """Refuse a folder, or a file name of another format than the list's (CSV bytes under
    ``.xlsx`` open as a broken workbook)."""
    if out.is_dir():
        raise InputError(out, None, None, "写出路径是文件夹：请给出要写出的文件名")
    suffixes = OUT_SUFFIXES.get(file_format, ())
    if suffixes and out.suffix.lower() not in suffixes:
        raise InputError(out, None, None, f"写出的文件须与发放表格式相同：请把扩展名改为 "
                         f"{suffixes[0]}")  # fmt: skip


def _written_csv(content: bytes, sources: Sequence[Source],
                 cells: dict[int, dict[int, tuple[str, str]]]) -> bytes:  # fmt: skip
    """The CSV with two fields added to the header and data rows of each table (or, screened
    before, its two fields overwritten on the data rows; ``_places``), in its own encoding
    and the very delimiter the reader used (``resolver.reading.delimiter_of``). The fields
    Doudi writes never start like a formula (``inert_text``); the file's own are kept."""
    first = sources[0]
    encoding = first.encoding or "utf-8"
    decoded = decode(content)
    text = decoded[1] if decoded else content.decode(encoding, errors="replace")
    delimiter = delimiter_of(text)
    terminator = "\r\n" if "\r\n" in text[:65536] else "\n"
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    # after the last field any line of the tables fills: a note beside a row stays
    start = min(source.header_rows[0] for source in sources)
    width = max((len(record) - _trailing_blanks(record) for record in records[start - 1 :]),
                default=0)  # fmt: skip
    places = _places(sources, lambda _source: width,
                     lambda source: records[source.header_rows[-1] - 1])  # fmt: skip
    for source in sources:
        place = places[source.number]
        header = source.header_rows[-1]
        added = {**({header: (RESULT_HEADER, REASON_HEADER)} if place.new else {}),
                 **cells.get(source.number, {})}  # fmt: skip
        last = place.last
        for row, pair in added.items():
            record = records[row - 1]
            rest = [] if place.new else record[last + 2 :]  # new: only blanks lay beyond
            written = [inert_text(text) for text in pair]  # the file's own cells stay as they are
            records[row - 1] = [*record[:last], *[""] * (last - len(record)), *written, *rest]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=terminator).writerows(records)
    written = buffer.getvalue()
    if not text.endswith(("\n", "\r")):
        written = written.removesuffix(terminator)
    return written.encode(encoding, errors="replace")


class _Place(NamedTuple):
    """Where a table's 审核结果 and 暂缓原因 go: after column ``last`` (from 1); ``new`` when
    added (else a screening before wrote them there); ``beside``: the table's place from the
    left (from 1) on a sheet with tables side by side, else None."""

    last: int
    new: bool
    beside: int | None


def _places(sources: Sequence[Source], width_of: Callable[[Source], int],
            header_of: Callable[[Source], Sequence[str]]) -> dict[int, _Place]:  # fmt: skip
    """Each table's two columns (by ``source_no``): after the last column its sheet uses
    (``width_of``); tables side by side on one sheet (``Source.first_column``) get a pair
    each, left to right, so no table's cells are overwritten; a header screened before
    (``header_of``: its last row's texts, with 审核结果 and 暂缓原因 side by side) has its
    pairs overwritten where they are, the k-th table's the k-th; a sheet without a header
    of its own, read under the header of the table before it, gets the columns of that
    table (or, when they are new, after its own last column if it uses more)."""
    places: dict[int, _Place] = {}
    headed: _Place | None = None  # the place of the last table read under its own header
    for source in sources:
        if source.header_rows[-1] < 1 and headed is not None:  # numbered above the sheet
            last = max(headed.last, width_of(source)) if headed.new else headed.last
            places[source.number] = headed._replace(last=last)
            continue
        beside = sorted({other.first_column for other in sources if other.sheet == source.sheet})
        rank = beside.index(source.first_column)
        pairs = _screened_pairs(header_of(source))
        last = pairs[min(rank, len(pairs) - 1)] if pairs else width_of(source) + 2 * rank
        headed = _Place(last, not pairs, rank + 1 if len(beside) > 1 else None)
        places[source.number] = headed
    return places


def _screened_pairs(header: Sequence[str]) -> list[int]:
    """Where (from 0) a header screened before has its 审核结果 and 暂缓原因 columns, side by
    side, one pair per table of its sheet; none when it has not."""
    texts = [text.strip() for text in header]
    return [
        at for at in range(len(texts) - 1) if texts[at : at + 2] == [RESULT_HEADER, REASON_HEADER]
    ]


def _trailing_blanks(record: list[str]) -> int:
    count = 0
    for cell in reversed(record):
        if cell.strip():
            break
        count += 1
    return count


def _written_workbook(content: bytes, sources: Sequence[Source],
                      cells: dict[int, dict[int, tuple[str, str]]]) -> bytes:  # fmt: skip
    """The workbook with the two columns added on each sheet that holds a payments table,
    after the last column the sheet's tables use (``table_width``), or in place of the two a
    sheet screened before has (``_places``): those sheets' XML edited, every other cell,
    style, merged range and sheet kept as they were. Cells are text, never a formula, and
    quote-prefixed when they start like one (``with_text_cells``). The
    header 审核结果 says, when selected, that a hold is no stop order (and, on a sheet with
    tables side by side, which table the pair is of)."""
    first_rows = {}  # one width per sheet, for each table on it
    for source in sources:
        first_rows[source.sheet] = min(first_rows.get(source.sheet, source.header_rows[0]),
                                       source.header_rows[0])  # fmt: skip
    widths = {sheet: table_width(content, sheet, row) for sheet, row in first_rows.items()}
    screened = {source.sheet for source in sources  # read again only where written before
                if {RESULT_HEADER, REASON_HEADER} <= set(source.unmapped)}  # fmt: skip
    places = _places(sources, lambda source: widths[source.sheet],
                     lambda source: row_texts(content, source.sheet, source.header_rows[-1])
                     if source.sheet in screened else [])  # fmt: skip
    texts: dict[str, SheetCells] = {}
    prompts: dict[str, SheetCells] = {}
    for source in sources:
        place = places[source.number]
        header, last = source.header_rows[-1], place.last
        sheet = texts.setdefault(source.sheet, {})
        if place.new and header >= 1:
            sheet[(header, last + 1)], sheet[(header, last + 2)] = RESULT_HEADER, REASON_HEADER
            prompts.setdefault(source.sheet, {})[(header, last + 1)] = _prompt(place)
        for row, (result, reasons) in cells.get(source.number, {}).items():
            sheet[(row, last + 1)], sheet[(row, last + 2)] = result, reasons
    return with_text_cells(content, texts, prompts)


def _prompt(place: _Place) -> str:
    """The input message of a 审核结果 header cell: a hold is no stop order, and on a sheet
    with tables side by side, which one the pair is of."""
    if place.beside is None:
        return NOTE
    return f"{NOTE}。本工作表有左右并排的几个表格：这两列是左起第 {place.beside} 个表格的审核结果"


SHOWN_SKIPPED = 20  # rows not read as lines named in the summary; the rest counted
SHOWN_PROBLEM_ROWS = 5  # rows named for each column's problem in the summary; the rest counted
HELD_AMOUNT_NOTE = ("暂缓金额为暂缓行的整行金额（如一户一行中一名成员有死亡记录，整行计入），"
                    "是核实提示，不是可能多发的金额")  # fmt: skip


def _yuan_shown(amount: str) -> str:
    """A summary's amount (``models.screening.summary``: 1234.50) as printed: 1,234.50."""
    return f"{Decimal(amount):,}"


def summary_text(found: dict) -> str:
    """The summary in Chinese: lines read, 通过, 暂缓 by reason, per month, the rows not read
    as lines and the reader's notes, and the note that a hold is no stop order.

    Parameters
    ----------
    found : dict
        A screening's summary (``models.screening.summary``, with ``skipped`` and ``notes``
        when read from a file).

    Returns
    -------
    str
        Lines of text.

    Examples
    --------
    >>> print(summary_text({"lines": 2, "passed": 1, "held": 1, "by_reason": {"无法核对": 1},
    ...                     "amount": "2340.00", "held_amount": "1200.50",
    ...                     "held_amount_by_reason": {"无法核对": "1200.50"},
    ...                     "months": {}, "note": NOTE,
    ...                     "skipped": [{"sheet": "城关镇", "row": 9, "reason": "合计行"}]}))
    共读取发放记录 2 条，金额合计 2,340.00 元：通过 1 条，暂缓 1 条，金额 1,200.50 元（无法核对 1 条 1,200.50 元）
    暂缓金额为暂缓行的整行金额（如一户一行中一名成员有死亡记录，整行计入），是核实提示，不是可能多发的金额
    未作为发放记录读取的行 1 行：「城关镇」第 9 行（合计行）
    暂缓仅为发放前核实提示，不是停发决定
    """

    def counted(part: dict) -> str:
        money = part["held_amount_by_reason"]
        reasons = "，".join(f"{label} {count} 条 {_yuan_shown(money[label])} 元"
                           for label, count in part["by_reason"].items())  # fmt: skip
        return (f"通过 {part['passed']} 条，暂缓 {part['held']} 条，金额 {_yuan_shown(part['held_amount'])} 元"
                + (f"（{reasons}）" if reasons else ""))  # fmt: skip

    said = [
        f"共读取发放记录 {found['lines']} 条，金额合计 {_yuan_shown(found['amount'])} 元："
        f"{counted(found)}",
        HELD_AMOUNT_NOTE,
    ]
    if found.get("released_before"):
        said.append(f"其中 {found['released_before']} 条的暂缓原因此前已核实放行（同一案件、同一共用账号"
                    "或同一金额），本次通过，原因写在暂缓原因列")  # fmt: skip
    if found.get("settled"):
        said.append(f"其中 {found['settled']} 条案件有死亡记录或同时在两个案件中的成员，但本表已少发正好该成员"
                    "的金额（视为已减员），本次通过，说明写在暂缓原因列")  # fmt: skip
    if found.get("unlisted"):
        said.append(f"其中 {found['unlisted']} 条的救助证号不在已发布运行的救助名册中（可能是此后新纳入的案件），"
                    "已按领款人身份证号核对死亡记录和重复享受，未发现问题，本次通过；其他成员和金额未能核对，"
                    "可先用本月数据 doudi update 再审核")  # fmt: skip
    if found.get("unknown_cases", 0) * 2 > found["lines"]:
        said.append(f"注意：{found['lines']} 条中有 {found['unknown_cases']} 条的救助证号不在已发布运行的救助"
                    "名册中。如救助证号已重新编号（系统迁移、换了导出模板），或本表不是本数据库所属区县的，"
                    "“同一人同月在两个案件中享受”“领款账号与其他案件共用”等暂缓会把同一家庭的原案件当作另一案件，"
                    "不可信：请先用本月数据 doudi update 再审核")  # fmt: skip
    if len(found["months"]) > 1:
        said += [f"  {month}：{part['lines']} 条，{counted(part)}"
                 for month, part in found["months"].items()]  # fmt: skip
    skipped = found.get("skipped", [])
    if skipped:
        rows = "；".join((f"「{row['sheet']}」" if row["sheet"] else "") + f"第 {row['row']} 行"
                        f"（{row['reason']}）" for row in skipped[:SHOWN_SKIPPED])  # fmt: skip
        more = f"等（共 {len(skipped)} 行）" if len(skipped) > SHOWN_SKIPPED else ""
        said.append(f"未作为发放记录读取的行 {len(skipped)} 行：{rows}{more}")
    said += [f"注意：{note}" for note in found.get("notes", [])]
    problems = found.get("problems", [])
    if problems:
        said.append(
            "读取时发现的数据问题（这些行照常核对，有问题的值不参与比对）："
            + "；".join(
                f"{item['column']} {item['problem']} {item['count']} 条"
                + (
                    f"（{'、'.join(item['rows'])}{'等' if item['count'] > len(item['rows']) else ''}）"
                    if item.get("rows")
                    else ""
                )
                for item in problems
            )
        )
    return "\n".join([*said, found["note"]])
