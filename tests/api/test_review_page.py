"""The review page in a real browser (Debian's headless Chromium driven by Playwright), and
the XLSX ledgers read back."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from api.ledgers import LEDGER_COLUMNS, SUMMARY_COLUMNS
from tests.api.served import client

pytestmark = pytest.mark.slow
ARTIFACTS = Path(os.environ.get("DOUDI_ARTIFACTS", "test-artifacts"))
# The browser and its pages are the fixtures ``browser`` and ``page`` (tests/api/conftest.py).


def sign_in(page, county, role: str = "auditor") -> None:
    page.goto(county["server"].url + "/")
    page.fill("#token", county["tokens"][role])
    page.click("button[type=submit]")
    expect(page.locator("#queue")).to_be_visible()


def test_an_inspector_takes_a_case_from_the_queue_to_a_decision(page, county):
    sign_in(page, county)
    page.select_option("select[name=case_type]", "deceased_paid")
    page.click("#filters button[type=submit]")
    rows = page.locator("#queue tbody tr")
    expect(rows.first).to_contain_text("死亡后仍发放")
    # waits for the filtered queue to replace the first one (whose top rows may be deaths too)
    expect(rows.filter(has_not_text="死亡后仍发放")).to_have_count(0)
    case_id = rows.first.get_attribute("data-case")
    rows.first.click()
    expect(page.locator("h2")).to_contain_text("死亡后仍发放")
    expect(page.locator("ol.facts li").first).to_be_visible()
    expect(page.locator("table.compare")).to_contain_text("死亡人员")
    expect(page.locator("svg#household circle").first).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)
    page.fill("textarea[name=note]", "已调取殡葬记录，入户核实中")
    page.click("button[data-to=in_review]")
    expect(page.locator("ol.history")).to_contain_text("已调取殡葬记录")
    with client(county, "auditor") as http:
        history = http.get(f"/api/cases/{case_id}/history").json()
    assert [(e["to_status"], e["note"], e["actor"]) for e in history] == [
        ("in_review", "已调取殡葬记录，入户核实中", "auditor-1")]  # fmt: skip
    # the event names its token and who minted it (an admin can mint one in any name)
    expect(page.locator("ol.history")).to_contain_text(
        f"令牌 {history[0]['token_id']}，由 {history[0]['token_created_by']} 签发"
    )


def test_a_dismissal_without_a_reason_is_refused_on_the_page(page, county):
    sign_in(page, county)
    page.select_option("select[name=status]", "open")  # not the case another test reviews
    page.click("#filters button[type=submit]")
    rows = page.locator("#queue tbody tr")
    expect(rows.filter(has_not_text="待核查")).to_have_count(0)
    rows.first.click()
    page.click("button[data-to=in_review]")
    expect(page.locator("button[data-to=dismissed]")).to_be_visible()
    page.click("button[data-to=dismissed]")
    expect(page.locator("#decide-error")).to_contain_text("理由")


def test_the_overview_and_masking_for_an_analyst(page, county):
    sign_in(page, county, "analyst")
    page.click("nav a[data-view=overview]")
    expect(page.locator("#by-township")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    with client(county, "analyst") as http:  # each type's leads, and those scored ≥ 0.5
        deaths = http.get("/api/overview").json()["by_type"]["deceased_paid"]
    row = page.locator("section:has(h3:text('按疑点类型')) tbody tr", has_text="死亡后仍发放")
    expect(row.locator("td.num").nth(0)).to_have_text(str(deaths["cases"]))
    expect(row.locator("td.num").nth(1)).to_have_text(str(deaths["likely"]))
    with page.expect_download() as form:  # every ledger the API serves is on the page
        page.click("a[data-ledger='liangping/1']")
    assert form.value.suggested_filename == "梁平表式附件1.xlsx"
    page.fill("#movements input[name=from]", "2026-01")
    page.fill("#movements input[name=to]", "2026-02")
    with page.expect_download() as movements:
        page.click("#movements button[type=submit]")
    assert movements.value.suggested_filename == "新纳入和退出低保特困人员分类梳理表.xlsx"
    page.click("nav a[data-view=queue]")
    page.locator("#queue tbody tr").first.click()
    expect(page.locator("table.compare")).to_contain_text("********")
    expect(page.locator("#decide")).to_have_count(0)
    # why a date reads 2024-**-** in the evidence and whole in the rows
    expect(page.locator("#date-mask-note")).to_contain_text(
        "文字（事实与依据、理由）中的日期只显示年份"
    )


def test_a_consumer_token_cannot_open_the_page(page, county):
    page.goto(county["server"].url + "/")
    page.fill("#token", county["tokens"]["consumer"])
    page.click("button[type=submit]")
    expect(page.locator(".login .error")).to_contain_text("角色")


def test_ledgers_read_back(county):
    with client(county, "auditor") as http:
        open_deaths = http.get("/api/cases", params={"case_type": "deceased_paid",
                                                     "limit": 500}).json()["total"]  # fmt: skip
        book = load_workbook(io.BytesIO(http.get("/api/ledgers/deceased_paid.xlsx").content))
        summary = load_workbook(io.BytesIO(http.get("/api/ledgers/summary.xlsx").content))
    rows = []
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0].endswith("死亡后仍发放摸排台账")
        assert values[1] == LEDGER_COLUMNS
        assert [row[0] for row in values[2:]] == list(range(1, len(values) - 1))
        assert {row[1] for row in values[2:]} == {sheet.title}
        rows += values[2:]
    assert len(rows) == open_deaths
    assert all(re.fullmatch(r"\d{17}[\dX]", row[4]) for row in rows if row[4])
    # the type with the date and source of the notice the lead rests on
    assert all(re.fullmatch(r"死亡后仍发放（死亡日期 \d{4}-\d{2}-\d{2}，来源：.+）", row[14])
               and row[16] > 0 for row in rows)  # fmt: skip
    table = list(summary.active.iter_rows(values_only=True))
    total = next(row for row in table if row[0] == "合计")
    assert table[1] == SUMMARY_COLUMNS and table[-1][0].startswith("说明（系统生成）")
    assert total[1] == open_deaths
    with client(county, "analyst") as http:
        masked = load_workbook(io.BytesIO(http.get("/api/ledgers/deceased_paid.xlsx").content))
    ids = [row[4] for sheet in masked.worksheets
           for row in sheet.iter_rows(min_row=3, values_only=True) if row[4]]  # fmt: skip
    assert ids and all("********" in value for value in ids)


def test_a_reviewer_labels_an_identity_link_on_the_page(page, county):
    with client(county, "auditor") as http:  # a death lead resting on a link to judge
        cases = http.get("/api/cases", params={"case_type": "deceased_paid"}).json()["items"]
        weighed = next(case["case_id"] for case in cases
                       if http.get(f"/api/cases/{case['case_id']}").json()["links"])  # fmt: skip
    sign_in(page, county)
    page.goto(f"{county['server'].url}/#/case/{weighed}")
    line = page.locator(".label-line").first
    expect(line).to_be_visible()
    left, right = line.get_attribute("data-left"), line.get_attribute("data-right")
    line.locator(".label-note").fill("核对户籍原件")  # the label's reason goes with it
    line.locator("button[data-same=true]").click()
    expect(page.locator(".label-line").first).to_contain_text("已标注：同一人（auditor-1）")
    case_id = page.locator("section span.muted").first.inner_text()
    with client(county, "auditor") as http:
        labels = http.get(f"/api/cases/{weighed}/link-labels").json()
    assert [(x["unique_id_l"], x["unique_id_r"], x["same_person"], x["note"]) for x in labels] == [
        (*sorted((left, right)), True, "核对户籍原件")]  # fmt: skip
    assert case_id == weighed


def test_an_auditor_screens_a_payment_list_and_clears_a_held_line_on_the_page(page, county):
    from tests.api.test_screenings_api import UNKNOWN_CASE, payment_list

    content, _ = payment_list(county, lines=30)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    rows[4]["amount"] = "3,20"  # a comma that groups no thousands: a problem of the list
    written = io.StringIO(newline="")
    writer = csv.DictWriter(written, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    content = written.getvalue().encode("utf-8")
    sign_in(page, county)
    page.click("nav a[data-view=screenings]")
    expect(page.locator("#screenings")).to_contain_text("暂缓仅为发放前核实提示，不是停发决定")
    page.set_input_files("#upload input[name=file]", files=[
        {"name": "11月发放表.csv", "mimeType": "text/csv", "buffer": content}])  # fmt: skip
    page.click("#upload button[type=submit]")
    held = page.locator("#held tbody tr[data-line='31']")  # the last line: the unknown case
    expect(held).to_contain_text(UNKNOWN_CASE, timeout=30_000)  # screened on upload: slow CI
    expect(held).to_contain_text("无法核对")
    expect(held).to_contain_text("待核实")
    expect(held).to_contain_text(rows[-1]["payee_name"])
    expect(page.locator("#problems")).to_contain_text("金额")
    expect(page.locator("section").nth(0)).to_contain_text("不是停发决定")
    page.screenshot(path=str(ARTIFACTS / "screening.png"), full_page=True)
    other = page.locator("#held tbody tr:not([data-line='31'])").first
    other.locator("input[name=note]").fill("已电话联系家属")  # typed, not yet saved
    held.locator("select[name=outcome]").select_option("kept")
    held.locator("input[name=note]").fill("救助证号待乡镇核对")
    held.locator("button[type=submit]").click()
    expect(held).to_contain_text("确认暂缓")  # the row drawn anew, with its history
    expect(held).to_contain_text("救助证号待乡镇核对")
    expect(other.locator("input[name=note]")).to_have_value("已电话联系家属")
    page.click("a[href='#/screenings']")
    expect(page.locator("#screening-list tbody tr").first).to_contain_text("11月发放表.csv")
    with client(county, "analyst") as http:
        listed = http.get("/api/screenings").json()
    assert listed[0]["file_name"] == "11月发放表.csv" and listed[0]["cleared"] == 1


def test_refusals_show_in_chinese_and_a_refused_download_saves_nothing(page, county):
    with client(county, "admin") as http:
        minted = http.post("/api/tokens", json={"name": "审计员丙", "role": "auditor"}).json()
    with client(county, "auditor") as http:
        case_id = http.get("/api/cases", params={"status": "open"}).json()["items"][5]["case_id"]
        several = next(detail for case in http.get("/api/cases", params={"limit": 200}).json()["items"]
                       if len(_names_by_person(detail := http.get(f"/api/cases/{case['case_id']}").json())) > 1
                       and all(len(names) == 1 for names in _names_by_person(detail).values()))  # fmt: skip
    page.goto(county["server"].url + "/")
    page.fill("#token", "not-a-token")
    page.click("button[type=submit]")
    expect(page.locator(".login .error")).to_have_text("令牌无效或已吊销")
    sign_in(page, {**county, "tokens": {"auditor": minted["token"]}})
    page.goto(f"{county['server'].url}/#/case/{case_id}")
    page.click("button[data-to=in_review]")
    expect(page.locator("button[data-to=dismissed]")).to_be_visible()
    page.click("button[data-to=dismissed]")
    expect(page.locator("#decide-error")).to_have_text("未能保存：不属实须填写理由")
    page.click("button[data-to=in_review]:has-text('仅添加备注')")  # with no note
    expect(page.locator("#decide-error")).to_have_text("未能保存：仅添加备注时须填写备注内容")
    page.fill("#assign input[name=assignee]", "   ")
    page.fill("#assign input[name=due_date]", "2099-01-01")
    page.click("#assign button[type=submit]")
    expect(page.locator("#assign-error")).to_have_text("未能指派：责任人：不能为空")
    page.fill("textarea[name=note]", "已约村干部入户")  # typed, not yet saved
    page.fill("#assign input[name=assignee]", "张三")
    page.click("#assign button[type=submit]")
    expect(page.locator("#assigned")).to_contain_text("张三")  # the case drawn anew
    expect(page.locator("textarea[name=note]")).to_have_value("已约村干部入户")
    # a lead of several people: a row is compared only with its own person's rows
    page.goto(f"{county['server'].url}/#/case/{several['case_id']}")
    names = page.locator("table.compare tr[data-field=name] td")
    expect(names).to_have_count(len(several["rows"]))
    expect(names.and_(page.locator(".diff"))).to_have_count(0)
    page.click("nav a[data-view=overview]")
    expect(page.locator("#by-township")).to_be_visible()
    with client(county, "admin") as http:
        assert http.delete(f"/api/tokens/{minted['token_id']}").status_code == 204
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.click("a[data-ledger=monthly]")
    expect(page.locator("#ledger-error")).to_have_text("未能下载：令牌无效或已吊销")
    assert downloads == []


def _names_by_person(detail: dict) -> dict[str, set[str]]:
    """The names each person of a case is written with in its rows."""
    names: dict[str, set[str]] = {}
    for row in detail["rows"]:
        if row.get("person_id") and row.get("name"):
            names.setdefault(row["person_id"], set()).add(row["name"])
    return names


def test_a_list_whose_held_amount_was_released_before_says_so_on_the_page(page, county):
    from tests.api.test_screenings_api import _screened

    source = next(county["drop"].glob("payments*.csv"))
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8-sig"))))[400:420]
    with client(county, "auditor") as http:
        _, clean = _screened(http, rows, "原表.csv")
        line = next(i for i, cells in enumerate(clean) if cells[-2] == "通过")
        rows[line]["amount"] = f"{float(rows[line]['amount']) * 3:.2f}"
        found, held = _screened(http, rows, "十月.csv")
        assert held[line][-2] == "暂缓"
        http.post(f"/api/screenings/{found['screening_id']}/lines/{line + 1}/clear",
                  json={"outcome": "released", "note": "临时救助并发，已核实"}).raise_for_status()  # fmt: skip
    written = io.StringIO(newline="")
    writer = csv.DictWriter(written, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    sign_in(page, county)
    page.click("nav a[data-view=screenings]")
    page.set_input_files("#upload input[name=file]", files=[
        {"name": "十一月.csv", "mimeType": "text/csv",
         "buffer": written.getvalue().encode("utf-8")}])  # fmt: skip
    page.click("#upload button[type=submit]")
    expect(page.locator("section").nth(0)).to_contain_text(
        "其中 1 条此前已核实放行", timeout=20_000
    )
    expect(page.locator(f"#held tbody tr[data-line='{line + 1}']")).to_have_count(0)


def test_amounts_on_the_page_are_yuan_to_the_fen_as_the_api_gives_them(page, county):
    with client(county, "auditor") as http:
        first = http.get("/api/cases", params={"case_type": "payment_mismatch"}).json()["items"][0]
        detail = http.get(f"/api/cases/{first['case_id']}").json()
    paid = next(row["amount"] for row in detail["rows"] if row["registry"] == "payments")
    sign_in(page, county)
    page.select_option("select[name=case_type]", "payment_mismatch")
    page.click("#filters button[type=submit]")
    row = page.locator(f"#queue tr[data-case={first['case_id']}]")
    expect(row.locator("td.num").nth(1)).to_have_text(f"{first['amount_at_risk']:,.2f} 元")
    row.click()
    expect(page.locator("main h2 + p")).to_contain_text(
        f"涉及金额 {detail['amount_at_risk']:,.2f} 元"
    )
    expect(page.locator("table.compare tr[data-field=amount] td").last).to_have_text(f"{paid:,.2f}")


def test_a_risk_score_on_the_page_is_cut_down_never_rounded_up_to_certainty(page, county):
    with client(county, "auditor") as http:
        top = http.get("/api/cases", params={"sort": "risk", "limit": 1}).json()["items"][0]
    assert 0.995 <= top["risk_score"] < 1  # a near-certain lead, which rounding showed as 1.00
    shown = f"{int(top['risk_score'] * 100) / 100:.2f}"
    sign_in(page, county)
    expect(page.locator(f"#queue tr[data-case={top['case_id']}] .score")).to_have_text(shown)
    page.locator(f"#queue tr[data-case={top['case_id']}]").click()
    expect(page.locator("main h2 .score")).to_have_text(f"风险评分 {shown}")


def test_a_refused_search_keeps_the_filters_and_says_why(page, county):
    sign_in(page, county, "analyst")
    page.fill("input[name=who]", "11010519491231002X")  # an ID number: auditors' search only
    page.click("#filters button[type=submit]")
    expect(page.locator("#queue-empty")).to_have_text(
        "按身份证号、银行账号等长号码（或含这些号码的救助证号等）查找疑点仅限审计员"
    )
    page.click("#clear")  # the filters are there to correct
    expect(page.locator("#queue tbody tr[data-case]").first).to_be_visible()


def test_a_server_not_reached_is_said_in_chinese_and_the_tab_draws_again(page, county):
    sign_in(page, county)
    page.route("**/api/overview", lambda route: route.abort())
    page.click("nav a[data-view=overview]")
    unreachable = "无法连接服务器，请检查网络或确认兜底服务已启动后重试"
    expect(page.locator("main section.error")).to_have_text(f"出错了：{unreachable}")
    page.unroute("**/api/overview")
    page.click("nav a[data-view=overview]")  # the same tab again: drawn anew
    expect(page.locator("#by-township")).to_be_visible()
    page.route("**/api/ledgers/**", lambda route: route.abort())
    page.click("a[data-ledger=summary]")
    expect(page.locator("#ledger-error")).to_have_text(f"未能下载：{unreachable}")


def test_a_lead_whose_data_come_after_the_reader_went_back_is_not_drawn_over_the_queue(
    page, county
):
    sign_in(page, county)
    _queue_drawn(page)
    case_id = page.locator("#queue tr[data-case]").first.get_attribute("data-case")
    held = []  # the lead's data, kept back until the reader is on the queue again
    page.route(f"**/api/cases/{case_id}", lambda route: held.append(route))
    page.locator(f"#queue tr[data-case='{case_id}']").click()
    page.wait_for_function("() => location.hash.startsWith('#/case/')")
    page.go_back()
    _queue_drawn(page)
    assert len(held) == 1
    with page.expect_response(f"**/api/cases/{case_id}"):
        for route in held:
            route.continue_()
    page.wait_for_timeout(500)  # time for the late data to draw, which they must not
    expect(page.locator("#queue")).to_be_visible()
    expect(page.get_by_role("link", name="← 返回队列")).to_have_count(0)


def test_a_colleagues_decision_meanwhile_is_shown_and_the_note_kept(page, county):
    with client(county, "auditor") as http:
        case_id = http.get("/api/cases", params={"status": "open"}).json()["items"][-1]["case_id"]
    sign_in(page, county)
    page.goto(f"{county['server'].url}/#/case/{case_id}")
    expect(page.locator("button[data-to=in_review]")).to_be_visible()
    with client(county, "auditor2") as http:
        made = http.post(f"/api/cases/{case_id}/decisions",
                         json={"to_status": "in_review", "note": "乙已入户核查"})  # fmt: skip
        assert made.status_code == 201
    page.fill("textarea[name=note]", "甲的核查说明")
    page.click("button[data-to=in_review]")
    expect(page.locator("#decide-error")).to_contain_text("本案已有新的核查记录")
    expect(page.locator("ol.history")).to_contain_text("乙已入户核查")  # drawn anew
    expect(page.locator("textarea[name=note]")).to_have_value("甲的核查说明")


def test_reopening_a_confirmed_lead_on_the_page_needs_a_reason(page, county):
    with client(county, "auditor") as http:
        case_id = http.get("/api/cases", params={"status": "open"}).json()["items"][7]["case_id"]
        for to_status in ("in_review", "confirmed"):
            decided = http.post(f"/api/cases/{case_id}/decisions", json={"to_status": to_status})
            assert decided.status_code == 201
    sign_in(page, county)
    page.goto(f"{county['server'].url}/#/case/{case_id}")
    reason = page.locator("textarea[name=reason]")
    expect(reason).to_have_attribute("placeholder", "重新打开的理由（改回“核查中”时必填）")
    page.click("button[data-to=in_review]")  # both boxes empty
    expect(page.locator("#decide-error")).to_have_text(
        "未能保存：重新打开已核实「属实」的疑点须填写理由"
    )
    reason.fill("复核发现死亡记录对应另一人")
    page.click("button[data-to=in_review]")
    expect(page.locator("ol.history")).to_contain_text("理由：复核发现死亡记录对应另一人")
    page.fill("textarea[name=note]", "等待殡葬记录")
    page.click("button[data-to=in_review]:has-text('仅添加备注')")  # a note, no change
    expect(page.locator("ol.history li").last).to_contain_text("添加备注（核查中）")
    expect(page.locator("ol.history li").last).not_to_contain_text("→")


def _queue_drawn(page) -> None:
    """Wait for the queue to be drawn (drawn anew when its data come, it keeps the focus)."""
    expect(page.locator("#queue tr[data-case]").nth(1)).to_be_visible()


def test_a_keyboard_user_opens_a_lead_and_filters_by_a_chip(page, county):
    sign_in(page, county)
    for _ in range(60):  # Tab through the filters and chips to the first row
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('#queue tr[data-case]')"):
            break
    focused = page.locator("#queue tr[data-case]:focus")
    expect(focused).to_have_count(1)
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # a visible focus
    case_id = focused.get_attribute("data-case")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"#/case/{case_id}$"))
    page.go_back()  # back on the queue, the keyboard is on the lead it opened
    expect(page.locator(f"#queue tr[data-case='{case_id}']")).to_be_focused()
    fresh = page.context.new_page()  # the queue loaded anew, not drawn again under a focus
    sign_in(fresh, county)
    _queue_drawn(fresh)
    fresh.locator("#queue tr[data-case]").nth(1).focus()
    fresh.keyboard.press(" ")
    expect(fresh).to_have_url(re.compile(r"#/case/c-[0-9a-f]+$"))
    chips = page.context.new_page()
    sign_in(chips, county)
    _queue_drawn(chips)
    chips.locator(".chips [data-type=split_household]").focus()
    chips.keyboard.press(" ")
    expect(chips.locator(".chips [data-type=split_household]")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(chips.locator(".chips [data-type=split_household]")).to_be_focused()  # kept
    expect(chips.locator("#queue tbody tr").filter(has_not_text="拆户保障")).to_have_count(0)


def test_the_page_fits_a_narrow_window(browser, county):
    context = browser.new_context(viewport={"width": 414, "height": 800}, locale="zh-CN")
    page = context.new_page()
    wide = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    sign_in(page, county)
    assert page.evaluate(wide) == 0  # the queue table scrolls in its own box
    assert page.locator(".brand small").evaluate("e => e.getClientRects().length") == 1
    case_id = page.locator("#queue tr[data-case]").first.get_attribute("data-case")
    page.goto(f"{county['server'].url}/#/case/{case_id}")
    expect(page.locator("#decide")).to_be_visible()
    assert page.evaluate(wide) == 0
    columns = page.locator(".grid").evaluate("e => getComputedStyle(e).gridTemplateColumns")
    assert len(columns.split()) == 1
    for view, shown in (("screenings", "#screening-list"), ("overview", "#by-township")):
        page.click(f"nav a[data-view={view}]")
        expect(page.locator(shown)).to_be_visible()
        assert page.evaluate(wide) == 0
    context.close()


def test_the_overview_shows_no_money_for_types_without_it_and_the_reports_period(page, county):
    sign_in(page, county)
    page.click("nav a[data-view=overview]")
    types = page.locator("section:has(h3:text('按疑点类型')) tbody tr")
    expect(types.filter(has_text="拆户保障").locator("td.num").nth(2)).to_have_text("—")
    expect(types.filter(has_text="重度残疾未纳入").locator("td.num").nth(2)).to_have_text("—")
    expect(types.filter(has_text="死亡后仍发放").locator("td.num").nth(2)).to_contain_text("元")
    expect(page.locator("#monthly-period")).to_contain_text(
        "只计上次运行发布至本次运行发布之间的核实"
    )


def test_what_a_page_user_reads_of_tokens_roles_and_searches(page, county):
    page.goto(county["server"].url + "/")
    page.click("button[type=submit]")  # no token typed
    expect(page.locator(".login .error")).to_have_text("请输入访问令牌")
    page.fill("#token", county["tokens"]["consumer"])
    page.click("button[type=submit]")
    expect(page.locator(".login .error")).to_have_text("此令牌的角色不能查看疑点")
    page.goto(county["server"].url + "/#/overview")  # no view, and no word of a bad token
    expect(page.locator(".login .error")).to_have_text("此令牌的角色不能查看疑点")
    sign_in(page, county)
    expect(page.locator("#who")).to_have_text("auditor-1（审计员）")
    page.click("#signout")
    sign_in(page, county, "analyst")
    page.fill("input[name=who]", "6228480012345678901")  # a bank account: 19 digits
    page.click("#filters button[type=submit]")
    expect(page.locator("#queue-empty")).to_contain_text("银行账号")


def test_an_analyst_is_offered_only_the_labels_an_analyst_may_record(page, county):
    with client(county, "auditor") as http:  # death leads resting on a link to judge
        cases = http.get("/api/cases", params={"case_type": "deceased_paid"}).json()["items"]
        weighed = next(case["case_id"] for case in cases
                       if http.get(f"/api/cases/{case['case_id']}").json()["links"])  # fmt: skip
    sign_in(page, county, "analyst")
    page.goto(f"{county['server'].url}/#/case/{weighed}")
    lines = page.locator(".label-line")
    expect(lines.first).to_be_visible()
    # "not the same person" on a death lead may end it: an auditor's
    expect(lines.locator("button[data-same=false]")).to_have_count(0)
    for index in range(lines.count()):
        line = lines.nth(index)
        if line.locator("button").count() == 0:
            expect(line).to_contain_text("须由审计员作出")
            continue
        line.locator(".label-note").fill("核对户籍原件")
        line.locator("button[data-same=true]").click()  # offered: it is recorded
        expect(page.locator(".label-line").nth(index)).to_contain_text(
            "已标注：同一人（analyst-1）"
        )
        break


def test_the_queue_sorts_by_amount_and_screening_amounts_stay_on_one_line(page, county):
    with client(county, "auditor") as http:
        top = http.get("/api/cases", params={"sort": "amount", "status": "unclosed",
                                             "limit": 1}).json()["items"][0]  # fmt: skip
    sign_in(page, county)
    page.select_option("select[name=sort]", "amount")
    page.click("#filters button[type=submit]")
    expect(page.locator("#queue tbody tr").first).to_have_attribute("data-case", top["case_id"])
    expect(page.locator("h2 small")).to_have_text("按涉及金额从高到低")
    nowrap = page.evaluate("""() => { const cell = document.createElement('td');
        cell.className = 'num'; document.querySelector('#queue tbody tr').appendChild(cell);
        return getComputedStyle(cell).whiteSpace; }""")
    assert nowrap == "nowrap"  # 1,230.00 元 and 第10行 are not broken in 发放前审核
