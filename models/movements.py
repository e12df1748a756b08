"""Who entered and who left 低保 and 特困 in a period (新纳入和退出), each with a reason.

The 梁平 document asks offices to sort "新纳入和退出低保的人员" of a period by kind. A
movement is a covered roster row (``assistance``, 是否保障对象 是) whose 纳入日期 (an entry) or
退出日期 (an exit) falls in the period; a row that began and ended in it is both. A row whose
救助类型 could not be read is listed with the program ``UNKNOWN_PROGRAM`` (类型不明), never
dropped; a 临时救助 row (one-off help) is no movement of 低保 or 特困.

No registry records why a person entered or left, so the reason is **inferred** from the
registries, one per movement — the first rule below that applies — and every output says
so (``INFERRED``). "The same person" is who linking says each record is
(``resolver.outputs.record_persons``); the registries' own rows are read directly.

Exits (退出), in order:

1. 死亡 — a death notice of the person dated no later than ``DEATH_DAYS`` after the exit;
2. 转入特困 / 转入低保 — a covered row of the other program of the person that starts no
   later than ``GAP_DAYS`` after the exit and has not ended before it (or is already active);
3. 变更案件 — the same, in the same program under another 救助证号, within
   ``CASE_CHANGE_DAYS``;
4. 已脱贫 — a 建档立卡 row of the person with the status 已脱贫;
5. 收入超过标准 — the ended row's monthly income per person × 12 above the policy's
   standard in force on the exit day in the row's area (``Policy.standard``; the row's
   城乡属性, else its 救助类型 as written: ``resolver.normalize.urban_or_rural``);
6. 原因未记录 — none of these.

Entries (新纳入), in order:

1. 转自特困 / 转自低保 — a covered row of the other program of the person that began no later
   than the entry and ended within ``GAP_DAYS`` of it (before it, or overlapping it by at most
   as long: paperwork often stops the old program a little after the new one begins);
2. 变更案件 — the same, in the same program under another 救助证号, within
   ``CASE_CHANGE_DAYS``;
3. 建档立卡<状态> (建档立卡未脱贫, 建档立卡边缘户 …) — a 建档立卡 row of the person (the neediest
   status first);
4. 重度残疾 — a disability certificate the policy counts as severe;
5. 重病 — the row's 健康状况 is one the policy counts as grave illness (患有大病);
6. 收入低于标准 — the row's monthly income per person × 12 below the standard of its area;
7. 其他 — none of these.

A row another of the same case and program takes on from the next day (a class changed)
is neither an exit nor an entry. Each movement's ``basis`` names the record(s) its reason
rests on, for the clerk to check.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from models.detectors.common import STATUS_LABELS
from models.graph import notice_date_kind, notice_date_kinds
from models.policy import Policy
from resolver.db import table_names
from resolver.normalize import code_label, urban_or_rural
from resolver.outputs import RESOLVED, record_persons
from resolver.registries import AREA_HEADERS, county_of_number, extra_value

logger = logging.getLogger(__name__)

ENTRY, EXIT = "entry", "exit"
DIRECTION_LABELS = {ENTRY: "新纳入", EXIT: "退出"}
PROGRAM_LABELS = {"dibao": "低保", "tekun": "特困"}
UNKNOWN_PROGRAM = "类型不明"  # the program of a row whose 救助类型 could not be read
OTHER_PROGRAM = {"dibao": "tekun", "tekun": "dibao"}
INFERRED = "据数据推断，需核实"
GAP_DAYS = 92  # a transfer to the other program: the next row within about three months
# A change of case carries the person on within a month; a longer break in his coverage is
# an exit and an entry (until 2026-12-08 an exit for income re-entered two months later was
# called 变更案件, its income above the standard never said).
CASE_CHANGE_DAYS = 31
DEATH_DAYS = 31  # a death notice dated up to a month after the exit still explains it
# 建档立卡 statuses, the neediest first (an entry reason names the first the person has).
STATUS_ORDER = ("not_lifted", "relapsed", "monitored", "marginal", "lifted")
EXIT_REASONS = ("死亡", "转入特困", "转入低保", "变更案件", "已脱贫", "收入超过标准", "原因未记录")
ENTRY_REASONS = (
    "转自特困", "转自低保", "变更案件",
    *(f"建档立卡{STATUS_LABELS[status]}" for status in STATUS_ORDER), "建档立卡",
    "重度残疾", "重病", "收入低于标准", "其他",
)  # fmt: skip
REASONS = {ENTRY: ENTRY_REASONS, EXIT: EXIT_REASONS}


@dataclass(frozen=True)
class Movement:
    """One entry into (``entry``) or exit from (``exit``) a program, with its inferred reason.

    ``program`` is ``dibao``, ``tekun`` or ``UNKNOWN_PROGRAM``; ``day`` the row's 纳入日期 or
    退出日期; ``reason`` a Chinese label of ``REASONS[direction]`` and ``basis`` a short
    Chinese sentence naming the record(s) it rests on.
    """

    direction: str
    program: str
    day: date
    township: str | None
    village: str | None
    case_no: str | None
    record_id: str
    person_id: str | None
    name: str | None
    id_number: str | None
    dibao_class: str | None
    reason: str
    basis: str

    @property
    def program_label(self) -> str:
        """The program in Chinese: 低保, 特困 or 类型不明."""
        return PROGRAM_LABELS.get(self.program, UNKNOWN_PROGRAM)


# While the movements are found: who each record is (a view of registry, record_id, person_id).
PERSON_OF = "_movements_person_of"
# A covered roster row that entered or left in the period (parameters: start, end, start, end);
# 临时救助 (one-off help) neither enters nor leaves 低保 or 特困.
MOVED = (
    "a.covered = 'yes' AND a.program IS DISTINCT FROM 'temporary' "
    "AND (a.start_date BETWEEN ?::DATE AND ?::DATE OR a.end_date BETWEEN ?::DATE AND ?::DATE)"
)
ROW_COLUMNS = ("record_id", "case_no", "name", "id_number", "program", "dibao_class", "health",
               "income_per_capita", "start_date", "end_date", "township", "village")  # fmt: skip
# What each registry tells of the persons who moved: its columns, and which rows count.
COVERED_SINCE = "t.covered = 'yes' AND t.start_date IS NOT NULL"
EVIDENCE = {
    "assistance": (("case_no", "program", "start_date", "end_date"), COVERED_SINCE),
    "deaths": (("death_date", "source_no"), "t.death_date IS NOT NULL"),
    "poverty": (("poverty_hh_no", "poverty_status"), "TRUE"),
    "disability": (("disability_type", "disability_level"), "TRUE"),
}


def roster_movements(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    policy: Policy,
    *,
    entities: str = RESOLVED.entities,
) -> list[Movement]:
    """The entries into and exits from 低保 and 特困 between ``start`` and ``end``, each with
    its inferred reason (see the module docstring for the rules).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database: the ingested registries, linked.
    start, end : date
        The first and the last day of the period (both included).
    policy : Policy
        The run's policy (the 低保 standard, what counts as severe disability or grave
        illness).
    entities : str
        The table saying who each row is; linking's own by default.

    Returns
    -------
    list[Movement]
        One per covered roster row whose 纳入日期 or 退出日期 is in the period (two for a row
        with both), by township, village, direction, day and record id; none without a
        roster.

    Notes
    -----
    One scan of each registry (hash joins in DuckDB), then each movement's rules over the
    rows of its own person: O(rows + movements × rows per person).

    Examples
    --------
    >>> from models.policy import load_policy
    >>> from resolver.db import connect
    >>> con = connect(":memory:")
    >>> _ = con.execute(
    ...     "CREATE TABLE assistance AS SELECT * FROM (VALUES "
    ...     "('A1', 'DB1', '张三', 'dibao', 'yes', 200.0, DATE '2019-01-05', DATE '2019-07-31'), "
    ...     "('A2', 'TK1', '张三', 'tekun', 'yes', NULL, DATE '2019-08-01', NULL)) "
    ...     "t(record_id, case_no, name, program, covered, income_per_capita, start_date, "
    ...     "end_date), (SELECT NULL::VARCHAR id_number, NULL::VARCHAR dibao_class, "
    ...     "NULL::VARCHAR health, '城关' township, '东村' village)")
    >>> _ = con.execute("CREATE TABLE who AS SELECT 'assistance' registry, record_id, "
    ...                 "'p1' person_id FROM assistance")
    >>> found = roster_movements(con, date(2019, 6, 1), date(2019, 11, 30), load_policy(),
    ...                          entities="who")
    >>> [(m.direction, m.program_label, m.day.isoformat(), m.reason) for m in found]
    [('entry', '特困', '2019-08-01', '转自低保'), ('exit', '低保', '2019-07-31', '转入特困')]
    """
    present = table_names(con)
    if "assistance" not in present:
        return []
    bounds = [start, end, start, end]
    con.register(PERSON_OF, record_persons(con, entities=entities))
    try:
        rows = _moved_rows(con, bounds, "raw_assistance" in present)
        found = {
            registry: _rows_of_movers(con, registry, bounds)
            for registry in EVIDENCE
            if registry in present
        }
    finally:
        con.unregister(PERSON_OF)
    _dated(con, found.get("deaths", {}))
    movements = [
        _movement(row, direction, found, policy)
        for row in rows
        for direction, day in ((ENTRY, row["start_date"]), (EXIT, row["end_date"]))
        if day is not None and start <= day <= end and not _within_case(row, direction, found)
    ]
    movements.sort(key=lambda m: (m.township or "", m.village or "", m.direction != ENTRY,
                                  m.day, m.record_id))  # fmt: skip
    logger.info("%d entries and exits between %s and %s", len(movements), start, end)
    return movements


def _moved_rows(con: duckdb.DuckDBPyConnection, bounds: list[date], raw: bool
                ) -> list[dict[str, Any]]:  # fmt: skip
    """The covered roster rows that entered or left in the period, with their person and
    ``area`` (``urban``, ``rural`` or None: read from the raw row where ``raw``, the
    database keeping the rows as read)."""
    columns = ", ".join(f"a.{name}" for name in ROW_COLUMNS)
    written = f"{extra_value(AREA_HEADERS)}, r.program" if raw else "NULL, NULL"
    joined = "LEFT JOIN raw_assistance r USING (source_no, row_no) " if raw else ""
    rows = con.execute(
        f"SELECT {columns}, w.person_id, {written} FROM assistance a {joined}"
        f"LEFT JOIN {PERSON_OF} w ON w.registry = 'assistance' AND w.record_id = a.record_id "
        f"WHERE {MOVED}",
        bounds,
    ).fetchall()
    names = [*ROW_COLUMNS, "person_id"]
    return [dict(zip(names, values[:-2], strict=True)) | {"area": urban_or_rural(*values[-2:])}
            for values in rows]  # fmt: skip


def _rows_of_movers(
    con: duckdb.DuckDBPyConnection, registry: str, bounds: list[date]
) -> dict[str, list[dict[str, Any]]]:
    """A registry's rows of the persons who moved in the period, by person."""
    columns, counted = EVIDENCE[registry]
    listed = ", ".join(f"t.{name}" for name in columns)
    result = con.execute(
        f"WITH moved AS (SELECT DISTINCT w.person_id FROM assistance a JOIN {PERSON_OF} w "
        f"ON w.registry = 'assistance' AND w.record_id = a.record_id WHERE {MOVED}) "
        f"SELECT w.person_id, t.record_id, {listed} FROM {registry} t JOIN {PERSON_OF} w "
        f"ON w.registry = '{registry}' AND w.record_id = t.record_id "
        f"WHERE {counted} AND w.person_id IN (SELECT person_id FROM moved) "
        "ORDER BY t.record_id",
        bounds,
    )
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _dicts(result):
        by_person[row["person_id"]].append(row)
    return by_person


