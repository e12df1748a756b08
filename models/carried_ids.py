"""Case ids carried over from the last published run.

A case's own id hashes its type, persons and records (``Case.own_id``). Records change while
the finding stands: a baby born into a family's case, or a member who leaves, changes the
records of the family's finding (``CaseTypeSpec.per_family``: an over_standard or
payment_mismatch case, a split, ...), and a roster without 记录编号 re-keys a row whose ID is
corrected, or which moves to another township's file, changing the records of that person's
finding (deceased_paid, duplicate_enrollment, ...). Such a case keeps the id the run before
gave the same type of finding on the same families (救助证号, 建档立卡户) or, for a
per-person finding, on the same persons (person ids are stable across runs,
``resolver.identity``), and with it its decisions, assignment and history. Ids already in use
are left alone: a case whose own id that run published keeps it, and an old id goes to one
case only, where exactly one case of the run before and one of this run share the type and
families (or persons). A person's finding takes the old id only where the old finding's
records it does not cite are gone from the drop (re-keyed or removed): a duplicate_enrollment
on P1 in cases A and C, while case B of the old one on P1 in A and B is still on its roster,
is another finding, and must not inherit the old one's dismissal. The run before is read
from ``published_cases``, one row per case, so the cost grows with the cases, not the
county's people.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import duckdb

from models.case_types import CASE_TYPES
from models.cases import Case
from resolver.db import table_names

FAMILY_COLUMNS = {"assistance": "case_no", "poverty": "poverty_hh_no"}
"""The column naming the family of a record: its case's 救助证号, its 建档立卡 household."""

Finding = tuple[str, frozenset[str]]
"""A case's type and whom it is on: the families of its records (``registry:number``) for a
family's finding, else its persons."""

PER_FAMILY = [name for name, spec in CASE_TYPES.items() if spec.per_family]
"""The case types of a family's finding (``CaseTypeSpec.per_family``)."""


def carry_case_ids(
    con: duckdb.DuckDBPyConnection, run_id: str | None, cases: list[Case]
) -> list[Case]:
    """The cases, each finding whose own id run ``run_id`` did not publish given the id of
    that run's finding of the same type on the same families (a family's finding) or persons
    (any other), when it is the only one of either run and its id is no case's own id now,
    and, for a person's finding, the records of that run's finding it does not cite are gone
    from the drop (re-keyed, not standing beside it); or, for a person's finding still not
    carried, that run's only finding of its type citing exactly its records (its persons
    changed: a label or another threshold joined or parted their rows).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database, holding the current drop's rows and run ``run_id`` published.
    run_id : str or None
        The published run to carry ids from; None (no run published yet): none carried.
    cases : list of Case
        This run's cases, one per finding (``one_per_finding``).

    Returns
    -------
    list of Case
        The cases in the same order, those carrying an id with ``carried_id`` set.
    """
    if run_id is None:
        return cases
    published = _published_families(con, run_id) | _published_persons(con, run_id)
    own_ids = {case.own_id for case in cases}
    vacated = _unique((finding, case_id) for case_id, finding in published.items()
                      if case_id not in own_ids)  # fmt: skip
    changed = [case for case in cases if case.own_id not in published]
    findings = _current_findings(con, changed)
    taken = Counter(findings.values())
    carried = {own_id: vacated[finding] for own_id, finding in findings.items()
               if finding in vacated and taken[finding] == 1}  # fmt: skip
    carried = _re_keyed_only(con, run_id, carried, changed)
    carried |= _same_records(con, run_id, changed, own_ids | set(carried.values()), carried)
    carried |= _renumbered_families(con, run_id, published, changed,
                                    own_ids | set(carried.values()), carried)  # fmt: skip
    return [replace(case, carried_id=carried[case.own_id]) if case.own_id in carried else case
            for case in cases]  # fmt: skip


def _unique(pairs) -> dict[Finding, str]:
    """Finding -> case id, for the findings one case holds."""
    pairs = list(pairs)
    held = Counter(finding for finding, _ in pairs)
    return {finding: case_id for finding, case_id in pairs
            if finding[1] and held[finding] == 1}  # fmt: skip


