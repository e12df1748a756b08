"""The four forms of the 梁平 document (回龙府发〔2020〕20号, 附件1–4) as the county files them.

附件1–3 (社会救助兜底脱贫调查摸排台账) list every member of a 建档立卡 group — 未脱贫 (with
返贫), 边缘户, 脱贫监测户 — enrolled or not (``models.coverage_forms``), a sheet per township
(after its county's name in a drop of several counties, as 附件4 counts them: 元谋县 城关),
in the form's 14 columns and then Doudi's own (贫困户状态, 核查状态, 疑点编号, 说明):

- 目前享受救助类型 is one value of the form's drop-down (低保/特困/临时救助/无) from the member's
  roster rows covered and active on the run's as-of day (the rule of the 摸排台账,
  ``api.ledgers``): a member on several programs at once gets the first the form lists, and
  the 说明 names them all (``form_program``);
- 家庭人数 and 家庭人均月纯收入 are the 建档立卡 household's (户编号), the same on every row of
  it: its number of members, and its yearly income per person / 12; a household none of whose
  rows gives an income takes its members' current roster income (``household_incomes``);
- 通过排查拟纳入救助 and 未纳入原因 follow the reviewers' decisions on the member's coverage
  lead (``LEAD_TYPES``, resting on the member's 建档立卡 or 残疾人 row): 属实 → 是; 不属实 →
  否 and the reason; otherwise 待核查. A member already covered has both blank; a member not
  covered with no lead is 待核查 (not 否: nobody has looked), with a note.

附件4 (城乡低保摸排处理汇总表) counts per township: 低保人数 and 建卡贫困户兜底户数 (cases with a
member of a 建档立卡贫困户, not of a 边缘户) from the roster on the as-of day, and the 摸排处理情况
from Doudi's cases and decisions (``HANDLING``): 拟调整补差金额 the amount at risk of the cases to
adjust, summed in whole fen, the others in households (cases); then the number of households to
adjust, a column of Doudi's own. Amounts are shown with two decimals and thousands separators
(``api.ledgers.MONEY_FORMAT``).

Under each title stands the 填报单位 / 填报时间 line; under each table the form's own
instructions (填表说明, 填报说明), Doudi's note on where each column comes from, and a
signature line. Every text is a text cell, never a formula (``api.ledgers.text_cells``); ID
and phone numbers are masked for roles that may not read them.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from api.ledgers import (
    FORM_PROGRAMS,
    HEADER_FILL,
    NO_PROGRAM,
    active_on,
    chinese_date,
    filled_by,
    for_printing,
    inclusion,
    money_cells,
    monthly_income,
    open_cases,
    programs_on,
    text_cells,
    to_fen,
)
from api.masking import masked_row
from api.published import Published, township_label
from api.reviews import DecisionError
from models.case_types import CASE_LABELS
from models.coverage_forms import (
    GROUP_STATUSES,
    Member,
    group_members,
    roster_rows,
)
from models.detectors.common import STATUS_LABELS as POVERTY_STATUS_LABELS
from models.graph import drop_as_of
from models.publish import working_run
from resolver.db import table_names
from resolver.errors import DoudiError
from resolver.ingest import county_aliases, of_county
from resolver.registries import county_label, county_of_number

FORMS = (1, 2, 3, 4)
# The document's titles less its county (梁平区): a form names the county it is of, if known.
FORM_TITLES = {
    1: "“未脱贫建档立卡贫困人口”社会救助兜底脱贫调查摸排台账",
    2: "“边缘户”社会救助兜底脱贫调查摸排台账",
    3: "“脱贫监测户”社会救助兜底脱贫调查摸排台账",
    4: "城乡低保摸排处理汇总表",
}
FORM_COLUMNS = (
    "序号", "乡镇", "所属村组", "姓名", "身份证号码", "家庭人数", "与户主关系", "健康状况",
    "致贫原因", "家庭人均月纯收入（元）", "目前享受救助类型", "联系电话", "通过排查拟纳入救助",
    "未纳入原因",
)  # fmt: skip
DOUDI_COLUMNS = ("贫困户状态", "核查状态", "疑点编号", "说明")
MEMBER_COLUMNS = (*FORM_COLUMNS, *DOUDI_COLUMNS)
# The coverage leads of a member not covered, on their 建档立卡 or 残疾人 row.
LEAD_TYPES = ("unenrolled_key_person", "missed_disability")
PENDING, NO_LEAD = "待核查", "无纳入保障疑点，需排查后填写"
# The form's own instruction under 附件1–3 (the document prints the same one under all three).
FILL_NOTE = (
    "填表说明：1.本表对未脱贫的建档立卡贫困人口逐户进行排查。2.目前享受救助类型包括低保、特困、"
    "临时救助和无，在下拉菜单中选择。对未享受低保、特困和临时救助的对象，请在下拉菜单中选择无，"
    "并对应填写未纳入原因。"
)
RELAPSED_NOTE = "本表含返贫人口：按本地政策口径，返贫人口与未脱贫人口一并排查（见“贫困户状态”列）。"
MEMBER_NOTE = (
    "说明（系统生成）：名单为建档立卡登记册中该类户的全部成员，已纳入和未纳入保障的均列出，每人一行；"
    "目前享受救助类型按截至{as_of}仍在保的保障对象记录判定，同时享受多项的按填表说明所列顺序填第一项，"
    "并在说明列列出全部；家庭人数、家庭人均月纯收入按建档立卡户（户编号）填写，同户各成员相同："
    "家庭人数为该户成员数，家庭人均月纯收入为该户人均纯收入（年）÷12（四舍五入到分），该户未填"
    "收入的取户内成员截至{as_of}仍在保记录的家庭人均月纯收入；"
    "通过排查拟纳入救助、未纳入原因取自核查人员对该成员纳入保障疑点（{leads}）的核查结论："
    "属实为“是”，不属实为“否”并填其理由，尚未核实为“待核查”；已享受救助的不填；"
    "未享受救助又无疑点的填“待核查”，需逐户排查后填写。"
)
MASKED_NOTE = "身份证号码、联系电话已部分隐去。"
SIGNATURE = "填表人：　　　　　　　　审核人：　　　　　　　　负责人（签章）："
# 附件4: its two header rows, and the handling columns counted from cases (households).
SUMMARY_TOP = ("乡镇", "基本情况", "", "摸排处理情况", "", "", "备注", "拟调整补差户数（户）")
SUMMARY_SUB = ("", "低保人数", "其中：建卡贫困户兜底户数", "拟调整补差金额", "拟整户纳入",
               "拟完善资料", "", "")  # fmt: skip
ADJUST = ("payment_mismatch", "over_standard")  # confirmed: 拟调整补差金额
WHOLE = ("a_class_partial", "single_covered_member", "split_household")  # confirmed: 拟整户纳入
UNDER_REVIEW = ("in_review", "field_check")
SUMMARY_FILL_NOTE = (
    "填报说明：此表数据以{as_of}在册城乡低保数据为准进行摸排（原表为“5月在册”；本表为本次运行截止日"
    "{as_of}仍在保的保障对象）。"
)
HANDLING = (
    "说明（系统生成）：低保人数为截至{as_of}仍在保的低保保障对象人数；建卡贫困户兜底户数为有在保成员"
    "属于建档立卡贫困户（未脱贫、返贫、已脱贫或脱贫监测户；边缘户和贫困户状态不明的不计）的低保案件数；"
    "拟调整补差金额（元）＝{adjust}疑点核查属实的涉及金额（按分合计；涉及金额无法计算的疑点不计入金额），"
    "其户数见末列“拟调整补差户数”；拟整户纳入＝{whole}疑点核查属实的户数；拟完善资料＝核查状态为"
    "核查中或需入户核查的疑点数（各类疑点）；已因数据变化消除的疑点不计。"
)
# The form's drop-down lists: the column and its choices.
DROP_DOWNS = {"目前享受救助类型": "低保,特困,临时救助,无", "通过排查拟纳入救助": "是,否,待核查"}
WIDTHS = {"序号": 6, "身份证号码": 21, "未纳入原因": 24, "疑点编号": 22, "说明": 28,
          "致贫原因": 12, "联系电话": 14, "所属村组": 12}  # fmt: skip
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\']")
# A 填报单位's leading county-level places: names ending 县, 区, 市, 旗 or 盟, with no township,
# village or office word (镇, 乡, 街, 村, 社, 局, 府, 办) inside.
# A place word followed by a township's (新市镇, 红旗街道, 旧县镇, 城区街道) is a township's name.
_UNIT_PLACE = re.compile(r"^(?:[^镇乡街村社局府办]+?(?:县|区|市|旗|盟)(?![镇乡街村社办]))+")


@dataclass(frozen=True)
class FormFile:
    """One filled form: the XLSX file, how many rows it lists (members for 附件1–3,
    townships for 附件4, less the 合计 row) and its file name (``form_file_name``)."""

    content: bytes
    rows: int
    name: str


def form_title(form: int, place: str | None = None) -> str:
    """The title of a form, naming the county it is of when known.

    Parameters
    ----------
    form : int
        1 to 4.
    place : str or None
        The county's name; None for a form of no known county (no place is made up).

    Returns
    -------
    str
        The title.

    Examples
    --------
    >>> form_title(4), form_title(4, "大姚县")
    ('城乡低保摸排处理汇总表', '大姚县城乡低保摸排处理汇总表')
    """
    return (place or "") + FORM_TITLES[form]


def unit_place(unit: str | None) -> str | None:
    """The county-level place a 填报单位 names at its start (the forms' titles name it).

    Parameters
    ----------
    unit : str or None
        The 填报单位 (大姚县民政局, 重庆市梁平区回龙镇人民政府).

    Returns
    -------
    str or None
        Its leading places up to the last 县, 区, 市, 旗 or 盟 before any township, village
        or office word; None when it names none (回龙镇人民政府, 民政局) or for None.

    Examples
    --------
    >>> [unit_place(u) for u in ("大姚县民政局", "重庆市梁平区回龙镇人民政府", "兴安盟民政局",
    ...                          "回龙镇人民政府", "城关镇社区服务中心", None)]
    ['大姚县', '重庆市梁平区', '兴安盟', None, None, None]
    >>> [unit_place(u) for u in ("新市镇人民政府", "红旗街道办事处", "旧县镇人民政府", "城区街道办事处")]
    [None, None, None, None]
    """
    found = _UNIT_PLACE.match(unit or "")
    return found.group(0) if found else None


def form_file_name(form: int, place: str | None = None) -> str:
    """The file name of a form: its number and title.

    Parameters
    ----------
    form : int
        1 to 4.
    place : str or None
        The county's name (``form_title``).

    Returns
    -------
    str
        ``附件<n> <title>.xlsx`` (the title's quotes are the full-width “”, legal in file
        names).

    Examples
    --------
    >>> form_file_name(2), form_file_name(4, "梁平区")
    ('附件2 “边缘户”社会救助兜底脱贫调查摸排台账.xlsx', '附件4 梁平区城乡低保摸排处理汇总表.xlsx')
    """
    return f"附件{form} {form_title(form, place)}.xlsx"


def liangping_form(
    con: duckdb.DuckDBPyConnection,
    published: Published,
    form: int,
    *,
    masked: bool,
    unit: str | None = None,
    made: date | None = None,
    county: str | None = None,
) -> FormFile:
    """Fill one of the four forms from the run's database and the reviewers' decisions, of
    one county of a province drop when ``county`` is given (its titles then name that county).
    The forms of a drop of several counties sheet and count each township after its county's
    name (``api.published.township_label``: 元谋县 城关), as townships of one name in two
    counties are two.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database; its latest run must have published (its registries and persons
        are the file's working tables).
    published : Published
        The published cases and the decisions so far.
    form : int
        1 to 4 (``FORM_TITLES``).
    masked : bool
        Whether ID and phone numbers are masked (for roles that may not see them).
    unit : str or None
        The 填报单位; left blank for the office to fill in when None. The titles name the
        place it begins with (``unit_place``: 大姚县民政局, 大姚县) unless ``county`` is given;
        with neither, they name no place (``form_title``).
    made : date or None
        The 填报时间; today when None.
    county : str or None
        Only this county's rows and cases (a province drop); all of them when None.

    Returns
    -------
    FormFile
        The XLSX file, its number of rows and its file name.

    Raises
    ------
    DecisionError
        ``invalid`` for a form that is not 1 to 4; ``conflict`` when the file holds no
        published latest run.
    """
    if form not in FORMS:
        raise DecisionError("invalid", f"没有附件{form}：附件为 1 至 4")
    _check_published(con)
    as_of = run_as_of(con, published)
    place = (
        county_label(county, county_aliases(con).get(county, ())) if county else unit_place(unit)
    )
    if form == 4:
        roster = [row for row in roster_rows(con) if of_county(row["record_id"], county)]
        rows = summary_form_rows(roster, published, as_of, county)
        content = summary_form_workbook(rows, as_of, unit=unit, made=made, place=place)
        return FormFile(content, max(len(rows) - 1, 0), form_file_name(form, place))
    members = [member for member in group_members(con, GROUP_STATUSES[form])
               if of_county(member.record_id, county)]  # fmt: skip
    names = {} if county else published.county_names  # one county's own: townships as named
    rows = member_rows(with_county_townships(members, names), published, as_of, masked=masked)
    content = member_form_workbook(form, rows, as_of, masked=masked, unit=unit, made=made,
                                   place=place)  # fmt: skip
    return FormFile(content, len(rows), form_file_name(form, place))


def with_county_townships(members: Sequence[Member], names: dict[str, str]) -> list[Member]:
    """The members, each township after its county's name in a drop of several counties
    (``api.published.township_label``: 元谋县 城关; the county of a member's record id), so
    that the forms sheet townships of one name in two counties apart; as they are otherwise.

    Parameters
    ----------
    members : sequence of Member
        The group's members (``models.coverage_forms.group_members``).
    names : dict of str to str
        The name of each county the forms are of (``Published.county_names``).

    Returns
    -------
    list of Member
        The members.

    Examples
    --------
    >>> member = Member("532328/P1", "p1", "H1", "城关", "东村", "张三", None, 1, "户主", "健康",
    ...                 "缺资金", 3600.0, "not_lifted", None, (), ("532328/P1",), ())
    >>> names = {"532328": "元谋县", "532329": "武定县"}
    >>> [m.township for m in with_county_townships([member], names)]
    ['元谋县 城关']
    >>> [m.township for m in with_county_townships([member], {"532328": "元谋县"})]
    ['城关']
    """
    if len(names) < 2:
        return list(members)
    return [replace(member, township=township_label(member.township,
                                                    county_of_number(member.record_id), names))
            for member in members]  # fmt: skip


def _check_published(con: duckdb.DuckDBPyConnection) -> None:
    if "runs" not in table_names(con):
        raise DecisionError("conflict", "数据库中没有运行记录：请先运行 `doudi run`")
    try:
        working_run(con)
    except DoudiError as error:
        raise DecisionError("conflict", str(error)) from error


def run_as_of(con: duckdb.DuckDBPyConnection, published: Published) -> date:
    """The day the latest run judged "active" on.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    published : Published
        The published cases.

    Returns
    -------
    date
        The ``as_of`` of the latest run's open cases; without one, the household graph's
        rule on the database (``models.graph.drop_as_of``).
    """
    days = {case["detail"]["as_of"] for case in published.cases.values()
            if not case["resolved"] and (case.get("detail") or {}).get("as_of")}  # fmt: skip
    return date.fromisoformat(max(days)) if days else drop_as_of(con)


def member_rows(
    members: Sequence[Member], published: Published, as_of: date, *, masked: bool
) -> list[list]:
    """The rows of 附件1–3: one per member, in ``MEMBER_COLUMNS`` order.

    Parameters
    ----------
    members : sequence of Member
        The group's members (``models.coverage_forms.group_members``).
    published : Published
        The published cases and the decisions so far.
    as_of : date
        The day a roster row must still be active on to count.
    masked : bool
        Whether the rows are masked (``api.masking.masked_row``: ID and phone numbers, and
        every number or date in a text, a name written as 姓名（身份证号） too).

    Returns
    -------
    list of list
        One row per member in the given order, numbered from 1 (each township's sheet
        numbers its own rows again).

    Examples
    --------
    >>> from datetime import date
    >>> member = Member("P1", "p1", "H1", "城关", "东村", "张三", None, 1, "户主", "健康",
    ...                 "缺资金", 3600.0, "not_lifted", None, (), ("P1",), ())
    >>> empty = Published([], [], [], [], [])
    >>> member_rows([member], empty, date(2026, 10, 31), masked=False)[0][5:15]
    [1, '户主', '健康', '缺资金', 300.0, '无', None, '待核查', '', '未脱贫']
    """
    leads = _lead_index(published)
    incomes = household_incomes(members, as_of)
    rows = [[number, *_member_row(member, leads, published, as_of, incomes[_household(member)])]
            for number, member in enumerate(members, 1)]  # fmt: skip
    return [masked_row(row, MEMBER_COLUMNS) for row in rows] if masked else rows


def household_incomes(members: Sequence[Member], as_of: date) -> dict[str, float | None]:
    """家庭人均月纯收入 of each 建档立卡 household, one for all its members: the yearly income
    per person / 12 (rounded half-up to the fen) of its first row by record id that gives one;
    without one, the first current roster income of its members (``api.ledgers.active_on``).

    Parameters
    ----------
    members : sequence of Member
        The group's members (``models.coverage_forms.group_members``).
    as_of : date
        The day a roster row must still be active on to count.

    Returns
    -------
    dict of str to float or None
        Each household's key (``_household``) -> its monthly income; None when no row gives
        one.

    Examples
    --------
    >>> from datetime import date
    >>> def member(record_id, year, roster=()):
    ...     return Member(record_id, record_id, "H1", "城关", "东村", "张三", None, 2, "户主",
    ...                   "健康", "缺资金", year, "not_lifted", None, roster, (record_id,), ())
    >>> covered = {"covered": "yes", "end_date": None, "income_per_capita": 300.0}
    >>> household_incomes([member("P2", 2400.0, (covered,)), member("P1", 2400.0)],
    ...                   date(2026, 10, 31))
    {'H1': 200.0}
    >>> household_incomes([member("P1", None, (covered,))], date(2026, 10, 31))
    {'H1': 300.0}
    """
    households: dict[str, list[Member]] = defaultdict(list)
    for member in sorted(members, key=lambda m: m.record_id):
        households[_household(member)].append(member)
    return {key: _household_income(mine, as_of) for key, mine in households.items()}


def _household(member: Member) -> str:
    """A member's household: its 户编号, else the member alone."""
    return member.household_no or f"poverty:{member.record_id}"


def _household_income(members: list[Member], as_of: date) -> float | None:
    year = next((m.income_per_capita_year for m in members
                 if m.income_per_capita_year not in (None, "")), None)  # fmt: skip
    if year is not None:
        return monthly_income([], year)
    return monthly_income([row for m in members for row in m.roster if active_on(row, as_of)], None)


def form_program(programs: str) -> tuple[str, str]:
    """目前享受救助类型 as the form's drop-down takes it, one value: the first the form lists
    (低保, 特困, 临时救助) of a member on several at once, and a note naming them all.

    Parameters
    ----------
    programs : str
        The member's programs (``api.ledgers.programs_on``: 低保、特困).

    Returns
    -------
    tuple of (str, str)
        The value, and the note (empty for one program).

    Examples
    --------
    >>> form_program("特困")
    ('特困', '')
    >>> form_program("低保、特困")[0]
    '低保'
    """
    listed = programs.split("、")
    if len(listed) < 2:
        return programs, ""
    note = f"同时享受{programs}，按填表说明所列顺序填“{listed[0]}”"
    if {FORM_PROGRAMS["dibao"], FORM_PROGRAMS["tekun"]} <= set(listed):
        note += "；低保与特困不应同时享受，请核查（见“重复享受”疑点）"
    return listed[0], note


def _lead_index(published: Published) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The coverage leads by each record they rest on."""
    index: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for case in published.cases.values():
        if case["case_type"] in LEAD_TYPES:
            for record in case["records"]:
                index[record["registry"], record["record_id"]].append(case)
    return index


def _leads_of(member: Member, index: dict) -> list[dict[str, Any]]:
    """The member's coverage leads: those still raised, else those resolved by data."""
    keys = [*(("poverty", r) for r in member.poverty_records),
            *(("disability", r) for r in member.disability_records)]  # fmt: skip
    found = {case["case_id"]: case for key in keys for case in index.get(key, [])}
    raised = [case for case in found.values() if not case["resolved"]]
    return sorted(raised or found.values(), key=lambda case: case["case_id"])


def _member_row(member: Member, index: dict, published: Published, as_of: date,
                income: float | None) -> list:  # fmt: skip
    programs = programs_on(list(member.roster), as_of)
    program, several = form_program(programs)
    leads = _leads_of(member, index)
    proposed, reason, note = _screening(programs, leads, published)
    died = f"有死亡记录（{member.died}），请核实是否已死亡" if member.died else ""
    note = "；".join(filter(None, [died, several, note]))
    return [
        member.township, member.village, member.name, member.id_number, member.household_size,
        member.relation, member.health, member.poverty_cause, income, program, member.phone,
        proposed, reason, POVERTY_STATUS_LABELS.get(member.status or "", member.status),
        "、".join(published.status_label(case) for case in leads),
        "、".join(case["case_id"] for case in leads), note,
    ]  # fmt: skip


def _screening(programs: str, leads: list[dict[str, Any]], published: Published) -> tuple:
    """通过排查拟纳入救助, 未纳入原因 and Doudi's note, from the member's leads' decisions;
    blank for a member covered by 低保 or 特困 (临时救助 alone covers no one: the form asks
    whether he is to be included)."""
    if set(programs.split("、")) - {NO_PROGRAM, FORM_PROGRAMS["temporary"]}:
        return "", "", ""
    if not leads:
        return PENDING, "", NO_LEAD
    outcomes = [inclusion(case["case_type"], published.status(case["case_id"]),
                           published.history.get(case["case_id"], []))
                for case in leads]  # fmt: skip
    if any(proposed == "是" for proposed, _ in outcomes):
        return "是", "", ""
    if any(proposed != "否" for proposed, _ in outcomes):
        return PENDING, "", ""
    return "否", "；".join(_unique(reason for _, reason in outcomes if reason)), ""


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def summary_form_rows(
    roster: Sequence[dict[str, Any]],
    published: Published,
    as_of: date,
    county: str | None = None,
) -> list[list]:
    """The rows of 附件4: per township, the 基本情况 from the roster and the 摸排处理情况 from
    the cases, then 合计.

    Parameters
    ----------
    roster : sequence of dict
        Every roster row with ``person_id`` and ``poor_household``
        (``models.coverage_forms.roster_rows``).
    published : Published
        The published cases and the decisions so far.
    as_of : date
        The day a roster row must still be active on to count.
    county : str or None
        Only the cases of this county (a province drop); all of them when None.

    Returns
    -------
    list of list
        乡镇 (after its county's name in a drop of several counties:
        ``api.published.township_label``), 低保人数, 其中：建卡贫困户兜底户数, 拟调整补差金额 (the amount at risk of the
        cases to adjust, summed in whole fen), 拟整户纳入, 拟完善资料, 备注 (blank), and the
        number of households (cases) to adjust; by township, then 合计 (none without
        townships).

    Examples
    --------
    >>> from datetime import date
    >>> row = {"record_id": "A1", "case_no": "DB1", "program": "dibao", "covered": "yes",
    ...        "end_date": None, "township": "城关", "person_id": "p1", "poor_household": True}
    >>> summary_form_rows([row], Published([], [], [], [], []), date(2026, 10, 31))
    [['城关', 1, 1, 0.0, 0, 0, '', 0], ['合计', 1, 1, 0.0, 0, 0, '', 0]]
    """
    table: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0, 0, "", 0])  # 拟调整补差金额 in fen
    published = published.of_county(county)  # its cases where it files them, by its names
    for township, (persons, poor_cases) in _dibao_counts(roster, as_of,
                                                         published.county_names).items():  # fmt: skip
        table[township][0:2] = [persons, poor_cases]
    for case in open_cases(published):
        _count_case(table[published.township_of(case)], case, published.status(case["case_id"]))
    rows = [[township, *line] for township, line in sorted(table.items())]
    if rows:
        sums = [sum(row[i] for row in rows) for i in range(1, 6)]
        rows.append(["合计", *sums, "", sum(row[7] for row in rows)])
    for row in rows:  # fen to 元, after the exact sums
        row[3] /= 100
    return rows


def _dibao_counts(roster: Sequence[dict[str, Any]], as_of: date,
                  names: dict[str, str]) -> dict[str, tuple[int, int]]:  # fmt: skip
    """Per township (after its county's name among ``names`` of several counties): the 低保
    members active on ``as_of``, and the 低保 cases with such a member of a 建档立卡贫困户
    (each case under the first township of its active rows)."""
    persons: dict[str, set] = defaultdict(set)
    case_places: dict[str, set] = defaultdict(set)
    poor_cases: set[str] = set()
    for row in roster:
        if row["program"] != "dibao" or not active_on(row, as_of):
            continue
        township = township_label(row["township"], county_of_number(row["record_id"]), names)
        persons[township].add(row["person_id"] or f"assistance:{row['record_id']}")
        case = row["case_no"] or f"assistance:{row['record_id']}"
        case_places[case].add(township)
        if row["poor_household"]:
            poor_cases.add(case)
    poor: dict[str, int] = defaultdict(int)
    for case in poor_cases:
        poor[min(case_places[case])] += 1
    return {township: (len(persons[township]), poor[township]) for township in persons}


def _count_case(line: list, case: dict[str, Any], status: str) -> None:
    """Add a case to its township's 摸排处理情况 (``HANDLING``)."""
    if status == "confirmed" and case["case_type"] in ADJUST:
        line[2] += to_fen(case["amount_at_risk"])
        line[6] += 1
    elif status == "confirmed" and case["case_type"] in WHOLE:
        line[3] += 1
    elif status in UNDER_REVIEW:
        line[4] += 1


def member_form_workbook(
    form: int,
    rows: list[list],
    as_of: date,
    *,
    masked: bool,
    unit: str | None = None,
    made: date | None = None,
    place: str | None = None,
) -> bytes:
    """附件1, 2 or 3 as an XLSX file: a sheet per township.

    Parameters
    ----------
    form : int
        1, 2 or 3.
    rows : list of list
        ``member_rows`` (already masked when they should be).
    as_of : date
        The run's as-of day (the note says what 目前享受救助类型 was judged on).
    masked : bool
        Whether the rows were masked (the note says so).
    unit : str or None
        The 填报单位; blank when None.
    made : date or None
        The 填报时间; today when None.
    place : str or None
        The county the title names (``form_title``).

    Returns
    -------
    bytes
        The XLSX file; every text a text cell, never a formula.
    """
    leads = "、".join(CASE_LABELS[kind] for kind in LEAD_TYPES)
    notes = [FILL_NOTE, *([RELAPSED_NOTE] if "relapsed" in GROUP_STATUSES[form] else []),
             MEMBER_NOTE.format(as_of=chinese_date(as_of), leads=leads)
             + (MASKED_NOTE if masked else "")]  # fmt: skip
    book = Workbook()
    book.remove(book.active)
    townships = sorted({row[1] or "未知" for row in rows}) or ["无"]
    for township in townships:
        mine = [[i, *row[1:]] for i, row in
                enumerate((row for row in rows if (row[1] or "未知") == township), 1)]  # fmt: skip
        sheet = _form_sheet(book, township, form, place, filled_by(unit, made), MEMBER_COLUMNS)
        sheet.append(text_cells(sheet, list(MEMBER_COLUMNS)))
        _style_header(sheet, 4)
        for row in mine:
            sheet.append(text_cells(sheet, row))
        money_cells(sheet, [MEMBER_COLUMNS.index("家庭人均月纯收入（元）") + 1], 5)
        _drop_downs(sheet, len(mine))
        _widths(sheet, MEMBER_COLUMNS)
        _footer(sheet, notes, len(MEMBER_COLUMNS))
        sheet.freeze_panes = "A5"
        for_printing(sheet, 4)
    return _bytes(book)


def summary_form_workbook(
    rows: list[list],
    as_of: date,
    *,
    unit: str | None = None,
    made: date | None = None,
    place: str | None = None,
) -> bytes:
    """附件4 as an XLSX file: the two header rows with the form's merged cells, the rows and
    合计.

    Parameters
    ----------
    rows : list of list
        ``summary_form_rows``.
    as_of : date
        The run's as-of day (the roster's 在册 day).
    unit : str or None
        The 填报单位; blank when None.
    made : date or None
        The 填报时间; today when None.
    place : str or None
        The county the title names (``form_title``).

    Returns
    -------
    bytes
        The XLSX file; every text a text cell, never a formula.
    """
    width = len(SUMMARY_TOP)
    book = Workbook()
    book.remove(book.active)
    sheet = _form_sheet(book, "附件4", 4, place, filled_by(unit, made), SUMMARY_TOP)
    sheet.append(text_cells(sheet, list(SUMMARY_TOP)))
    sheet.append(text_cells(sheet, list(SUMMARY_SUB)))
    for cells in ("A4:A5", "B4:C4", "D4:F4", "G4:G5", "H4:H5"):
        sheet.merge_cells(cells)
    _style_header(sheet, 4)
    _style_header(sheet, 5)
    for row in rows:
        sheet.append(text_cells(sheet, row))
    money_cells(sheet, [SUMMARY_SUB.index("拟调整补差金额") + 1], 6)
    _widths(sheet, [*SUMMARY_SUB[:-1], SUMMARY_TOP[-1]])
    sheet.column_dimensions["A"].width = 14
    day = chinese_date(as_of)
    handling = HANDLING.format(as_of=day, adjust=_labels(ADJUST), whole=_labels(WHOLE))
    _footer(sheet, [SUMMARY_FILL_NOTE.format(as_of=day), handling], width)
    sheet.freeze_panes = "B6"
    for_printing(sheet, 5)
    return _bytes(book)


def _labels(kinds: tuple[str, ...]) -> str:
    return "、".join(f"“{CASE_LABELS[kind]}”" for kind in kinds)


def _form_sheet(book: Workbook, name: str, form: int, place: str | None,
                filled: tuple[str, str], headers: Sequence[str]) -> Worksheet:  # fmt: skip
    """A sheet with the form's number, its title (naming ``place``: ``form_title``) and the
    填报单位 / 填报时间 line (rows 1–3)."""
    sheet = book.create_sheet(_SHEET_UNSAFE.sub("", ILLEGAL_CHARACTERS_RE.sub("", name))[:31]
                              or "未知")  # fmt: skip
    width = len(headers)
    sheet.append(text_cells(sheet, [f"附件{form}"]))
    sheet.append(text_cells(sheet, [form_title(form, place)]))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].font = Font(bold=True, size=14)
    sheet["A2"].alignment = Alignment(horizontal="center")
    split = max(width // 2, 1)
    sheet.append(text_cells(sheet, [filled[0], *[None] * (split - 1), filled[1]]))
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=split)
    sheet.merge_cells(start_row=3, start_column=split + 1, end_row=3, end_column=width)
    return sheet


def _style_header(sheet: Worksheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _drop_downs(sheet: Worksheet, rows: int) -> None:
    """The form's drop-down lists (在下拉菜单中选择) on 目前享受救助类型 and 通过排查拟纳入救助."""
    if not rows:
        return
    for column, choices in DROP_DOWNS.items():
        letter = get_column_letter(MEMBER_COLUMNS.index(column) + 1)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                                    showErrorMessage=False)  # fmt: skip
        validation.add(f"{letter}5:{letter}{4 + rows}")
        sheet.add_data_validation(validation)


def _footer(sheet: Worksheet, notes: list[str], width: int) -> None:
    """The form's instructions and Doudi's notes, each across the table (tall enough for its
    wrapped lines), then the signature line."""
    across = sum(sheet.column_dimensions[get_column_letter(i)].width or 8
                 for i in range(1, width + 1))  # fmt: skip
    for text in [*notes, SIGNATURE]:
        sheet.append(text_cells(sheet, [text]))
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 16 * (int(2 * len(text) // across) + 1)


def _widths(sheet: Worksheet, headers: Sequence[str]) -> None:
    for index, header in enumerate(headers, 1):
        default = max(8, min(22, 2 * len(header)))
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, default)


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
