"""A clerk's 同上 (or a ditto mark) in a household's column reads as the value above it."""

import openpyxl

from resolver.db import connect
from resolver.ingest import ingest_drop


def test_a_ditto_mark_takes_the_value_above_in_a_households_columns_only(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    roster = openpyxl.Workbook()
    sheet = roster.active
    sheet.append(["救助证号", "姓名", "身份证号码", "救助类型", "是否保障对象", "纳入日期", "村组"])
    sheet.append(["DB001", "刘华", "532326199001011235", "低保", "是", "2021-03-02", "东风村"])
    sheet.append(["同上", "王莉", "532326199201021228", "〃", "同上", '"', "同上"])
    sheet.append(["DB002", "张伟", "532326194505061217", "低保", "是", "2020-01-05", "西山村"])
    sheet.append(["〃", "同上", "同上", "低保", "是", "2020-01-05", "西山村"])
    roster.save(drop / "救助对象.xlsx")
    con = connect(":memory:")
    ingest_drop(con, drop)
    read = con.execute(
        "SELECT row_no, case_no, name, id_number, program, start_date::VARCHAR, village "
        "FROM assistance ORDER BY row_no"
    ).fetchall()
    assert read == [
        (2, "DB001", "刘华", "532326199001011235", "dibao", "2021-03-02", "东风村"),
        (3, "DB001", "王莉", "532326199201021228", "dibao", "2021-03-02", "东风村"),
        (4, "DB002", "张伟", "532326194505061217", "dibao", "2020-01-05", "西山村"),
        (5, "DB002", "同上", "同上", "dibao", "2020-01-05", "西山村"),  # a person's own: not filled
    ]
    filled = con.execute(
        "SELECT row_no, column_name FROM dq_findings WHERE problem = 'ditto_filled' ORDER BY ALL"
    ).fetchall()
    assert filled == [(3, "case_no"), (3, "covered"), (3, "program"), (3, "start_date"),
                      (3, "village"), (5, "case_no")]  # fmt: skip