def _published_families(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Finding]:
    """Each family's finding run ``run_id`` published: its type and the families of its
    records, as the rows published with it (``detail``) said."""
    family = " ".join(f"WHEN '{registry}' THEN row->>'{column}'"
                      for registry, column in FAMILY_COLUMNS.items())  # fmt: skip
    found = con.execute(
        f"""
        SELECT case_id, case_type,
               list(DISTINCT row->>'registry' || ':' || (CASE row->>'registry' {family} END))
        FROM (SELECT case_id, case_type, unnest(from_json(detail->'rows', '["JSON"]')) AS row,
                     list_transform(from_json(records, '[{{"registry": "VARCHAR",
                                                            "record_id": "VARCHAR"}}]'),
                                    lambda record: record.registry || ':' || record.record_id)
                         AS cited
              FROM published_cases
              WHERE run_id = $1 AND case_type IN (SELECT unnest($2::VARCHAR[])))
        WHERE list_contains(cited, row->>'unique_id')
        GROUP BY ALL
        """,
        [run_id, PER_FAMILY],
    ).fetchall()
    return {case_id: (case_type, frozenset(filter(None, numbers)))
            for case_id, case_type, numbers in found}  # fmt: skip


def _published_persons(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Finding]:
    """Each per-person finding run ``run_id`` published: its type and its persons."""
    found = con.execute(
        "SELECT case_id, case_type, person_ids FROM published_cases "
        "WHERE run_id = $1 AND case_type NOT IN (SELECT unnest($2::VARCHAR[]))",
        [run_id, PER_FAMILY],
    ).fetchall()
    return {case_id: (case_type, frozenset(persons or ()))
            for case_id, case_type, persons in found}  # fmt: skip


def _re_keyed_only(
    con: duckdb.DuckDBPyConnection, run_id: str, carried: dict[str, str], cases: list[Case]
) -> dict[str, str]:
    """The carries (own id -> old id) but those of a person's finding whose old finding cited
    a record the new one does not and the drop still holds: the old rows were not re-keyed,
    the new finding stands beside them, and is not the old one."""
    cited = {case.own_id: set(case.records) for case in cases
             if case.own_id in carried and not CASE_TYPES[case.case_type].per_family}  # fmt: skip
    published = _published_records(con, run_id, [carried[own_id] for own_id in cited])
    dropped = {own_id: published[carried[own_id]] - records for own_id, records in cited.items()}
    live = _live_records(con, set().union(*dropped.values()))
    return {own_id: old_id for own_id, old_id in carried.items()
            if not dropped.get(own_id, set()) & live}  # fmt: skip


def _same_records(
    con: duckdb.DuckDBPyConnection, run_id: str, cases: list[Case], taken: set[str],
    carried: dict[str, str],
) -> dict[str, str]:  # fmt: skip
    """Own id -> old id for each person's finding not carried yet that cites exactly the
    records of one finding of its type run ``run_id`` published, whose id is not ``taken``,
    when no other case of either run does: the same lead on the same rows, whose persons
    changed because a reviewer's label or another threshold joined or parted their rows (a
    notice joined to the paid member takes either person's id)."""
    waiting = [case for case in cases if case.own_id not in carried
               and not CASE_TYPES[case.case_type].per_family]  # fmt: skip
    if not waiting:
        return {}
    found = con.execute(
        "SELECT case_id, case_type, records FROM published_cases "
        "WHERE run_id = $1 AND case_type NOT IN (SELECT unnest($2::VARCHAR[]))",
        [run_id, PER_FAMILY],
    ).fetchall()
    published = {case_id: (case_type, _cited(records)) for case_id, case_type, records in found}
    vacated = _unique((finding, case_id) for case_id, finding in published.items()
                      if case_id not in taken)  # fmt: skip
    findings = {case.own_id: (case.case_type, frozenset(case.records)) for case in waiting}
    held = Counter(findings.values())
    return {own_id: vacated[finding] for own_id, finding in findings.items()
            if finding in vacated and held[finding] == 1}  # fmt: skip


