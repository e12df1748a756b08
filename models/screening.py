"""Screening a month's payment list (发放表) before it goes to the bank.

Each payment line — a case, a pay month, an amount, a payee account — is checked against the
persons and cases of the published run. A line is held (暂缓) for each of these reasons, with
its evidence in Chinese:

``death``
    a covered member of the line's case, active that month, has a death notice dated in an
    earlier month than the pay month (as ``deceased_paid`` reads the notices): the month after
    a death is no longer the dead member's to be paid, and the list has not yet gone to the
    bank; a month within ``policy.death_grace_months`` of the death, which the batch lead
    tolerates, is held saying so (``_after_death``). The evidence says whether the death is corroborated (two sources, or a notice with the roster
    row's valid ID), rests on one notice linked by name and other fields, or on a fuzzy link
    (a notice linked to no one that the member matches below the threshold or as one of a
    few namesakes: ``resolver.outputs.lone_death_candidates``);
``twice``
    a member covered in the line's case that month is covered in another case paid the same
    month (in this list, or in the run's payment ledger), or expected to be: for a month
    after the ledger's latest, a case the ledger paid in its latest month whose member's row
    is still covered and active, and which the list does not show that month (a township's
    list shows only its own cases);
``over_standard``
    the case has an open ``over_standard`` lead in the published run (past its 渐退 with an
    income above the standard); or, with no lead yet, the line is its first month paid after a
    渐退 the roster dates (``_gradual_ended``: the detector's own reading of it, published
    with the run);
``account``
    the payee account is also the account of other cases (in this list, the roster or the
    ledger); an account of more than ``policy.shared_identifier_limit`` cases (an agent's or
    an office's) ties nothing, nor an institution's (a payee named by ``INSTITUTIONS``:
    集中供养, a home's residents paid to its account);
``amount``
    the case's amount that month differs by more than ``policy.payment_tolerance`` from the
    sum of its covered members' own amounts (``models.amounts``; a 特困 member's, the level
    nearest what he was paid: a line at any of 特困's levels passes; his case's area's where
    the county pays 城市低保 and 农村低保 apart, as the run prices them); a month in which a
    member's amount is unknown is not judged (a case of unknown area so priced: a line held
    for another reason says so, ``UNPRICED``);
``unchecked``
    the line cannot be checked: its case, month or amount could not be read, or its case is
    not on the run's roster and its payee's ID is trusted for no person of the run.

A line of a case not on the run's roster (a case enrolled since the run: the month's list
is often screened before the month's drop is taken in) is checked by its payee (领款人) where
his ID is a person's trusted ID: the payee stands for the case's members, held for
``death`` and ``twice`` as a member would be, and the line otherwise passes with a note
saying what was not checked (its other members, its amount: ``Decision.unlisted``). A member
covered in a case on the roster who is the payee so standing for a case the list pays holds
his own case's line for ``twice`` too, unless his ID is the payee's of more than
``policy.shared_identifier_limit`` cases in the list (an agent's).

A ``death`` or ``twice`` hold does not apply where the list already leaves its member out: its
case's lines that month pay less than its covered members' own amounts by exactly, to the fen,
the own amount of that member (or of several so held together, and of no other set of them);
the office has taken him off, the line passes and keeps the hold as a note
(``Decision.settled``; ``_settled_rows``), and the case's ``amount`` hold goes with it. A
``twice`` hold goes too where the other case's lines in the list so leave its member out.

A list of one line per member (a case's lines that month name each of its members, two or
more, by ID or name) pays each line to the member it names: for ``death`` and ``twice`` such a line
stands for that member alone; a line naming no member, or several, stands for the whole case
(``_members``). ``amount`` judges a case's lines together.

A line of another fund than 低保 or 特困 (its 救助类型 or its fund category, 资金类别 …, names
取暖费, 春节慰问金, 临时救助, 残疾人两项补贴 …: ``resolver.funds.CASE_MONEY``) is no amount of its
case, is held for neither ``amount`` nor ``twice``, and pays its case nothing (in the list or
the ledger); it is held for ``death``, ``over_standard`` and ``account`` as any line is, money
going to that case or account.

A line paying nothing out (a 0-元 停发 line, or a refund — 追回, 退回 — of a negative
amount) is held only as ``unchecked``, never for the reasons above, and is no evidence that
its case was paid that month (``twice``): a case's month in the list or the ledger counts as
paid only where its amounts net to more than nothing.

A hold is a prompt to check before paying, never a stop order (``NOTE``). Who each record is
comes from ``resolver.outputs``; the registries' own tables are read directly. Everything is
a handful of DuckDB joins over the run's tables and the list (measured: a CSV list of 50,000
lines against a county of 100,000 persons read and screened in 1.5 s).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from itertools import combinations, groupby
from operator import itemgetter

import duckdb
import networkx as nx
import pyarrow as pa
import pyarrow.compute as pc

from models.amounts import (
    AREAS,
    CLASS_LABELS,
    LINE_NOTE,
    SOURCE_LABELS,
    TEKUN,
    AreaAmounts,
    case_areas,
    case_parts,
    in_fen,
    ledger_amounts_and_levels,
    own_amount,
)
from models.detectors.common import death_counted, month_written_end, repeats_death
from models.detectors.deceased_paid import DIED_BEFORE_SAID, MAX_CANDIDATES, source_shown
from models.detectors.over_standard import AFTER_ABOVE, AFTER_GRADUAL, income_text
from models.graph import notice_date_kinds
from models.periods import month_index, month_text
from models.policy import Policy
from resolver.case_numbers import joined_otherwise
from resolver.db import table_names
from resolver.funds import CASE_MONEY, INSTITUTIONS, RAW_LINE, case_money_sql
from resolver.idcard import mask_id
from resolver.ledger_months import last_paid_month
from resolver.outputs import (
    lone_death_candidates,
    record_persons,
    trusted_ids,
)
from resolver.payment_months import payment_months
from resolver.registries import county_of_number
from resolver.tables import DEATH_DATE, DERIVED_ID_SUFFIX

logger = logging.getLogger(__name__)

NOTE = "暂缓仅为发放前核实提示，不是停发决定"
PASS, HOLD = "通过", "暂缓"
HOLD_LABELS = {
    "death": "在保成员有死亡记录",
    "twice": "同一人同月在两个案件中享受",
    "over_standard": "超标准未退出",
    "account": "领款账号与其他案件共用",
    "amount": "发放金额与类别人数不符",
    "unchecked": "无法核对",
}
PROGRAM_TEXT, FUND = "program_text", "fund"
"""A line's 救助类型 and fund category (资金类别 …) as written: with its ``program``, whether
it is 低保 or 特困 money (``resolver.funds.case_money_sql``), not another fund's (取暖费 …)."""
LINE_COLUMNS = ("case_no", "pay_month", "pay_month_last", "amount", "bank_account", "payee_name",
                "payee_id_number", "program", PROGRAM_TEXT, FUND)  # fmt: skip
AMOUNT_BLANK = "amount_blank"
"""A line's flag: its amount cell is blank (not written past reading)."""
EXTRA = "extra"
"""A line's cells beside the contract's columns (备注, 发放类型 …: header -> text), as the
``payments`` registry keeps them: its note (``models.amounts.LINE_NOTE``)."""
# SQL: whether a line of the list is its case's 低保 or 特困 money.
_LIST_CASE_MONEY = case_money_sql("program", PROGRAM_TEXT, FUND)
SHOWN = 3  # other cases named in one reason
CARRIED = ("account", "amount")
"""Hold kinds a reviewer's release (核实后放行) carries over to later lists while the hold rests
on the same basis (``Hold.basis``). The others are cleared by deciding their lead."""
RELEASED_BEFORE = "此前已核实放行，本次不再暂缓"
SETTLED = "本表已少发该成员的金额（视为已减员），本次不暂缓"
UNLISTED = ("已发布运行的救助名册中没有该案件（可能是此后新纳入的）：已按领款人身份证号核对死亡记录和"
            "是否同月在其他案件中享受，未发现问题，本次不暂缓；其他成员和发放金额未能核对，"
            "可先用本月数据 doudi update 再审核")  # fmt: skip
LISTED = "list"
"""An ``_OWED`` amount's source where the list itself showed it (a month the ledger does not
hold yet: ``_class_amounts``)."""
BASIS_LABELS = {**SOURCE_LABELS,
                LISTED: "按本发放表推算的类别月标准（本表同类别案件的人均发放额）",
                f"{LISTED}_urban": "按本发放表推算的城市低保类别月标准（本表同类别城市低保案件的人均发放额）",
                f"{LISTED}_rural": "按本发放表推算的农村低保类别月标准（本表同类别农村低保案件的人均发放额）"}  # fmt: skip
"""What an ``amount`` hold's class amounts rest on, by their source in ``_OWED``."""
AREA_UNKNOWN = "area_unknown"
"""An ``_OWED`` row's source where a case of unknown area has no amount of its class: the
county pays 城市低保 and 农村低保 apart that month (``models.amounts.own_amount``)."""
UNPRICED = ("发放金额未核对：本县城市低保与农村低保的类别月标准不同，而名册未写明该案件属城市还是农村"
            "（城乡属性），请核实后按所属标准核对")  # fmt: skip
MAX_FLAGGED = 8
"""At most this many members of a case-month held for a death or a second case are weighed
for which of them its list's amount already leaves out (``_settled_rows``); more are not."""

# Temporary names while a list is screened.
_LINES, _PERSON_OF, _TRUSTED = "_screen_lines", "_screen_person_of", "_screen_trusted"
_REPEATS, _DATE_KINDS = "_screen_repeats", "_screen_date_kinds"
_MEMBERS, _PAID, _OWED = "_screen_members", "_screen_paid", "_screen_owed"
_AREAS = "_screen_areas"
Row = tuple[str, str, str]
"""A covered roster row in a month of the list: case number, pay month, record id."""


