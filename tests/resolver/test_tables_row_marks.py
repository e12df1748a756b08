"""A row struck through or pasted twice is read and asked about with a finding of its own,
beside what else its name's cell says (a note left out of the name); a payment line repeated
cell for cell is counted as written and asked about, naming the line it repeats."""

import openpyxl

from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.quality import struck_records

ROSTER = ["记录编号", "救助证号", "姓名", "身份证号码", "救助类型", "低保类别", "是否保障对象",
          "纳入日期"]  # fmt: skip
LIU = ["A1", "DB001", "刘华", "532326199001011235", "低保", "B", "是", "2021-03-02"]
WANG = ["A2", "DB001", "王莉（妻）", "532326199201021228", "低保", "B", "是", "2021-03-02"]
ZHANG = ["A3", "DB002", "张伟", "532326194505061217", "低保", "A", "是", "2020-01-05"]
QUERY = "SELECT problem FROM dq_findings WHERE row_no = ? AND column_name = 'name' ORDER BY 1"


def _ingest(drop):
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def test_a_struck_row_keeps_its_names_note_beside_the_strike(tmp_path):
    # row_struck replaced the cell's other finding: the note 妻 beside 王莉 was lost
    drop = tmp_path / "drop"
    drop.mkdir()
    book = openpyxl.Workbook()
    for row in (ROSTER, LIU, WANG, ZHANG):
        book.active.append(row)
    for cell in book.active[3]:
        cell.font = openpyxl.styles.Font(strike=True)
    book.save(drop / "救助对象.xlsx")
    con = _ingest(drop)
    assert con.execute(QUERY, [3]).fetchall() == [("name_annotated",), ("row_struck",)]
    assert struck_records(con) == {("assistance", "A2")}


def test_a_repeated_row_keeps_its_names_note_beside_the_repeat(tmp_path):
    # row_repeated replaced the cell's other finding: the repeat's note was lost (a table
    # without 记录编号, whose ids are made from what each row says, is asked about repeats)
    drop = tmp_path / "drop"
    drop.mkdir()
    rows = [row[1:] for row in (ROSTER, LIU, WANG, ZHANG, WANG)]  # ids made from each row
    (drop / "救助对象.csv").write_text("".join(",".join(row) + "\n" for row in rows), "utf-8")
    con = _ingest(drop)
    assert con.execute(QUERY, [5]).fetchall() == [("name_annotated",), ("row_repeated",)]
    assert con.execute(QUERY, [3]).fetchall() == [("name_annotated",)]


PAYMENTS = ["序号", "救助证号", "领款人姓名", "领款人身份证号码", "银行账号", "发放月份",
            "发放金额（元）"]  # fmt: skip
PAID = ["DB001", "刘华", "532326199001011235", "6217656509076915796", "2026-08", "930"]


def test_a_payment_line_repeated_cell_for_cell_is_counted_and_asked_about(tmp_path):
    # pasted twice, or paid twice? the ledger says twice, and no one was asked: now each line
    # repeating an earlier one (its 序号 aside, numbered anew) names it; the amount counts twice
    drop = tmp_path / "drop"
    drop.mkdir()
    rows = [PAYMENTS, ["1", *PAID], ["2", *PAID], ["3", *PAID[:4], "2026-09", "930"],
            ["4", *PAID[:5], "465"]]  # fmt: skip
    for name, table in (("发放记录.csv", rows), ("救助对象.csv", [ROSTER, LIU])):
        (drop / name).write_text("".join(",".join(row) + "\n" for row in table), "utf-8")
    con = _ingest(drop)
    assert con.execute("SELECT row_no, column_name, raw_value FROM dq_findings "
                       "WHERE problem = 'payment_repeated'").fetchall() == [
        (3, "case_no", "DB001（与第 2 行完全相同）")]  # fmt: skip
    assert con.execute("SELECT sum(amount) FROM payments").fetchone()[0] == 930 * 3 + 465
    notes = con.execute("SELECT notes FROM ingest_sources").fetchone()[0]
    assert "1 行与前面一行每一格都相同（第 3 行同第 2 行）" in notes
