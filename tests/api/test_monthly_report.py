"""Month over month on two published runs (``monthly_county``): the overview's changes, the
monthly report (``GET /api/ledgers/monthly.xlsx`` and ``doudi report --monthly``), and the
overview, the overdue queue and the assign form on the page in headless Chromium."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from typer.testing import CliRunner

from api.cli import app
from api.monthly_report import TOWNSHIP_COLUMNS, TYPE_COLUMNS, monthly_report
from api.published import Published
from models.case_types import CASE_LABELS
from resolver.db import connect
from tests.api.conftest import BACKDATED_DAYS, OVERDUE_ASSIGNEE, OVERDUE_DAYS
from tests.api.served import client

pytestmark = pytest.mark.slow
ARTIFACTS = Path(os.environ.get("DOUDI_ARTIFACTS", "test-artifacts"))
SHEETS = ["汇总", "逾期未处置", "超过30天未处置", "乡镇变化", "存在问题及请求帮助"]
TODAY = date.today()


def _values(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _township_rows(expected: dict) -> list[tuple]:
    rows = [(name, line["new"], line["resolved"], line["open"], line["new"] + line["open"])
            for name, line in sorted(expected["by_township"].items())]  # fmt: skip
    return [*rows, ("合计", *(sum(row[i] for row in rows) for i in range(1, 5)))]


def test_each_run_records_the_month_its_data_describe(monthly_runs):
    """The month over month view compares runs of different data months: each published
    run records its as-of day, the last day of its ledger's latest month."""
    with connect(monthly_runs["db"], read_only=True) as con:
        days = dict(con.execute("SELECT run_id, as_of FROM runs").fetchall())
        (latest_month,) = con.execute("SELECT max(pay_month) FROM payments").fetchone()
    first, second = monthly_runs["runs"]
    assert f"{days[second]:%Y-%m}" == latest_month
    assert days[first] < days[second]  # the first dated a month back (``_backdate``)


def test_the_overview_compares_the_latest_run_with_the_one_before(monthly_county):
    expected = monthly_county["expected"]
    with client(monthly_county, "analyst") as http:
        overview = http.get("/api/overview").json()
    changes = overview["changes"]
    first, second = monthly_county["runs"]
    assert (changes["run_id"], changes["previous_run_id"]) == (second, first)
    assert {k: changes[k] for k in ("new", "resolved", "open")} == expected["totals"]
    assert changes["by_township"] == expected["by_township"]
    # the planted death notices: one case raised anew, one resolved by data
    assert "deceased_paid" in expected["types"]["new"].values()
    assert "deceased_paid" in expected["types"]["resolved"].values()
    assert overview["overdue"] == 1
    assert overview["cases"] == expected["totals"]["new"] + expected["totals"]["open"]


