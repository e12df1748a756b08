"""Values and headers as county offices' exports write them, read through an ingest."""

import csv

from resolver.db import connect
from resolver.idcard import check_char
from resolver.ingest import ingest_drop

DEAD = [first + check_char(first) for first in ("53232619500101011", "53232619600202022")]
HEADS = [first + check_char(first) for first in ("53232619200101001", "53232619210101001")]


def _ingest(tmp_path, file_name, rows, **more):
    drop = tmp_path / "drop"
    drop.mkdir(parents=True)
    for name, table in {file_name: rows, **more}.items():
        with open(drop / name, "w", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows(table)
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def test_the_deceaseds_id_column_is_read_beside_the_household_heads(tmp_path):
    # two columns of IDs and no 身份证号 header: until 2026-12-06 neither was read, and the
    # notices matched by name alone
    rows = [["死者姓名", "逝者身份证号码", "户主姓名", "户主身份证号", "死亡日期"],
            ["王建国", DEAD[0], "王大山", HEADS[0], "2024-02-10"],
            ["李秀英", DEAD[1], "赵四", HEADS[1], "2024-02-11"]]  # fmt: skip
    con = _ingest(tmp_path, "死亡人员.csv", rows)
    assert con.execute("SELECT id_number FROM deaths ORDER BY row_no").fetchall() == [
        (DEAD[0],),
        (DEAD[1],),
    ]


def _death_dates(tmp_path, dates):
    rows = [["姓名", "身份证号", "死亡日期"]]
    rows += [[f"王{index}", "", day] for index, day in enumerate(dates)]
    con = _ingest(tmp_path, "死亡人员.csv", rows)
    read = con.execute("SELECT CAST(death_date AS VARCHAR) FROM deaths ORDER BY row_no").fetchall()
    found = con.execute(
        "SELECT row_no, problem FROM dq_findings WHERE column_name = 'death_date' ORDER BY row_no"
    ).fetchall()
    return [day for (day,) in read], found


def test_an_ambiguous_us_date_is_read_in_the_order_its_column_shows(tmp_path):
    read, found = _death_dates(tmp_path, ["6/13/2024", "6/5/2024", "二〇二四年六月一日"])
    assert read == ["2024-06-13", "2024-06-05", "2024-06-01"]
    assert found == [(2, "date_month_first"), (3, "date_order_from_column")]


def test_an_ambiguous_date_its_column_cannot_order_is_refused_with_a_finding(tmp_path):
    read, found = _death_dates(tmp_path / "none", ["6/5/2024", "2024-06-01 周六"])
    assert read == [None, "2024-06-01"]
    assert found == [(2, "date_order_ambiguous")]
    read, found = _death_dates(tmp_path / "both", ["6/13/2024", "13/6/2024", "6/5/2024"])
    assert read == ["2024-06-13", "2024-06-13", None]
    assert found[-1] == (4, "date_order_ambiguous")


def test_an_amount_per_person_is_read_as_written_with_a_finding(tmp_path):
    rows = [["记录编号", "救助证号", "发放月份", "发放金额"],
            ["P1", "DB001", "2024-06", "333.00元/人"],
            ["P2", "DB002", "2024-06", "￥1,240.50"]]  # fmt: skip
    roster = [["救助证号", "姓名", "身份证号码", "救助类型", "是否保障对象", "纳入日期"],
              ["DB001", "王建国", DEAD[0], "低保", "是", "2020-01-01"],
              ["DB002", "李秀英", DEAD[1], "低保", "是", "2020-01-01"]]  # fmt: skip
    con = _ingest(tmp_path, "发放记录.csv", rows, **{"救助对象.csv": roster})
    amounts = con.execute("SELECT CAST(amount AS VARCHAR) FROM payments ORDER BY row_no").fetchall()
    assert amounts == [("333.00",), ("1240.50",)]
    found = con.execute(
        "SELECT row_no, problem FROM dq_findings WHERE column_name = 'amount'"
    ).fetchall()
    assert found == [(2, "amount_per_head")]


def test_an_id_whose_zeroed_tail_passes_the_check_digit_is_said_to_be_zeroed(tmp_path):
    # 532326195001015000 passes its check digit; its man's gender digit, zeroed, reads a woman
    roster = [["记录编号", "救助证号", "姓名", "身份证号码", "性别", "救助类型", "是否保障对象",
               "纳入日期"],
              ["A1", "DB1", "王建国", "532326195001015000", "男", "低保", "是", "2020-01-01"],
              ["A2", "DB1", "王秀英", "532326195001015000", "女", "低保", "是", "2020-01-01"]]  # fmt: skip
    con = _ingest(tmp_path, "救助对象.csv", roster)
    found = con.execute("SELECT record_id, column_name, problem FROM dq_findings "
                        "WHERE registry = 'assistance' ORDER BY ALL").fetchall()  # fmt: skip
    assert ("A1", "gender", "id_zeroed_suspected") in found
    assert not any(problem == "gender_conflicts_id" for *_, problem in found)
