"""A household's payment merged down over its members' lines is counted once."""

import openpyxl

from resolver.db import connect
from resolver.ingest import ingest_drop

MEMBERS = (
    ("DB001", "刘华", "532326199001011235"),
    ("DB001", "王莉", "532326199201021228"),
    ("DB001", "刘小明", "532326201503041213"),
    ("DB002", "张伟", "532326194505061217"),
)


def _roster(drop):
    roster = openpyxl.Workbook()
    roster.active.append(["救助证号", "姓名", "身份证号码", "救助类型", "是否保障对象", "纳入日期"])
    for case, name, number in MEMBERS:
        roster.active.append([case, name, number, "低保", "是", "2021-03-02"])
    roster.save(drop / "救助对象.xlsx")


def _ingest(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    _roster(drop)
    ledger = openpyxl.Workbook()
    sheet = ledger.active
    sheet.append(["某镇2024年11月农村低保资金发放表"])
    sheet.append(["低保证号", "姓名", "身份证号码", "家庭月人均收入", "发放金额", "发放月份"])
    for index, (case, name, number) in enumerate(MEMBERS):
        first = index in (0, 3)
        sheet.append([case if first else None, name, number, 300 if first else None,
                      (960 if index == 0 else 320) if first else None, "2024-11"])  # fmt: skip
    for column in "ADE":  # the household's case, income and amount over its three lines
        sheet.merge_cells(f"{column}3:{column}5")
    ledger.save(drop / "发放记录.xlsx")
    con = connect(":memory:")
    ingest_drop(con, drop)
    return con


def test_an_amount_merged_over_a_households_lines_is_counted_on_its_first_line(tmp_path):
    con = _ingest(tmp_path)
    paid = con.execute(
        "SELECT row_no, case_no, CAST(amount AS VARCHAR) FROM payments ORDER BY row_no"
    ).fetchall()
    assert paid == [(3, "DB001", "960.00"), (4, "DB001", None), (5, "DB001", None),
                    (6, "DB002", "320.00")]  # fmt: skip
    findings = con.execute(
        "SELECT row_no, column_name, problem, raw_value FROM dq_findings "
        "WHERE registry = 'payments' AND column_name = 'amount' ORDER BY row_no"
    ).fetchall()
    assert findings == [
        (row, "amount", "amount_merged_once", "960（合并单元格，计在第 3 行）") for row in (4, 5)
    ]
    [notes] = con.execute("SELECT notes FROM ingest_sources WHERE registry = 'payments'").fetchone()
    assert "只计一次" in notes


def test_an_amount_spanning_rows_of_an_html_export_is_counted_once_too(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    _roster(drop)
    rows = "".join(
        f"<tr>{'<td rowspan=3>DB001</td>' if index == 0 else ''}"
        f"{f'<td>{case}</td>' if index == 3 else ''}<td>{name}</td><td>{number}</td>"
        f"{'<td rowspan=3>960</td>' if index == 0 else ''}{'<td>320</td>' if index == 3 else ''}"
        "<td>2024-11</td></tr>"
        for index, (case, name, number) in enumerate(MEMBERS)
    )
    page = ("<html><body><table><tr><th>低保证号</th><th>姓名</th><th>身份证号码</th>"
            f"<th>发放金额</th><th>发放月份</th></tr>{rows}</table></body></html>")  # fmt: skip
    (drop / "发放记录.xls").write_text(page, encoding="utf-8")
    con = connect(":memory:")
    ingest_drop(con, drop)
    paid = con.execute("SELECT sum(amount), count(*) FROM payments").fetchone()
    assert paid == (1280, 4)