def test_the_monthly_report_counts_the_month_and_lists_overdue_and_long_open_cases(
    monthly_county,
):
    expected, overdue_case = monthly_county["expected"], monthly_county["overdue_case"]
    with client(monthly_county, "auditor") as auditor, client(monthly_county, "analyst") as analyst:
        by_amount = auditor.get("/api/cases", params={"sort": "amount", "limit": 500}).json()
        confirmed = next(c["case_id"] for c in by_amount["items"]  # an amount to recover
                         if c["case_id"] in expected["open_ids"][1:] and c["amount_at_risk"])  # fmt: skip
        for to in ("in_review", "confirmed"):
            answer = auditor.post(f"/api/cases/{confirmed}/decisions", json={"to_status": to})
            assert answer.status_code == 201, answer.text
        detail = auditor.get(f"/api/cases/{confirmed}").json()
        overdue_detail = auditor.get(f"/api/cases/{overdue_case}").json()
        full, read = (
            auditor.get("/api/ledgers/monthly.xlsx"),
            analyst.get("/api/ledgers/monthly.xlsx"),
        )
        types = auditor.get("/api/meta").json()["case_types"]
    for response in (full, read):
        assert response.status_code == 200, response.text
        assert "attachment" in response.headers["content-disposition"]
    sheets = _values(full.content)
    assert list(sheets) == SHEETS and _values(read.content) == sheets
    first, second = monthly_county["runs"]
    for rows in sheets.values():
        assert re.fullmatch(r"\d{4}年\d{1,2}月兜底疑点月度分析报告（数据截至\d{4}年\d{1,2}月\d{1,2}日）",
                            rows[0][0])  # fmt: skip
        assert f"本次运行：{second}" in rows[1][0] and f"上次运行：{first}" in rows[1][0]
        assert rows[2][0].startswith("疑点仅为核查线索，不是处理决定。")
    summary = sheets["汇总"]  # as wide as its list of confirmed cases
    width = len(TYPE_COLUMNS)
    assert summary[3][:width] == TYPE_COLUMNS
    by_type = {row[0]: row for row in summary[4 : 4 + len(CASE_LABELS)]}
    assert list(by_type) == list(CASE_LABELS.values())
    for kind in ("new", "resolved"):
        deaths = list(expected["types"][kind].values()).count("deceased_paid")
        assert by_type["死亡后仍发放"][1 + ("new", "resolved").index(kind)] == deaths >= 1
    assert detail["amount_at_risk"] > 0
    totals = expected["totals"]  # confirmed after the latest run: the next report's
    # the money of the leads raised now, new and still raised (until 2026-12-07 (late) none)
    raised = {part: sum(round((c["amount_at_risk"] or 0) * 100) for c in by_amount["items"]
                        if c["case_id"] in ids) / 100
              for part, ids in (("new", expected["types"]["new"]), ("open", expected["open_ids"]))}  # fmt: skip
    assert raised["open"] > 0
    assert summary[4 + len(CASE_LABELS)][:width] == (
        "合计", totals["new"], totals["resolved"], totals["open"], 0, 0, raised["new"],
        raised["open"])  # fmt: skip
    notes = [row[0] for row in summary[5 + len(CASE_LABELS) :] if row and row[0]]
    assert any("线索所报涉及金额" in str(note) for note in notes)
    assert summary[2][0].endswith(  # the confirmation after the run: said above the table
        f"（本次运行发布）之间的核实；此后又核实属实 1 件（线索所报金额 {detail['amount_at_risk']:,.2f} 元），"
        "计入下期报告（审核页面“汇总”和乡镇汇总表按当前核查状态统计，已含这些疑点）。")  # fmt: skip
    assert f"逾期未处置 1 件（见“逾期未处置”表）；超过30天未处置 {len(expected['open_ids']) - 1} 件" in (
        " ".join(str(note) for note in notes))  # fmt: skip
    assert not [row for row in summary if row[1] == confirmed]
    amounts = openpyxl.load_workbook(io.BytesIO(full.content))["汇总"]
    column = amounts.iter_rows(
        min_row=5, max_row=5 + len(CASE_LABELS), min_col=width, max_col=width
    )
    shown = {cell.number_format for (cell,) in column if cell.value != "—"}  # — carries no money
    assert shown == {"#,##0.00"}  # 1,234.50, not 1234.5
    assert sheets["逾期未处置"][4:] == [
        (1, overdue_case, types[overdue_detail["case_type"]], overdue_detail["township"],
         OVERDUE_ASSIGNEE, datetime.combine(TODAY - timedelta(days=OVERDUE_DAYS), time()),
         OVERDUE_DAYS, "待核查")]  # fmt: skip
    long_open = sheets["超过30天未处置"][4:]
    assert sorted(row[1] for row in long_open) == sorted(set(expected["open_ids"]) - {confirmed})
    assert {row[5] for row in long_open} == {BACKDATED_DAYS}
    assert [row[7] for row in long_open if row[1] == overdue_case] == [OVERDUE_ASSIGNEE]
    assert sheets["乡镇变化"][3] == TOWNSHIP_COLUMNS
    assert sheets["乡镇变化"][4:] == _township_rows(expected)
    with zipfile.ZipFile(io.BytesIO(full.content)) as archive:
        xml = [archive.read(name).decode() for name in archive.namelist()
               if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]  # fmt: skip
    assert len(xml) == len(SHEETS) and not [
        sheet for sheet in xml if "<f>" in sheet or "<f " in sheet
    ]
    with client(monthly_county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 50}).json()["items"]
        for role in ("consumer", "admin"):
            with client(monthly_county, role) as http:
                assert http.get("/api/ledgers/monthly.xlsx").status_code == 403
    logged = {(e["actor"], e["action"], e["target"]) for e in entries}
    target = f"{second} monthly 逾期1行 超过30天{len(long_open)}行"
    assert {
        ("auditor-1", "download_ledger", target),
        ("analyst-1", "download_ledger", target),
    } <= logged


