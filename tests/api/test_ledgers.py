"""The 摸排台账 rows and the 汇总表 built from published cases held in memory (no run, no
server): the programs column, 家庭人数 and 家庭人均月纯收入 from current records (as the 梁平
forms), amounts formatted and summed in fen, the 汇总表's amounts as the overview counts them."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from api.ledgers import (
    LEDGER_COLUMNS,
    SUMMARY_COLUMNS,
    ledger_rows,
    ledger_workbook,
    summary_rows,
    summary_workbook,
)
from api.published import Published
from models.data_gaps import DataGaps, Unjudged
from models.detectors.deceased_paid import detect_deceased_paid
from models.policy import load_policy
from models.sketch import HouseholdSketch
from resolver.quality import RegistryGap

PROGRAM = LEDGER_COLUMNS.index("目前享受救助类型")
AS_OF = "2026-10-31"


def _roster_row(record_id: str, program: str | None, covered: str, end: str | None) -> dict:
    return {"registry": "assistance", "unique_id": f"assistance:{record_id}", "person_id": "p1",
            "record_id": record_id, "name": "张三", "program": program, "covered": covered,
            "start_date": "2020-01-01", "end_date": end}  # fmt: skip


def _published(rows: list[dict], as_of: str | None = AS_OF, evidence: tuple[str, ...] = ()
               ) -> Published:  # fmt: skip
    """One open deceased_paid case of person p1 resting on its first row, with these rows
    and this evidence."""
    records = [{"registry": "assistance", "record_id": rows[0]["record_id"]}]
    detail = {"rows": rows, "links": [], "graph": {}} | ({"as_of": as_of} if as_of else {})
    case = {"case_id": "deceased_paid:1", "case_type": "deceased_paid", "risk_score": 0.9,
            "amount_at_risk": 100.0, "township": "石羊", "village": "小村", "person_ids": ["p1"],
            "run_id": "r-1", "resolved_run": None, "records": json.dumps(records),
            "evidence": json.dumps(evidence), "detail": json.dumps(detail)}  # fmt: skip
    return Published([case], [], [], [], [])


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # covered, with a 退出日期 still to come on the as-of day: still 低保
        ([_roster_row("A1", "dibao", "yes", "2027-06-30")], "低保"),
        # on the case but not covered (是否保障对象 否): not 低保
        ([_roster_row("A1", "dibao", "no", None)], "无"),
        # exited before the as-of day
        ([_roster_row("A1", "dibao", "yes", "2026-09-30")], "无"),
        # exits on the as-of day itself: active that day, as the detectors count it
        ([_roster_row("A1", "tekun", "yes", AS_OF)], "特困"),
        # an exited 低保 row and an active 特困 row: the active one only
        (
            [
                _roster_row("A1", "dibao", "yes", "2025-01-31"),
                _roster_row("A2", "tekun", "yes", None),
            ],
            "特困",
        ),
        # a covered, active row whose 救助类型 could not be read is not 无
        ([_roster_row("A1", None, "yes", None)], "类型不明"),
        # 临时救助 beside 低保, in the form's order
        (
            [_roster_row("A1", "temporary", "yes", None), _roster_row("A2", "dibao", "yes", None)],
            "低保、临时救助",
        ),
    ],
)
def test_the_programs_column_takes_the_forms_values_as_of_the_run(rows, expected):
    [row] = ledger_rows(_published(rows), "deceased_paid")
    assert row[PROGRAM] == expected


@pytest.mark.parametrize(("date_kind", "said"), [
    ("死亡日期", "死亡后仍发放（死亡日期 2026-03-10，来源：殡葬）"),
    # until 2026-12-07 (night) a cremation's day was called the 死亡日期 here too
    ("火化日期", "死亡后仍发放（火化日期 2026-03-10，来源：殡葬，死亡在此日或之前）"),
])  # fmt: skip
def test_a_death_leads_type_names_what_its_notices_date_is(date_kind, said):
    drop = HouseholdSketch()
    drop.enrol("p1", "DB1", "A1", id18="X1")
    drop.pay("DB1", [f"2026-{m:02d}" for m in range(1, 11)], 300.0)
    drop.die("p1", "D1", date(2026, 3, 10), source="funeral", id18="X1", date_kind=date_kind)
    (case,) = detect_deceased_paid(drop.graph, load_policy())
    evidence = tuple(evidence.as_text() for evidence in case.evidence)
    [row] = ledger_rows(_published([_roster_row("A1", "dibao", "yes", None)], evidence=evidence),
                        "deceased_paid")  # fmt: skip
    assert row[LEDGER_COLUMNS.index("疑点类型")] == said


def test_a_case_published_without_an_as_of_day_is_judged_on_the_day_of_export():
    rows = [_roster_row("A1", "dibao", "yes", "2000-01-31")]
    [row] = ledger_rows(_published(rows, as_of=None), "deceased_paid")
    assert row[PROGRAM] == "无"


def test_a_ledger_row_names_its_responsible_person_and_due_date_masked_for_analysts():
    """The 清零台账 columns: who is to close the lead, and by when."""
    published = _published([_roster_row("A1", "dibao", "yes", None)])
    published.add_event({"event_id": 1, "case_id": "deceased_paid:1", "actor": "审计员甲",
                         "role": "auditor", "recorded_at": datetime(2026, 11, 2), "kind": "assignment",
                         "from_status": "open", "to_status": "open", "note": None, "reason": None,
                         "assignee": "李四 13812345678", "due_date": date(2026, 12, 20)})  # fmt: skip
    (row,) = ledger_rows(published, "deceased_paid")
    at = LEDGER_COLUMNS.index("责任人")
    assert row[at : at + 2] == ["李四 13812345678", date(2026, 12, 20)]
    book = load_workbook(io.BytesIO(ledger_workbook(published, "deceased_paid", masked=True)))
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "李四 138****5678" in cells and "李四 13812345678" not in cells
    # 整改时限 a date cell, which sorts and filters as a date (until 2026-12-06 text)
    due = book.active.cell(3, at + 2)
    assert (due.value, due.number_format) == (datetime(2026, 12, 20), "yyyy-mm-dd")
    # wide enough to show it: at 8 a spreadsheet shows ######## (a review)
    assert book.active.column_dimensions[due.column_letter].width >= 12


# 家庭人数 and 家庭人均月纯收入: current records only, as the 梁平 forms take them, and the
# 建档立卡 yearly income / 12 rounded half-up to the fen.
INCOME, SIZE = LEDGER_COLUMNS.index("家庭人均月纯收入（元）"), LEDGER_COLUMNS.index("家庭人数")
AMOUNT = LEDGER_COLUMNS.index("涉及金额（元）")


def _missed(roster: list[dict], income_year: float = 2400.0, certificate: dict | None = None,
            poverty: dict | None = None) -> Published:  # fmt: skip
    """An open 重度残疾未纳入 case of p1 (on their certificate, with ``certificate``'s
    columns), who is in 建档立卡 household PH11 (record P11, with ``poverty``'s columns) with
    these roster rows."""
    rows = [{"registry": "disability", "unique_id": "disability:D1", "person_id": "p1",
             "record_id": "D1", "name": "张三", "id_number": None, **(certificate or {})},
            *roster,
            {"registry": "poverty", "unique_id": "poverty:P11", "person_id": "p1",
             "record_id": "P11", "name": "张三", "poverty_hh_no": "PH11",
             "poverty_status": "not_lifted", "poverty_cause": "缺资金",
             "income_per_capita_year": income_year, **(poverty or {})}]  # fmt: skip
    detail = {"rows": rows, "links": [], "graph": {}, "as_of": AS_OF}
    case = {"case_id": "missed_disability:1", "case_type": "missed_disability",
            "risk_score": 0.9, "amount_at_risk": None, "township": "城关", "village": "十一村",
            "person_ids": ["p1"], "run_id": "r-1", "resolved_run": None,
            "records": json.dumps([{"registry": "disability", "record_id": "D1"}]),
            "evidence": "[]", "detail": json.dumps(detail)}  # fmt: skip
    return Published([case], [], [], [], [])


def _member_like(roster: list[dict], income_year: float = 2400.0):
    """The same person as the 梁平 forms read them (household PH11 of one member)."""
    from models.coverage_forms import Member

    return Member("P11", "p1", "PH11", "城关", "十一村", "张三", None, 1, "户主", "健康", "缺资金",
                  income_year, "not_lifted", None, tuple(roster), ("P11",), ())  # fmt: skip


ENDED = _roster_row("A1", "dibao", "yes", "2024-06-30") | {"household_size": 4,
                                                           "income_per_capita": 900.0}  # fmt: skip


def test_an_ended_roster_row_gives_neither_the_household_nor_the_income():
    """The missed severely disabled person whose 低保 ended in 2024: 家庭人数 and 家庭人均月纯收入
    are the 建档立卡 household's (1 member, 2400/12), as 附件1 shows them, not the ended
    case's 4 and 900 (仅作参考，不作为贫困依据)."""
    from api.liangping_forms import member_rows

    [row] = ledger_rows(_missed([ENDED]), "missed_disability", households={"P11": 1})
    assert (row[SIZE], row[INCOME], row[PROGRAM]) == (1, 200.0, "无")
    [form] = member_rows([_member_like([ENDED])], Published([], [], [], [], []),
                         date.fromisoformat(AS_OF), masked=False)  # fmt: skip
    assert (form[SIZE], form[INCOME]) == (row[SIZE], row[INCOME])
    # the same row still active: the person's present case in the ledger; the form gives
    # every member of the 建档立卡 household the household's figures
    current = ENDED | {"end_date": None}
    [row] = ledger_rows(_missed([current]), "missed_disability", households={"P11": 1})
    [form] = member_rows([_member_like([current])], Published([], [], [], [], []),
                         date.fromisoformat(AS_OF), masked=False)  # fmt: skip
    assert (row[SIZE], row[INCOME]) == (4, 900.0) and (form[SIZE], form[INCOME]) == (1, 200.0)
    # a person on no roster at all: the 建档立卡 household's size, as the forms fill it
    [row] = ledger_rows(_missed([]), "missed_disability", households={"P11": 3})
    assert (row[SIZE], row[INCOME]) == (3, 200.0)


def test_a_member_listed_not_covered_on_an_open_case_has_that_households_figures():
    # until 2026-12-07 his 家庭人数 and 家庭人均月纯收入 were blank, though his lead rests on
    # the case's income; his own (not covered) row still says 无 of what he is paid
    listed = _roster_row("A1", "dibao", "no", None) | {"case_no": "DB1"}
    parent = (_roster_row("A2", "dibao", "yes", None)
              | {"person_id": "p2", "case_no": "DB1", "household_size": 3, "income_per_capita": 250.0})  # fmt: skip
    [row] = ledger_rows(_missed([listed, parent]), "missed_disability", households={"P11": 1})
    assert (row[SIZE], row[INCOME], row[PROGRAM]) == (3, 250.0, "无")
    ended = parent | {"end_date": "2024-06-30"}  # the case closed: the 建档立卡 household's
    [row] = ledger_rows(_missed([listed, ended]), "missed_disability", households={"P11": 1})
    assert (row[SIZE], row[INCOME]) == (1, 200.0)


def test_a_person_on_two_cases_has_the_figures_and_relation_of_one_roster_row():
    # until 2026-12-07 a duplicate read 家庭人数 3 and income 150 of her 低保 case beside 户主
    # of her 户籍 and 特困 rows, though the 低保 case wrote her 父母 (母亲)
    relation = LEDGER_COLUMNS.index("与户主关系")
    dibao = (_roster_row("A1", "dibao", "yes", None)
             | {"case_no": "DB1", "relation": "parent", "household_size": 3, "income_per_capita": 150.0})  # fmt: skip
    tekun = (_roster_row("A2", "tekun", "yes", None)
             | {"case_no": "TK1", "relation": "head", "household_size": 1})  # fmt: skip
    hukou = {"registry": "hukou", "unique_id": "hukou:H1", "person_id": "p1", "record_id": "H1",
             "name": "张三", "relation": "head"}  # fmt: skip
    [row] = ledger_rows(_published([dibao, hukou, tekun]), "deceased_paid")
    assert (row[SIZE], row[relation], row[INCOME]) == (3, "父母（低保案件 DB1）", 150.0)
    [row] = ledger_rows(_published([tekun, hukou, dibao]), "deceased_paid")
    assert (row[SIZE], row[relation], row[INCOME]) == (1, "户主（特困案件 TK1）", None)
    ended = dibao | {"end_date": "2024-06-30"}  # one case now: no case named
    [row] = ledger_rows(_published([ended, hukou, tekun]), "deceased_paid")
    assert (row[SIZE], row[relation], row[INCOME]) == (1, "户主", None)


def test_a_roster_row_without_a_relation_or_case_number_leaves_no_gap_and_no_none():
    # a 特困 roster without 与户主关系: the 户籍's, as before the figures came from one row; a
    # case without its 救助证号 named by its program alone, not 低保案件 None
    relation = LEDGER_COLUMNS.index("与户主关系")
    tekun = _roster_row("A2", "tekun", "yes", None) | {"case_no": "TK1", "household_size": 1}
    hukou = {"registry": "hukou", "unique_id": "hukou:H1", "person_id": "p1", "record_id": "H1",
             "name": "张三", "relation": "head"}  # fmt: skip
    [row] = ledger_rows(_published([tekun, hukou]), "deceased_paid")
    assert (row[SIZE], row[relation]) == (1, "户主")
    dibao = _roster_row("A1", "dibao", "yes", None) | {"relation": "spouse", "household_size": 3}
    [row] = ledger_rows(_published([dibao, hukou, tekun]), "deceased_paid")
    assert (row[SIZE], row[relation]) == (3, "配偶（低保案件）")


def test_a_missed_disability_row_says_the_certificate_it_rests_on_under_health():
    # until 2026-12-07 健康状况 said 残疾 (or nothing): which certificate, a clerk could not see
    health = LEDGER_COLUMNS.index("健康状况")
    certificate = {"disability_type": "physical", "disability_level": 1}
    [row] = ledger_rows(_missed([], certificate=certificate), "missed_disability",
                        households={"P11": 1})  # fmt: skip
    assert row[health] == "残疾（肢体残疾1级）"
    # a roster's stale 健康 is not the certificate's word: said after it, not before (健康（…）)
    stale = _roster_row("A1", "dibao", "no", None) | {"health": "healthy"}
    [row] = ledger_rows(_missed([stale], certificate=certificate), "missed_disability",
                        households={"P11": 1})  # fmt: skip
    assert row[health] == "残疾（肢体残疾1级；花名册记为健康）"
    # a lead with no roster row: the word is 建档立卡's, not the roster's (花名册记为健康 before)
    [row] = ledger_rows(_missed([], certificate=certificate, poverty={"health": "healthy"}),
                        "missed_disability", households={"P11": 1})  # fmt: skip
    assert row[health] == "残疾（肢体残疾1级；建档立卡记为健康）"


@pytest.mark.parametrize(("year", "month"), [(2400.06, 200.01), (3600.06, 300.01),
                                             (1200.30, 100.03), (4500.30, 375.03)])  # fmt: skip
def test_the_yearly_income_per_month_is_rounded_half_up(year, month):
    from api.liangping_forms import member_rows

    [row] = ledger_rows(_missed([], year), "missed_disability", households={"P11": 1})
    [form] = member_rows([_member_like([], year)], Published([], [], [], [], []),
                         date.fromisoformat(AS_OF), masked=False)  # fmt: skip
    assert row[INCOME] == form[INCOME] == month


def test_amounts_in_a_ledger_show_two_decimals_and_stay_numbers():
    current = ENDED | {"end_date": None, "income_per_capita": 2870.7}
    published = _published([_roster_row("A1", "dibao", "yes", None)])
    published.cases["deceased_paid:1"]["amount_at_risk"] = 123456789012.5
    for book, at in ((ledger_workbook(published, "deceased_paid", masked=False), AMOUNT),
                     (ledger_workbook(_missed([current]), "missed_disability", masked=True),
                      INCOME)):  # fmt: skip
        sheet = load_workbook(io.BytesIO(book)).active
        cell = sheet.cell(3, at + 1)
        assert isinstance(cell.value, float) and cell.number_format == "#,##0.00"
        assert cell.value in (123456789012.5, 2870.7)


def _decided(case_id: str, township: str, amount: float | None, *steps: str,
             case_type: str = "deceased_paid") -> tuple:  # fmt: skip
    case = {"case_id": case_id, "case_type": case_type, "risk_score": 0.5,
            "amount_at_risk": amount, "township": township, "village": "东村",
            "person_ids": [], "run_id": "r-1", "resolved_run": None, "records": "[]",
            "evidence": "[]", "detail": "{}"}  # fmt: skip
    events = [{"event_id": 0, "case_id": case_id, "to_status": to, "reason": None,
               "kind": "decision"} for to in steps]  # fmt: skip
    return case, events


def _summary_of(*decided: tuple, gaps: DataGaps | None = None) -> Published:
    events = [event for _, case_events in decided for event in case_events]
    for number, event in enumerate(events, 1):
        event["event_id"] = number
    return Published([case for case, _ in decided], [], events, [], [], gaps=gaps)


def test_the_summary_sums_amounts_in_fen_and_counts_untrue_leads_in_no_amount():
    published = _summary_of(
        _decided("c1", "城关", 820.2),
        _decided("c2", "石羊", 7173.44, "in_review"),
        _decided("c3", "石羊", 0.1, "field_check"),
        _decided("c4", "城关", 2870.7, "in_review", "confirmed"),
        _decided("c5", "城关", 5000.0, "in_review", "dismissed"),  # found untrue: no amount
        _decided("c6", "城关", None),
    )
    rows = summary_rows(published)
    head = SUMMARY_COLUMNS.index("疑点合计")
    assert [row[0] for row in rows] == ["城关", "石羊", "合计"]
    # 疑点合计, 属实, 不属实, 核查中或需入户核查, 待核查, 未结疑点涉及金额, 属实疑点涉及金额
    assert rows[0][head:] == [4, 1, 1, 0, 2, 820.2, 2870.7]
    assert rows[1][head:] == [2, 0, 0, 2, 0, 7173.54, 0.0]
    assert rows[2][head:] == [6, 1, 1, 2, 2, 7993.74, 2870.7]  # not 7993.739999999999
    # the 未结 amount is the overview's, in total and per township
    overview = published.overview()
    assert rows[-1][-2] == overview["amount_at_risk"]
    by_township = {township: place["amount_at_risk"]
                   for township, place in overview["by_township"].items()}  # fmt: skip
    assert {row[0]: row[-2] for row in rows[:-1]} == by_township


def test_the_summary_workbook_formats_its_amounts_and_says_what_each_counts():
    published = _summary_of(_decided("c1", "城关", 820.2),
                            _decided("c2", "石羊", 7173.44, "in_review", "confirmed"))  # fmt: skip
    sheet = load_workbook(io.BytesIO(summary_workbook(published))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == SUMMARY_COLUMNS
    total = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "合计")
    unclosed, confirmed = total[-2], total[-1]
    assert (unclosed.value, confirmed.value) == (820.2, 7173.44)
    assert unclosed.number_format == confirmed.number_format == "#,##0.00"
    note = values[-1][0]
    assert note.startswith("说明（系统生成）") and "不属实的疑点不计金额" in note
    assert "与审核页面“疑点汇总”的涉及金额一致" in note


def _prints_for_filing(sheet, heading_rows: int) -> bool:
    setup = sheet.page_setup
    return (setup.orientation, setup.fitToWidth, setup.fitToHeight, sheet.print_title_rows,
            sheet.sheet_properties.pageSetUpPr.fitToPage) == (
        "landscape", 1, 0, f"$1:${heading_rows}", True)  # fmt: skip


def test_every_ledger_prints_landscape_one_page_wide_its_header_on_each_page():
    # the documents ask for stamped paper copies: a 21-column 摸排台账 printed portrait over
    # several pages, its header on the first only (a blind tester)
    published = _published([_roster_row("A1", "dibao", "yes", None)])
    for workbook in (ledger_workbook(published, "deceased_paid", masked=True),
                     summary_workbook(published)):  # fmt: skip
        assert _prints_for_filing(load_workbook(io.BytesIO(workbook)).active, 2)


def test_a_county_without_leads_files_a_summary_with_its_total_of_zeros():
    empty = Published([], [], [], [], [])
    assert summary_rows(empty) == [["合计", *[0] * (len(SUMMARY_COLUMNS) - 3), 0.0, 0.0]]


def test_a_type_the_local_policy_does_not_look_for_is_not_called_free_of_leads():
    # a blind tester's 大姚县 profile sets no roster comparison nor B/C 1户保1人 rule: their
    # ledgers read 本次运行无此类疑点, and an official reads "checked, none found"
    runs = [{"run_id": "r-1", "started_at": None, "finished_at": None, "as_of": None,
             "policy": {"roster_comparison": False, "bc_min_covered": None,
                        "tekun_eligibility_check": True}}]  # fmt: skip
    published = Published([], [], [], [], [], published_runs=runs)
    title = load_workbook(io.BytesIO(ledger_workbook(published, "roster_gap", masked=True)))
    assert title.active["A1"].value.endswith("摸排台账（本地政策未规定此项，未检查）")
    checked = load_workbook(io.BytesIO(ledger_workbook(published, "tekun_eligible", masked=True)))
    assert checked.active["A1"].value.endswith("（本次运行无此类疑点）")
    total = dict(zip(SUMMARY_COLUMNS, summary_rows(published)[-1], strict=True))
    assert (
        total["低保与建档立卡台账不一致"] == "未检查" and total["疑似符合特困条件未纳入特困"] == 0
    )
    values = [row[0] for row in load_workbook(io.BytesIO(summary_workbook(published))).active
              .iter_rows(values_only=True)]  # fmt: skip
    assert any(str(value).startswith("未检查：本地政策未规定") for value in values)


def test_a_ledger_without_leads_says_so_in_its_title():
    """No case of the type: one sheet for every township, titled for the type, saying there is
    none (until now a sheet 无疑点 titled 无疑点超标准未退出摸排台账)."""
    empty = Published([], [], [], [], [])
    book = load_workbook(io.BytesIO(ledger_workbook(empty, "over_standard", masked=False)))
    assert book.sheetnames == ["全部乡镇"]
    assert book.active["A1"].value == "超标准未退出摸排台账（本次运行无此类疑点）"
    one = load_workbook(io.BytesIO(ledger_workbook(empty, "over_standard", township="城关",
                                                   masked=False)))  # fmt: skip
    assert one.sheetnames == ["城关"]
    # a township's (or county's) ledger says the township has none, not the run (a review)
    assert one.active["A1"].value == "城关超标准未退出摸排台账（本乡镇无此类疑点）"


def _unjudged(*gaps: tuple[str, str | None, tuple[str, ...]]) -> DataGaps:
    """A run's gaps: (registry, township or None for every township, case types)."""
    return DataGaps(tuple(Unjudged(RegistryGap(registry, None, township, 12, 40), types)
                          for registry, township, types in gaps), (None,))  # fmt: skip


HUKOU_TYPES, DISABILITY_TYPES = ("split_household", "suspected_split"), ("missed_disability",)


def test_the_summary_reads_unjudged_where_the_data_could_not_judge_not_0():
    # a drop without 残疾人 and without 铁锁's 户籍: until 2026-12-06 the 汇总表 read 0 for
    # 重度残疾未纳入 everywhere and 拆户保障 in 铁锁, and 铁锁 (no open lead) had no row at all
    gaps = _unjudged(("hukou", "铁锁", HUKOU_TYPES), ("disability", None, DISABILITY_TYPES))
    published = _summary_of(_decided("c1", "城关", 820.2), _decided("c2", "石羊", 100.0), gaps=gaps)
    rows = {row[0]: dict(zip(SUMMARY_COLUMNS, row, strict=True)) for row in summary_rows(published)}
    assert list(rows) == ["城关", "石羊", "铁锁", "合计"]
    assert [rows[name]["重度残疾未纳入"] for name in rows] == ["未判断"] * 4
    assert [rows[name]["拆户保障"] for name in rows] == [0, 0, "未判断", 0]  # judged elsewhere
    assert rows["铁锁"]["疑点合计"] == 0 and rows["合计"]["死亡后仍发放"] == 2
    assert rows["合计"]["未结疑点涉及金额（元）"] == 920.2
    book = load_workbook(io.BytesIO(summary_workbook(published)))
    note = list(book.active.iter_rows(values_only=True))[-1][0]
    assert note.startswith(
        "未能判断（缺少数据）：户籍人口中没有铁锁的记录（名册中该乡镇有 12 个案件"
    )
    assert "本次数据未包含残疾人：无法判断重度残疾未纳入" in note
    # a lead found all the same where a registry lacks the township is counted, not hidden
    found = _summary_of(_decided("c3", "铁锁", None, case_type="split_household"), gaps=gaps)
    [township, _] = summary_rows(found)
    assert dict(zip(SUMMARY_COLUMNS, township, strict=True))["拆户保障"] == 1


def test_an_empty_ledger_of_a_type_not_judged_says_so_and_why():
    # until 2026-12-06 titled 重度残疾未纳入摸排台账（本次运行无此类疑点） with no 残疾人 data
    published = Published([], [], [], [], [], gaps=_unjudged(
        ("hukou", "铁锁", HUKOU_TYPES), ("disability", None, DISABILITY_TYPES)))  # fmt: skip
    sheet = load_workbook(io.BytesIO(ledger_workbook(published, "missed_disability",
                                                     masked=False))).active  # fmt: skip
    assert sheet["A1"].value == "重度残疾未纳入摸排台账（缺少数据，未判断此类疑点，见表下说明）"
    assert "本次数据未包含残疾人" in sheet.cell(sheet.max_row, 1).value
    township = load_workbook(io.BytesIO(ledger_workbook(published, "split_household",
                                                        township="铁锁", masked=False))).active  # fmt: skip
    assert township["A1"].value == "铁锁拆户保障摸排台账（缺少数据，未判断此类疑点，见表下说明）"
    county = load_workbook(io.BytesIO(ledger_workbook(published, "split_household",
                                                      masked=False))).active  # fmt: skip
    assert county["A1"].value.endswith(
        "（已判断的乡镇无此类疑点；部分乡镇缺少数据未判断，见表下说明）"
    )
    assert "户籍人口中没有铁锁的记录" in county.cell(county.max_row, 1).value
    judged = load_workbook(io.BytesIO(ledger_workbook(published, "split_household",
                                                      township="城关", masked=False))).active  # fmt: skip
    assert judged["A1"].value == "城关拆户保障摸排台账（本乡镇无此类疑点）"


def test_a_province_summary_reads_unjudged_where_a_county_lacks_the_registry():
    # 户籍人口 absent from 大姚县 only: its townships and its own 汇总表's 合计 read 未判断, the
    # province's 合计 sums 姚安县's judged 0
    cases = [_decided("c1", "城关", 100.0), _decided("c2", "栋川", 200.0)]
    for (case, _), county in zip(cases, ("532326", "532325"), strict=True):
        case["counties"] = [county]
    gaps = DataGaps((Unjudged(RegistryGap("hukou", "532326", None, 12, 40), HUKOU_TYPES),),
                    ("532325", "532326"))  # fmt: skip
    aliases = {"532326": {"大姚县"}, "532325": {"姚安县"}}
    published = Published([case for case, _ in cases], [], [], [], [], None, aliases, gaps)
    rows = {row[0]: dict(zip(SUMMARY_COLUMNS, row, strict=True)) for row in summary_rows(published)}
    assert [rows[name]["拆户保障"] for name in rows] == ["未判断", 0, 0]
    assert list(rows) == ["大姚县 城关", "姚安县 栋川", "合计"]
    county = summary_rows(published, "532326")
    assert [dict(zip(SUMMARY_COLUMNS, row, strict=True))["拆户保障"] for row in county] == [
        "未判断", "未判断"]  # fmt: skip