@dataclass(frozen=True)
class Hold:
    """One reason a line is held: its kind (a key of ``HOLD_LABELS``), the reason with its
    evidence, in Chinese, and what it rests on beyond the line's case (``basis``), for the
    kinds a reviewer's release carries over to later lists (``CARRIED``): an ``account``
    hold's other cases of the account, an ``amount`` hold's amounts paid and owed. ``rows``
    are the roster rows it rests on in a month of the list (``Row``): a ``death`` hold's dead
    member's, a ``twice`` hold's member's row in each of the two cases, an ``amount`` hold's
    case's members' (``_settled_rows``); two holds of the same kind and text are one hold."""

    kind: str
    text: str
    basis: tuple[str, ...] = ()
    rows: tuple[Row, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Released:
    """A hold not applied to a line (``hold``) and the words saying why: an earlier release
    naming it, or the line's own amount leaving out the member it names (``Decision``)."""

    hold: Hold
    by: str


@dataclass(frozen=True)
class Decision:
    """What the screening says of one payment line (``line``: its index in the list): its
    holds, the holds earlier releases cover (``released``: no hold), the holds its case's
    amount in the list settles (``settled``: no hold; it already leaves out the member the
    hold names, ``_settled_rows``), and whether its case, not on the run's roster, was
    checked by its payee alone (``unlisted``: ``UNLISTED`` says so of a line that passes),
    and whether its case's amount was not judged as its area is unknown where the county
    pays 城市低保 and 农村低保 apart (``unpriced``: ``UNPRICED`` says so of a line held)."""

    line: int
    holds: tuple[Hold, ...]
    released: tuple[Released, ...] = ()
    settled: tuple[Released, ...] = ()
    unlisted: bool = False
    unpriced: bool = False

    @property
    def result(self) -> str:
        """``通过`` (pass) or ``暂缓`` (hold: check before paying)."""
        return HOLD if self.holds else PASS

    @property
    def reasons(self) -> str:
        """The reasons, each its label and evidence, joined by ``；``, then the reasons earlier
        releases cover, each naming its release, then those the line's amount settles, each
        saying how, then ``UNLISTED`` for a line checked by its payee alone, ``UNPRICED`` for a
        line held whose amount was not judged for its area (empty for a line that passes with
        none).

        Examples
        --------
        >>> Decision(0, (), (Released(Hold("amount", "金额不符"), "2026-11-03 张三"),)).reasons
        '此前已核实放行，本次不再暂缓：发放金额与类别人数不符：金额不符（2026-11-03 张三）'
        """
        held = "；".join(f"{HOLD_LABELS[hold.kind]}：{hold.text}" for hold in self.holds)
        parts = [held]
        for words, covered in ((RELEASED_BEFORE, self.released), (SETTLED, self.settled)):
            said = "；".join(f"{HOLD_LABELS[r.hold.kind]}：{r.hold.text}（{r.by}）"
                             for r in covered)  # fmt: skip
            parts.append(said and f"{words}：{said}")
        parts.append(UNLISTED if self.unlisted and not self.holds else "")
        parts.append(UNPRICED if self.unpriced and self.holds else "")
        return "；".join(part for part in parts if part)


def screen_payments(
    con: duckdb.DuckDBPyConnection,
    lines: pa.Table,
    policy: Policy,
    *,
    run_id: str | None = None,
    dismissed: Collection[str] = (),
) -> list[Decision]:
    """Screen payment lines against the published run in ``con`` (see the module docstring).

    Each line is judged for its own pay month, so a list of several months is screened month
    by month.

    Complexity: a few hash joins in DuckDB over the lines, the roster, the ledger and the
    death notices; Python only over the lines held.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database (``doudi run``'s output): the registries and linking's outputs.
    lines : pa.Table
        The list's lines, normalised as the ``payments`` registry: ``case_no``, ``pay_month``
        (``YYYY-MM``), ``amount`` and ``bank_account``; nulls where a value could not be read.
    policy : Policy
        The run's policy: ``death_grace_months``, ``shared_identifier_limit``,
        ``payment_tolerance`` and ``monthly_amounts``.
    run_id : str or None
        The published run whose open ``over_standard`` leads hold their cases, and whose
        dismissed leads clear lines; None to skip both.
    dismissed : collection of str
        Case ids reviewers dismissed (不属实: no longer open). A dismissed ``deceased_paid``
        lead holds its roster row no more for that death, a dismissed
        ``duplicate_enrollment`` lead its rows no more for each other; a dismissed
        ``over_standard`` lead no more its case.

    Returns
    -------
    list of Decision
        One per line, in the lines' order.
    """
    present = table_names(con)
    table = _lines_table(lines)
    holds: dict[int, list[Hold]] = defaultdict(list)
    settled: dict[int, list[Released]] = defaultdict(list)
    unpriced: set[int] = set()
    monthly = _by_month(con, table)
    con.register(_LINES, monthly)
    con.register(_PERSON_OF, record_persons(con))
    con.register(_TRUSTED, trusted_ids(con))
    try:
        by_payee = _members(con) if "assistance" in present else set()
        for line, hold in _unchecked(con, present, counted_with_case(table), by_payee):
            holds[line].append(hold)
        if "assistance" in present:
            cleared = _dismissed_records(con, run_id, dismissed, present)
            alive = _signs_of_life(con, run_id, present)
            latest = last_paid_month(con)  # the ledger's latest month, read once
            holder = _price_members(con, policy, monthly, latest)
            unpriced = _unpriced_lines(con)
            found = [
                *_deaths(con, policy, present, cleared["deceased_paid"], alive),
                *_twice(con, cleared["duplicate_enrollment"], latest, policy),
                *_over_standard(con, run_id, dismissed, present),
                *_gradual_ended(con, policy, run_id, present),
                *_accounts(con, policy, present),
                *_amounts(con, policy, holder),
            ]
            left_out = _settled_rows(con, [hold for _, hold in found])
            paying_nothing = _lines_paying_nothing(table)
            for line, hold in found:
                because = [left_out[row] for row in hold.rows if row in left_out]
                if line in paying_nothing:
                    continue
                if not because and hold not in holds[line]:  # a month apiece
                    holds[line].append(hold)
                elif because and hold.kind != "amount":  # the note says the shortfall
                    settled[line].append(Released(hold, because[0]))
    finally:
        for name in (_LINES, _PERSON_OF, _TRUSTED):
            con.unregister(name)
        for name in (_MEMBERS, _PAID, _OWED, _AREAS):
            con.execute(f"DROP TABLE IF EXISTS {name}")
    order = list(HOLD_LABELS)
    noted = _noted_lines(monthly)
    holds = {line: [replace(hold, text=hold.text + noted[line]) for hold in held] if line in noted
             else held for line, held in holds.items()}  # fmt: skip
    return [Decision(line, tuple(sorted(holds.get(line, ()), key=lambda h: order.index(h.kind))),
                     settled=tuple(r for r in dict.fromkeys(settled.get(line, ()))
                                   if r.hold not in holds.get(line, ())),  # another month's
                     unlisted=line in by_payee, unpriced=line in unpriced)
            for line in range(table.num_rows)]  # fmt: skip


def summary(decisions: list[Decision], months: list[str | None],
            amounts: list[float | Decimal | None]) -> dict:  # fmt: skip
    """Counts and money of a screening: lines read, passed, held, held by reason, per month.

    A held line's amount is its whole amount (a household's line held for one member's death
    holds the whole line): a prompt to check, not the money at risk. Amounts are added in fen
    and given as text in 元 to the fen; a line whose amount could not be read adds nothing.

    Parameters
    ----------
    decisions : list of Decision
        The screening's decisions.
    months : list of str or None
        The pay month of each line (same order).
    amounts : list of float, Decimal or None
        The amount of each line in 元 (same order); None where blank or unreadable.

    Returns
    -------
    dict
        ``lines``, ``passed``, ``held``, ``by_reason`` (Chinese label: lines), ``amount``
        (the lines' total), ``held_amount`` (the held lines' total),
        ``held_amount_by_reason`` (Chinese label: the total of the lines held for it),
        ``released_before`` (lines passed that earlier releases kept from a hold),
        ``settled`` (lines passed whose case's amount leaves out the member a hold named:
        ``Decision.settled``), ``unlisted`` (lines passed whose case, not on the run's
        roster, was checked by its payee alone: ``Decision.unlisted``), ``unknown_cases`` (the
        lines, held or not, of such cases), ``months`` (month: the
        same counts and amounts) and ``note``
        (``NOTE``).

    Examples
    --------
    >>> d = [Decision(0, ()), Decision(1, (Hold("amount", "x"),))]
    >>> found = summary(d, ["2026-10", "2026-10"], [715.30, Decimal("515.25")])
    >>> found["by_reason"], found["amount"], found["held_amount_by_reason"]
    ({'发放金额与类别人数不符': 1}, '1230.55', {'发放金额与类别人数不符': '515.25'})
    """

    def counts(chosen: list[tuple[Decision, int]]) -> dict:
        held = [(decision, fen) for decision, fen in chosen if decision.holds]
        kinds, fen_by_kind = Counter(), Counter()
        for decision, fen in held:
            for kind in {hold.kind for hold in decision.holds}:
                kinds[kind] += 1
                fen_by_kind[kind] += fen
        shown = [(kind, label) for kind, label in HOLD_LABELS.items() if kinds[kind]]
        released = sum(1 for decision, _ in chosen if decision.released and not decision.holds)
        settled = sum(1 for decision, _ in chosen if decision.settled and not decision.holds)
        unlisted = sum(1 for decision, _ in chosen if decision.unlisted and not decision.holds)
        unknown = sum(1 for decision, _ in chosen if decision.unlisted)
        return {"lines": len(chosen), "passed": len(chosen) - len(held), "held": len(held),
                "by_reason": {label: kinds[kind] for kind, label in shown},
                "amount": _yuan(sum(fen for _, fen in chosen)),
                "held_amount": _yuan(sum(fen for _, fen in held)),
                "held_amount_by_reason": {label: _yuan(fen_by_kind[kind]) for kind, label in shown},
                "released_before": released, "settled": settled,
                "unlisted": unlisted, "unknown_cases": unknown}  # fmt: skip

    fens = [0 if amount is None else in_fen(float(amount)) for amount in amounts]
    lines = list(zip(decisions, fens, strict=True))
    by_month: dict[str, list[tuple[Decision, int]]] = defaultdict(list)
    for line, month in zip(lines, months, strict=True):
        by_month[month or "月份不明"].append(line)
    return {**counts(lines),
            "months": {month: counts(chosen) for month, chosen in sorted(by_month.items())},
            "note": NOTE}  # fmt: skip


def _yuan(fen: int) -> str:
    """An amount in fen as text in 元 to the fen (41200 as 412.00), exact."""
    return str(Decimal(fen).scaleb(-2))


def _lines_table(lines: pa.Table) -> pa.Table:
    """The lines' columns the screening reads, with their index (``line``)."""
    columns = {"line": pa.array(range(lines.num_rows), pa.int64())}
    for name in LINE_COLUMNS:
        values = lines.column(name) if name in lines.column_names else None
        kind = pa.float64() if name == "amount" else pa.string()
        columns[name] = (pa.nulls(lines.num_rows, kind) if values is None
                         else values.cast(kind))  # fmt: skip
    blank = (lines.column(AMOUNT_BLANK) if AMOUNT_BLANK in lines.column_names
             else pa.array([False] * lines.num_rows))  # fmt: skip
    columns[AMOUNT_BLANK] = pc.fill_null(blank, False)
    columns[EXTRA] = (lines.column(EXTRA) if EXTRA in lines.column_names
                      else pa.nulls(lines.num_rows, pa.map_(pa.string(), pa.string())))  # fmt: skip
    return pa.table(columns)


def _by_month(con, table: pa.Table) -> pa.Table:
    """The lines (``_lines_table``) a row per month each pays, with its part of the line's
    amount: a line of several months (所属月份 2024-01至2024-03) is judged in each
    (``resolver.payment_months``), and so is a 低保 or 特困 line of one month whose note
    names the months it is for, as a run reads the ledger's (``models.amounts.case_parts``
    over its case's lines in the list: 补发2026年6月, a quarter's 2026年7-9月), its row
    ``noted``, unless the run's ledger paid its case in one of those months (``_paid_again``:
    ``paid_again`` names them); each row under its line's index (``line``)."""
    con.register("_screen_list", table)
    try:
        monthly = con.sql(
            f"SELECT * EXCLUDE (extra), {LINE_NOTE} AS note, {_LIST_CASE_MONEY} AS case_money "
            f"FROM ({payment_months(con, '_screen_list')}) raw_line ORDER BY line, pay_month"
        ).to_arrow_table()
    finally:
        con.unregister("_screen_list")
    readable = pc.and_(pc.and_(pc.is_valid(monthly["case_no"]), pc.is_valid(monthly["pay_month"])),
                       pc.and_(pc.is_valid(monthly["amount"]), pc.fill_null(monthly["case_money"], False)))  # fmt: skip
    noting = pc.and_(readable, pc.and_(pc.equal(monthly["line_months"], 1),
                                       pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(
                                           pc.fill_null(monthly["note"], ""))), 0)))  # fmt: skip
    cases = pc.unique(pc.filter(monthly["case_no"], noting))
    read = pc.and_(readable, pc.is_in(monthly["case_no"], cases))
    noted = _paid_again(con, _noted_parts(pc.filter(monthly, read).to_pylist()))
    unread = monthly.num_rows - pc.sum(read).as_py()
    rows = (pc.filter(monthly, pc.invert(read))
            .append_column("noted", pa.array([False] * unread, pa.bool_()))
            .append_column("paid_again", pa.nulls(unread, pa.string())))  # fmt: skip
    return pa.concat_tables([rows, pa.Table.from_pylist(noted, rows.schema)]).sort_by(
        [("line", "ascending"), ("pay_month", "ascending")]
    )


