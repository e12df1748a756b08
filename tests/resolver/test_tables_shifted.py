"""A row a clerk shifted one column right (a blank cell inserted before its first) is read
one column to the left, with a finding; a row that reads as written stays as written."""

import openpyxl
import pytest

from resolver.db import connect
from resolver.errors import InputError
from resolver.ingest import ingest_drop
from resolver.quality import struck_records

ROSTER = ["记录编号", "救助证号", "姓名", "身份证号码", "救助类型", "低保类别", "是否保障对象",
          "纳入日期", "退出日期"]  # fmt: skip
LIU = ["A1", "DB001", "刘华", "532326199001011235", "低保", "B", "是", "2021-03-02", ""]
WANG = ["A2", "DB001", "王莉", "532326199201021228", "低保", "B", "是", "2021-03-02", ""]
ZHANG = ["A3", "DB002", "张伟", "532326194505061217", "低保", "A", "是", "2020-01-05", ""]
PAYMENTS = ["记录编号", "救助证号", "领款人姓名", "发放月份", "发放金额（元）", "救助类型"]


def _ingest(drop):
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def _csv(drop, name, rows):
    drop.mkdir(exist_ok=True)
    text = "".join(",".join(row) + "\n" for row in rows)
    (drop / name).write_text(text, encoding="utf-8")


def test_a_roster_row_shifted_right_losing_its_last_value_is_read_one_column_left(tmp_path):
    # the blank 记录编号 of the shifted row refused the whole drop (记录编号为空)
    drop = tmp_path / "drop"
    _csv(drop, "救助对象.csv", [ROSTER, LIU, ["", *WANG[:-1]], ZHANG])
    con = _ingest(drop)
    read = con.execute("SELECT record_id, case_no, name, id_number, program, dibao_class, covered, "
                       "start_date::VARCHAR FROM assistance ORDER BY row_no").fetchall()  # fmt: skip
    assert read[1] == ("A2", "DB001", "王莉", "532326199201021228", "dibao", "B", "yes",
                       "2021-03-02")  # fmt: skip
    assert con.execute("SELECT record_id, row_no FROM dq_findings WHERE problem = 'row_shifted'"
                       ).fetchall() == [("A2", 3)]  # fmt: skip
    [notes] = con.execute("SELECT notes FROM ingest_sources").fetchone()
    assert "第 3 行（共 1 行）整体右移一列" in notes


def test_a_payment_row_shifted_past_the_header_of_a_workbook_is_read_one_column_left(tmp_path):
    drop = tmp_path / "drop"
    _csv(drop, "救助对象.csv", [ROSTER, LIU])
    book = openpyxl.Workbook()
    book.active.append(PAYMENTS)
    for month in (1, 2, 3):
        row = [f"P{month}", "DB001", "刘华", f"2025-0{month}", "620", "低保"]
        book.active.append([None, *row] if month == 2 else row)
    book.save(drop / "发放记录.xlsx")
    con = _ingest(drop)
    assert con.execute("SELECT record_id, pay_month, amount::VARCHAR FROM payments ORDER BY row_no"
                       ).fetchall() == [("P1", "2025-01", "620.00"), ("P2", "2025-02", "620.00"),
                                        ("P3", "2025-03", "620.00")]  # fmt: skip
    assert con.execute("SELECT row_no FROM dq_findings WHERE problem = 'row_shifted'"
                       ).fetchall() == [(3,)]  # fmt: skip


@pytest.mark.parametrize(
    "row",
    [["", *WANG[1:]],  # a blank 记录编号 no shift explains
     ["", *LIU[:-1]]],  # moved left it would repeat A1
)  # fmt: skip
def test_a_blank_record_id_that_no_shift_explains_still_refuses_the_table(tmp_path, row):
    drop = tmp_path / "drop"
    _csv(drop, "救助对象.csv", [ROSTER, LIU, row, ZHANG])
    with pytest.raises(InputError, match="记录编号为空"):
        _ingest(drop)


def test_a_row_that_reads_as_written_is_never_moved(tmp_path):
    # no 记录编号 column, a blank 序号: the row reads well as written
    drop = tmp_path / "drop"
    header = ["序号", *ROSTER[1:]]
    _csv(drop, "救助对象.csv", [header, ["1", *LIU[1:]], ["", *WANG[1:]], ["3", *ZHANG[1:]]])
    con = _ingest(drop)
    assert con.execute("SELECT name, program FROM assistance ORDER BY row_no").fetchall() == [
        ("刘华", "dibao"), ("王莉", "dibao"), ("张伟", "dibao")]  # fmt: skip
    assert con.execute("SELECT count(*) FROM dq_findings WHERE problem = 'row_shifted'"
                       ).fetchone() == (0,)  # fmt: skip


def test_a_shifted_row_keeps_its_names_note_beside_the_shift(tmp_path):
    # row_shifted replaced the cell's other finding: the note beside 王莉 was lost
    drop = tmp_path / "drop"
    _csv(
        drop,
        "救助对象.csv",
        [ROSTER, LIU, ["", WANG[0], WANG[1], "王莉（妻）", *WANG[3:-1]], ZHANG],
    )
    con = _ingest(drop)
    assert con.execute("SELECT name FROM assistance WHERE record_id = 'A2'").fetchone() == ("王莉",)
    assert sorted(con.execute("SELECT problem FROM dq_findings WHERE row_no = 3 AND column_name = 'name'"
                              ).fetchall()) == [("name_annotated",), ("row_shifted",)]  # fmt: skip


def test_a_shifted_row_struck_through_is_still_a_struck_row(tmp_path):
    # row_shifted replaced row_struck: a row struck out (deleted) was read as a live one
    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    for row in (ROSTER, LIU, [None, *WANG[:-1]], ZHANG):
        book.active.append(row)
    for cell in book.active[3]:
        cell.font = openpyxl.styles.Font(strike=True)
    book.save(drop / "救助对象.xlsx")
    con = _ingest(drop)
    assert sorted(con.execute("SELECT problem FROM dq_findings WHERE row_no = 3 AND column_name = 'name'"
                              ).fetchall()) == [("row_shifted",), ("row_struck",)]  # fmt: skip
    assert struck_records(con) == {("assistance", "A2")}