def _dated(con: duckdb.DuckDBPyConnection, deaths: dict[str, list[dict[str, Any]]]) -> None:
    """Each notice told what its date is (``date_kind``: 死亡日期, or the 户口注销日期 of a notice
    read from a 户籍 row cancelled for death, …) in place of its table's number."""
    kinds = notice_date_kinds(con) if deaths else {}
    for notices in deaths.values():
        for notice in notices:
            notice["date_kind"] = notice_date_kind(kinds, notice.pop("source_no"),
                                                   notice["record_id"])  # fmt: skip


def _dicts(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in result.description]
    return [dict(zip(names, values, strict=True)) for values in result.fetchall()]


Found = dict[str, dict[str, list[dict[str, Any]]]]  # registry -> person -> rows
Inferred = tuple[str, str] | None  # a reason and its basis, or None when the rule does not apply


def _movement(row: dict[str, Any], direction: str, found: Found, policy: Policy) -> Movement:
    rules = EXIT_RULES if direction == EXIT else ENTRY_RULES
    day = row["end_date"] if direction == EXIT else row["start_date"]
    program = row["program"] if row["program"] in PROGRAM_LABELS else UNKNOWN_PROGRAM
    mine = {registry: rows.get(row["person_id"], []) for registry, rows in found.items()}
    reason, basis = next(
        (inferred for rule in rules if (inferred := rule(row, mine, policy))),
        _FALLBACK[direction],
    )
    return Movement(
        direction, program, day, row["township"], row["village"], row["case_no"],
        row["record_id"], row["person_id"], row["name"], row["id_number"], row["dibao_class"],
        reason, basis,
    )  # fmt: skip


