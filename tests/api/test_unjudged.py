"""What a run's data could not judge (a registry absent, a township's 户籍 never sent), as the
review API, the ledgers and the page show it: 未判断 and why, never 0 (``gaps_county``)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from api.ledgers import SUMMARY_COLUMNS
from tests.api.conftest import UNSENT_TOWNSHIP
from tests.api.served import client
from tests.api.test_review_page import sign_in


def test_the_overview_api_gives_what_the_data_could_not_judge(gaps_county):
    # until 2026-12-06 the overview said nothing of it: 重度残疾未纳入 and 金碧's 拆户保障 read 0
    with client(gaps_county, "auditor") as http:
        overview = http.get("/api/overview").json()
    gaps = {(gap["registry"], gap["township"]): gap for gap in overview["unjudged"]}
    assert set(gaps) == {("hukou", UNSENT_TOWNSHIP), ("disability", None)}
    hukou = gaps["hukou", UNSENT_TOWNSHIP]
    assert hukou["case_types"] == ["split_household", "suspected_split"]
    assert hukou["registry_label"] == "户籍人口" and hukou["county"] is None
    assert hukou["text"].startswith(f"户籍人口中没有{UNSENT_TOWNSHIP}的记录（名册中该乡镇有 ")
    assert gaps["disability", None]["text"].startswith(
        "本次数据未包含残疾人：无法判断重度残疾未纳入"
    )
    assert overview["unjudged_everywhere"] == ["missed_disability"]
    assert {"split_household", "missed_disability"} <= set(
        overview["unjudged_by_township"][UNSENT_TOWNSHIP]
    )
    assert "missed_disability" not in overview["by_type"]


def test_the_summary_and_an_empty_ledger_read_unjudged_not_0(gaps_county):
    with client(gaps_county, "auditor") as http:
        summary = load_workbook(io.BytesIO(http.get("/api/ledgers/summary.xlsx").content))
        disability = load_workbook(
            io.BytesIO(http.get("/api/ledgers/missed_disability.xlsx").content)
        )
    table = list(summary.active.iter_rows(values_only=True))
    rows = {row[0]: dict(zip(SUMMARY_COLUMNS, row, strict=True)) for row in table[2:]
            if row[1] is not None}  # fmt: skip
    assert rows[UNSENT_TOWNSHIP]["拆户保障"] == "未判断"
    assert {row["重度残疾未纳入"] for row in rows.values()} == {"未判断"}  # 合计 too
    assert isinstance(rows["合计"]["拆户保障"], int)  # judged in the other townships
    assert table[-1][0].startswith(f"未能判断（缺少数据）：户籍人口中没有{UNSENT_TOWNSHIP}的记录")
    sheet = disability.active
    assert sheet["A1"].value == "重度残疾未纳入摸排台账（缺少数据，未判断此类疑点，见表下说明）"
    assert "本次数据未包含残疾人" in sheet.cell(sheet.max_row, 1).value


def test_the_page_shows_what_was_not_judged(page, gaps_county):
    sign_in(page, gaps_county)
    chip = page.locator(".chips .chip.unjudged")
    expect(chip).to_have_text("重度残疾未纳入 未判断")
    page.goto(gaps_county["server"].url + "/#/overview")
    notice = page.locator("#unjudged")
    expect(notice.locator("h3")).to_have_text("未能判断（缺少数据）")
    expect(notice.locator("li")).to_have_count(2)
    expect(notice).to_contain_text(f"户籍人口中没有{UNSENT_TOWNSHIP}的记录")
    row = page.locator("tr", has_text="重度残疾未纳入").first
    expect(row.locator("td.num").first).to_have_text("未判断")
    township = page.locator("#by-township tr", has_text=UNSENT_TOWNSHIP)
    column = page.locator("#by-township th").all_inner_texts().index("拆户保障")
    expect(township.locator("td").nth(column)).to_have_text("未判断")