def _renumbered_families(
    con: duckdb.DuckDBPyConnection, run_id: str, published: dict[str, Finding],
    cases: list[Case], taken: set[str], carried: dict[str, str],
) -> dict[str, str]:  # fmt: skip
    """Own id -> old id for each family's finding not carried yet on exactly the persons of
    one family's finding of its type run ``run_id`` published, whose id is not ``taken``,
    when no other case of either run is, and none of whose families (``published``: its
    救助证号 and 建档立卡户) the drop still holds: renumbered, as a system migration re-issues
    every 救助证号 (until 2026-12-07 (night) a blind tester's 12 split households were each
    resolved by data and raised again under a new id, their decisions and 责任人 left on the
    closed leads)."""
    waiting = [case for case in cases if case.own_id not in carried
               and CASE_TYPES[case.case_type].per_family]  # fmt: skip
    if not waiting:
        return {}
    old = {case_id: finding for case_id, finding in published.items()
           if finding[0] in PER_FAMILY and case_id not in taken}  # fmt: skip
    held = _live_families(con, set().union(*(families for _, families in old.values())))
    found = con.execute(
        "SELECT case_id, case_type, person_ids FROM published_cases "
        "WHERE run_id = $1 AND case_id IN (SELECT unnest($2::VARCHAR[]))",
        [run_id, sorted(case_id for case_id, (_, families) in old.items() if not families & held)],
    ).fetchall()
    vacated = _unique(((case_type, frozenset(persons or ())), case_id)
                      for case_id, case_type, persons in found)  # fmt: skip
    findings = {case.own_id: (case.case_type, frozenset(case.person_ids)) for case in waiting}
    count = Counter(findings.values())
    return {own_id: vacated[finding] for own_id, finding in findings.items()
            if finding in vacated and count[finding] == 1}  # fmt: skip


def _live_families(con: duckdb.DuckDBPyConnection, families: set[str]) -> set[str]:
    """The families (``registry:number``) the drop still holds a row of."""
    present = table_names(con)
    live: set[str] = set()
    for registry, column in FAMILY_COLUMNS.items():
        wanted = sorted(family.split(":", 1)[1] for family in families
                        if family.startswith(f"{registry}:"))  # fmt: skip
        if wanted and registry in present:
            rows = con.execute(f"SELECT DISTINCT {column} FROM {registry} "
                               f"WHERE {column} IN (SELECT unnest($1::VARCHAR[]))",
                               [wanted]).fetchall()  # fmt: skip
            live |= {f"{registry}:{number}" for (number,) in rows}
    return live


def _published_records(
    con: duckdb.DuckDBPyConnection, run_id: str, case_ids: list[str]
) -> dict[str, set[tuple[str, str]]]:
    """Case id -> the records (registry, record id) run ``run_id`` published the case with."""
    found = con.execute(
        "SELECT case_id, records FROM published_cases "
        "WHERE run_id = $1 AND case_id IN (SELECT unnest($2::VARCHAR[]))",
        [run_id, case_ids],
    ).fetchall()
    return {case_id: set(_cited(records)) for case_id, records in found}


def _cited(records: str) -> frozenset[tuple[str, str]]:
    """The records (registry, record id) a published case's ``records`` JSON cites."""
    return frozenset((record["registry"], record["record_id"]) for record in json.loads(records))


def _live_records(
    con: duckdb.DuckDBPyConnection, records: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The records the drop still holds: a row of that record id in its registry's table."""
    present = table_names(con)
    live: set[tuple[str, str]] = set()
    for registry in sorted({registry for registry, _ in records} & present):
        wanted = sorted(record for name, record in records if name == registry)
        rows = con.execute(
            f"SELECT DISTINCT record_id FROM {registry} "
            "WHERE record_id IN (SELECT unnest($1::VARCHAR[]))",
            [wanted],
        ).fetchall()
        live |= {(registry, record) for (record,) in rows}
    return live


def _current_findings(con: duckdb.DuckDBPyConnection, cases: list[Case]) -> dict[str, Finding]:
    """Own id -> type and whom the finding is on: the families of a family's finding's
    records, as the drop's rows say; the persons of any other."""
    family_cases = [case for case in cases if CASE_TYPES[case.case_type].per_family]
    persons = {case.own_id: (case.case_type, frozenset(case.person_ids))
               for case in cases if not CASE_TYPES[case.case_type].per_family}  # fmt: skip
    return _current_families(con, family_cases) | persons


def _current_families(con: duckdb.DuckDBPyConnection, cases: list[Case]) -> dict[str, Finding]:
    """Own id -> type and families of the records, as the drop's rows say."""
    family_of: dict[tuple[str, str], str] = {}
    for registry, column in FAMILY_COLUMNS.items():
        wanted = sorted({record for case in cases for name, record in case.records
                         if name == registry})  # fmt: skip
        if wanted:
            rows = con.execute(
                f"SELECT record_id, {column} FROM {registry} "
                f"WHERE record_id IN (SELECT unnest($1::VARCHAR[])) AND {column} IS NOT NULL",
                [wanted],
            ).fetchall()
            family_of |= {(registry, record): f"{registry}:{number}" for record, number in rows}
    return {case.own_id: (case.case_type, frozenset(family_of[record] for record in case.records
                                                    if record in family_of))
            for case in cases}  # fmt: skip
