"""The people the 梁平 forms (附件1–4 of 回龙府发〔2020〕20号) list, read from the registries.

附件1–3 are 摸排台账 of three groups of the 建档立卡 (poverty) registry — 未脱贫 (with 返贫,
which the profiles count with them), 边缘户 and 脱贫监测户 — listing **every** member of the
group, covered by a program or not. 附件4 counts 低保 members and cases per township. This
module gives the data those forms are filled from; which program a member "currently
enjoys" on the run's as-of day, and the reviewers' decisions, are the ledgers' to apply
(``api.liangping_forms``).

A member is one person of the group: rows linked to the same person
(``resolver.outputs.record_persons``) are listed once, under the first of their rows by
record id; a row linked to no one is a member of its own. Alongside the poverty row, a member
carries what the other registries say of the same person: their roster rows (``assistance``),
a phone and a trusted ID number (``hukou``, ``assistance``) and the record ids a coverage
lead may rest on (their ``poverty`` and ``disability`` rows). The registries' own tables are
read directly; who each record is comes through linking's reader.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from resolver.db import table_names
from resolver.normalize import code_label
from resolver.outputs import RESOLVED, record_persons

logger = logging.getLogger(__name__)

# 附件1–3: the 建档立卡 statuses of each form's group (附件1 counts 返贫 with 未脱贫).
GROUP_STATUSES: dict[int, tuple[str, ...]] = {
    1: ("not_lifted", "relapsed"),
    2: ("marginal",),
    3: ("monitored",),
}
TRUSTED = ("valid", "upgraded")  # an ID number status a form may print
# The 建档立卡 statuses of a 建档立卡贫困户 (附件4's 建卡贫困户): poor now or once — 未脱贫, 返贫,
# 已脱贫 and 脱贫监测户 (a 脱贫户 watched for relapse). A 边缘户 (marginal) is a household that
# was never poor, watched lest it become so; a row whose status is blank or unreadable is not
# known to be one.
POOR_HOUSEHOLD_STATUSES = ("not_lifted", "relapsed", "lifted", "monitored")
# The size of a 建档立卡 row's household: the rows sharing its 户编号 (1 without a 户编号).
HOUSEHOLD_SIZE = ("CASE WHEN p.poverty_hh_no IS NULL THEN 1 "
                  "ELSE count(*) OVER (PARTITION BY p.poverty_hh_no) END")  # fmt: skip
# While the members are read: who each record is (a view of registry, record_id, person_id).
PERSON_OF = "_coverage_forms_person_of"
ROSTER_COLUMNS = ("record_id", "case_no", "program", "dibao_class", "covered", "household_size",
                  "income_per_capita", "start_date", "end_date", "township", "village",
                  "phone", "id_number", "id_number_status")  # fmt: skip
POVERTY_COLUMNS = ("record_id", "poverty_hh_no", "name", "id_number", "id_number_status",
                   "relation", "health", "poverty_cause", "income_per_capita_year",
                   "poverty_status", "township", "village")  # fmt: skip


@dataclass(frozen=True)
class Member:
    """One person of a 建档立卡 group, as the forms list them.

    ``relation`` and ``health`` are in Chinese (``resolver.normalize.code_label``, or the
    registry's text when it is no code); ``status`` is the normalised poverty status
    (``not_lifted`` …); ``household_size`` the number of rows of the 建档立卡 household
    (户编号); ``id_number`` the poverty row's when trusted, else one the person's other rows
    are trusted with; ``roster`` the person's ``assistance`` rows (dicts of
    ``ROSTER_COLUMNS``); ``poverty_records`` and ``disability_records`` the record ids of the
    person's rows of those registries, on which a coverage lead may rest; ``died`` the
    earliest date of the person's death notices (None without one).
    """

    record_id: str
    person_id: str | None
    household_no: str | None
    township: str | None
    village: str | None
    name: str | None
    id_number: str | None
    household_size: int
    relation: str | None
    health: str | None
    poverty_cause: str | None
    income_per_capita_year: float | None
    status: str | None
    phone: str | None
    roster: tuple[dict[str, Any], ...]
    poverty_records: tuple[str, ...]
    disability_records: tuple[str, ...]
    died: date | None = None


def roster_rows(
    con: duckdb.DuckDBPyConnection, *, entities: str = RESOLVED.entities
) -> list[dict[str, Any]]:
    """Every roster row (``assistance``), with who it is and whether that person is a member of
    a 建档立卡贫困户 (``POOR_HOUSEHOLD_STATUSES``: not a 边缘户).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database: the ingested registries, linked.
    entities : str
        The table saying who each row is; linking's own by default.

    Returns
    -------
    list of dict
        One per row: ``ROSTER_COLUMNS``, ``person_id`` (None for a row linked to no one)
        and ``poor_household`` (the person has a 建档立卡 row of a poor household's status);
        none without a roster.

    Examples
    --------
    >>> from resolver.db import connect
    >>> con = connect(":memory:")
    >>> _ = con.execute(
    ...     "CREATE TABLE assistance AS SELECT 'A1' record_id, 'DB1' case_no, 'dibao' program, "
    ...     "'A' dibao_class, 'yes' covered, 2 household_size, 200.0 income_per_capita, "
    ...     "DATE '2020-01-01' start_date, NULL::DATE end_date, '城关' township, '东村' village, "
    ...     "NULL phone, NULL id_number, 'blank' id_number_status")
    >>> _ = con.execute("CREATE TABLE poverty AS SELECT 'P1' record_id, 'lifted' poverty_status")
    >>> _ = con.execute("CREATE TABLE who AS SELECT * FROM (VALUES ('assistance', 'A1', 'p1'), "
    ...                 "('poverty', 'P1', 'p1')) t(registry, record_id, person_id)")
    >>> [(row["case_no"], row["person_id"], row["poor_household"])
    ...  for row in roster_rows(con, entities="who")]
    [('DB1', 'p1', True)]
    """
    present = table_names(con)
    if "assistance" not in present:
        return []
    con.register(PERSON_OF, record_persons(con, entities=entities))
    try:
        return _roster(con, "poverty" in present)
    finally:
        con.unregister(PERSON_OF)


def _roster(con: duckdb.DuckDBPyConnection, with_poverty: bool) -> list[dict[str, Any]]:
    columns = ", ".join(_column("a", name) for name in ROSTER_COLUMNS)
    statuses = ", ".join(f"'{status}'" for status in POOR_HOUSEHOLD_STATUSES)
    poor = (f"w.person_id IN (SELECT o.person_id FROM {PERSON_OF} o JOIN poverty p "
            "ON o.registry = 'poverty' AND o.record_id = p.record_id "
            f"WHERE p.poverty_status IN ({statuses}))" if with_poverty else "FALSE")  # fmt: skip
    return _dicts(con.execute(
        f"SELECT {columns}, w.person_id, coalesce({poor}, FALSE) AS poor_household "
        f"FROM assistance a LEFT JOIN {PERSON_OF} w "
        "ON w.registry = 'assistance' AND w.record_id = a.record_id ORDER BY a.record_id"
    ))  # fmt: skip


def group_members(
    con: duckdb.DuckDBPyConnection,
    statuses: tuple[str, ...],
    *,
    entities: str = RESOLVED.entities,
) -> list[Member]:
    """Every member of the 建档立卡 households of the given statuses, once each, enrolled or
    not.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database: the ingested registries, linked.
    statuses : tuple of str
        Normalised poverty statuses (``GROUP_STATUSES``: ``not_lifted``, ``relapsed``,
        ``marginal``, ``monitored`` …).
    entities : str
        The table saying who each row is; linking's own by default.

    Returns
    -------
    list of Member
        By township, village, household, the head first, then record id; none without a
        建档立卡 registry.

    Notes
    -----
    One scan of each registry (hash joins in DuckDB), then a pass over the rows in Python:
    O(rows).

    Examples
    --------
    >>> from resolver.db import connect
    >>> con = connect(":memory:")
    >>> _ = con.execute(
    ...     "CREATE TABLE poverty AS SELECT * FROM (VALUES "
    ...     "('P1', 'H1', '张三', 'head', 'not_lifted'), ('P2', 'H1', '李四', 'spouse', "
    ...     "'not_lifted'), ('P3', 'H2', '王五', 'head', 'lifted')) "
    ...     "t(record_id, poverty_hh_no, name, relation, poverty_status), (SELECT "
    ...     "NULL::VARCHAR id_number, 'blank' id_number_status, 'disabled' health, '因残' "
    ...     "poverty_cause, 3000.0 income_per_capita_year, '城关' township, '东村' village)")
    >>> _ = con.execute("CREATE TABLE who AS SELECT 'poverty' registry, record_id, "
    ...                 "'p' || record_id person_id FROM poverty")
    >>> [(m.name, m.relation, m.health, m.household_size)
    ...  for m in group_members(con, ("not_lifted",), entities="who")]
    [('张三', '户主', '残疾', 2), ('李四', '配偶', '残疾', 2)]
    """
    present = table_names(con)
    if "poverty" not in present:
        return []
    con.register(PERSON_OF, record_persons(con, entities=entities))
    try:
        poverty = _poverty_rows(con)
        others = _others(con, present, statuses)
        roster = _roster(con, True) if "assistance" in present else []
    finally:
        con.unregister(PERSON_OF)
    members = _members(poverty, statuses, others, _by_person(roster))
    logger.info("%d members of the 建档立卡 groups %s", len(members), ", ".join(statuses))
    return members


def _poverty_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every 建档立卡 row with its person and the size of its household."""
    columns = ", ".join(_column("p", name) for name in POVERTY_COLUMNS)
    return _dicts(con.execute(
        f"SELECT {columns}, w.person_id, {HOUSEHOLD_SIZE} AS household_size "
        f"FROM poverty p LEFT JOIN {PERSON_OF} w "
        "ON w.registry = 'poverty' AND w.record_id = p.record_id ORDER BY p.record_id"
    ))  # fmt: skip


def poverty_household_sizes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The size of each 建档立卡 row's household, as the forms' 家庭人数 counts it: the 摸排台账
    give it to a person on no current roster row, as 附件1–3 do.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    dict of str to int
        建档立卡 record id -> the number of rows sharing its 户编号 (1 without one); empty
        without a 建档立卡 registry.

    Examples
    --------
    >>> from resolver.db import connect
    >>> con = connect(":memory:")
    >>> _ = con.execute("CREATE TABLE poverty AS SELECT * FROM (VALUES ('P1', 'H1'), "
    ...                 "('P2', 'H1'), ('P3', NULL)) t(record_id, poverty_hh_no)")
    >>> sorted(poverty_household_sizes(con).items())
    [('P1', 2), ('P2', 2), ('P3', 1)]
    """
    if "poverty" not in table_names(con):
        return {}
    found = con.execute(f"SELECT p.record_id, {HOUSEHOLD_SIZE} FROM poverty p").fetchall()
    return {record_id: int(size) for record_id, size in found}


# What the other registries give of a member: their columns read.
OTHER_COLUMNS = {
    "hukou": ("phone", "id_number", "id_number_status"),
    "disability": ("id_number", "id_number_status"),
    "deaths": ("death_date",),
}


def _others(
    con: duckdb.DuckDBPyConnection, present: set[str], statuses: tuple[str, ...]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The ``hukou``, ``disability`` and ``deaths`` rows of the group's persons: registry -> person ->
    rows."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for registry, columns in OTHER_COLUMNS.items():
        found[registry] = defaultdict(list)
        if registry not in present:
            continue
        listed = ", ".join(f"t.{name}" for name in columns)
        result = con.execute(
            f"WITH grouped AS (SELECT DISTINCT w.person_id FROM poverty p JOIN {PERSON_OF} w "
            "ON w.registry = 'poverty' AND w.record_id = p.record_id "
            "WHERE list_contains(?, p.poverty_status)) "
            f"SELECT w.person_id, t.record_id, {listed} FROM {registry} t JOIN {PERSON_OF} w "
            f"ON w.registry = '{registry}' AND w.record_id = t.record_id "
            "WHERE w.person_id IN (SELECT person_id FROM grouped) ORDER BY t.record_id",
            [list(statuses)],
        )
        for row in _dicts(result):
            found[registry][row["person_id"]].append(row)
    return found


def _column(alias: str, name: str) -> str:
    """A column as read: money as a float, not a decimal."""
    if name.startswith("income_"):
        return f"{alias}.{name}::DOUBLE AS {name}"
    return f"{alias}.{name}"


def _by_person(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["person_id"]:
            by_person[row["person_id"]].append(row)
    return by_person


def _members(
    poverty: list[dict[str, Any]],
    statuses: tuple[str, ...],
    others: dict[str, dict[str, list[dict[str, Any]]]],
    roster: dict[str, list[dict[str, Any]]],
) -> list[Member]:
    """The group's members, one per person (the first of their rows by record id)."""
    poverty_of = _by_person(poverty)
    seen: set[str] = set()
    members = []
    for row in poverty:
        key = row["person_id"] or f"poverty:{row['record_id']}"
        if row["poverty_status"] not in statuses or key in seen:
            continue
        seen.add(key)
        person = row["person_id"]
        mine = {"poverty": poverty_of.get(person, [row]) if person else [row],
                "assistance": roster.get(person, []) if person else [],
                **{name: rows.get(person, []) if person else []
                   for name, rows in others.items()}}  # fmt: skip
        members.append(_member(row, mine))
    members.sort(key=lambda m: (m.township or "", m.village or "", m.household_no or "",
                                m.relation != "户主", m.record_id))  # fmt: skip
    return members


def _member(row: dict[str, Any], mine: dict[str, list[dict[str, Any]]]) -> Member:
    roster, hukou = mine["assistance"], mine["hukou"]
    return Member(
        record_id=row["record_id"], person_id=row["person_id"],
        household_no=row["poverty_hh_no"], township=row["township"], village=row["village"],
        name=row["name"], id_number=_trusted_id([row, *hukou, *roster, *mine["disability"]]),
        household_size=int(row["household_size"]),
        relation=_label("relation", row["relation"]), health=_label("health", row["health"]),
        poverty_cause=row["poverty_cause"],
        income_per_capita_year=row["income_per_capita_year"],
        status=row["poverty_status"],
        phone=next((r["phone"] for r in [*hukou, *roster] if r.get("phone")), None),
        roster=tuple(roster),
        poverty_records=tuple(r["record_id"] for r in mine["poverty"]),
        disability_records=tuple(r["record_id"] for r in mine["disability"]),
        died=min((r["death_date"] for r in mine["deaths"] if r["death_date"]), default=None),
    )  # fmt: skip


def _trusted_id(rows: list[dict[str, Any]]) -> str | None:
    """The first ID number of the rows that is trusted (valid, or upgraded from 15 digits)."""
    return next((r["id_number"] for r in rows
                 if r.get("id_number") and r.get("id_number_status") in TRUSTED), None)  # fmt: skip


def _label(kind: str, code: str | None) -> str | None:
    return code_label(kind, code) or code if code else None


def _dicts(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in result.description]
    return [dict(zip(names, values, strict=True)) for values in result.fetchall()]