def _noted_lines(monthly: pa.Table) -> dict[int, str]:
    """The words a held line whose note named its months (``_by_month``'s ``noted``) ends
    its reasons with: which months it was judged in, and that its note said so; or, where
    the ledger had paid its case in them (``paid_again``), that it was judged in its own.

    >>> _noted_lines(pa.table({"line": [0, 1, 2], "pay_month": ["2026-06", "2026-07", "2026-07"],
    ...                        "noted": [True, False, False], "note": ["补发2026年6月", None, "补发6月"],
    ...                        "paid_again": [None, None, "2026-06"]}))
    {0: '（本行按备注所记补发月份 2026-06 核对）', 2: '（备注所记月份 2026-06 发放记录中已发放，本行按发放月份核对）'}
    """
    months: dict[int, list[str]] = defaultdict(list)
    back_pay: dict[int, bool] = {}
    for row in pc.filter(monthly, monthly["noted"]).to_pylist():
        months[row["line"]].append(row["pay_month"])
        back_pay[row["line"]] = "补发" in row["note"]
    said = {line: (f"（本行按备注所记{'补发' if back_pay[line] else ''}月份 "
                   f"{'、'.join(sorted(named))} 核对）") for line, named in months.items()}  # fmt: skip
    for row in pc.filter(monthly, pc.is_valid(monthly["paid_again"])).to_pylist():
        said[row["line"]] = (
            f"（备注所记月份 {row['paid_again']} 发放记录中已发放，本行按发放月份核对）"
        )
    return said


def _noted_parts(rows: list[dict]) -> list[dict]:
    """The 低保 and 特困 rows of the cases whose lines a note may spread (``_by_month``), each
    a row per month ``models.amounts.case_parts`` reads it as paid for (``noted`` where its
    note names them), its amount that month's part; a line whose 所属月份 gave its months
    keeps them and is read with its case's lines as the run reads them (its note unread)."""
    found = []
    for _, case in groupby(sorted(rows, key=itemgetter("case_no")), itemgetter("case_no")):
        lines = list(case)
        parts = case_parts([(row["pay_month"], row["amount"],
                             row["note"] if row["line_months"] == 1 else None) for row in lines])  # fmt: skip
        for row, months in zip(lines, parts, strict=True):
            found += [{**row, "pay_month": month, "amount": part, "noted": len(months) > 1
                       or month != row["pay_month"], "paid_in": row["pay_month"],
                       "line_amount": row["amount"]} for month, part in months]  # fmt: skip
    return found


def _paid_again(con, rows: list[dict]) -> list[dict]:
    """``_noted_parts``' rows, but a line its note reads as paying another month that the
    run's ledger already paid its case in (by its 发放 or 所属月份: ``_NETS_PAID``) kept in its
    own month, those months in its ``paid_again``: a 补发 of a month paid is that month's money
    twice, which a run flags, though the list's lines of the month alone fit what is owed (a
    first version passed such a 补发 or quarter's line, a review found)."""
    if "payments" not in table_names(con) or not any(row["noted"] for row in rows):
        return [{**row, "paid_again": None} for row in rows]
    paid = set(con.execute(
        f"SELECT case_no, pay_month FROM ({payment_months(con, _LEDGER_CASE_MONEY)}) "
        f"WHERE case_no IN (SELECT unnest($cases)) {_NETS_PAID}",
        {"cases": sorted({row["case_no"] for row in rows if row["noted"]})}).fetchall())  # fmt: skip
    again: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        month = row["pay_month"]
        if row["noted"] and month != row["paid_in"] and (row["case_no"], month) in paid:
            again[row["line"]].append(month)
    found = [{**row, "paid_again": None} for row in rows if row["line"] not in again]
    for row in {row["line"]: row for row in rows if row["line"] in again}.values():
        found.append({**row, "pay_month": row["paid_in"], "amount": row["line_amount"],
                      "noted": False, "paid_again": "、".join(again[row["line"]])})  # fmt: skip
    return found


def counted_with_case(lines: pa.Table) -> list[int]:
    """The lines whose amount cell is blank in a case and month another line of the list
    pays: a list of a line per member writes the case's amount on one line (the head's) and
    leaves its members' blank, and their money is in it. Such a line is no amount unread;
    the case's amount is judged on its lines together (``_amounts``).

    Parameters
    ----------
    lines : pa.Table
        The list's lines: ``case_no``, ``pay_month``, ``amount`` and, where the reader tells
        a blank cell from one it could not read, ``amount_blank``.

    Returns
    -------
    list of int
        The lines' indices, in order.

    Examples
    --------
    >>> lines = pa.table({"case_no": ["DB01", "DB01", "DB02"], "pay_month": ["2026-11"] * 3,
    ...                   "amount": [960.0, None, None], "amount_blank": [False, True, True]})
    >>> counted_with_case(lines)
    [1]
    """
    table = _lines_table(lines)
    keys = list(zip(table.column("case_no").to_pylist(), table.column("pay_month").to_pylist(),
                    strict=True))  # fmt: skip
    amounts = table.column("amount").to_pylist()
    paid = {key for key, amount in zip(keys, amounts, strict=True)
            if amount is not None and None not in key}  # fmt: skip
    blanks = table.column(AMOUNT_BLANK).to_pylist()
    return [line for line, (key, amount, blank) in enumerate(zip(keys, amounts, blanks, strict=True))
            if amount is None and blank and key in paid]  # fmt: skip


def _lines_paying_nothing(table: pa.Table) -> set[int]:
    """The lines paying nothing out: a 0-元 line (停发) or a refund (追回, 退回: a negative
    amount). No reason but ``unchecked`` holds them (holding a refund delays the money a lead
    asked back; a 停发 line has nothing to hold)."""
    amounts = table.column("amount").to_pylist()
    return {line for line, amount in enumerate(amounts) if amount is not None and amount <= 0}


def _unchecked(con, present: set[str], counted: list[int], by_payee: set[int]
               ) -> list[tuple[int, Hold]]:  # fmt: skip
    """Lines that cannot be checked: a value unread, or a case not on the roster that its
    payee does not stand for (``by_payee``: ``_members``). A blank amount counted in its
    case's other line (``counted``: ``counted_with_case``) is read."""
    # (a roster row without a case number must not make every unknown number unknown-NULL)
    on_roster = ("case_no IN (SELECT case_no FROM assistance WHERE case_no IS NOT NULL)"
                 if "assistance" in present else "false")  # fmt: skip
    known = f"({on_roster} OR list_contains($by_payee, line))"
    rows = con.execute(f"""
        SELECT DISTINCT line, CASE
            WHEN case_no IS NULL THEN '{CASE_BLANK}'
            WHEN NOT {known} THEN '救助证号 ' || case_no || ' 不在已发布运行的救助名册中'
                || '，领款人身份证号也未能对应到任何人'
            END,
            CASE WHEN pay_month IS NULL THEN '发放月份无法识别' END,
            CASE WHEN amount IS NULL AND NOT list_contains($counted, line) THEN '发放金额无法识别' END
        FROM {_LINES}
        WHERE case_no IS NULL OR NOT {known} OR pay_month IS NULL
           OR (amount IS NULL AND NOT list_contains($counted, line))
        ORDER BY line
    """, {"counted": counted, "by_payee": sorted(by_payee)}).fetchall()  # fmt: skip
    return [(line, Hold("unchecked", "，".join(p for p in parts if p)))
            for line, *parts in rows]  # fmt: skip


CASE_BLANK = "救助证号为空"
CASE_NOT_FOUND = ("表中没有救助证号，按领款人身份证号和银行账号在已发布运行的发放记录、救助名册中"
                  "都未找到唯一的案件")  # fmt: skip
# Where a line's case is looked for when its list has no 救助证号 (a bank's 代发 file), in
# order: the key, the table, the condition a row of it must meet, and the words saying so.
_CASE_KEYS = (
    ("payee_id_number", "payments", "r.payee_id_number", "true", "领款人身份证号（发放记录）"),
    (
        "payee_id_number",
        "assistance",
        "r.id_number",
        "r.covered = 'yes' AND (r.end_date IS NULL OR strftime(r.end_date, '%Y-%m') >= l.pay_month)",
        "身份证号（救助名册在保成员）",
    ),
    ("bank_account", "payments", "r.bank_account", "true", "银行账号（发放记录）"),
    (
        "bank_account",
        "assistance",
        "r.bank_account",
        "r.covered = 'yes' AND (r.end_date IS NULL OR strftime(r.end_date, '%Y-%m') >= l.pay_month)",
        "银行账号（救助名册）",
    ),
)


def cases_of_payees(con: duckdb.DuckDBPyConnection, lines: pa.Table
                    ) -> list[tuple[str | None, str | None]]:  # fmt: skip
    """Each line's case, for a list without 救助证号 (a bank's 代发 file): by the payee's ID in
    the ledger (the case of its latest month paid to that ID), else among the roster's covered
    members, else by the account in the ledger, else in the roster; a key finds a case only
    when it names one case alone.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    lines : pa.Table
        The list's lines: ``payee_id_number``, ``bank_account``, ``pay_month``.

    Returns
    -------
    list of (str or None, str or None)
        Per line, the case number and the key that found it (``身份证号（救助名册在保成员）``), or
        (None, None).
    """
    present = table_names(con)
    found: list[tuple[str | None, str | None]] = [(None, None)] * lines.num_rows
    con.register(_LINES, _lines_table(lines))
    try:
        for key, table, column, condition, words in _CASE_KEYS:
            if table not in present:
                continue
            latest = ("QUALIFY r.pay_month = max(r.pay_month) OVER (PARTITION BY l.line)"
                      if table == "payments" else "")  # fmt: skip
            rows = con.execute(f"""
                WITH candidates AS (
                    SELECT l.line, r.case_no FROM {_LINES} l JOIN {table} r
                    ON {column} = l.{key} AND {condition} AND r.case_no IS NOT NULL {latest}
                )
                SELECT line, any_value(case_no) FROM candidates GROUP BY line
                HAVING count(DISTINCT case_no) = 1
            """).fetchall()  # fmt: skip
            for line, case_no in rows:
                if found[line][0] is None:
                    found[line] = (case_no, words)
    finally:
        con.unregister(_LINES)
    return found


# A number's county in a province's database, where numbers are ``<county>/<number>``
# (``resolver.ingest``); '' in a county's: each county's roster judged apart, as a run does.
_PREFIX = "CASE WHEN contains(case_no, '/') THEN split_part(case_no, '/', 1) ELSE '' END"


def cases_written_otherwise(con: duckdb.DuckDBPyConnection, lines: pa.Table
                            ) -> tuple[pa.Table, dict[int, tuple[str, str]]]:  # fmt: skip
    """The lines with the 救助证号 of each line the run's roster writes otherwise taken as
    the roster's, by the rule a run joins its payments by
    (``resolver.case_numbers.joined_otherwise``: the number as written on no roster row, its
    canonical form one roster case's alone and written so alone in the list, the case not
    paid in the line's month under another writing, the payee a covered member or the head
    of the case not exited by then), so that a list screened before the bank and the
    month's run take a line for the same case.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    lines : pa.Table
        The list's lines: ``case_no`` (as the database holds it: ``<county>/<number>`` in a
        province's), ``pay_month``, ``pay_month_last``, ``payee_name``, ``payee_id_number``.

    Returns
    -------
    tuple of pa.Table and dict
        The lines, and per line so taken its 救助证号 as written and the roster's.
    """
    if "assistance" not in table_names(con):
        return lines, {}
    con.register(_LINES, _lines_table(lines))
    try:
        joined = joined_otherwise(
            con,
            f"SELECT line, '' AS file, {_PREFIX} AS scope, case_no, pay_month, pay_month_last, "
            f"payee_name, payee_id_number FROM {_LINES}",
            f"SELECT {_PREFIX} AS scope, case_no, name, id_number, covered, relation, start_date, "
            "end_date FROM assistance",
        )  # fmt: skip
    finally:
        con.unregister(_LINES)
    found = {line: (written, on_roster) for line, written, on_roster
             in zip(*joined.to_pydict().values(), strict=True)}  # fmt: skip
    cases = [found[line][1] if line in found else case_no
             for line, case_no in enumerate(lines.column("case_no").to_pylist())]  # fmt: skip
    index = lines.column_names.index("case_no")
    return lines.set_column(index, "case_no", pa.array(cases, pa.string())), found


