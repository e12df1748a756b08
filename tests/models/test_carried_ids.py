"""A family's finding keeps its case id when a member joins or leaves, a person's finding when
its rows are re-keyed (``models.carried_ids``): on hand-made published cases, and through
``update_pipeline`` on a synthetic county."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest

from models.carried_ids import carry_case_ids
from models.cases import Case
from models.pipeline import run_pipeline, update_pipeline
from models.policy import load_policy
from models.publish import ensure_schema
from resolver.db import connect
from resolver.idcard import check_char
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

ROSTER = [("A1", "DB1"), ("A2", "DB1"), ("A3", "DB1"), ("A4", "DB2")]  # record, 救助证号


def _case(case_type: str, records: list[str], persons: list[str]) -> Case:
    return Case(case_type, [("assistance", record) for record in records], persons, None, [])


def _published(con, run_id: str, cases: list[Case]) -> None:
    """The cases as run ``run_id`` published them, each with its records' rows."""
    number = dict(ROSTER)
    for case in cases:
        rows = [{"registry": "assistance", "record_id": record, "case_no": number[record],
                 "unique_id": f"assistance:{record}"} for _, record in case.records]  # fmt: skip
        records = [{"registry": "assistance", "record_id": record} for _, record in case.records]
        con.execute(
            "INSERT INTO published_cases (run_id, case_id, case_type, person_ids, records, "
            "detail) VALUES (?, ?, ?, ?, ?, ?)",
            [run_id, case.case_id, case.case_type, case.person_ids, json.dumps(records),
             json.dumps({"rows": rows})],
        )  # fmt: skip


@pytest.fixture()
def con():
    con = connect(":memory:")
    ensure_schema(con)
    con.execute("CREATE TABLE assistance (record_id VARCHAR, case_no VARCHAR)")
    con.executemany("INSERT INTO assistance VALUES (?, ?)", ROSTER)
    return con


def test_a_familys_finding_with_a_member_more_keeps_the_id_of_the_run_before(con):
    before = _case("over_standard", ["A1", "A2"], ["p1", "p2"])
    death = _case("deceased_paid", ["A1"], ["p1"])
    _published(con, "r1", [before, death])
    with_baby = _case("over_standard", ["A1", "A2", "A3"], ["p1", "p2", "p3"])
    another_death = _case("deceased_paid", ["A2"], ["p2"])  # one person's: its own finding
    assert carry_case_ids(con, None, [with_baby]) == [with_baby]  # no run published yet
    carried, death_now, other = carry_case_ids(con, "r1", [with_baby, death, another_death])
    assert carried.case_id == before.case_id != with_baby.own_id
    assert (death_now, other) == (death, another_death)


def test_an_id_goes_to_one_case_of_the_same_family_and_type_only(con):
    one = _case("split_household", ["A1", "A4"], ["p1", "p4"])
    two = _case("split_household", ["A2", "A4"], ["p2", "p4"])
    income = _case("over_standard", ["A1"], ["p1"])
    _published(con, "r1", [one, two, income])
    both = _case("split_household", ["A1", "A2", "A4"], ["p1", "p2", "p4"])  # whose id?
    other_family = _case("over_standard", ["A4"], ["p4"])
    still = _case("over_standard", ["A1", "A2"], ["p1", "p2"])  # ``income`` stands as well
    cases = [both, other_family, income, still]
    assert carry_case_ids(con, "r1", cases) == cases
    _published(con, "r2", [one])
    twins = [both, _case("split_household", ["A1", "A3", "A4"], ["p1", "p3", "p4"])]
    assert carry_case_ids(con, "r2", twins) == twins  # two cases of one family: whose id?
    assert carry_case_ids(con, "r2", twins[:1])[0].case_id == one.case_id


def test_a_familys_finding_keeps_its_id_when_every_case_number_was_re_issued(con):
    """A system migration re-issues every 救助证号 (and 记录编号): a family's finding on the
    same persons keeps its id (until 2026-12-07 (night) each was resolved by data and raised
    again, its decision and 责任人 left on the closed lead); not while the old numbers are
    still on the roster (another finding of the same people beside them)."""
    split = _case("split_household", ["A1", "A4"], ["p1", "p4"])
    _published(con, "r1", [split])
    con.execute("UPDATE assistance SET record_id = 'N' || record_id, case_no = '5323' || case_no")
    migrated = _case("split_household", ["NA1", "NA4"], ["p1", "p4"])
    assert carry_case_ids(con, "r1", [migrated])[0].case_id == split.case_id
    other_persons = _case("split_household", ["NA1", "NA4"], ["p1", "p9"])
    assert carry_case_ids(con, "r1", [other_persons]) == [other_persons]
    con.execute("INSERT INTO assistance VALUES ('A1', 'DB1')")  # an old number still held
    assert carry_case_ids(con, "r1", [migrated]) == [migrated]