_FALLBACK = {
    EXIT: ("原因未记录", "各登记册中未找到可据以推断退出原因的记录"),
    ENTRY: ("其他", "各登记册中未找到可据以推断纳入原因的记录"),
}


def _died(row: dict, mine: dict, policy: Policy) -> Inferred:
    latest = row["end_date"] + timedelta(days=DEATH_DAYS)
    deaths = [death for death in mine.get("deaths", []) if death["death_date"] <= latest]
    if not deaths:
        return None
    death = min(deaths, key=lambda d: abs((d["death_date"] - row["end_date"]).days))
    return "死亡", f"死亡人员记录 {death['record_id']}：{death['date_kind']} {death['death_date']}"


def _within_case(row: dict, direction: str, found: Found) -> bool:
    """Whether the person's ``row`` hands over to (an exit) or takes over from (an entry)
    another covered row of the same case and program the next day: a class changed (A类 to
    B类) or a row written again, no exit nor entry (until 2026-12-08 a blind tester's two
    class changes were two exits 原因未记录 and two entries 收入低于标准)."""
    day, column, after = ((row["end_date"], "start_date", 1) if direction == EXIT
                          else (row["start_date"], "end_date", -1))  # fmt: skip
    bounds = sorted((day, day + timedelta(days=after)))
    return any(
        other[column] is not None and bounds[0] <= other[column] <= bounds[1]
        for other in found.get("assistance", {}).get(row["person_id"], [])
        if other["record_id"] != row["record_id"] and other["case_no"] == row["case_no"]
        and other["program"] == row["program"]
    )  # fmt: skip


