"""A row struck through or pasted twice is read and asked about with a finding of its own,
beside what else its name's cell says (a note left out of the name)."""

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