def test_a_persons_finding_on_a_re_keyed_row_keeps_the_id_of_the_run_before(con):
    """A roster without 记录编号 re-keys a row whose ID a clerk corrects: until 2026-12-05 the
    person's confirmed lead was resolved by data and raised again under a new id."""
    death = _case("deceased_paid", ["A1"], ["p1"])
    twice = _case("duplicate_enrollment", ["A2", "A4"], ["p2"])
    _published(con, "r1", [death, twice])
    con.execute("UPDATE assistance SET record_id = record_id || '-corrected' "
                "WHERE record_id IN ('A1', 'A2')")  # fmt: skip
    re_keyed = _case("deceased_paid", ["A1-corrected"], ["p1"])
    other_type = _case("missed_disability", ["A1-corrected"], ["p1"])
    twice_now = _case("duplicate_enrollment", ["A2-corrected", "A4"], ["p2"])
    carried, new, still = carry_case_ids(con, "r1", [re_keyed, other_type, twice_now])
    assert (carried.case_id, still.case_id) == (death.case_id, twice.case_id)
    assert new == other_type
    namesakes = [re_keyed, _case("deceased_paid", ["A3"], ["p1"])]  # two on p1: whose id?
    assert carry_case_ids(con, "r1", namesakes) == namesakes


def test_a_persons_new_finding_beside_the_old_ones_rows_does_not_take_its_id(con):
    """Until 2026-12-05 a dismissed duplicate on p1 in cases A1 and A2 passed its decision to a
    new duplicate on p1 in A1 and A3 while A2 was still on the roster: the new lead hidden
    behind the old dismissal."""
    old = _case("duplicate_enrollment", ["A1", "A2"], ["p1"])
    _published(con, "r1", [old])
    new = _case("duplicate_enrollment", ["A1", "A3"], ["p1"])
    assert carry_case_ids(con, "r1", [new]) == [new]
    con.execute("DELETE FROM assistance WHERE record_id = 'A2'")  # A2 gone: re-keyed to A3
    assert carry_case_ids(con, "r1", [new])[0].case_id == old.case_id


def test_a_persons_finding_on_the_same_rows_keeps_its_id_when_its_persons_change(con):
    """A reviewer's 同一人 joining a death notice to the paid member (or another threshold)
    gives the member the notice's person id, and a 不是同一人 parts a duplicate's two roster
    rows into two persons: until 2026-12-06 each such lead, on the same rows, was resolved
    and raised again under a new id, its decisions and history left on the closed one."""
    death = _case("deceased_paid", ["A1"], ["p1"])
    twice = _case("duplicate_enrollment", ["A2", "A4"], ["p2"])
    _published(con, "r1", [death, twice])
    joined = _case("deceased_paid", ["A1"], ["p-notice"])
    parted = _case("duplicate_enrollment", ["A2", "A4"], ["p2", "p4"])
    elsewhere = _case("deceased_paid", ["A3"], ["p-notice"])
    carried, still, new = carry_case_ids(con, "r1", [joined, parted, elsewhere])
    assert (carried.case_id, still.case_id) == (death.case_id, twice.case_id)
    assert new == elsewhere
    another_type = _case("missed_disability", ["A1"], ["p-notice"])
    assert carry_case_ids(con, "r1", [another_type]) == [another_type]


def _add_baby(drop, sibling: str) -> str:
    """A baby enrolled in the roster row ``sibling``'s case (a copy of that row); returns the
    baby's record id."""
    path = drop / "救助对象.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    column = {cell.value: index for index, cell in enumerate(sheet[1])}
    [source] = [row for row in sheet.iter_rows(min_row=2)
                if row[column["记录编号"]].value == sibling]  # fmt: skip
    values = [cell.value for cell in source]
    first17 = "53232620260805123"
    values[column["记录编号"]] = "JZ9000001"
    values[column["姓名"]] = "张小宝"
    values[column["身份证号码"]] = first17 + check_char(first17)
    values[column["出生日期"]] = "2026-08-05"
    values[column["与户主关系"]] = "孙子"
    sheet.append(values)
    book.save(path)
    return "JZ9000001"


@pytest.mark.slow
def test_a_baby_born_into_a_case_leaves_its_lead_open_under_its_id(tmp_path):
    """Until 2026-12-05 the family's over_standard lead was resolved by data and raised
    again under a new id, without the reviewer's decision and assignment."""
    synthesize(tmp_path / "county", people=1500, seed=3, months=2)
    first, second = sorted(p / "drop" for p in (tmp_path / "county" / "months").iterdir()
                           if p.is_dir())  # fmt: skip
    result = run_pipeline(first, tmp_path / "run", policy=load_policy(), settings=LinkSettings())
    with connect(result.db_path, read_only=True) as con:
        case_id, records = con.execute(
            "SELECT case_id, records FROM published_cases WHERE case_type = 'over_standard' "
            "ORDER BY case_id LIMIT 1"
        ).fetchall()[0]  # fmt: skip
    drop = tmp_path / "second"
    shutil.copytree(second, drop)
    baby = _add_baby(drop, json.loads(records)[0]["record_id"])
    month = update_pipeline(drop, result.db_path, tmp_path / "out")
    with connect(result.db_path, read_only=True) as con:
        raised = con.execute(
            "SELECT case_id, records FROM published_cases WHERE run_id = ? "
            "AND case_type = 'over_standard'", [month.run_id]
        ).fetchall()  # fmt: skip
        [(first_run, resolved)] = con.execute(
            "SELECT first_run, resolved_run FROM case_registry WHERE case_id = ?", [case_id]
        ).fetchall()
    with_baby = [found for found, records in raised
                 if baby in {record["record_id"] for record in json.loads(records)}]  # fmt: skip
    assert with_baby == [case_id]
    assert (first_run, resolved) == (result.run_id, None)