def _continued(row: dict, mine: dict, same_program: bool) -> dict | None:
    """The person's covered row that carries the ended ``row`` on: it starts no later than
    ``GAP_DAYS`` (another program) or ``CASE_CHANGE_DAYS`` (another case) after the exit
    and has not ended before it."""
    days = CASE_CHANGE_DAYS if same_program else GAP_DAYS
    ended, latest = row["end_date"], row["end_date"] + timedelta(days=days)
    rows = [other for other in _related(row, mine, same_program)
            if other["start_date"] <= latest
            and (other["end_date"] is None or other["end_date"] >= ended)]  # fmt: skip
    return min(rows, key=lambda r: abs((r["start_date"] - ended).days), default=None)


def _preceding(row: dict, mine: dict, same_program: bool) -> dict | None:
    """The person's covered row the entering ``row`` follows: it began no later than the
    entry and ended within ``GAP_DAYS`` (another program) or ``CASE_CHANGE_DAYS`` (another
    case) of it."""
    began, days = row["start_date"], CASE_CHANGE_DAYS if same_program else GAP_DAYS
    window = (began - timedelta(days=days), began + timedelta(days=days))
    rows = [other for other in _related(row, mine, same_program)
            if other["start_date"] <= began and other["end_date"] is not None
            and window[0] <= other["end_date"] <= window[1]]  # fmt: skip
    return min(rows, key=lambda r: abs((r["end_date"] - began).days), default=None)


def _related(row: dict, mine: dict, same_program: bool) -> list[dict]:
    """The person's other covered rows of the other program, or of the same program under
    another case (none for a row whose program is unknown)."""
    program = row["program"]
    if program not in OTHER_PROGRAM:
        return []
    if same_program:
        return [other for other in mine.get("assistance", [])
                if other["program"] == program and other["case_no"] != row["case_no"]]  # fmt: skip
    return [other for other in mine.get("assistance", [])
            if other["program"] == OTHER_PROGRAM[program]]  # fmt: skip