def test_the_command_line_writes_the_monthly_report(monthly_county, tmp_path):
    runner = CliRunner()
    with client(monthly_county, "auditor") as http:
        served = _values(http.get("/api/ledgers/monthly.xlsx").content)
    out = tmp_path / "月报" / "monthly.xlsx"
    both = ["report", "--monthly", "--from", "2026-01", "--db", str(monthly_county["db"]),
            "--out", str(tmp_path / "x.xlsx")]  # fmt: skip
    monthly_county["server"].stop()  # the file has one writer
    try:
        refused = runner.invoke(app, both)
        neither = runner.invoke(app, ["report", "--db", str(monthly_county["db"]),
                                      "--out", str(tmp_path / "x.xlsx")])  # fmt: skip
        written = runner.invoke(app, ["report", "--monthly", "--db", str(monthly_county["db"]),
                                      "--out", str(out), "--unit", "某县民政局"])  # fmt: skip
    finally:
        monthly_county["server"].start()
    assert refused.exit_code == 2 and "--monthly 与 --from/--to 不能同时使用" in refused.output
    assert neither.exit_code == 2 and "或使用 --monthly" in neither.output
    assert not (tmp_path / "x.xlsx").exists()
    assert written.exit_code == 0, written.output
    totals = monthly_county["expected"]["totals"]
    assert f"新增疑点 {totals['new']} 件，已消除 {totals['resolved']} 件" in written.output
    sheets = _values(out.read_bytes())
    assert list(sheets) == SHEETS
    assert re.match(r"某县民政局\d{4}年\d{1,2}月兜底疑点月度分析报告", sheets["汇总"][0][0])
    assert sheets["汇总"][1][0].startswith("填报单位：某县民政局")
    for name in SHEETS:  # the same workbook as the server's, but for the 填报单位
        assert sheets[name][3:] == served[name][3:]
    with client(monthly_county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 5}).json()["items"]
    # logged as the server logs it, the run id whole (masked as an ID's digits it named no run)
    _, second = monthly_county["runs"]
    assert any(entry["action"] == "download_ledger" and entry["actor"].startswith("cli:")
               and entry["target"].startswith(f"{second} monthly 逾期") for entry in entries)  # fmt: skip


def test_the_page_shows_the_months_changes_the_overdue_queue_and_records_an_assignment(
    page, monthly_county
):
    expected = monthly_county["expected"]
    page.goto(monthly_county["server"].url + "/")
    page.fill("#token", monthly_county["tokens"]["auditor"])
    page.click("button[type=submit]")
    expect(page.locator("#queue")).to_be_visible()
    page.click("nav a[data-view=overview]")
    changes = page.locator("#changes")
    expect(changes).to_contain_text("已消除")
    expect(page.locator("section", has=changes)).to_contain_text("本月变化（与上次运行相比）")
    for name, line in expected["by_township"].items():
        row = changes.locator("tbody tr", has_text=name)
        expect(row).to_have_text(
            re.compile(rf"{name}\s*{line['new']}\s*{line['resolved']}\s*{line['open']}")
        )
    totals = expected["totals"]
    expect(changes.locator("tfoot")).to_have_text(
        re.compile(rf"合计\s*{totals['new']}\s*{totals['resolved']}\s*{totals['open']}"))  # fmt: skip
    expect(page.locator("#overdue")).to_contain_text("逾期未处置 1 件")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-monthly.png"), full_page=True)
    page.click("#overdue a")
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(OVERDUE_ASSIGNEE)
    expect(rows.first.locator(".status.overdue")).to_have_text("逾期")
    rows.first.click()
    expect(page.locator("#assigned")).to_contain_text(f"责任人 {OVERDUE_ASSIGNEE}")
    expect(page.locator("#assigned")).to_contain_text("逾期")
    case_id = expected["new_ids"][0]  # assigned here; the overdue case stays overdue
    page.goto(f"{monthly_county['server'].url}/#/case/{case_id}")
    expect(page.locator("main section").first).to_contain_text(case_id)  # drawn anew
    expect(page.locator("#assigned")).to_have_count(0)
    due = str(TODAY + timedelta(days=7))
    page.fill("#assign input[name=assignee]", "王五")
    page.fill("#assign input[name=due_date]", due)
    page.fill("#assign input[name=note]", "月底前完成入户核查")
    page.click("#assign button[type=submit]")
    expect(page.locator("ol.history")).to_contain_text(f"指派给 王五，整改时限 {due}")
    expect(page.locator("ol.history")).to_contain_text("月底前完成入户核查")
    expect(page.locator("#assigned")).to_contain_text(f"责任人 王五 · 整改时限 {due}")
    with client(monthly_county, "auditor") as http:
        history = http.get(f"/api/cases/{case_id}/history").json()
    assert [(e["kind"], e["assignee"], e["due_date"], e["note"]) for e in history] == [
        ("assignment", "王五", due, "月底前完成入户核查")]  # fmt: skip


def test_the_monthly_reports_recovered_money_says_one_payment_may_rest_under_two_leads():
    report = monthly_report(Published([], [], [], [], []), masked=False, made=TODAY)
    notes = [row[0] for row in _values(report.content)["汇总"] if row and row[0]]
    assert any("追回/止付金额" in note and "可能重复计算" in note for note in notes)


def test_the_monthly_report_carries_the_problems_and_requests_for_the_office_to_write():
    """工作开展情况应含工作进展情况、存在问题及困难、请求帮助解决等事项: the last two, which no
    registry tells, are headed sections the office fills, the document quoted above them."""
    report = monthly_report(Published([], [], [], [], []), masked=False, made=TODAY)
    texts = [row[0] for row in _values(report.content)["存在问题及请求帮助"] if row and row[0]]
    assert "存在问题及困难、请求帮助解决等事项" in texts[3] and "由本单位填写" in texts[3]
    assert texts[4:] == ["一、存在问题及困难", "（由本单位填写）", "二、请求帮助解决的事项",
                         "（由本单位填写）"]  # fmt: skip