# A covered roster row active in a pay month (m: 'YYYY-MM'); 临时救助 covers no one.
# a row of no known 纳入日期 (blank, or not read) is active until its end: covered on the
# roster now, it is a member of the list's month (until 2026-12-07 none: its case's line was
# held for 当月该案件没有在保成员 and a dead member's death went unsaid)
_ACTIVE = (
    "a.covered = 'yes' AND a.program IS DISTINCT FROM 'temporary' "
    "AND (a.start_date IS NULL OR strftime(a.start_date, '%Y-%m') <= {m}) "
    "AND (a.end_date IS NULL OR strftime(a.end_date, '%Y-%m') >= {m})"
)


def _members(con) -> set[int]:
    """Temporary table of each line's covered members active in its pay month, with who
    they are and the ID their row is trusted with. A list of one line per member (its case's
    lines that month name each of its members, two or more, by ID or name) pays each line to
    the member it names: such a line stands for that member alone, so a dead or twice-covered
    member holds his own line, not his family's. A line naming no member, or several, and the
    lines of a case-month naming some members only (a family's line beside one to a member:
    the dead member's money may be in it) stand for the whole case. A line of a case not on
    the roster has its payee as its member (no ``record_id``) where his ID is a person's
    trusted ID: the lines so standing are returned."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {_MEMBERS} AS
        WITH members AS (
            SELECT l.line, l.case_no, l.pay_month, a.record_id, a.name, a.program,
                   a.dibao_class, e.person_id, t.id18,
                   coalesce(l.payee_id_number = a.id_number, l.payee_name = a.name, false)
                   AS named  -- by ID where both give one, else by name
            FROM {_LINES} l
            JOIN assistance a ON a.case_no = l.case_no AND {_ACTIVE.format(m="l.pay_month")}
            LEFT JOIN {_PERSON_OF} e ON e.registry = 'assistance' AND e.record_id = a.record_id
            LEFT JOIN {_TRUSTED} t ON t.unique_id = 'assistance:' || a.record_id
            WHERE l.pay_month IS NOT NULL
        ),
        named AS (
            SELECT line, case_no, pay_month, any_value(record_id) AS record_id
            FROM members WHERE named GROUP BY ALL HAVING count(*) = 1
        ),
        active AS (
            SELECT case_no, pay_month, count(DISTINCT record_id) AS members FROM members
            GROUP BY ALL
        ),
        by_member AS (  -- the case-months paid one line per member, every member named
            SELECT case_no, pay_month FROM named JOIN active USING (case_no, pay_month)
            GROUP BY ALL HAVING count(DISTINCT record_id) >= 2
                                AND count(DISTINCT record_id) = any_value(members)
        ),
        stands_for AS (
            SELECT n.line, n.record_id FROM named n JOIN by_member USING (case_no, pay_month)
        )
        SELECT m.* EXCLUDE (named)
        FROM members m LEFT JOIN stands_for s USING (line)
        WHERE s.line IS NULL OR s.record_id = m.record_id
    """)  # fmt: skip
    con.execute(f"""
        INSERT INTO {_MEMBERS} BY NAME
        SELECT DISTINCT l.line, l.case_no, l.pay_month, NULL AS record_id, l.payee_name AS name,
               NULL AS program, NULL AS dibao_class, e.person_id, t.id18
        FROM {_LINES} l
        JOIN {_TRUSTED} t ON t.id18 = l.payee_id_number
        JOIN {_PERSON_OF} e ON e.registry || ':' || e.record_id = t.unique_id
        WHERE l.pay_month IS NOT NULL AND l.case_no IS NOT NULL
          AND l.case_no NOT IN (SELECT case_no FROM assistance WHERE case_no IS NOT NULL)
    """)  # fmt: skip
    lines = con.execute(f"SELECT DISTINCT line FROM {_MEMBERS} WHERE record_id IS NULL")
    return {line for (line,) in lines.fetchall()}


def _whom(name: str | None, record: str | None) -> str:
    """Who a hold names, its parenthesis left open: a member by his roster row, or the
    payee standing for a case not on the roster (``_members``).

    >>> _whom("张三", "A1") + "）", _whom("李四", None) + "）"
    ('张三（救助记录 A1）', '领款人李四（该案件不在已发布运行的救助名册中，按领款人身份证号核对）')
    """
    if record is None:
        return f"领款人{name or ''}（该案件不在已发布运行的救助名册中，按领款人身份证号核对"
    return f"{name or ''}（救助记录 {record}"


_MONTH = "(year({d}) * 12 + month({d}) - 1)"
_PAY_MONTH = "(CAST(substr({m}, 1, 4) AS INTEGER) * 12 + CAST(substr({m}, 6, 2) AS INTEGER) - 1)"


def _dismissed_records(con, run_id: str | None, dismissed: Collection[str],
                       present: set[str]) -> dict[str, list[set[str]]]:  # fmt: skip
    """The roster rows of each dismissed ``deceased_paid`` and ``duplicate_enrollment`` lead
    of run ``run_id``, by case type."""
    cleared: dict[str, list[set[str]]] = {"deceased_paid": [], "duplicate_enrollment": []}
    if run_id is None or not dismissed or "published_cases" not in present:
        return cleared
    rows = con.execute("""
        SELECT case_type, json_extract_string(records, '$[*].record_id') FROM published_cases
        WHERE run_id = ? AND case_id IN (SELECT unnest(?::VARCHAR[]))
          AND case_type IN ('deceased_paid', 'duplicate_enrollment')
    """, [run_id, sorted(dismissed)]).fetchall()  # fmt: skip
    for case_type, records in rows:
        cleared[case_type].append(set(records))
    return cleared


def _signs_of_life(con, run_id: str | None, present: set[str]) -> dict[str, str]:
    """The first sign of life (``生存迹象``, or a notice of another's birth date) the published
    ``deceased_paid`` lead of each roster row names, by the row's record id."""
    if run_id is None or "published_cases" not in present:
        return {}
    rows = con.execute("""
        SELECT json_extract_string(records, '$[0].record_id'),
               list_filter(json_extract_string(evidence, '$[*]'),
                           lambda e: e LIKE '%生存迹象：%' OR e LIKE '%误录了本人身份证号%')[1]
        FROM published_cases WHERE run_id = ? AND case_type = 'deceased_paid'
    """, [run_id]).fetchall()  # fmt: skip
    return {record: re.sub(r"^\[[^\]]*\] ", "", sign) for record, sign in rows if sign}


def _deaths(con, policy: Policy, present: set[str], cleared: list[set[str]],
            alive: dict[str, str]) -> list[tuple[int, Hold]]:  # fmt: skip
    """Lines paying a case whose covered member died before the pay month minus the grace
    (but for a roster row whose death lead reviewers dismissed: ``cleared``); a row whose
    lead names a sign of life (``alive``) is held as not corroborated, with the sign."""
    if "deaths" not in present:
        return []
    grace = policy.death_grace_months
    candidates = lone_death_candidates(con)
    con.register(_REPEATS, _repeats(con, candidates))
    con.register(_DATE_KINDS, _date_kinds_table(con))
    try:
        notified = con.execute(f"""
            WITH notices AS (
                SELECT e.person_id, d.record_id, d.death_date, d.source, t.id18,
                       r.source AS written, nullif(trim(r.death_date), '') AS date_written,
                       coalesce(k.kind, '{DEATH_DATE}') AS kind
                FROM deaths d LEFT JOIN raw_deaths r USING (source_no, row_no)
                LEFT JOIN {_DATE_KINDS} k ON k.source_no = d.source_no
                     AND k.derived = suffix(d.record_id, '{DERIVED_ID_SUFFIX}')
                JOIN (SELECT registry, record_id, person_id FROM {_PERSON_OF} UNION ALL
                      SELECT 'deaths', record_id, person_id FROM {_REPEATS}) e
                  ON e.registry = 'deaths' AND e.record_id = d.record_id
                LEFT JOIN {_TRUSTED} t ON t.unique_id = 'deaths:' || d.record_id
                -- the dated notices of a person, or all hers when none is dated
                QUALIFY d.death_date IS NOT NULL
                     OR count(d.death_date) OVER (PARTITION BY e.person_id) = 0
            ),
            grouped AS (
                SELECT person_id,
                       list(death_date) AS dates,
                       list(date_written) AS dates_written,
                       list(kind) AS kinds,
                       count(*) AS notices,
                       count(DISTINCT source) AS sources,
                       list(DISTINCT [source, written] ORDER BY [source, written]) AS source_list,
                       list(record_id ORDER BY record_id) AS records,
                       list(id18) FILTER (WHERE id18 IS NOT NULL) AS ids
                FROM notices GROUP BY person_id
            )
            SELECT m.line, m.name, m.record_id, m.person_id, m.case_no, m.pay_month, n.dates,
                   n.dates_written, n.kinds, n.notices, n.sources, n.source_list, n.records,
                   m.id18 IS NOT NULL AND list_contains(n.ids, m.id18)
            FROM {_MEMBERS} m JOIN grouped n USING (person_id)
            ORDER BY m.line, m.record_id, m.pay_month
        """).fetchall()  # fmt: skip
        fuzzy = _fuzzy_deaths(con, grace, candidates)
    finally:
        con.unregister(_REPEATS)
        con.unregister(_DATE_KINDS)
    firm = [(line, name, (record, person), (case_no, pay_month, record), died, dated, *rest)
            for line, name, record, person, case_no, pay_month, dates, written, kinds, *rest
            in notified for died, dated in [_death_read(dates, written, kinds)]
            if pay_month and (died is None or month_index(pay_month) > month_index(died))]  # fmt: skip
    cleared_rows = set().union(*cleared)
    not_dead = _whose(con, cleared_rows, {row: row for row in cleared_rows})  # by row or person
    signs = _whose(con, set(alive), alive)
    found = []
    for line, name, whom, row, died, dated, notices, sources, source_list, records, same_id in firm:
        record, (_, pay_month, _) = whom[0], row
        paid = "请先核实死亡日期" if died is None else _after_death(died, pay_month, grace)
        said = "、".join(dict.fromkeys(source_shown(*pair) for pair in source_list))
        if signs.get(whom):
            basis = f"未印证：{signs[whom]}"
        elif (notices >= 2 and sources >= 2) or same_id:
            basis = ("已印证：" + ("两个来源均有死亡记录" if sources >= 2
                                   else "死亡记录与救助记录身份证号一致"))  # fmt: skip
        else:
            basis = "未印证：仅凭姓名等信息关联，请先核实是否本人"
        found.append((line, whom, Hold("death", (
            f"{_whom(name, record)}，死亡记录 {'、'.join(records)}，来源{said}），"
            f"{dated}，{paid}，{basis}"), rows=(row,))))  # fmt: skip
    held = {(line, whom) for line, _, whom, *_ in firm}
    found += [item for item in fuzzy if item[:2] not in held]
    return [(line, hold) for line, whom, hold in found if not not_dead.get(whom)]