def _roster_text(other: dict, column: str) -> str:
    header = "纳入日期" if column == "start_date" else "退出日期"
    program = PROGRAM_LABELS[other["program"]]
    return (f"救助对象记录 {other['record_id']}（{program}，救助证号 {other['case_no']}）"
            f"{header} {other[column]}")  # fmt: skip


def _transferred_to(row: dict, mine: dict, policy: Policy) -> Inferred:
    other = _continued(row, mine, same_program=False)
    if other is None:
        return None
    return f"转入{PROGRAM_LABELS[other['program']]}", _roster_text(other, "start_date")


def _case_changed_to(row: dict, mine: dict, policy: Policy) -> Inferred:
    other = _continued(row, mine, same_program=True)
    return None if other is None else ("变更案件", _roster_text(other, "start_date"))


def _transferred_from(row: dict, mine: dict, policy: Policy) -> Inferred:
    other = _preceding(row, mine, same_program=False)
    if other is None:
        return None
    return f"转自{PROGRAM_LABELS[other['program']]}", _roster_text(other, "end_date")


def _case_changed_from(row: dict, mine: dict, policy: Policy) -> Inferred:
    other = _preceding(row, mine, same_program=True)
    return None if other is None else ("变更案件", _roster_text(other, "end_date"))


def _poverty_text(household: dict) -> str:
    status = STATUS_LABELS.get(household["poverty_status"], "未填")
    return (f"建档立卡记录 {household['record_id']}（户编号 {household['poverty_hh_no']}）："
            f"贫困户状态 {status}")  # fmt: skip


def _lifted(row: dict, mine: dict, policy: Policy) -> Inferred:
    household = next((h for h in mine.get("poverty", []) if h["poverty_status"] == "lifted"), None)
    return None if household is None else ("已脱贫", _poverty_text(household))


def _in_poverty_registry(row: dict, mine: dict, policy: Policy) -> Inferred:
    households = mine.get("poverty", [])
    if not households:
        return None
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    household = min(households, key=lambda h: rank.get(h["poverty_status"], len(rank)))
    return f"建档立卡{STATUS_LABELS.get(household['poverty_status'], '')}", _poverty_text(household)


def _severely_disabled(row: dict, mine: dict, policy: Policy) -> Inferred:
    certificate = next((c for c in mine.get("disability", [])
                        if policy.is_severely_disabled(c["disability_type"],
                                                       c["disability_level"])), None)  # fmt: skip
    if certificate is None:
        return None
    kind = code_label("disability_type", certificate["disability_type"]) or "类别未填"
    level = code_label("disability_level", certificate["disability_level"]) or ""
    return "重度残疾", f"残疾人记录 {certificate['record_id']}：{kind}残疾{level}"


def _gravely_ill(row: dict, mine: dict, policy: Policy) -> Inferred:
    if row["health"] not in policy.grave_illness_health:
        return None
    return "重病", f"本记录健康状况：{code_label('health', row['health']) or row['health']}"


def _income_text(row: dict, policy: Policy, side: str, day: date) -> str:
    monthly = float(row["income_per_capita"])
    return (f"本记录家庭人均月纯收入 {monthly:.2f} 元，折合每年 {monthly * 12:.2f} 元，"
            f"{side}{policy.standard_text(day, row['area'], county_of_number(row['record_id']))}")  # fmt: skip


def _over_standard(row: dict, mine: dict, policy: Policy) -> Inferred:
    income = row["income_per_capita"]
    if income is None or float(income) * 12 <= policy.standard(
        row["end_date"], row["area"], county_of_number(row["record_id"])
    ):
        return None
    return "收入超过标准", _income_text(row, policy, "高于", row["end_date"])


def _below_standard(row: dict, mine: dict, policy: Policy) -> Inferred:
    income = row["income_per_capita"]
    if income is None or float(income) * 12 >= policy.standard(
        row["start_date"], row["area"], county_of_number(row["record_id"])
    ):
        return None
    return "收入低于标准", _income_text(row, policy, "低于", row["start_date"])


EXIT_RULES = (_died, _transferred_to, _case_changed_to, _lifted, _over_standard)
ENTRY_RULES = (_transferred_from, _case_changed_from, _in_poverty_registry, _severely_disabled,
               _gravely_ill, _below_standard)  # fmt: skip
