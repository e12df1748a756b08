"""An ID number typed into a column that is not an ID column (出生日期, 纳入日期, 联系电话,
家庭人数, 发放金额) is masked in dq_findings and in 数据问题清单 as the ID columns' are."""

from __future__ import annotations

import csv
import re

import openpyxl

from resolver.ingest import check_drop
from resolver.quality import write_findings_workbook

ID = "532326195601016870"
FULL_ID = re.compile(r"\d{14,}[\dXx]")


def _drop(folder):
    folder.mkdir()
    roster = [
        ["记录编号", "救助证号", "姓名", "身份证号码", "出生日期", "救助类型", "是否保障对象",
         "纳入日期", "联系电话", "家庭人数", "乡镇"],
        ["JZ1", "DB532326000001", "张三", ID, ID, "低保", "是", ID, ID, ID, "金碧镇"],
        # a row read right: a column none of whose values reads refuses the file instead
        ["JZ2", "DB532326000002", "李四", "", "1960-02-03", "低保", "是", "2020-01-01",
         "13800000000", "2", "金碧镇"],
    ]  # fmt: skip
    payments = [["记录编号", "救助证号", "发放月份", "发放金额（元）"],
                ["FF1", "DB532326000001", "2024-01", ID],
                ["FF2", "DB532326000002", "2024-01", "600"]]  # fmt: skip
    for name, rows in (("救助对象.csv", roster), ("发放记录.csv", payments)):
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def test_an_id_typed_into_any_column_is_masked_in_the_findings(tmp_path):
    con, _ = check_drop(_drop(tmp_path / "drop"))
    stored = con.execute("SELECT column_name, raw_value FROM dq_findings").fetchall()
    assert len([value for _, value in stored if value and "532326" in value]) >= 4
    assert not [value for _, value in stored if value and FULL_ID.search(value)]
    write_findings_workbook(con, tmp_path / "数据问题清单.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "数据问题清单.xlsx")["数据问题"]
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "532326***********0" in cells
    assert not [cell for cell in cells if isinstance(cell, str) and FULL_ID.search(cell)]


PHONES = re.compile(r"\d{7,}")


def test_a_phone_in_a_finding_is_masked_as_a_phone(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    roster = [
        ["记录编号", "救助证号", "姓名", "身份证号码", "出生日期", "救助类型", "是否保障对象",
         "纳入日期", "联系电话", "乡镇"],
        ["JZ1", "DB532326000001", "张三", "", "13812345678", "低保", "是", "2020-01-01",
         "1381234567", "金碧镇"],  # a mobile typed into 出生日期; a mobile a digit short
        ["JZ2", "DB532326000002", "李四", "", "1960-02-03", "低保", "是", "2020-01-01",
         "13812345678/13987654321", "金碧镇"],  # two numbers in one cell
        ["JZ3", "DB532326000003", "王五", "", "1961-02-03", "低保", "是", "2020-01-01",
         "0871-81234", "金碧镇"],  # a landline a digit short
    ]  # fmt: skip
    with open(folder / "救助对象.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(roster)
    con, _ = check_drop(folder)
    write_findings_workbook(con, tmp_path / "数据问题清单.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "数据问题清单.xlsx")["数据问题"]
    shown = {(row[3], row[5]): row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert shown[(2, "出生日期")] == "138****5678"
    assert shown[(2, "联系电话")] == "138****4567"
    assert shown[(3, "联系电话")] == "138****5678/139****4321"
    assert shown[(4, "联系电话")] == "087****1234"
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert not [cell for cell in cells if isinstance(cell, str) and PHONES.search(cell)]