def _death_read(dates: list, written: list, kinds: list) -> tuple[date | None, str]:
    """The day a member's notices (their dates, each as written, and what each date is:
    ``models.graph.notice_date_kinds``) date her death by, as ``deceased_paid`` reads them,
    and how a hold says it: the dated notices' day (``death_counted``), named as what it is
    (a 户口注销日期 or 火化日期 with the death on or before it); when none is dated, the last
    day of the month an unread date writes (``month_written_end``: 2025-11-31 counts as
    November); else None: her death's month is unknown, every line paying her held. Until
    2026-12-07 (night) every day was called 死亡日期.

    >>> _death_read([date(2025, 11, 30)], ["2025-11-30"], ["死亡日期"])
    (datetime.date(2025, 11, 30), '死亡日期 2025-11-30')
    >>> _death_read([date(2025, 11, 30)], ["2025-11-30"], ["户口注销日期"])
    (datetime.date(2025, 11, 30), '户口注销日期 2025-11-30（死亡在此日或之前）')
    >>> _death_read([None], ["2025-11-31"], ["死亡日期"])
    (datetime.date(2025, 11, 30), '死亡日期「2025-11-31」不是有效日期（该月没有这一天），按 2025-11 计算')
    >>> _death_read([None], [None], ["死亡日期"])
    (None, '死亡日期未填写，无法确定死亡月份')
    """
    if any(dates):
        died = death_counted([day for day in dates if day])
        kind = next(kind for day, kind in zip(dates, kinds, strict=True) if day == died)
        return died, _day_said(kind, died)
    ends = {end: text for text in written
            if (end := month_written_end({"death_date": None, "death_written": text}))}  # fmt: skip
    if ends:
        died = death_counted(sorted(ends))
        return died, f"死亡日期「{ends[died]}」不是有效日期（该月没有这一天），按 {died:%Y-%m} 计算"
    shown = "、".join(f"「{text}」" for text in dict.fromkeys(written) if text)
    return None, f"死亡日期{shown or '未填写'}{'无法识别' if shown else ''}，无法确定死亡月份"


def _day_said(kind: str, day: date) -> str:
    """A notice's day as a hold says it: named as what it is, the death on or before it
    when it is no 死亡日期 (``models.graph.notice_date_kinds``)."""
    return f"{kind} {day}" + ("" if kind == DEATH_DATE else f"（{DIED_BEFORE_SAID}）")


def _date_kinds_table(con) -> pa.Table:
    """``models.graph.notice_date_kinds`` as a table to join: ``source_no``, ``derived``,
    ``kind``."""
    kinds = notice_date_kinds(con)
    return pa.table({"source_no": pa.array([number for number, _ in kinds], pa.int64()),
                     "derived": pa.array([derived for _, derived in kinds], pa.bool_()),
                     "kind": pa.array(list(kinds.values()), pa.string())})  # fmt: skip


def _whose(con, records: set[str], said: dict[str, str]) -> dict[tuple, str]:
    """``said`` of each roster row in ``records`` under the key a member of ``_MEMBERS`` is
    looked up by (``(record_id, person_id)``): a roster row's under (its id, its person), and
    also under (None, its person) for a payee standing for a case not on the roster
    (``_members``), who is no roster row of his own."""
    if not records:
        return {}
    persons = dict(con.execute(
        f"SELECT record_id, person_id FROM {_PERSON_OF} WHERE registry = 'assistance' "
        "AND list_contains(?::VARCHAR[], record_id)", [sorted(records)]).fetchall())  # fmt: skip
    keyed = {}
    for record in sorted(records):
        person = persons.get(record)
        keyed[(record, person)] = said[record]
        keyed.setdefault((None, person), said[record])
    return keyed


def _after_death(died: date, pay_month: str, grace: int) -> str:
    """What a line paying a dead member in ``pay_month`` is: paid after the grace (a batch
    lead's), or within it (after the month of death all the same).

    >>> _after_death(date(2026, 1, 5), "2026-03", 1)
    '死亡月份加宽限期 1 个月后仍发放'
    >>> _after_death(date(2026, 1, 5), "2026-02", 1)
    '死亡次月起仍在发放表中（在宽限期 1 个月内，批量比对尚不列为疑点），发放前请核实是否已办理减员'
    """
    if month_index(pay_month) > month_index(died) + grace:
        return f"死亡月份加宽限期 {grace} 个月后仍发放"
    return (f"死亡次月起仍在发放表中（在宽限期 {grace} 个月内，批量比对尚不列为疑点），"
            "发放前请核实是否已办理减员")  # fmt: skip


def _repeats(con, candidates: list[tuple]) -> pa.Table:
    """The notices linked to no one that repeat their only candidate's own notices, as the
    detector takes them (``models.detectors.common.death_notices``): of her alone of the
    ``candidates`` (``lone_death_candidates``), no namesake set aside, and with her notices
    one death (``repeats_death``): ``record_id`` and ``person_id``."""
    sole = {record: person for record, person, _, count, set_aside in candidates
            if count == 1 and set_aside == 0}  # fmt: skip
    dated = dict(con.execute("SELECT record_id, death_date FROM deaths "
                             "WHERE death_date IS NOT NULL").fetchall())  # fmt: skip
    own = defaultdict(list)
    for person, day in con.execute(
        f"SELECT e.person_id, d.death_date FROM deaths d JOIN {_PERSON_OF} e "
        "ON e.registry = 'deaths' AND e.record_id = d.record_id WHERE d.death_date IS NOT NULL"
    ).fetchall():
        own[person].append(day)
    pairs = [(record, person) for record, person in sole.items()
             if record in dated and repeats_death(own[person], dated[record])]  # fmt: skip
    return pa.table({"record_id": pa.array([record for record, _ in pairs], pa.string()),
                     "person_id": pa.array([person for _, person in pairs], pa.string())})  # fmt: skip


def _fuzzy_deaths(con, grace: int, lone: list[tuple]) -> list[tuple[int, tuple, Hold]]:
    """Lines of a member whom a notice linked to no one may be (a fuzzy link; ``lone``, the
    notices' candidates, ``lone_death_candidates``), paid after the month of death: line,
    the member (roster row and person), hold; what each notice's day is read from
    ``_DATE_KINDS``, registered by ``_deaths``."""
    candidates = [row[:4] for row in lone if row[3] <= MAX_CANDIDATES]
    if not candidates:
        return []
    record_ids, person_ids, probabilities, counts = zip(*candidates, strict=True)
    con.register("_screen_fuzzy", pa.table({
        "death_record": list(record_ids), "person_id": list(person_ids),
        "probability": list(probabilities), "candidates": list(counts)}))  # fmt: skip
    try:
        rows = con.execute(f"""
            SELECT m.line, m.name, m.record_id, m.person_id, m.case_no, m.pay_month,
                   n.death_record, n.death_date, n.kind, n.probability, n.candidates
            FROM {_MEMBERS} m
            JOIN (SELECT f.*, d.death_date, coalesce(k.kind, '{DEATH_DATE}') AS kind
                  FROM _screen_fuzzy f
                  JOIN deaths d ON d.record_id = f.death_record
                  LEFT JOIN {_DATE_KINDS} k ON k.source_no = d.source_no
                       AND k.derived = suffix(d.record_id, '{DERIVED_ID_SUFFIX}')
                  WHERE d.death_date IS NOT NULL) n USING (person_id)
            WHERE {_PAY_MONTH.format(m='m.pay_month')} > {_MONTH.format(d='n.death_date')}
            ORDER BY m.line, m.record_id, m.pay_month, n.death_record
        """).fetchall()  # fmt: skip
    finally:
        con.unregister("_screen_fuzzy")
    found, seen = [], set()
    for (
        line,
        name,
        record,
        person,
        case_no,
        pay_month,
        notice,
        died,
        kind,
        probability,
        count,
    ) in rows:
        if (line, record, person, pay_month) in seen:
            continue
        seen.add((line, record, person, pay_month))
        found.append((line, (record, person), Hold("death", (
            f"{_whom(name, record)}，疑似对应死亡记录 {notice}），"
            f"{_day_said(kind, died)}，{_after_death(died, pay_month, grace)}，"
            f"未印证：{_fuzzy_basis(probability, count)}，请先核实是否本人"),
            rows=((case_no, pay_month, record),))))  # fmt: skip
    return found


def _fuzzy_basis(probability: float, count: int) -> str:
    """What a fuzzy link of a member to a notice rests on: its probability, and, where the
    notice may be any of ``count`` persons (namesakes), that it may be either of them and the
    probability is this pair's alone (until 2026-12-07 同名同信息者 2 人 beside 匹配概率 0.99 read
    as near certain).

    >>> _fuzzy_basis(0.355, 1)
    '疑似匹配（匹配概率 0.35）'
    >>> _fuzzy_basis(0.99, 2)
    '该死亡记录可能是同名同信息的 2 人中任一人（匹配概率 0.99 只是本人与该记录单独比对的结果，不表示就是本人）'
    """
    if count == 1:
        return f"疑似匹配（匹配概率 {probability:.2f}）"
    return (f"该死亡记录可能是同名同信息的 {count} 人中任一人（匹配概率 {probability:.2f} "
            "只是本人与该记录单独比对的结果，不表示就是本人）")  # fmt: skip


# A case's month paid: its amounts net to more than nothing (a 0-元 停发 line, or a refund,
# is no payment); a month whose every amount is unread counts as paid. Lines of another fund
# than 低保 or 特困 (取暖费, 慰问金 …) pay no case (``CASE_MONEY``).
_NETS_PAID = "GROUP BY case_no, pay_month HAVING coalesce(sum(amount), 1) > 0"
_LEDGER_CASE_MONEY = f"(SELECT payments.* FROM payments {RAW_LINE} WHERE {CASE_MONEY})"


