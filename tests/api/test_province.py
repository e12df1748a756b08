"""A province drop (one folder per county: a synthetic 大姚县 and a small 楚雄市 written here)
run and served: record ids and case numbers that repeat across counties stay apart, a person
enrolled in two counties and a death registered in another county are raised with both
counties, and the queue filters by county."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from playwright.sync_api import expect
from typer.testing import CliRunner

from api.cli import app
from api.liangping_forms import form_file_name
from api.storage import opened
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.db import connect
from resolver.idcard import check_char
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize
from tests.api.served import Server, client
from tests.api.test_review_page import sign_in

pytestmark = pytest.mark.slow
runner = CliRunner()


def _id(born: str, sequence: str) -> str:
    first17 = "532301" + born + sequence
    return first17 + check_char(first17)


def _paid_members(drop: Path, truth: Path) -> list[dict]:
    """Covered, active members of 大姚县's single roster rows, in no truth case, not reported
    dead, whose case was paid in its last month, with a clean ID; one per case."""
    sheet = openpyxl.load_workbook(drop / "救助对象.xlsx", read_only=True).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    with (drop / "payments.csv").open(encoding="utf-8-sig") as handle:
        paid = {row["case_no"] for row in csv.DictReader(handle) if row["pay_month"] == "2026-10"}
    in_cases = {record["record_id"] for line in (truth / "cases.jsonl").read_text().splitlines()
                for record in json.loads(line)["records"]}  # fmt: skip
    dead = (drop / "死亡人员.csv").read_bytes()
    chosen, cases = [], set()
    for row in (dict(zip(header, values, strict=True)) for values in rows):
        number = str(row["身份证号码"])
        if (row["是否保障对象"] == "是" and row["退出日期"] is None and row["救助证号"] in paid
                and row["记录编号"] not in in_cases and row["救助证号"] not in cases
                and len(number) == 18 and check_char(number[:17]) == number[17]
                and number.encode() not in dead):  # fmt: skip
            chosen.append(row)
            cases.add(row["救助证号"])
    return chosen


ROSTER = ["记录编号", "救助证号", "姓名", "身份证号码", "性别", "出生日期", "救助类型", "低保类别",
          "是否保障对象", "家庭人数", "纳入日期", "退出日期", "乡镇"]  # fmt: skip
MONTHS = [f"{year}-{month:02d}" for year, month in
          [*((2025, m) for m in range(6, 13)), *((2026, m) for m in range(1, 11))]]  # fmt: skip


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    out = tmp_path_factory.mktemp("province")
    county = synthesize(out / "dayao", people=3000, seed=5)
    shutil.copytree(county.drop_dir, out / "drop" / "532326大姚县")
    twice, dead = _paid_members(county.drop_dir, county.truth_dir)[:2]
    # 楚雄市 numbers its rows, cases and notices as 大姚县 does: JZ0000001, DB532326000001...
    roster = [ROSTER,
              ["JZ0000001", "DB532326000001", twice["姓名"], twice["身份证号码"], twice["性别"],
               twice["出生日期"], "低保", twice["低保类别"] or "B", "是", "1", "2025-06-01", "",
               "鹿城镇"],
              ["JZ0000002", "DB532326000002", "王五", _id("19600303", "017"), "男", "1960-03-03",
               "低保", "B", "是", "1", "2024-01-01", "", "鹿城镇"]]  # fmt: skip
    payments = [["记录编号", "救助证号", "发放月份", "发放金额（元）"],
                *([f"FF{case[-1]}{month}", case, month, "500"] for case in
                  ("DB532326000001", "DB532326000002") for month in MONTHS)]  # fmt: skip
    # a member paid in 大姚县 died in a hospital of 楚雄市: the notice is 楚雄市's
    deaths = [["记录编号", "姓名", "身份证号码", "性别", "死亡日期", "数据来源", "乡镇"],
              ["SW0000001", dead["姓名"], dead["身份证号码"], dead["性别"], "2025-10-15", "殡葬",
               "鹿城镇"]]  # fmt: skip
    chuxiong = out / "drop" / "532301楚雄市"
    chuxiong.mkdir()
    for name, rows in (("救助对象", roster), ("发放记录", payments), ("死亡人员", deaths)):
        with (chuxiong / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    result = run_pipeline(out / "drop", out / "run", policy=load_policy(), settings=LinkSettings())
    con = connect(result.db_path, read_only=True)
    second_rows = con.execute(  # the rows both counties number JZ0000002, and their persons
        "SELECT a.record_id, a.case_no, a.county, e.person_id FROM assistance a "
        "JOIN entities e ON e.registry = 'assistance' AND e.record_id = a.record_id "
        "WHERE a.record_id LIKE '%/JZ0000002' ORDER BY 1"
    ).fetchall()
    places = dict(con.execute(  # where the person enrolled in both counties is, in each
        "SELECT county, township FROM assistance WHERE record_id IN (?, ?)",
        ["532301/JZ0000001", f"532326/{twice['记录编号']}"],
    ).fetchall())  # fmt: skip
    con.close()
    # in this process (the commands' output is what is read here, not their process)
    exported = runner.invoke(app, ["export", "--out", str(out / "ledgers"),
                                   "--db", str(result.db_path), "--forms"])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    reports = {}  # doudi report, of the province and of each county
    for kind, options in (
        ("monthly", ["--monthly"]),
        ("period", ["--from", "2000-01", "--to", "2026-12"]),
    ):
        for county in (None, "532301", "532326"):
            command = [
                "report",
                *options,
                "--db",
                str(result.db_path),
                "--out",
                str(out / f"{kind}-{county}.xlsx"),
                *(["--county", county] if county else []),
            ]
            reported = runner.invoke(app, command)
            assert reported.exit_code == 0, reported.output
            reports[kind, county] = reported.stdout
    with opened(result.db_path) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role)
                  for role in ("auditor", "consumer")}  # fmt: skip
    server = Server(result.db_path)
    server.start()
    yield {"server": server, "tokens": tokens, "second_rows": second_rows,
           "places": places,
           "ledgers": out / "ledgers", "reports": reports,
           "twice": twice["记录编号"], "dead": dead["记录编号"]}  # fmt: skip
    server.stop()


def _cases(province, **filters):
    with client(province, "auditor") as http:
        return http.get("/api/cases", params=filters).json()["items"]


def _detailed(province, case_type):
    with client(province, "auditor") as http:
        return [http.get(f"/api/cases/{case['case_id']}").json()
                for case in _cases(province, case_type=case_type, limit=200)]  # fmt: skip


def _records(case):
    return sorted((record["registry"], record["record_id"]) for record in case["records"])


def test_numbers_that_repeat_across_counties_stay_apart(province):
    rows = province["second_rows"]
    assert [row[:3] for row in rows] == [
        ("532301/JZ0000002", "532301/DB532326000002", "532301"),
        ("532326/JZ0000002", "532326/DB532326000001", "532326"),
    ]
    assert rows[0][3] != rows[1][3]  # 王五 of 楚雄市 is not 大姚县's JZ0000002


def test_a_person_enrolled_in_two_counties_is_raised_with_both(province):
    wanted = [("assistance", "532301/JZ0000001"), ("assistance", f"532326/{province['twice']}")]
    (case,) = [c for c in _detailed(province, "duplicate_enrollment") if _records(c) == wanted]
    assert case["counties"] == ["532301", "532326"]
    assert case["amount_at_risk"] > 0


def test_a_cross_county_lead_is_filed_in_each_countys_ledger_under_its_own_township(province):
    wanted = [("assistance", "532301/JZ0000001"), ("assistance", f"532326/{province['twice']}")]
    (case,) = [c for c in _detailed(province, "duplicate_enrollment") if _records(c) == wanted]
    assert len(set(province["places"].values())) == 2
    for county, township in province["places"].items():
        ledger = province["ledgers"] / county / "重复享受摸排台账.xlsx"
        book = openpyxl.load_workbook(ledger, read_only=True)
        filed = [(sheet.title, row[1]) for sheet in book.worksheets
                 for row in sheet.iter_rows(values_only=True) if row and row[-1] == case["case_id"]]  # fmt: skip
        assert filed == [(township, township)]


def test_a_death_registered_in_another_county_is_raised_with_both(province):
    wanted = [("assistance", f"532326/{province['dead']}")]
    (case,) = [c for c in _detailed(province, "deceased_paid") if _records(c) == wanted]
    assert case["counties"] == ["532301", "532326"]
    assert any("532301/SW0000001" in item for item in case["evidence"])


def test_the_queue_filters_by_county(province):
    chuxiong = _cases(province, county="532301", limit=200)
    assert {"duplicate_enrollment", "deceased_paid"} <= {c["case_type"] for c in chuxiong}
    assert all("532301" in c["counties"] for c in chuxiong)
    with client(province, "auditor") as http:  # not an empty queue, as if it had no leads
        unknown = http.get("/api/cases", params={"county": "999999"})
    assert unknown.status_code == 422
    assert (
        "数据中没有区县 999999（可选：楚雄市（532301）、大姚县（532326））"
        in unknown.json()["detail"]
    )
    with client(province, "auditor") as http:
        overview = http.get("/api/overview").json()
    dayao = _cases(province, county="532326", limit=200)
    assert overview["by_county"] == {"532301": len(chuxiong), "532326": len(dayao)}
    # a 盟/市 officer reads the names: the filter showed 532301（13）
    assert overview["county_names"] == {"532301": "楚雄市", "532326": "大姚县"}
    assert overview["cases"] == len({c["case_id"] for c in chuxiong + dayao})


def test_a_consumer_tells_one_countys_township_from_anothers_of_its_name(province):
    # the export gave the bare township: 城关 of two counties read as one
    with client(province, "consumer") as http:
        items = http.get("/api/scores/export", params={"limit": 500}).json()["items"]
        labelled = {item["township"] for item in items}
        assert labelled and all(re.match(r"^(楚雄市|大姚县) ", name) for name in labelled)
        one = next(iter(labelled))
        page = http.get("/api/scores/export", params={"township": one, "limit": 500}).json()
    assert {item["township"] for item in page["items"]} == {one}


def test_a_township_or_village_the_drop_does_not_hold_is_refused_not_an_empty_feed(province):
    # a typo or a hostile value gave 200 and no items: a nightly pull read "no leads"
    with client(province, "consumer") as http:
        typo = http.get("/api/scores/export", params={"township": "大姚县 金壁"})
        hostile = http.get("/api/scores/export", params={"township": "' OR 1=1--"})
        written = http.get("/api/scores/export", params={"township": "楚雄市 鹿城镇"})
    assert typo.status_code == hostile.status_code == 422
    assert typo.json()["detail"].startswith("数据中没有乡镇「大姚县 金壁」（相近的：大姚县 金碧")
    assert "' OR 1=1--" in hostile.json()["detail"]
    assert written.status_code == 200  # as the office writes it: 鹿城镇 is stored 鹿城
    with client(province, "auditor") as http:
        village = http.get("/api/cases", params={"village": "没有这个村"})
        ledger = http.get("/api/ledgers/deceased_paid.xlsx", params={"township": "没有这个镇"})
    assert village.status_code == ledger.status_code == 422
    assert village.json()["detail"] == "数据中没有村（社区）「没有这个村」"


def _ledger_rows(content: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return sum(sheet.max_row - 2 for sheet in book.worksheets)  # less the title and header


def test_each_county_gets_its_own_ledgers(province):
    duplicates = _cases(province, case_type="duplicate_enrollment", county="532301")
    with client(province, "auditor") as http:
        ledger = http.get("/api/ledgers/duplicate_enrollment.xlsx", params={"county": "532301"})
    assert _ledger_rows(ledger.content) == len(duplicates) == 1
    assert "532301" in ledger.headers["content-disposition"]
    for county in ("532301", "532326"):  # doudi export: a folder per county
        written = province["ledgers"] / county / "重复享受摸排台账.xlsx"
        assert _ledger_rows(written.read_bytes()) == len(
            _cases(province, case_type="duplicate_enrollment", county=county, limit=200)
        )
    whole = province["ledgers"] / "重复享受摸排台账.xlsx"
    assert _ledger_rows(whole.read_bytes()) == len(
        _cases(province, case_type="duplicate_enrollment", limit=200)
    )


@pytest.mark.parametrize(
    "path",
    ["summary", "duplicate_enrollment", "monthly", "liangping/4", "movements"],
)
def test_a_ledger_of_a_county_the_drop_does_not_hold_is_refused_not_empty(province, path):
    params = {"county": "999999"} | (
        {"from": "2026-01-01", "to": "2026-06-30"} if path == "movements" else {}
    )
    with client(province, "auditor") as http:
        answer = http.get(f"/api/ledgers/{path}.xlsx", params=params)
    assert answer.status_code == 422
    assert "数据中没有区县 999999（可选：楚雄市（532301）" in answer.json()["detail"]


def test_an_inspector_filters_the_queue_by_county_and_sees_a_cross_county_case(page, province):
    sign_in(page, province)
    expect(page.locator("select[name=county] option[value='532301']")).to_have_text(
        re.compile(r"^楚雄市 532301（\d+）$")
    )
    page.select_option("select[name=county]", "532301")
    page.click("#filters button[type=submit]")
    rows = page.locator("#queue tbody tr")
    expect(rows.filter(has_not_text="532301")).to_have_count(0)
    cross = rows.filter(has_text="跨县").filter(has_text="重复享受")
    expect(cross).to_have_count(1)
    cross.click()
    expect(page.locator("section p").first).to_contain_text("区县 532301、532326 跨县")


def test_a_countys_payment_list_is_screened_as_that_countys(province):
    content = "救助证号,发放月份,发放金额（元）\nDB532326000001,2026-10,500\n".encode()
    files = {"file": ("楚雄市2026年10月发放表.csv", content, "text/csv")}
    with client(province, "auditor") as http:
        unsaid = http.post("/api/screenings", files=files)
        found = http.post("/api/screenings", files=files, params={"county": "532301"}).json()
        unknown = http.post("/api/screenings", files=files, params={"county": "000000"})
    assert unsaid.status_code == 422
    assert "请指明发放表所属区县" in str(unsaid.json()["detail"])
    assert unknown.status_code == 422
    # 楚雄市's DB532326000001 pays a person 大姚县 pays too, the same month
    assert found["held"] == 1 and found["by_reason"]["同一人同月在两个案件中享受"] == 1


def _totals(content: bytes) -> list:
    """The 合计 row of a 附件4."""
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return next(list(row) for row in sheet.iter_rows(values_only=True) if row[0] == "合计")


def _members(content: bytes) -> int:
    """The numbered rows (序号) of a 附件1–3, over its township sheets."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return sum(isinstance(row[0], int) for sheet in book.worksheets
               for row in sheet.iter_rows(values_only=True))  # fmt: skip


