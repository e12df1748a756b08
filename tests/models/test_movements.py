"""Entries into and exits from 低保 and 特困 in a period (``models.movements``): each inferred
reason on hand-made registries, the period's bounds, and a linked synthetic county."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from models.movements import ENTRY, EXIT, REASONS, UNKNOWN_PROGRAM, Movement, roster_movements
from models.policy import load_policy
from resolver.db import connect

START, END = date(2019, 6, 1), date(2019, 11, 30)
POLICY = load_policy()  # 低保 standard 4,500 元 a year: 375 元 a month
ASSISTANCE = (
    "record_id VARCHAR, case_no VARCHAR, name VARCHAR, id_number VARCHAR, program VARCHAR, "
    "dibao_class VARCHAR, covered VARCHAR, health VARCHAR, income_per_capita DECIMAL(14, 2), "
    "start_date DATE, end_date DATE, township VARCHAR, village VARCHAR"
)
TABLES = {
    "assistance": ASSISTANCE,
    "deaths": "record_id VARCHAR, death_date DATE, source_no BIGINT",
    "poverty": "record_id VARCHAR, poverty_hh_no VARCHAR, poverty_status VARCHAR",
    "disability": "record_id VARCHAR, disability_type VARCHAR, disability_level BIGINT",
}


def _roster(record_id, person, program, start, end=None, *, case_no=None, income=None,
            health=None, covered="yes", township="城关"):  # fmt: skip
    """A roster row and who it is."""
    row = (record_id, case_no or f"{program}-{person}", f"姓名{person}",
           f"5323261950010100{record_id[-2:]}", program, "A" if program == "dibao" else None,
           covered, health, income, start, end, township, "东村")  # fmt: skip
    return "assistance", row, person


# person -> what the registries say of them (each row with its person; None: linked to no one)
ROWS = [
    # 死亡: a notice dated within a month after the exit
    _roster("A01", "p01", "dibao", "2015-01-01", "2019-07-31"),
    ("deaths", ("D01", "2019-08-20", 1000), "p01"),
    # a notice more than a month after the exit explains nothing
    _roster("A02", "p02", "dibao", "2015-01-01", "2019-07-31", income=100),
    ("deaths", ("D02", "2019-10-01", 1000), "p02"),
    # 低保 -> 特困 the next day: 转入特困 and 转自低保
    _roster("A03", "p03", "dibao", "2016-03-01", "2019-08-31"),
    _roster("A04", "p03", "tekun", "2019-09-01"),
    # 特困 -> 低保, the new row starting two weeks later
    _roster("A05", "p04", "tekun", "2017-01-01", "2019-09-30"),
    _roster("A06", "p04", "dibao", "2019-10-15"),
    # a new 低保 case of the same person: 变更案件 both ways
    _roster("A07", "p05", "dibao", "2014-01-01", "2019-06-30", case_no="DB-old"),
    _roster("A08", "p05", "dibao", "2019-07-01", case_no="DB-new"),
    # 已脱贫 (and an income over the standard, which comes later in the order)
    _roster("A09", "p06", "dibao", "2016-01-01", "2019-10-31", income=800),
    ("poverty", ("P06", "H06", "lifted"), "p06"),
    # 收入超过标准: 500 元 a month is 6,000 a year
    _roster("A10", "p07", "dibao", "2016-01-01", "2019-11-30", income=500),
    # 原因未记录
    _roster("A11", "p08", "dibao", "2016-01-01", "2019-06-01", income=100),
    # entries: 建档立卡未脱贫 (the neediest status of two rows)
    _roster("A12", "p09", "dibao", "2019-06-15", income=100),
    ("poverty", ("P09a", "H09", "lifted"), "p09"),
    ("poverty", ("P09b", "H09", "not_lifted"), "p09"),
    # 重度残疾: 精神 any level (a 四级 肢体 certificate is not severe)
    _roster("A13", "p10", "tekun", "2019-08-01"),
    ("disability", ("C10a", "physical", 4), "p10"),
    ("disability", ("C10b", "mental", 3), "p10"),
    _roster("A14", "p11", "dibao", "2019-08-01", income=200),
    ("disability", ("C11", "physical", 4), "p11"),
    # 重病, before the income
    _roster("A15", "p12", "dibao", "2019-09-01", income=100, health="serious_illness"),
    # 其他: income above the standard on entry, nothing else
    _roster("A16", "p13", "dibao", "2019-11-30", income=800),
    # not covered, or outside the period (a day either side): not listed
    _roster("A17", "p14", "dibao", "2019-07-01", covered="no"),
    _roster("A18", "p15", "dibao", "2019-05-31", "2019-12-01"),
    # 临时救助 is one-off help: it neither enters nor leaves 低保 or 特困
    _roster("A30", "p22", "temporary", "2019-07-01", "2019-07-31"),
    # a program that could not be read: listed as 类型不明, by the rules that need no program
    _roster("A19", "p16", None, "2019-07-01", income=100),
    # entered and left in the period: two movements
    _roster("A20", "p17", "dibao", "2019-07-01", "2019-09-30", income=100),
    # dead and carried on in 特困: death comes first
    _roster("A21", "p18", "dibao", "2015-01-01", "2019-08-31"),
    ("deaths", ("D18", "2019-08-25", 1000), "p18"),
    # a notice read from a 户籍 row cancelled for death, and one of a 殡葬 list: each dated by
    # its own day (until 2026-12-08 each was said 死亡日期)
    _roster("A31", "p23", "dibao", "2015-01-01", "2019-09-30"),
    ("deaths", ("H23-死亡注销", "2019-10-08", 2001), "p23"),
    _roster("A32", "p24", "tekun", "2015-01-01", "2019-10-31"),
    ("deaths", ("F24", "2019-10-29", 3000), "p24"),
    # a class changed within the case (A to B from 8-16): neither an exit nor an entry
    _roster("A33", "p25", "dibao", "2015-01-01", "2019-08-15", case_no="DB25", income=100),
    _roster("A34", "p25", "dibao", "2019-08-16", case_no="DB25", income=100),
    # out for income at the end of July, back under another case in October: an exit for its
    # income, not a change of case (more than CASE_CHANGE_DAYS without cover)
    _roster("A35", "p26", "dibao", "2015-01-01", "2019-07-31", case_no="DB26", income=520),
    _roster("A36", "p26", "dibao", "2019-10-01", case_no="DB26b", income=100),
    _roster("A22", "p18", "tekun", "2019-09-01"),
    # the next 特困 row more than 92 days after the 低保 exit: no transfer either way
    _roster("A23", "p19", "dibao", "2015-01-01", "2019-06-30", income=100),
    _roster("A24", "p19", "tekun", "2019-10-15"),
    # 特困 already active when the 低保 row ends: 转入特困
    _roster("A25", "p20", "dibao", "2015-01-01", "2019-07-15"),
    _roster("A26", "p20", "tekun", "2012-01-01"),
    # a row of the person whose 纳入日期 could not be read carries nothing on
    _roster("A28", "p21", "dibao", "2015-01-01", "2019-07-31"),
    _roster("A29", "p21", "tekun", None),
    # a row linked to no one (no person): still listed, by its own values
    _roster("A27", None, "dibao", "2019-06-20", income=100, township="石羊"),
]


@pytest.fixture(scope="module")
def movements() -> dict[tuple[str, str], Movement]:
    con = connect(":memory:")
    for table, columns in TABLES.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
    con.execute("CREATE TABLE entities (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    con.execute("CREATE TABLE ingest_sources (source_no BIGINT, registry VARCHAR, file VARCHAR, "
                "sheet VARCHAR, mapping VARCHAR)")  # fmt: skip
    con.execute("""INSERT INTO ingest_sources VALUES
        (1000, 'deaths', '死亡人员.xlsx', NULL, '[["死亡日期", "death_date"]]'),
        (2000, 'hukou', '户籍.xlsx', NULL, '[["注销日期", "cancel_date"]]'),
        (2001, 'deaths', '户籍.xlsx', NULL, '[["注销日期", "death_date"]]'),
        (3000, 'deaths', '殡葬.xlsx', NULL, '[["火化时间", "death_date"]]')""")
    for table, row, person in ROWS:
        con.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", list(row))
        if person is not None:
            con.execute("INSERT INTO entities VALUES (?, ?, ?)", [table, row[0], person])
    found = roster_movements(con, START, END, POLICY)
    keyed = {(m.record_id, m.direction): m for m in found}
    assert len(keyed) == len(found)
    return keyed


def _reason(movements, record_id: str, direction: str) -> str:
    return movements[record_id, direction].reason


@pytest.mark.parametrize(
    ("record_id", "reason", "basis"),
    [
        ("A01", "死亡", "死亡人员记录 D01：死亡日期 2019-08-20"),
        ("A02", "原因未记录", "未找到"),
        ("A03", "转入特困", "救助对象记录 A04（特困，救助证号 tekun-p03）纳入日期 2019-09-01"),
        ("A05", "转入低保", "A06"),
        ("A07", "变更案件", "救助证号 DB-new"),
        ("A09", "已脱贫", "建档立卡记录 P06（户编号 H06）：贫困户状态 已脱贫"),
        ("A10", "收入超过标准", "500.00 元，折合每年 6000.00 元，高于低保标准 4500"),
        ("A11", "原因未记录", "未找到"),
        ("A21", "死亡", "D18"),
        ("A31", "死亡", "死亡人员记录 H23-死亡注销：户口注销日期 2019-10-08"),
        ("A32", "死亡", "死亡人员记录 F24：火化日期 2019-10-29"),
        ("A35", "收入超过标准", "520.00 元"),
        ("A23", "原因未记录", ""),
        ("A25", "转入特困", "A26"),
        ("A28", "原因未记录", ""),
    ],
)
def test_exit_reasons(movements, record_id, reason, basis):
    found = movements[record_id, EXIT]
    assert (found.reason, found.direction) == (reason, EXIT)
    assert basis in found.basis


@pytest.mark.parametrize(
    ("record_id", "reason", "basis"),
    [
        ("A04", "转自低保", "救助对象记录 A03（低保，救助证号 dibao-p03）退出日期 2019-08-31"),
        ("A06", "转自特困", "A05"),
        ("A08", "变更案件", "DB-old"),
        ("A12", "建档立卡未脱贫", "P09b"),
        ("A13", "重度残疾", "残疾人记录 C10b：精神残疾三级"),
        ("A14", "收入低于标准", "低于低保标准"),
        ("A15", "重病", "患有大病"),
        ("A16", "其他", "未找到"),
        ("A19", "收入低于标准", ""),
        ("A22", "转自低保", "A21"),
        ("A24", "其他", ""),
        ("A27", "收入低于标准", ""),
        ("A36", "收入低于标准", ""),
    ],
)
def test_entry_reasons(movements, record_id, reason, basis):
    found = movements[record_id, ENTRY]
    assert (found.reason, found.direction) == (reason, ENTRY)
    assert basis in found.basis


def test_only_covered_rows_entering_or_leaving_in_the_period_are_listed(movements):
    listed = {record_id for record_id, _ in movements}
    assert not listed & {"A17", "A18", "A30", "A33", "A34"}
    # rows that moved before the period are there only for what moved in it
    assert ("A26", ENTRY) not in movements and ("A03", ENTRY) not in movements
    assert {("A20", ENTRY), ("A20", EXIT)} <= set(movements)
    assert _reason(movements, "A20", ENTRY) == "收入低于标准"
    assert _reason(movements, "A20", EXIT) == "原因未记录"


def test_a_movement_carries_the_rows_values_and_its_person(movements):
    exit_ = movements["A03", EXIT]
    assert (exit_.program, exit_.program_label, exit_.day) == ("dibao", "低保", date(2019, 8, 31))
    assert (exit_.person_id, exit_.case_no, exit_.township, exit_.village) == (
        "p03", "dibao-p03", "城关", "东村")  # fmt: skip
    assert (exit_.name, exit_.id_number) == ("姓名p03", "532326195001010003")
    assert exit_.dibao_class == "A"
    unread = movements["A19", ENTRY]
    assert (unread.program, unread.program_label) == (UNKNOWN_PROGRAM, "类型不明")
    assert movements["A27", ENTRY].person_id is None


def test_every_reason_is_a_listed_one_and_the_order_is_by_place(movements):
    for movement in movements.values():
        assert movement.reason in REASONS[movement.direction]
        assert movement.basis
    con = connect(":memory:")
    for table, columns in TABLES.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
    con.execute("CREATE TABLE who (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    rows = [row for table, row, _ in ROWS if table == "assistance"]
    con.executemany(f"INSERT INTO assistance VALUES ({', '.join('?' * 13)})", rows)
    ordered = roster_movements(con, START, END, POLICY, entities="who")
    assert [m.township for m in ordered] == sorted(m.township for m in ordered)
    first_place = [m for m in ordered if m.township == "城关"]
    directions = [m.direction for m in first_place]
    assert directions == sorted(directions, key=lambda d: d != ENTRY)  # entries, then exits
    # no one linked: no transfers, no deaths, only the rows' own values
    assert {m.reason for m in ordered} <= {"收入低于标准", "收入超过标准", "重病", "其他",
                                           "原因未记录"}  # fmt: skip


def test_a_drop_without_a_roster_has_no_movements():
    con = connect(":memory:")
    con.execute("CREATE TABLE entities (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    assert roster_movements(con, START, END, POLICY) == []


def test_registries_missing_from_the_drop_are_no_evidence():
    con = connect(":memory:")
    con.execute(f"CREATE TABLE assistance ({ASSISTANCE})")
    con.execute("CREATE TABLE entities (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    row = _roster("A01", "p01", "dibao", "2015-01-01", "2019-07-31")[1]
    con.execute(f"INSERT INTO assistance VALUES ({', '.join('?' * 13)})", list(row))
    con.execute("INSERT INTO entities VALUES ('assistance', 'A01', 'p01')")
    [only] = roster_movements(con, START, END, POLICY)
    assert (only.direction, only.reason) == (EXIT, "原因未记录")


@pytest.mark.slow
def test_a_movement_is_judged_by_the_standard_of_its_area():
    # a blind tester's county under {"城市": 8400, "农村": 6000}: 82 urban entries under the
    # urban standard were 其他, judged by the rural one（城乡属性未知, though the roster said 城市）
    policy = replace(POLICY, name="本县", dibao_standard_year={"urban": 8400, "rural": 6000})
    con = connect(":memory:")
    con.execute(f"CREATE TABLE assistance ({ASSISTANCE}, source_no BIGINT, row_no BIGINT)")
    con.execute("CREATE TABLE raw_assistance (source_no BIGINT, row_no BIGINT, program VARCHAR, "
                "extra MAP(VARCHAR, VARCHAR))")  # fmt: skip
    con.execute("CREATE TABLE entities (registry VARCHAR, record_id VARCHAR, person_id VARCHAR)")
    written = {1: ("低保", "城市"), 2: ("城市低保", None), 3: ("低保", "农村"), 4: ("低保", None)}
    for row_no, (program, area) in written.items():
        _, row, _ = _roster(f"A0{row_no}", f"p{row_no}", "dibao", "2019-07-01", income=596)
        con.execute(f"INSERT INTO assistance VALUES ({', '.join('?' * (len(row) + 2))})",
                    [*row, 1, row_no])  # fmt: skip
        con.execute("INSERT INTO raw_assistance VALUES (1, ?, ?, MAP {'城乡属性': ?})",
                    [row_no, program, area])  # fmt: skip
    found = {m.record_id: m for m in roster_movements(con, START, END, policy)}
    for record_id in ("A01", "A02"):
        assert found[record_id].reason == "收入低于标准"
        assert found[record_id].basis.endswith("低于本地城市低保标准 8400 元/人/年")
    assert found["A03"].reason == found["A04"].reason == "其他"
    assert "城乡属性未知" not in found["A03"].basis


def test_a_linked_synthetic_county(tmp_path):
    """On a run of a synthetic county: every covered row moving in the period is listed, once
    per direction, and a death reason rests on a notice of the same person."""
    from models.pipeline import run_pipeline
    from resolver.settings import LinkSettings
    from resolver.synthetic import synthesize

    drop = synthesize(tmp_path / "county", people=1500, seed=7).drop_dir
    result = run_pipeline(drop, tmp_path / "run", policy=POLICY, settings=LinkSettings(),
                          db_path=tmp_path / "doudi.duckdb")  # fmt: skip
    con = connect(result.db_path, read_only=True)
    try:
        start, end = date(2020, 1, 1), date(2026, 12, 31)
        found = roster_movements(con, start, end, POLICY)
        expected = con.execute(
            "SELECT count(*) FILTER (WHERE start_date BETWEEN ? AND ?) "
            "+ count(*) FILTER (WHERE end_date BETWEEN ? AND ?) FROM assistance "
            "WHERE covered = 'yes'", [start, end, start, end],
        ).fetchall()[0][0]  # fmt: skip
        who = dict(con.execute("SELECT registry || ':' || record_id, person_id "
                               "FROM entities").fetchall())  # fmt: skip
    finally:
        con.close()
    assert len(found) == expected > 0
    assert {m.direction for m in found} == {ENTRY, EXIT}
    assert all(m.person_id == who[f"assistance:{m.record_id}"] for m in found)
    for movement in found:
        if movement.reason == "死亡":
            notice = re.match(r"死亡人员记录 (\S+?)：", movement.basis).group(1)
            assert who[f"deaths:{notice}"] == movement.person_id
