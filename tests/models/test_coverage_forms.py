"""The people the 梁平 forms list (``models.coverage_forms``), on hand-made registries and on a
linked synthetic county: every member of a 建档立卡 group once, enrolled or not, with what the
other registries say of them; and from them the forms' 目前享受救助类型 and 附件4's counts
(``api.liangping_forms``)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from api.liangping_forms import FORM_COLUMNS, member_rows, summary_form_rows
from api.published import Published
from models.coverage_forms import (
    GROUP_STATUSES,
    group_members,
    poverty_household_sizes,
    roster_rows,
)
from resolver.db import connect

AS_OF = date(2026, 10, 31)
COLUMNS = {
    "poverty": ("record_id", "poverty_hh_no", "name", "id_number", "id_number_status",
                "relation", "health", "poverty_cause", "income_per_capita_year",
                "poverty_status", "township", "village"),
    "assistance": ("record_id", "case_no", "program", "dibao_class", "covered",
                   "household_size", "income_per_capita", "start_date", "end_date", "township",
                   "village", "phone", "id_number", "id_number_status"),
    "hukou": ("record_id", "phone", "id_number", "id_number_status"),
    "disability": ("record_id", "id_number", "id_number_status"),
    "deaths": ("record_id", "death_date"),
}  # fmt: skip
ID = {n: f"53232619500101{n:03d}{'X' if n == 2 else n % 10}" for n in range(1, 12)}


def _poverty(record_id, household, name, relation, status, *, id_number=None, health="healthy",
             income=3000.0, township="城关"):  # fmt: skip
    return (record_id, household, name, id_number, "valid" if id_number else "blank", relation,
            health, "因病", income, status, township, "东村")  # fmt: skip


def _roster(record_id, case_no, program, *, covered="yes", end=None, income=200.0,
            township="城关", phone=None):  # fmt: skip
    return (record_id, case_no, program, "A", covered, 2, income, "2020-01-01", end, township,
            "东村", phone, None, "blank")  # fmt: skip


# (registry, row, person): each row and who linking says it is (None: linked to no one)
ROWS = [
    # 张三: 未脱贫 household head on 低保 (a 退出日期 still to come); a second, duplicate row
    ("poverty", _poverty("P01", "H1", "张三", "head", "not_lifted", id_number=ID[1]), "p1"),
    ("poverty", _poverty("P01b", "H1", "张三", "head", "not_lifted"), "p1"),
    ("assistance", _roster("A01", "DB1", "dibao", end="2027-06-30", phone="13812345678"), "p1"),
    # 李四: his spouse, on no roster; a trusted ID and a phone only in the hukou registry
    ("poverty", _poverty("P02", "H1", "李四", "spouse", "not_lifted", health="serious_illness"),
     "p2"),
    ("hukou", ("H02", "13900001111", ID[2], "valid"), "p2"),
    # 王五: 返贫, his 低保 ended before the as-of day
    ("poverty", _poverty("P03", "H2", "王五", "head", "relapsed"), "p3"),
    ("assistance", _roster("A03", "DB3", "dibao", end="2026-06-30"), "p3"),
    # 赵六: 未脱贫, on a case but not covered (是否保障对象 否), with a disability certificate
    ("poverty", _poverty("P04", "H2", "赵六", "child", "not_lifted"), "p4"),
    ("assistance", _roster("A04", "DB3", "dibao", covered="no"), "p4"),
    ("disability", ("C04", ID[4], "valid"), "p4"),
    # 王五 has a death notice: still listed (the registry holds him), the note says so
    ("deaths", ("D03", "2026-08-02"), "p3"),
    # a 未脱贫 row linked to no one: a member of its own
    ("poverty", _poverty("P05", "H3", "钱七", "head", "not_lifted", township="石羊"), None),
    # 孙八: 已脱贫 (no group of 附件1–3) on 低保; 周九: 边缘户; 吴十: 脱贫监测户 on 特困
    ("poverty", _poverty("P06", "H4", "孙八", "head", "lifted"), "p6"),
    ("assistance", _roster("A06", "DB6", "dibao"), "p6"),
    ("poverty", _poverty("P07", "H5", "周九", "head", "marginal"), "p7"),
    # 周九 (边缘户) is on 低保 too: a 低保 member, but not of a 建档立卡贫困户
    ("assistance", _roster("A07", "DB7", "dibao"), "p7"),
    ("poverty", _poverty("P08", "H6", "吴十", "head", "monitored"), "p8"),
    ("assistance", _roster("A08", "TK8", "tekun", income=None), "p8"),
    # 郑一: on 低保, not in the 建档立卡 registry; 冯二: a 低保 row of 石羊, with a person
    ("assistance", _roster("A10", "DB10", "dibao"), "p10"),
    ("assistance", _roster("A11", "DB11", "dibao", township="石羊"), "p11"),
]  # fmt: skip


@pytest.fixture(scope="module")
def con():
    con = connect(":memory:")
    for registry, columns in COLUMNS.items():
        rows = [row for name, row, _ in ROWS if name == registry]
        con.execute(f"CREATE TABLE {registry} ({', '.join(f'{c} VARCHAR' for c in columns)})")
        con.executemany(f"INSERT INTO {registry} VALUES ({', '.join('?' * len(columns))})", rows)
    con.execute("ALTER TABLE poverty ALTER income_per_capita_year TYPE DOUBLE")
    con.execute("ALTER TABLE deaths ALTER death_date TYPE DATE")
    for column, kind in (("income_per_capita", "DOUBLE"), ("household_size", "BIGINT"),
                         ("start_date", "DATE"), ("end_date", "DATE")):  # fmt: skip
        con.execute(f"ALTER TABLE assistance ALTER {column} TYPE {kind}")
    con.execute("CREATE TABLE who (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    con.executemany("INSERT INTO who VALUES (?, ?, ?)",
                    [(name, row[0], person) for name, row, person in ROWS if person])  # fmt: skip
    yield con
    con.close()


def _members(con, form):
    return group_members(con, GROUP_STATUSES[form], entities="who")


def test_every_member_of_the_group_is_listed_once_enrolled_or_not(con):
    members = _members(con, 1)
    assert [m.name for m in members] == ["张三", "李四", "王五", "赵六", "钱七"]
    zhang = members[0]
    assert zhang.poverty_records == ("P01", "P01b") and zhang.household_size == 3
    assert [m.status for m in members] == ["not_lifted", "not_lifted", "relapsed",
                                           "not_lifted", "not_lifted"]  # fmt: skip
    assert [m.name for m in _members(con, 2)] == ["周九"]
    assert [m.name for m in _members(con, 3)] == ["吴十"]


def test_a_member_carries_what_the_other_registries_say_of_the_same_person(con):
    zhang, li, wang, zhao, qian = _members(con, 1)
    assert (zhang.id_number, zhang.phone, zhang.relation) == (ID[1], "13812345678", "户主")
    assert (li.id_number, li.phone, li.relation, li.health) == (ID[2], "13900001111", "配偶",
                                                               "患有大病")  # fmt: skip
    assert [row["record_id"] for row in wang.roster] == ["A03"]
    assert zhao.disability_records == ("C04",) and zhao.roster[0]["covered"] == "no"
    assert (qian.person_id, qian.roster, qian.poverty_records) == (None, (), ("P05",))


def test_the_programs_column_is_right_for_covered_uncovered_and_exited_members(con):
    rows = member_rows(_members(con, 1), Published([], [], [], [], []), AS_OF, masked=False)
    program = FORM_COLUMNS.index("目前享受救助类型")
    income = FORM_COLUMNS.index("家庭人均月纯收入（元）")
    assert [row[program] for row in rows] == ["低保", "无", "无", "无", "无"]
    # one household, one income: the 建档立卡 household's a year / 12, covered members too
    assert [row[income] for row in rows][:3] == [250.0, 250.0, 250.0]
    [tekun] = member_rows(_members(con, 3), Published([], [], [], [], []), AS_OF, masked=False)
    assert tekun[program] == "特困"


def test_a_member_with_a_death_notice_is_listed_and_the_note_says_so(con):
    wang = _members(con, 1)[2]
    assert wang.died == date(2026, 8, 2)
    rows = member_rows(_members(con, 1), Published([], [], [], [], []), AS_OF, masked=False)
    assert rows[2][-1].startswith("有死亡记录（2026-08-02），请核实是否已死亡")
    assert not any("死亡" in (row[-1] or "") for row in rows[:2])


def _case(case_id, case_type, township, status=None, *, amount=None, resolved=False):
    row = {"case_id": case_id, "case_type": case_type, "risk_score": 0.5,
           "amount_at_risk": amount, "township": township, "village": "东村",
           "person_ids": [], "run_id": "r-1", "resolved_run": "r-2" if resolved else None,
           "records": "[]", "evidence": "[]", "detail": json.dumps({"as_of": str(AS_OF)})}  # fmt: skip
    events = [{"case_id": case_id, "event_id": i, "to_status": to, "reason": None}
              for i, to in enumerate(status or [], 1)]  # fmt: skip
    return row, events


def test_the_summary_form_counts_members_households_and_handling_per_township(con):
    cases = [
        _case("c1", "payment_mismatch", "城关", ["in_review", "confirmed"], amount=120.0),
        _case("c2", "over_standard", "城关", ["in_review", "confirmed"], amount=80.0),
        _case("c3", "over_standard", "城关", ["in_review", "dismissed"], amount=50.0),
        _case("c4", "a_class_partial", "石羊", ["in_review", "confirmed"]),
        _case("c5", "split_household", "石羊", ["in_review", "confirmed"]),
        _case("c6", "single_covered_member", "石羊", ["in_review"]),
        _case("c7", "deceased_paid", "城关", ["field_check"]),
        _case("c8", "deceased_paid", "城关"),
        # confirmed (属实) before data resolved it: it stands (until 2026-12-05 it left the
        # form); one only in review when resolved does not
        _case("c9", "payment_mismatch", "城关", ["in_review", "confirmed"], amount=9.0,
              resolved=True),
        _case("c10", "payment_mismatch", "城关", ["in_review"], amount=7.0, resolved=True),
    ]  # fmt: skip
    published = Published([row for row, _ in cases], [],
                          [event for _, events in cases for event in events], [], [])  # fmt: skip
    rows = summary_form_rows(roster_rows(con, entities="who"), published, AS_OF)
    # 城关: 低保 active on the day: 张三, 孙八, 周九, 郑一 (王五 exited, 赵六 not covered); the
    # cases of 张三 (未脱贫) and 孙八 (已脱贫) have a member of a 建档立卡贫困户 — 周九's DB7 does
    # not: an 边缘户 is in the 建档立卡 registry but no 贫困户
    assert rows == [
        ["城关", 4, 2, 209.0, 0, 1, "", 3],
        ["石羊", 1, 0, 0.0, 2, 1, "", 0],
        ["合计", 5, 2, 209.0, 2, 2, "", 3],
    ]


def test_only_members_of_a_poor_household_count_as_in_a_poor_household(con):
    poor = {row["record_id"]: row["poor_household"] for row in roster_rows(con, entities="who")}
    # 张三 未脱贫, 王五 返贫, 孙八 已脱贫, 吴十 脱贫监测户; 周九 边缘户; 郑一, 冯二 not in the registry
    assert poor == {"A01": True, "A03": True, "A04": True, "A06": True, "A07": False,
                    "A08": True, "A10": False, "A11": False}  # fmt: skip


def test_the_adjusted_amounts_of_the_summary_form_are_summed_in_fen(con):
    cases = [_case(f"c{i}", "payment_mismatch", "城关", ["in_review", "confirmed"], amount=amount)
             for i, amount in enumerate((820.2, 7173.44, 0.1, 0.2))]  # fmt: skip
    published = Published([row for row, _ in cases], [],
                          [event for _, events in cases for event in events], [], [])  # fmt: skip
    rows = summary_form_rows(roster_rows(con, entities="who"), published, AS_OF)
    assert [row[3] for row in rows] == [7993.94, 0.0, 7993.94]  # not 7993.939999999999


def test_a_poverty_rows_household_size_is_the_rows_of_its_household(con):
    sizes = poverty_household_sizes(con)
    assert (sizes["P01"], sizes["P02"], sizes["P03"], sizes["P05"], sizes["P07"]) == (3, 3, 2, 1, 1)
    [zhang, li, *_] = _members(con, 1)
    assert (zhang.household_size, li.household_size) == (sizes["P01"], sizes["P02"])


def test_without_a_poverty_registry_nobody_is_listed():
    empty = connect(":memory:")
    empty.execute("CREATE TABLE who (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    assert group_members(empty, ("not_lifted",), entities="who") == []
    assert roster_rows(empty, entities="who") == []


@pytest.mark.slow
def test_a_synthetic_countys_groups_list_each_person_of_the_registry_once(tmp_path):
    from models.pipeline import run_pipeline
    from models.policy import load_policy
    from resolver.settings import LinkSettings
    from resolver.synthetic import synthesize

    drop = synthesize(tmp_path / "county", people=1500, seed=11).drop_dir
    result = run_pipeline(drop, tmp_path / "run", policy=load_policy(), settings=LinkSettings(),
                          db_path=tmp_path / "doudi.duckdb")  # fmt: skip
    db = connect(result.db_path, read_only=True)
    try:
        for statuses in GROUP_STATUSES.values():
            expected = db.execute(
                "SELECT count(DISTINCT coalesce(e.person_id, p.record_id)) FROM poverty p "
                "LEFT JOIN entities e ON e.registry = 'poverty' AND e.record_id = p.record_id "
                "WHERE list_contains(?, p.poverty_status)", [list(statuses)]
            ).fetchone()[0]  # fmt: skip
            members = group_members(db, statuses)
            keys = Counter(m.person_id or m.record_id for m in members)
            assert len(members) == expected == len(keys) and max(keys.values(), default=1) == 1
            assert all(m.status in statuses for m in members)
        person_of = dict(db.execute(
            "SELECT record_id, person_id FROM entities WHERE registry = 'assistance'"
        ).fetchall())  # fmt: skip
        listed = group_members(db, GROUP_STATUSES[1]) + group_members(db, GROUP_STATUSES[3])
        assert all(person_of[row["record_id"]] == m.person_id for m in listed for row in m.roster)
        enrolled = [m for m in listed if any(row["covered"] == "yes" for row in m.roster)]
        assert enrolled and len(enrolled) < len(listed)
    finally:
        db.close()