def test_each_county_gets_its_own_liangping_forms(province):
    folder = province["ledgers"]
    names = {"532301": "楚雄市", "532326": "大姚县"}  # each county's forms are titled with its name
    summary, members = form_file_name(4), form_file_name(1)
    whole, counties = (
        _totals((folder / summary).read_bytes()),
        [_totals((folder / code / form_file_name(4, name)).read_bytes())
         for code, name in names.items()],
    )  # fmt: skip
    assert counties[0][1] > 0 and counties[1][1] > 0  # 低保人数 of each county's own roster
    assert whole[1:6] == [a + b for a, b in zip(counties[0][1:6], counties[1][1:6], strict=True)]
    # 附件1 lists 建档立卡 members: only 大姚县's drop has them
    assert _members((folder / "532301" / form_file_name(1, "楚雄市")).read_bytes()) == 0
    assert _members((folder / "532326" / form_file_name(1, "大姚县")).read_bytes()) == _members(
        (folder / members).read_bytes()) > 0  # fmt: skip
    with client(province, "auditor") as http:
        answer = http.get("/api/ledgers/liangping/4.xlsx", params={"county": "532301"})
    assert _totals(answer.content) == counties[0]
    assert form_file_name(4, "楚雄市") in unquote(answer.headers["content-disposition"])


def _counts(printed: str) -> list[int]:
    return [int(number) for number in re.findall(r"(\d+) [人件]", printed.replace(",", ""))]


def test_each_county_gets_its_own_monthly_and_period_reports(province):
    reports = province["reports"]
    for county in ("532301", "532326"):  # the first run: every case of the county is new
        assert _counts(reports["monthly", county])[0] == len(
            _cases(province, county=county, limit=200)
        )
    whole, first, second = (
        _counts(reports["period", county]) for county in (None, "532301", "532326")
    )
    assert whole == [a + b for a, b in zip(first, second, strict=True)] and sum(first) > 0 < sum(
        second
    )
    with client(province, "auditor") as http:
        answer = http.get("/api/ledgers/monthly.xlsx", params={"county": "532326"})
    assert answer.status_code == 200 and "532326" in answer.headers["content-disposition"]
    title = openpyxl.load_workbook(io.BytesIO(answer.content)).worksheets[0]["A1"].value
    assert "兜底疑点月度分析报告（区县 大姚县，数据截至" in title