def _paid_cases(con, latest: str | None) -> None:
    """Temporary table of the cases paid in each month of the lines (their amounts netting
    to more than nothing: ``_NETS_PAID``): in the list, in the run's ledger, or expected (a
    case the ledger paid in its latest month, for the months of the list after it that the
    list does not show it in: a township's list does not show the other townships' cases).
    ``latest`` is the ledger's latest month (``resolver.ledger_months.last_paid_month``: a quarter's
    line paid in July pays August and September ahead; None without a ledger)."""
    # the ledger's lines read once, for both: its months of the list, and its latest
    paid = f"""WITH ledger_paid AS (
        SELECT case_no, pay_month FROM ({payment_months(con, _LEDGER_CASE_MONEY)})
        WHERE pay_month = $latest OR pay_month IN (SELECT pay_month FROM {_LINES}) {_NETS_PAID}
    )""" if latest else ""  # fmt: skip
    ledger = f"""
        UNION SELECT case_no, pay_month, 'ledger' FROM ledger_paid
        WHERE pay_month IN (SELECT pay_month FROM {_LINES})
        UNION SELECT p.case_no, l.pay_month, 'expected'
        FROM (SELECT case_no FROM ledger_paid WHERE pay_month = $latest) p
        JOIN (SELECT DISTINCT pay_month FROM {_LINES} WHERE pay_month > $latest) l ON true
        WHERE NOT EXISTS (SELECT 1 FROM {_LINES} x  -- the list says what it pays the case
                          WHERE x.case_no = p.case_no AND x.pay_month = l.pay_month
                            AND {case_money_sql("x.program", "x." + PROGRAM_TEXT, "x." + FUND)})
    """ if latest else ""  # fmt: skip
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {_PAID} AS {paid}
        SELECT case_no, pay_month, max(origin) AS origin FROM (  -- list, ledger, expected
            SELECT case_no, pay_month, 'list' AS origin FROM {_LINES}
            WHERE case_no IS NOT NULL AND pay_month IS NOT NULL AND {_LIST_CASE_MONEY}
            {_NETS_PAID} {ledger}
        ) GROUP BY ALL
    """, {"latest": latest} if latest else None)  # fmt: skip


def _twice(con, cleared: list[set[str]], latest: str | None, policy: Policy
           ) -> list[tuple[int, Hold]]:  # fmt: skip
    """Lines of 低保 or 特困 money whose covered member is covered that month in another case
    paid that month, or expected to be: paid in the ledger's latest month and still covered on
    the roster (but for two rows whose duplicate lead reviewers dismissed: ``cleared``); and
    lines whose covered member, or whose payee standing for a case not on the roster
    (``_members``), is the payee standing that month for another such case the list pays,
    unless he is the payee of more than ``policy.shared_identifier_limit`` cases in the list
    (an agent's or an office's ID, as an account of so many ties nothing: ``_accounts``)."""
    _paid_cases(con, latest)
    rows = con.execute(f"""
        SELECT m.line, m.name, m.record_id, a.case_no, a.record_id, p.origin, m.case_no,
               m.pay_month
        FROM {_MEMBERS} m
        JOIN {_PERSON_OF} e ON e.person_id = m.person_id AND e.registry = 'assistance'
        JOIN assistance a ON a.record_id = e.record_id AND a.case_no <> m.case_no
             AND {_ACTIVE.format(m="m.pay_month")}
        JOIN {_PAID} p ON p.case_no = a.case_no AND p.pay_month = m.pay_month
        WHERE m.person_id IS NOT NULL
          AND m.line IN (SELECT line FROM {_LINES} WHERE {_LIST_CASE_MONEY})
        UNION ALL  -- a member or payee who is the payee standing for a case not on the roster
        SELECT m.line, m.name, m.record_id, o.case_no, NULL, 'list', m.case_no, m.pay_month
        FROM {_MEMBERS} m
        JOIN {_MEMBERS} o ON o.person_id = m.person_id AND o.pay_month = m.pay_month
             AND o.case_no <> m.case_no AND o.record_id IS NULL
        JOIN {_PAID} p ON p.case_no = o.case_no AND p.pay_month = o.pay_month
        WHERE m.line IN (SELECT line FROM {_LINES} WHERE {_LIST_CASE_MONEY})
          AND o.id18 NOT IN (SELECT payee_id_number FROM {_LINES}  -- an agent's
                             WHERE payee_id_number IS NOT NULL AND case_no IS NOT NULL
                             GROUP BY ALL HAVING count(DISTINCT case_no) > $limit)
        ORDER BY 1, 3, 4, 8
    """, {"limit": policy.shared_identifier_limit}).fetchall()  # fmt: skip
    origins = {"list": "该案件当月也有发放（本发放表）",
               "ledger": "该案件当月也有发放（已有发放记录）",
               "expected": f"该案件 {latest} 已发放、名册中仍在保，预计当月也将发放（不在本发放表中）"}  # fmt: skip
    return [(line, Hold("twice", (
        f"{'在保成员' if record else ''}{_whom(name, record)}）同月也是案件 {other}"
        + (f"（救助记录 {other_record}）的在保对象" if other_record
           else f"（已发布运行的救助名册中{'' if record else '也'}没有）的领款人")
        + f"，{origins[origin]}"),
        rows=((case_no, month, record), (other, month, other_record))))
        for line, name, record, other, other_record, origin, case_no, month in rows
        if not any({record, other_record} <= both for both in cleared)]  # fmt: skip


def _over_standard(con, run_id: str | None, dismissed: Collection[str], present: set[str]
                   ) -> list[tuple[int, Hold]]:  # fmt: skip
    """Lines of a case with an open ``over_standard`` lead in the published run."""
    if run_id is None or "published_cases" not in present:
        return []
    since = ("(SELECT min(p.pay_month) FROM payments p WHERE p.record_id = l.since_record)"
             if "payments" in present else "NULL")  # fmt: skip
    con.register("_screen_dismissed", pa.table({"case_id": pa.array(sorted(dismissed),
                                                                      pa.string())}))  # fmt: skip
    try:
        rows = con.execute(f"""
            WITH leads AS (
                SELECT c.case_id, json_extract_string(c.evidence, '$[0]') AS first,
                       -- the first payment after the 渐退, which the evidence cites
                       regexp_extract(json_extract_string(c.evidence, '$[*]')::VARCHAR,
                                      '\\[发放记录 ([^\\]]+)\\]', 1) AS since_record,
                       -- paid after the 渐退, or after the income rose (a case of no 渐退)
                       regexp_extract(json_extract_string(c.evidence, '$[*]')::VARCHAR,
                                      '\\] ({AFTER_GRADUAL}|{AFTER_ABOVE})仍发放', 1) AS after,
                       unnest(json_extract_string(c.records, '$[*].record_id')) AS record_id
                FROM published_cases c
                WHERE c.run_id = ? AND c.case_type = 'over_standard'
                  AND c.case_id NOT IN (SELECT case_id FROM _screen_dismissed)
            ),
            cases AS (
                SELECT DISTINCT a.case_no, l.case_id, l.first, l.after, {since} AS since
                FROM leads l JOIN assistance a USING (record_id)
            )
            SELECT l.line, c.case_id, c.first, c.after FROM {_LINES} l
            JOIN cases c USING (case_no)
            WHERE c.since IS NULL OR l.pay_month >= c.since
            ORDER BY l.line, c.case_id
        """, [run_id]).fetchall()  # fmt: skip
    finally:
        con.unregister("_screen_dismissed")
    return [(line, Hold("over_standard", f"案件有未结的超标准未退出疑点 {case_id}（{first}，"
                                         f"{after or AFTER_GRADUAL}仍发放）"))
            for line, case_id, first, after in rows]  # fmt: skip


def _gradual_ended(con, policy: Policy, run_id: str | None, present: set[str]
                   ) -> list[tuple[int, Hold]]:  # fmt: skip
    """Lines of a 低保 case whose 渐退 the roster dates and whose ledger the run found paid
    no month past it (``published_gradual_ends``:
    ``models.detectors.over_standard.gradual_ends``, the detector's own reading of the
    period, published with the run), in a month past the 渐退 whose standard the income is
    still above: the first payments past it, which the run has no ``over_standard`` lead of
    yet and the month's update would raise. A 渐退 counted from the enrollment alone is not
    in the table: when the income rose is unknown, and the run's lead says so once paid. A
    database published before the table was (2026-12-07) holds no such lines."""
    if run_id is None or "published_gradual_ends" not in present:
        return []
    rows = con.execute(f"""
        SELECT DISTINCT l.line, l.case_no, l.pay_month, g.last_month, g.income, g.area, g.basis,
               g.phased
        FROM {_LINES} l JOIN published_gradual_ends g USING (case_no)
        WHERE g.run_id = ? AND l.pay_month > g.last_month
        ORDER BY l.line, l.pay_month
    """, [run_id]).fetchall()  # fmt: skip
    above = [row for row in rows if row[4] * 12 > policy.standard(
        month_index(row[2]), row[5], county_of_number(row[1]))]  # fmt: skip
    first = {}
    for _, case_no, month, *_ in sorted(above, key=itemgetter(2)):
        first.setdefault(case_no, month)
    return [(line, Hold("over_standard", _first_after(policy, past, first[past[0]])))
            for line, *past in above]  # fmt: skip


def _first_after(policy: Policy, row: tuple, first: str) -> str:
    """An ``over_standard`` hold's words for a line of a case past its 渐退, ``row`` (its case
    number, pay month and ``published_gradual_ends``' last month, income, area, basis and
    whether a 渐退 ran), whose first month past the 渐退 in the list is ``first``."""
    case_no, month, last_month, income, area, basis, phased = row
    after = "渐退期满后" if phased else "收入超标后"
    ended = f"渐退期至 {last_month} 已满" if phased else f"{last_month} 起收入已超过标准"
    which = (f"是{after}的首次发放" if month == first
             else f"也在{after}（本表自 {first} 起发放）")  # fmt: skip
    standards = income_text(policy, case_no, income, [month_index(month)], area,
                            county_of_number(case_no))  # fmt: skip
    return (
        f"{standards}；{basis}；{ended}，本行 {month} 的发放{which}"
        f"（已发布运行的发放记录中{after}尚无发放，故尚无超标准疑点），请核实家庭收入后再发放"
    )


def _accounts(con, policy: Policy, present: set[str]) -> list[tuple[int, Hold]]:
    """Lines whose payee account is also the account of other cases (not more than the
    policy's limit of them); but an institution's account (a payee, in the list or the
    ledger, named by ``INSTITUTIONS``: 集中供养) ties nothing. A person's account shared only
    by 特困 cases (a 村文书 drawing for old people at home) is still held."""
    sources = [f"SELECT bank_account, case_no, 'list' AS origin FROM {_LINES}",
               "SELECT bank_account, case_no, 'roster' FROM assistance"]  # fmt: skip
    payees = [f"SELECT bank_account, payee_name FROM {_LINES}"]
    if "payments" in present:
        sources.append("SELECT bank_account, case_no, 'ledger' FROM payments")
        payees.append("SELECT bank_account, payee_name FROM payments")
    rows = con.execute(f"""
        WITH pairs AS (
            SELECT bank_account, case_no, list(DISTINCT origin ORDER BY origin) AS origins
            FROM ({" UNION ALL ".join(sources)})
            WHERE bank_account IS NOT NULL AND case_no IS NOT NULL GROUP BY ALL
        ),
        institutions AS (
            SELECT DISTINCT bank_account FROM ({" UNION ALL ".join(payees)})
            WHERE regexp_matches(payee_name, ?)
        ),
        shared AS (
            SELECT bank_account FROM pairs
            WHERE bank_account NOT IN (SELECT bank_account FROM institutions
                                       WHERE bank_account IS NOT NULL)
            GROUP BY bank_account
            HAVING count(*) BETWEEN 2 AND ?
        )
        SELECT l.line, l.bank_account, list(p.case_no ORDER BY p.case_no),
               list(p.origins ORDER BY p.case_no)
        FROM {_LINES} l
        JOIN shared s USING (bank_account)
        JOIN pairs p ON p.bank_account = l.bank_account AND p.case_no <> l.case_no
        GROUP BY l.line, l.bank_account ORDER BY l.line
    """, ["|".join(INSTITUTIONS), policy.shared_identifier_limit]).fetchall()  # fmt: skip
    labels = {"list": "本发放表", "roster": "救助名册", "ledger": "发放记录"}
    found = []
    for line, account, others, origins in rows:
        named = "、".join(
            f"{case}（{'、'.join(labels[o] for o in where)}）"
            for case, where in zip(others[:SHOWN], origins[:SHOWN], strict=True)
        )
        more = f" 等 {len(others)} 个案件" if len(others) > SHOWN else ""
        found.append((line, Hold("account", f"领款账号 {mask_id(account)} 也是案件 {named}"
                                            f"{more}的账号", tuple(others))))  # fmt: skip
    return found


_KEY_OF = ("CASE WHEN m.program = 'tekun' THEN 'tekun' "
           "WHEN m.program = 'dibao' THEN m.dibao_class END")  # fmt: skip
"""SQL: the class key (``models.amounts``) of a member ``m`` of ``_MEMBERS``."""
# SQL: the own amount (``_OWED`` row ``o``) of a member ``m`` of ``_MEMBERS``, his case's area's.
_OWED_OF = f"""LEFT JOIN {_AREAS} ar ON ar.case_no = m.case_no
    LEFT JOIN {_OWED} o ON o.key = {_KEY_OF} AND o.pay_month = m.pay_month
     AND o.area IS NOT DISTINCT FROM ar.area"""
# SQL: each case-month's 低保 and 特困 money in the list.
_LIST_PAID = f"""
    SELECT case_no, pay_month, sum(amount) AS paid FROM {_LINES}
    WHERE case_no IS NOT NULL AND pay_month IS NOT NULL AND amount IS NOT NULL
      AND {_LIST_CASE_MONEY}
    GROUP BY ALL
"""


def _price_members(con, policy: Policy, table: pa.Table, latest: str | None) -> nx.Graph:
    """Temporary table ``_AREAS`` of each case's area (``models.amounts.case_areas``) and
    ``_OWED`` of each class's own amount in each month of the lines for a case of each area
    (``key``, ``pay_month``, ``area``, null for unknown, ``owed``, ``source``: ``own_amount``'s,
    特困 at its lowest level; ``LISTED``, ``list_urban`` or ``list_rural`` where the amount
    was inferred from the list itself, ``_class_amounts``; ``carried_from``: the month of an
    earlier year whose amount it is, else null). A class of no known amount that month has
    no row; where the areas' amounts differ, a case of unknown area has its row, ``owed``
    null and source ``AREA_UNKNOWN`` (not judged, as the run). Returns the graph holding the
    amounts and 特困's levels (``own_amount``'s). ``latest`` is the ledger's latest month
    (``resolver.ledger_months.last_paid_month``)."""
    months = sorted({m for m in table.column("pay_month").to_pylist() if m})
    (ledger, ledger_levels), _, by_area, _ = ledger_amounts_and_levels(con)
    amounts, area_amounts, carried, listed = _class_amounts(con, months, ledger, by_area, latest)
    # own_amount reads the ledger's amounts here (特困: its lowest level, fitted below)
    holder = nx.Graph(class_amounts=amounts, area_amounts=area_amounts,
                      tekun_levels=_tekun_levels(months, amounts, ledger_levels))  # fmt: skip
    owed_rows = [row for month in months for key in [*"ABC", TEKUN] for area in (None, *AREAS)
                 if (row := _owed_row(holder, policy, key, month, area, carried, listed))]  # fmt: skip
    names = ("key", "pay_month", "area", "owed", "source", "carried_from")
    columns = list(zip(*owed_rows, strict=True)) or [()] * len(names)
    owed_table = pa.table({name: pa.array(column, pa.float64() if name == "owed" else pa.string())
                           for name, column in zip(names, columns, strict=True)})  # fmt: skip
    con.register("_screen_owed_rows", owed_table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_OWED} AS SELECT * FROM _screen_owed_rows")
        con.register("_screen_area_rows", case_areas(con))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_AREAS} AS SELECT * FROM _screen_area_rows")
    finally:
        con.unregister("_screen_owed_rows")
        con.unregister("_screen_area_rows")
    return holder


def _owed_row(holder: nx.Graph, policy: Policy, key: str, month: str, area: str | None,
              carried: dict[tuple[str | None, str, int], str],
              listed: set[tuple[str | None, str, int]]) -> tuple | None:  # fmt: skip
    """The ``_OWED`` row of class ``key`` in ``month`` for a case of ``area``; None where the
    class has no amount then. The ledger's amount of an area (``ledger_urban``) is the list's
    (``list_urban``) where ``listed`` holds it (``_class_amounts``: area None for the
    county's one), and its month is ``carried``'s where it is an earlier year's."""
    at = month_index(month)
    found = own_amount(holder, policy, key, at, 0.0, None, area)
    if found.source == "share":  # where an area's is known, the areas' amounts differ
        apart = (
            area is None
            and own_amount(holder, policy, key, at, 0.0, None, AREAS[0]).source != "share"
        )
        return (key, month, None, None, AREA_UNKNOWN, None) if apart else None
    if not found.source.startswith("ledger"):
        return (key, month, area, found.amount, found.source, None)
    used = (found.source.removeprefix("ledger").lstrip("_") or None, key, at)
    source = found.source.replace("ledger", LISTED) if used in listed else found.source
    return (key, month, area, found.amount, source, carried.get(used))


def _unpriced_lines(con) -> set[int]:
    """The lines of 低保 or 特困 money of a case-month with a member of a class the county
    pays 城市低保 and 农村低保 apart, his case of unknown area (``AREA_UNKNOWN``): its amount
    is not judged (as the run)."""
    lines = con.execute(f"""
        SELECT DISTINCT l.line FROM {_LINES} l
        WHERE {_LIST_CASE_MONEY} AND (l.case_no, l.pay_month) IN (
            SELECT (m.case_no, m.pay_month) FROM {_MEMBERS} m {_OWED_OF}
            WHERE o.source = '{AREA_UNKNOWN}')
    """).fetchall()  # fmt: skip
    return {line for (line,) in lines}


def _amounts(con, policy: Policy, holder: nx.Graph) -> list[tuple[int, Hold]]:
    """Lines of a case whose amount that month (all its lines in the list) differs by more
    than the tolerance from its covered members' own amounts (``_price_members``, its
    ``holder``: those of the case's area); never the lines of a month that nets to nothing
    or less."""
    rows = con.execute(f"""
        WITH paid AS ({_LIST_PAID}),
        owed AS (
            SELECT m.case_no, m.pay_month, count(*) AS members,
                   count(o.owed) AS known, sum(o.owed) AS owed,
                   list({_KEY_OF}) AS keys, list(DISTINCT o.source) AS sources,
                   list(DISTINCT o.carried_from) FILTER (WHERE o.carried_from IS NOT NULL)
                   AS carried_from, list(m.record_id ORDER BY m.record_id) AS records,
                   any_value(ar.area) AS area
            FROM (SELECT DISTINCT case_no, pay_month, record_id, program, dibao_class
                  FROM {_MEMBERS}) m
            {_OWED_OF}
            GROUP BY ALL
        ),
        judged AS (
            SELECT p.case_no, p.pay_month, p.paid, coalesce(o.owed, 0) AS owed,
                   coalesce(o.keys, []) AS keys, coalesce(o.sources, []) AS sources,
                   coalesce(o.carried_from, []) AS carried_from,
                   coalesce(o.records, []) AS records, o.area
            FROM paid p LEFT JOIN owed o USING (case_no, pay_month)
            WHERE p.case_no IN (SELECT case_no FROM assistance)
              AND (o.case_no IS NULL OR o.known = o.members)
        )
        SELECT l.line, j.pay_month, j.paid, j.owed, j.keys, j.sources, j.carried_from,
               j.case_no, j.records, j.area
        FROM {_LINES} l JOIN judged j USING (case_no, pay_month)
        -- a month netting to nothing or less is no month paid (as for the detectors)
        WHERE j.paid > 0 AND {case_money_sql("l.program", "l." + PROGRAM_TEXT, "l." + FUND)}
          AND (abs(j.paid - j.owed) > ? * j.owed OR j.owed = 0)
        ORDER BY l.line, j.pay_month
    """, [policy.payment_tolerance]).fetchall()  # fmt: skip
    own = defaultdict(dict)  # each month's and area's own amount of each class, in fen
    for key, month, area, amount in con.execute(
            f"SELECT key, pay_month, area, owed FROM {_OWED} WHERE owed IS NOT NULL").fetchall():  # fmt: skip
        own[(month, area)][key] = in_fen(amount)
    found = []
    for line, month, paid, owed, keys, sources, earlier, case_no, records, area in rows:
        if TEKUN in keys:
            owed = _tekun_fitted(holder, policy, month, paid, owed, keys.count(TEKUN))
            if abs(in_fen(paid) - in_fen(owed)) <= policy.payment_tolerance * in_fen(owed):
                continue  # paid at one of 特困's levels
        labels = [CLASS_LABELS.get(key, "类别不明") for key in keys]
        members = "、".join(f"{label} {labels.count(label)} 人" for label in sorted(set(labels)))
        basis = "，".join(label for source, label in BASIS_LABELS.items() if source in sources)
        if earlier:  # a new year's amount the list does not show: the last year's, said so
            basis += (f"；本表不足以推算 {month} 的类别月标准，按发放记录 {'、'.join(sorted(earlier))} "
                      "的标准（新年度标准如已调整，请按新标准核对）")  # fmt: skip
        said = (f"本表发放 {paid:.2f} 元，按在保成员类别应发 {owed:.2f} 元（{members}）"
                f"，相差超过 {policy.payment_tolerance:.0%}" + (f"，{basis}" if basis else "")
                if keys else f"本表发放 {paid:.2f} 元，但当月该案件没有在保成员")  # fmt: skip
        said += _one_member_apart(in_fen(paid) - in_fen(owed), own[(month, area)], Counter(keys))
        case_rows = tuple((case_no, month, record) for record in records)
        found.append((line, month, said, (f"{paid:.2f}", f"{owed:.2f}"), case_rows))
    return [(line, _amount_hold(list(months))) for line, months in groupby(found, itemgetter(0))]


def _one_member_apart(fen: int, own: dict[str, int], held: Counter) -> str:
    """What a case's amount short or over by ``fen`` may be: exactly the own amount that
    month (``own``: class key to fen) of one member of a class its program pays (a 低保
    case's A, B or C; a 特困 case's 特困) — of a class the case holds (``held``: class key to
    members) when short — or exactly k of its members of one class each moved to the same
    other class of the program (k times the step): a member added or taken off, or a change
    of class, this month (the published roster is the month before's). Every change of class
    that fits is said, joined by 或 (2 members A to B or 1 of them A to C: the same 300 元
    where A, B and C are 630, 480 and 330; a class is often a household's, not always); a
    member added or taken off that fits as well as a change of class is neither said.

    >>> own = {"A": 50000, "B": 40000, "C": 30000, "tekun": 40000}
    >>> _one_member_apart(40000, own, Counter("A"))
    '，多出正好一名低保B类成员的月标准（可能本月新增成员，请对照本月变动名单核实）'
    >>> _one_member_apart(-10000, own, Counter("BC"))
    '，少了正好一名成员由低保B类改为低保C类的差额（可能本月类别调整，请对照本月变动名单核实）'
    >>> _one_member_apart(-10000, own, Counter("AB"))
    '，少了正好一名成员由低保A类改为低保B类或一名成员由低保B类改为低保C类的差额（可能本月类别调整，请对照本月变动名单核实）'
    >>> _one_member_apart(-30000, {"A": 63000, "B": 48000, "C": 33000}, Counter("AA"))
    '，少了正好两名成员由低保A类改为低保B类或一名成员由低保A类改为低保C类的差额（可能本月类别调整，请对照本月变动名单核实）'
    >>> _one_member_apart(-50000, own, Counter("B")), _one_member_apart(1234, own, Counter("A"))
    ('', '')
    >>> _one_member_apart(-30000, {"A": 60000, "B": 45000, "C": 30000}, Counter("AAC"))
    ''
    """
    programs = [keys for keys in ({"A", "B", "C"}, {TEKUN}) if keys & set(held)]
    same = set().union(*programs) & set(own)
    fitting = same if fen > 0 else same & set(held)
    words = "多出" if fen > 0 else "少了"
    added = [CLASS_LABELS[key] for key in sorted(fitting) if own[key] == abs(fen)]
    moves = [f"{_members_counted(count)}由{CLASS_LABELS[old]}改为{CLASS_LABELS[new]}"
             for old in sorted(set(held) & same) for new in sorted(same - {old})
             for count in range(1, held[old] + 1) if count * (own[new] - own[old]) == fen]  # fmt: skip
    if added and not moves:
        change = "新增成员" if fen > 0 else "有成员减少"
        return (f"，{words}正好一名{'或'.join(added)}成员的月标准（可能本月{change}，"
                "请对照本月变动名单核实）")  # fmt: skip
    if moves and not added:
        return (f"，{words}正好{'或'.join(moves)}的差额（可能本月类别调整，"
                "请对照本月变动名单核实）")  # fmt: skip
    return ""


def _members_counted(count: int) -> str:
    """How many members, in words (两名成员; 11 名成员)."""
    return f"{'一两三四五六七八九十'[count - 1]}名成员" if count <= 10 else f"{count} 名成员"


def _amount_hold(months: list[tuple[int, str, str, tuple[str, str], tuple]]) -> Hold:
    """One line's amount hold from its months judged (line, month, what was found, paid and
    owed, the case's rows that month): a line of several months (所属月份 2026-11至2026-12) is
    held once, the months found alike named together (2026-11、2026-12 各月本表发放 …), else
    each month's in turn."""
    said = {found for _, _, found, _, _ in months}
    if len(said) == 1:
        named = "、".join(month for _, month, _, _, _ in months)
        text = f"{named} {'各月' if len(months) > 1 else ''}{said.pop()}"
    else:
        text = "；".join(f"{month} {found}" for _, month, found, _, _ in months)
    pairs = dict.fromkeys(pair for _, _, _, pair, _ in months)
    basis = tuple(part for pair in pairs for part in pair)
    rows = tuple(row for *_, case_rows in months for row in case_rows)
    return Hold("amount", text, basis, rows)


def _settled_rows(con, holds: list[Hold]) -> dict[Row, str]:
    """The rows a ``death`` or ``twice`` hold names that their case's amount in the list
    already leaves out, each with the words saying so: where a case-month's lines pay less
    than its covered members' own amounts (``_OWED``) by exactly, to the fen, the own amounts
    of some of its rows so held, and of no other set of them, and no line of the list pays
    one of them by name, the office has taken those members off. A case-month with a 特困
    member (paid at one of several levels) or a member of no known amount is not weighed,
    nor one of more than ``MAX_FLAGGED`` rows so held; a drop that two sets of them match
    (two dead members of one class, one left out) names neither. A living member of the dead
    one's class left out instead is not told apart (the ledger's next run raises the death
    if he was paid); a line paying the held member by name is (a review found the first
    version passing it beside his kin's lines, a third member left out)."""
    flagged: dict[tuple[str, str], set[str]] = defaultdict(set)
    for hold in holds:
        if hold.kind in ("death", "twice"):
            for case_no, month, record in hold.rows:
                flagged[(case_no, month)].add(record)
    if not flagged:
        return {}
    con.register("_screen_flagged", pa.table({
        "case_no": [case_no for case_no, _ in flagged],
        "pay_month": [month for _, month in flagged]}))  # fmt: skip
    try:
        rows = con.execute(f"""
            WITH members AS (
                SELECT m.case_no, m.pay_month, m.record_id, any_value(m.name) AS name,
                       any_value({_KEY_OF}) AS key, any_value(o.owed) AS owed,
                       bool_or(n.payee_name IS NOT NULL) AS named  -- a line pays him by name
                FROM {_MEMBERS} m
                JOIN _screen_flagged USING (case_no, pay_month)
                {_OWED_OF}
                LEFT JOIN (SELECT DISTINCT case_no, pay_month, payee_name FROM {_LINES}) n
                  ON n.case_no = m.case_no AND n.pay_month = m.pay_month
                 AND n.payee_name = m.name
                WHERE m.record_id IS NOT NULL  -- a payee standing for his case: no class
                GROUP BY m.case_no, m.pay_month, m.record_id
            )
            SELECT case_no, pay_month, p.paid, list(record_id), list(name), list(key),
                   list(owed), list(record_id) FILTER (WHERE named)
            FROM members JOIN ({_LIST_PAID}) p USING (case_no, pay_month)
            GROUP BY ALL
        """).fetchall()  # fmt: skip
    finally:
        con.unregister("_screen_flagged")
    settled = {}
    for case_no, month, paid, records, names, keys, owed, named in rows:
        if TEKUN in keys or None in owed or len(flagged[(case_no, month)]) > MAX_FLAGGED:
            continue
        own = {record: in_fen(amount) for record, amount in zip(records, owed, strict=True)}
        short = sum(own.values()) - in_fen(paid)
        candidates = sorted(flagged[(case_no, month)] & set(own))
        matches = [chosen for size in range(1, len(candidates) + 1)
                   for chosen in combinations(candidates, size)
                   if sum(own[record] for record in chosen) == short]  # fmt: skip
        if short <= 0 or len(matches) != 1 or set(matches[0]) & set(named or ()):
            continue
        name_of = dict(zip(records, names, strict=True))
        members = "、".join(f"{name_of[r] or ''}（救助记录 {r}）当月的 {_yuan(own[r])} 元"
                            for r in matches[0])  # fmt: skip
        words = (f"案件 {case_no} {month} 本表发放 {_yuan(in_fen(paid))} 元，比按在保成员类别应发 "
                 f"{_yuan(sum(own.values()))} 元少 {_yuan(short)} 元，正是{members}")  # fmt: skip
        settled.update({(case_no, month, record): words for record in matches[0]})
    return settled


def _tekun_fitted(holder: nx.Graph, policy: Policy, month: str, paid: float, owed: float,
                  tekun: int) -> float:  # fmt: skip
    """What a case with ``tekun`` 特困 members is owed (``owed``: each priced at 特困's lowest
    level) with each at the level nearest his share of what it was paid above the others."""
    at = month_index(month)
    rest = in_fen(owed) - tekun * in_fen(own_amount(holder, policy, TEKUN, at, 0.0).amount)
    share = (in_fen(paid) - rest) / tekun / 100
    return (rest + tekun * in_fen(own_amount(holder, policy, TEKUN, at, share).amount)) / 100


def _tekun_levels(months: list[str], amounts: dict[tuple[str, int], float],
                  ledger: dict[int, tuple[float, ...]]) -> dict[int, tuple[float, ...]]:  # fmt: skip
    """特困's levels in each month of the list: the ledger's (``ledger``, ``tekun_levels``);
    for a month it does not hold yet, where 特困 has an amount that month (``_class_amounts``:
    none when a new year's standard leaves it unknown), that amount (the list's most common,
    or the ledger's carried) and its latest month's levels. No other amount of the list's own
    lines is a level: five cases paid twice in it would pass as one."""
    levels = dict(ledger)
    for month in map(month_index, months):
        if month in ledger or (TEKUN, month) not in amounts:
            continue
        earlier = [at for at in ledger if at < month]
        latest = ledger[max(earlier)] if earlier else ()
        levels[month] = tuple(sorted({*latest, amounts[(TEKUN, month)]}))
    return levels


@contextmanager
def _list_as_ledger(con, months: list[str]) -> Iterator[None]:
    """The list's lines of ``months`` read as the table ``payments`` (a temporary view:
    temporary names are found first) while the context runs: what ``ledger_amounts`` infers
    from them."""
    listed = ", ".join("'" + month.replace("'", "''") + "'" for month in months)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW payments AS
        SELECT case_no, pay_month, amount::DECIMAL(14, 2) AS amount, NULL::VARCHAR AS program,
               NULL::DECIMAL(14, 2) AS base_amount, NULL::BIGINT AS source_no, NULL::BIGINT AS row_no FROM {_LINES}
        WHERE pay_month IN ({listed})
    """)  # fmt: skip
    try:
        yield
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main.payments")


def _class_amounts(con, months: list[str], amounts: dict[tuple[str, int], float],
                   areas: AreaAmounts, latest: str | None
                   ) -> tuple[dict[tuple[str, int], float], AreaAmounts,
                              dict[tuple[str | None, str, int], str],
                              set[tuple[str | None, str, int]]]:  # fmt: skip
    """The class amounts of each month the run's ledger infers (``amounts`` and each area's,
    ``areas``: ``ledger_amounts_and_levels``'). A month the ledger does not hold yet (the
    list of a month to come; a month after the latest it paid in, ``latest``:
    ``resolver.ledger_months.last_paid_month``, though a line of several months pays it
    ahead) takes each class's amount from the list itself, read in place of the ledger, where
    at least ``MIN_CASES`` of its cases show it; else the ledger's latest amount of the class,
    of an earlier year too (a short list, or one line, never sets its own standard: a January
    list of three cases is judged by December's amounts, as November's is by October's). An
    area's amount of such a month is only the list's, from ``MIN_CASES`` of the area's cases,
    never carried from another month (as the run's, ``models.amounts``): a county paying both
    areas alike, its list after a raise showing one area's cases of a class and two of the
    other's, would otherwise price those two at the old amount carried, the areas then
    apart. ``own_amount`` prices by area where both areas' amounts differ, as the run does.

    Amounts change with the year (a new standard from January): where the list's own lines
    show, for a month of a later year than the ledger's latest amount, a class amount other
    than that class's latest in the ledger, the standard has changed, and the classes the
    list does not show are not carried over from the earlier year (not judged: their new
    amount is unknown). Also returns, for each amount carried over from an earlier year, the
    month it was the ledger's (said in the hold's reason), and the (area, class, month) whose
    amount the list itself showed (``LISTED``: said so in the hold's reason, not as the
    ledger's); area None for the county's one amount."""
    present = table_names(con)
    held = ({m for (m,) in con.execute(f"SELECT DISTINCT pay_month FROM ({payment_months(con)}) "
                                       "WHERE pay_month <= ?", [latest]).fetchall()}
            if latest else set())  # fmt: skip
    new = [month for month in months if month not in held]
    if not new or not {"payments", "assistance"} <= present:
        return amounts, areas, {}, set()
    with _list_as_ledger(con, new):
        (inferred, _), _, inferred_areas, _ = ledger_amounts_and_levels(con, yearly=False)
    logger.info("class amounts of %s inferred from the list itself", ", ".join(new))
    found, carried, listed = _month_amounts(new, held, amounts, inferred)
    found_areas = {}
    for place in ((None, area) for area in AREAS):
        shown = inferred_areas.get(place, {})
        found_areas[place] = {**areas.get(place, {}), **shown}
        listed |= {(place[1], key, at) for key, at in shown}
    return found, found_areas, carried, listed


def _month_amounts(new: list[str], held: set[str], amounts: dict[tuple[str, int], float],
                   inferred: dict[tuple[str, int], float]
                   ) -> tuple[dict[tuple[str, int], float], dict[tuple[None, str, int], str],
                              set[tuple[None, str, int]]]:  # fmt: skip
    """``_class_amounts`` of the county's one amount: the ledger's ``amounts`` and, for the
    ``new`` months (not in ``held``), the list's (``inferred``) or the ledger's latest carried
    over; with the months carried from and the amounts listed, keyed by (None, class, month)."""
    found, carried, listed = dict(amounts), {}, set()
    ledger_months: dict[str, list[int]] = defaultdict(list)  # each class's months, in order
    for key, at in sorted(amounts, key=lambda item: item[1]):
        if month_text(at) in held:  # not a month a line pays ahead
            ledger_months[key].append(at)
    for month in sorted({month_index(month) for month in new}):
        # each class's latest month in the ledger before it
        before = {key: max(at for at in ats if at < month) for key, ats in ledger_months.items()
                  if ats[0] < month}  # fmt: skip
        shown = {key: value for (key, at), value in inferred.items() if at == month}
        changed = any(key in before and before[key] // 12 < month // 12
                      and in_fen(value) != in_fen(amounts[(key, before[key])])
                      for key, value in shown.items())  # fmt: skip
        for key, at in before.items():
            if key in shown:
                continue
            if at // 12 < month // 12:  # an earlier year's amount
                if changed:
                    continue  # the list shows a new year's standard: this class's is unknown
                carried[(None, key, month)] = month_text(at)
            found[(key, month)] = amounts[(key, at)]
        found.update({(key, month): value for key, value in shown.items()})
        listed.update((None, key, month) for key in shown)
    return found, carried, listed
