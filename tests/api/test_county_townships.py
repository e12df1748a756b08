"""A drop of two counties, each with a 城关镇 and one death still paid: every per-township
view (overview, month over month, 汇总表, 摸排台账 sheets, monthly and period reports) counts
each county's 城关 apart, named after its county; a county is asked for by its code or its
name, and a 梁平 form of one county is titled with that county's name."""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import unquote

import openpyxl
import pytest

from api.ledgers import ledger_workbook, summary_rows
from api.monthly_report import monthly_report
from api.period_report import period_movements, summary_table
from api.storage import opened
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.idcard import check_char
from resolver.settings import LinkSettings
from tests.api.served import Server, client

COUNTIES = {"532326": ("大姚县", "张三"), "500155": ("梁平区", "李四")}
TOWNSHIPS = ["大姚县 城关", "梁平区 城关"]


def _id(first17: str) -> str:
    return first17 + check_char(first17)


def _write(folder, name, rows):
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _county(folder, code: str, name: str) -> None:
    """A household of two on 低保 in 城关镇, the head dead in March and paid all year."""
    head, wife = _id(code + "19500101001"), _id(code + "19520202002")
    _write(folder, "hukou.csv", [["记录编号", "户号", "姓名", "身份证号码", "乡镇", "村组"],
                                 ["H1", "HH1", name, head, "城关镇", "一村"],
                                 ["H2", "HH1", name + "妻", wife, "城关镇", "一村"]])  # fmt: skip
    _write(folder, "assistance.csv", [
        ["记录编号", "救助证号", "姓名", "身份证号码", "救助类型", "低保类别", "是否保障对象",
         "纳入日期", "乡镇", "村组"],
        ["A1", "DB1", name, head, "低保", "A", "是", "2023-01-01", "城关镇", "一村"],
        ["A2", "DB1", name + "妻", wife, "低保", "A", "是", "2023-01-01", "城关镇", "一村"]])  # fmt: skip
    _write(folder, "payments.csv", [["记录编号", "救助证号", "发放月份", "发放金额（元）"],
                                    *([f"P{m}", "DB1", f"2024-{m:02d}", "1200"]
                                      for m in range(1, 13))])  # fmt: skip
    _write(folder, "deaths.csv", [["记录编号", "姓名", "身份证号码", "死亡日期", "数据来源"],
                                  ["D1", name, head, "2024-03-10", "公安"]])  # fmt: skip


@pytest.fixture(scope="module")
def two_counties(tmp_path_factory):
    out = tmp_path_factory.mktemp("two_counties")
    for code, (county, name) in COUNTIES.items():
        _county(out / "drop" / f"{code}{county}", code, name)
    result = run_pipeline(out / "drop", out / "run", policy=load_policy(), settings=LinkSettings())
    with opened(result.db_path) as storage:
        token = storage.tokens.create(name="审计员", role="auditor")
        views = _views(storage)
    server = Server(result.db_path)
    server.start()
    yield {"server": server, "tokens": {"auditor": token}, "views": views}
    server.stop()


def _views(storage) -> dict:
    """The views built in process (the server then holds the database)."""
    published = storage.snapshot.published
    return {
        "summary": summary_rows(published),
        "ledger": ledger_workbook(published, "deceased_paid", masked=True),
        "monthly": monthly_report(published, masked=True).content,
        "movements": period_movements(storage.store.cursor, date(2020, 1, 1), date(2026, 12, 31)),
        "one_county": summary_rows(published, "532326"),
    }


def _sheet(content: bytes, name: str | None = None) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list((book[name] if name else book.worksheets[0]).iter_rows(values_only=True))


def test_the_overview_counts_each_countys_township_apart(two_counties):
    with client(two_counties, "auditor") as http:
        overview = http.get("/api/overview").json()
    assert {name: (place["cases"], place["amount_at_risk"])
            for name, place in overview["by_township"].items()} == {
        "大姚县 城关": (1, 4800.0), "梁平区 城关": (1, 4800.0)}  # fmt: skip
    assert list(overview["changes"]["by_township"]) == TOWNSHIPS
    # the page filters by these labels: each names one county's township (a review found a
    # first version answering every label with nothing, and its ledger with headers only)
    with client(two_counties, "auditor") as http:
        for label in ("大姚县 城关", "梁平区 城关镇"):
            found = http.get("/api/cases", params={"township": label}).json()
            assert found["total"] == 1
            ledger = http.get("/api/ledgers/deceased_paid.xlsx", params={"township": label})
            assert len(_sheet(ledger.content)) > 2
        assert http.get("/api/cases", params={"township": "城关镇"}).json()["total"] == 2


def test_the_summary_ledgers_and_reports_file_each_countys_township_apart(two_counties):
    views = two_counties["views"]
    summary = views["summary"]
    assert [row[0] for row in summary] == [*TOWNSHIPS, "合计"]
    assert [row[-2] for row in summary] == [4800, 4800, 9600]
    assert openpyxl.load_workbook(io.BytesIO(views["ledger"])).sheetnames == TOWNSHIPS
    assert [row[0] for row in _sheet(views["monthly"], "乡镇变化")[4:]] == [*TOWNSHIPS, "合计"]
    assert [row[0] for row in summary_table(views["movements"])[1]] == [*TOWNSHIPS, "合计"]
    # one county's own 汇总表: its townships as it writes them
    assert [row[0] for row in views["one_county"]] == ["城关", "合计"]


@pytest.mark.parametrize("county", ["532326", "大姚县"])
def test_a_countys_liangping_form_is_titled_with_its_name_asked_by_code_or_name(
    two_counties, county
):
    with client(two_counties, "auditor") as http:
        answer = http.get("/api/ledgers/liangping/4.xlsx", params={"county": county})
        ledger = http.get("/api/ledgers/deceased_paid.xlsx", params={"county": county})
    assert answer.status_code == 200
    assert _sheet(answer.content)[1][0] == "大姚县城乡低保摸排处理汇总表"
    assert "大姚县" in unquote(answer.headers["content-disposition"])
    assert openpyxl.load_workbook(io.BytesIO(ledger.content)).sheetnames == ["城关"]
