"""Month over month, overdue and long-open cases, and the monthly report, on published cases
made by hand (no run, no server): which case counts where, and which confirmation falls in
the period."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from api.monthly_report import (
    CONFIRMED_COLUMNS,
    confirmed_cases,
    monthly_report,
    overdue_rows,
    type_rows,
)
from api.published import CaseFilter, Published

R1, R2 = "r-1", "r-2"
RUNS = [
    {"run_id": R1, "started_at": datetime(2026, 9, 1, 9), "finished_at": datetime(2026, 9, 1, 10)},
    {"run_id": R2, "started_at": datetime(2026, 10, 1, 9), "finished_at": datetime(2026, 10, 1, 10)},
]  # fmt: skip
MADE = date(2026, 10, 20)
NOW = datetime.now()


def _case(case_id, township, first, last, resolved=None, amount=None, case_type="deceased_paid"):
    return {"case_id": case_id, "case_type": case_type, "risk_score": 0.9,
            "amount_at_risk": amount, "township": township, "village": "东村",
            "person_ids": [], "run_id": last, "first_run": first, "resolved_run": resolved,
            "records": "[]", "evidence": "[]", "detail": json.dumps({"rows": []})}  # fmt: skip


def _event(event_id, case_id, kind, to_status, at, assignee=None, due=None, from_status="open"):
    return {"event_id": event_id, "case_id": case_id, "actor": "审计员甲", "role": "auditor",
            "recorded_at": at, "from_status": from_status, "to_status": to_status,
            "note": None, "reason": None, "kind": kind, "assignee": assignee,
            "due_date": due}  # fmt: skip


CASES = [
    _case("a", "东乡", R1, R2, amount=100.0),  # still raised, assigned and overdue
    _case("b", "西乡", R2, R2, amount=50.0, case_type="over_standard"),  # new
    _case("c", "西乡", R1, R1, resolved=R2),  # resolved by data: counted in 西乡, its last place
    _case("d", "东乡", R1, R2, amount=30.0),  # confirmed in the period, past its due date
    _case("e", "东乡", R1, R2, amount=7.0),  # confirmed before the previous run was published
    _case("f", "北乡", R1, R1, resolved=R1),  # resolved by the first run: not this month's
]
EVENTS = [
    _event(1, "e", "decision", "confirmed", datetime(2026, 8, 30), from_status="in_review"),
    _event(2, "a", "assignment", "open", datetime(2026, 9, 2), "李四", date(2026, 10, 10)),
    _event(3, "d", "assignment", "open", datetime(2026, 9, 2), "王五", date(2026, 10, 1)),
    _event(4, "d", "decision", "in_review", datetime(2026, 9, 15)),
    _event(5, "d", "decision", "confirmed", datetime(2026, 9, 20), from_status="in_review"),
    _event(6, "b", "assignment", "open", datetime(2026, 10, 2), "赵六", date(2026, 11, 1)),
]


# Each run's cases; d's amount grew in the latest run (its confirmation counts the earlier)
BY_RUN = [
    *(case | {"run_id": R1} | ({"amount_at_risk": 20.0} if case["case_id"] == "d" else {})
      for case in CASES if case["first_run"] == R1),
    *(case for case in CASES if case["run_id"] == R2),
]  # fmt: skip


def _published(events=EVENTS) -> Published:
    return Published(CASES, BY_RUN, events, [], [], RUNS)


def test_the_months_changes_count_each_case_in_its_township():
    changes = _published().changes()
    assert (changes["run_id"], changes["previous_run_id"]) == (R2, R1)
    assert {k: changes[k] for k in ("new", "resolved", "open")} == {"new": 1, "resolved": 1,
                                                                   "open": 3}  # fmt: skip
    assert changes["by_township"] == {"东乡": {"new": 0, "resolved": 0, "open": 3},
                                      "西乡": {"new": 1, "resolved": 1, "open": 0}}  # fmt: skip


def test_one_run_counts_every_case_new_and_none_has_no_previous():
    one = Published([_case("b", "西乡", R1, R1)], [], [], [], [], RUNS[:1]).changes()
    assert (one["run_id"], one["previous_run_id"], one["new"], one["open"]) == (R1, None, 1, 0)
    empty = Published([], [], [], [], []).changes()
    assert (empty["run_id"], empty["by_township"], empty["new"]) == (None, {}, 0)


def test_a_case_is_overdue_past_its_due_date_until_closed():
    published = _published()
    assert [case_id for case_id in published.cases if published.overdue(case_id, MADE)] == ["a"]
    assert not published.overdue("b", date(2026, 11, 1))  # due that day: not yet overdue
    assert published.overdue("b", date(2026, 11, 2))
    assert published.summary(published.cases["d"])["assignee"] == "王五"
    yesterday, tomorrow = date.today() - timedelta(days=1), date.today() + timedelta(days=1)
    today = Published(CASES, [], [*EVENTS[:1], EVENTS[3], EVENTS[4],  # the list judges on today
                                  _event(7, "a", "assignment", "open", NOW, "李四", yesterday),
                                  _event(8, "b", "assignment", "open", NOW, "赵六", tomorrow),
                                  _event(9, "d", "assignment", "confirmed", NOW, "王五", yesterday)],
                      [], [], RUNS)  # fmt: skip
    total, items = today.list_cases(CaseFilter(overdue=True), sort="risk", offset=0, limit=9)
    assert (total, [item["case_id"] for item in items]) == (1, ["a"])
    assert [item["overdue"] for item in items] == [True]
    total, _ = today.list_cases(CaseFilter(overdue=False), sort="risk", offset=0, limit=9)
    assert total == 3  # b, d and e (c and f are resolved by data)
    assert today.overview()["overdue"] == 1
    assert overdue_rows(published, MADE) == [[1, "a", "死亡后仍发放", "东乡", "李四",
                                              date(2026, 10, 10), 10, "待核查"]]  # fmt: skip


def test_confirmations_count_between_the_two_runs_publications_at_their_amount_then():
    # e was confirmed before the previous run, a after the latest (the next report's): each
    # confirmation falls in one report, at the amount of the run in force when it was made
    late = _event(7, "a", "decision", "confirmed", datetime(2026, 10, 5), from_status="in_review")
    published = _published([*EVENTS, late])
    found = confirmed_cases(published, RUNS[0]["finished_at"], RUNS[1]["finished_at"])
    assert [(case["case_id"], case["amount_at_risk"]) for case, _ in found] == [("d", 20.0)]
    assert [case["case_id"] for case, _ in confirmed_cases(published, None)] == ["e", "d", "a"]


def test_the_monthly_report_says_above_its_table_which_confirmations_it_counts():
    # a confirmed after the latest run: the page counts it now, the report next month
    late = _event(7, "a", "decision", "confirmed", datetime(2026, 10, 5), from_status="in_review")
    report = monthly_report(_published([*EVENTS, late]), masked=False, made=MADE)
    summary = list(load_workbook(io.BytesIO(report.content))["汇总"].iter_rows(values_only=True))
    assert (report.confirmed, report.recovered) == (1, 20.0)
    assert summary[2][0].endswith(
        "至2026-10-01 10:00（本次运行发布）之间的核实；此后又核实属实 1 件（线索所报金额 100.00 元），"
        "计入下期报告（审核页面“汇总”和乡镇汇总表按当前核查状态统计，已含这些疑点）。")  # fmt: skip


def test_a_case_raised_again_after_it_was_resolved_is_new_this_month():
    runs = [{"run_id": "r-0", "started_at": datetime(2026, 8, 1, 9),
             "finished_at": datetime(2026, 8, 1, 10)}, *RUNS]  # fmt: skip
    again = _case("h", "东乡", "r-0", R2)  # raised by r-0, not by r-1, again by r-2
    by_run = [again | {"run_id": "r-0"}, again]
    assert Published([again], by_run, [], [], [], runs).change(again) == "new"


def test_the_monthly_report_of_hand_made_cases():
    report = monthly_report(_published(), masked=False, unit="某县民政局", made=MADE)
    assert (report.changes, report.overdue, report.long_open) == (
        {"new": 1, "resolved": 1, "open": 3}, 1, 1)  # fmt: skip
    assert (report.confirmed, report.recovered) == (1, 20.0)
    book = load_workbook(io.BytesIO(report.content))
    summary = list(book["汇总"].iter_rows(values_only=True))
    # the month its data are of, not a run id: a report is filed for a month (一月一报告)
    assert summary[0][0] == "某县民政局兜底疑点月度分析报告"  # a run of no as-of day names none
    assert "本次运行：r-2" in summary[1][0]
    dated = [run | {"as_of": date(2026, 9, 30)} for run in RUNS]
    titled = monthly_report(Published(CASES, BY_RUN, EVENTS, [], [], dated), masked=False,
                            unit="某县民政局", made=MADE)  # fmt: skip
    first = load_workbook(io.BytesIO(titled.content))["汇总"]["A1"].value
    assert first == "某县民政局2026年9月兜底疑点月度分析报告（数据截至2026年9月30日）"
    deaths = next(row for row in summary if row[0] == "死亡后仍发放")
    assert deaths[:6] == ("死亡后仍发放", 0, 1, 3, 1, 20.0)
    assert summary[2][0] == ("疑点仅为核查线索，不是处理决定。本表“本期核实属实”“追回/止付金额”只计"
                             "2026-09-01 10:00（上次运行发布）至2026-10-01 10:00（本次运行发布）之间的"
                             "核实；其后的核实计入下期报告。")  # fmt: skip
    # d was confirmed at 20 元 and the latest run reports 30: paid on after the confirmation
    header = summary.index(CONFIRMED_COLUMNS)
    assert summary[header + 1][:8] == (1, "d", "死亡后仍发放", "东乡", "2026-09-20 00:00", "审计员甲",
                                       20.0, 30.0)  # fmt: skip
    assert any("核实后仍有发放" in str(row[0]) for row in summary[:header])
    long_open = list(book["超过30天未处置"].iter_rows(values_only=True))[4:]
    assert long_open == [(1, "a", "死亡后仍发放", "东乡", datetime(2026, 9, 1), 49, "待核查", "李四",
                          datetime(2026, 10, 10))]  # date cells  # fmt: skip
    townships = list(book["乡镇变化"].iter_rows(values_only=True))[4:]
    assert townships == [("东乡", 0, 0, 3, 3), ("西乡", 1, 1, 0, 1), ("合计", 1, 1, 3, 4)]


def test_the_monthly_report_masks_numbers_typed_into_a_responsible_for_lower_roles():
    typed, written = "李四 13812345678 532326195601016870", "审计员 532326195601016870"
    events = [event | ({"assignee": typed} if event["event_id"] == 2 else {})
              | ({"actor": written} if event["event_id"] == 5 else {}) for event in EVENTS]  # fmt: skip
    sheets = {}
    for masked in (False, True):
        book = load_workbook(io.BytesIO(monthly_report(_published(events), masked=masked,
                                                       made=MADE).content))  # fmt: skip
        sheets[masked] = {sheet.title: list(sheet.iter_rows(values_only=True))[4:]
                          for sheet in book.worksheets}  # fmt: skip
    full, shown = sheets[False], sheets[True]
    assert [row[4] for row in full["逾期未处置"]] == [typed]
    assert [row[4] for row in shown["逾期未处置"]] == ["李四 138****5678 532326***********0"]
    assert [row[7] for row in shown["超过30天未处置"]] == ["李四 138****5678 532326***********0"]
    confirmed = [row for row in shown["汇总"] if row and row[1] == "d"]
    assert [row[5] for row in confirmed] == ["审计员 532326***********0"]
    assert "532326195601016870" not in str(shown) and "13812345678" not in str(shown)
    assert {row[1] for row in shown["逾期未处置"]} == {"a"}  # the case id as it is


def test_a_type_whose_cases_carry_no_money_shows_none_not_zero():
    cases = [_case("s", "东乡", R1, R1, case_type="split_household"),
             _case("m", "东乡", R1, R1, amount=12.5)]  # fmt: skip
    published = Published(cases, [], [], [], [], RUNS[:1])
    by_type = published.overview()["by_type"]
    assert by_type["split_household"]["amount_at_risk"] is None
    assert by_type["deceased_paid"]["amount_at_risk"] == 12.5
    rows = {row[0]: row[-1] for row in type_rows(published, [])}
    assert (rows["拆户保障"], rows["重度残疾未纳入"], rows["死亡后仍发放"], rows["合计"]) == (
        "—", "—", 0, 0)  # fmt: skip


def test_the_overviews_money_adds_up_to_the_fen():
    cases = [_case(str(n), "东乡", R1, R1, amount=amount)
             for n, amount in enumerate((0.1, 0.2, 15495.7, 3435.85, 0.05))]  # fmt: skip
    overview = Published(cases, [], [], [], [], RUNS[:1]).overview()
    assert repr(overview["amount_at_risk"]) == "18931.9"  # floats added give 18931.899999999998
    assert repr(overview["by_township"]["东乡"]["amount_at_risk"]) == "18931.9"


def test_the_overview_counts_beside_each_type_its_leads_scored_at_least_half():
    # a namesake's notice raises an uncertain lead scored low: a lead, not a likely one
    cases = [_case("a", "东乡", R1, R1), _case("b", "东乡", R1, R1),
             {**_case("c", "东乡", R1, R1), "risk_score": 0.04}]  # fmt: skip
    deaths = Published(cases, [], [], [], [], RUNS[:1]).overview()["by_type"]["deceased_paid"]
    assert (deaths["cases"], deaths["likely"]) == (3, 2)


def test_the_overview_and_the_unclosed_queue_leave_out_confirmed_and_dismissed_cases():
    """未结: d and e were confirmed (属实); a and b are open; c and f resolved by data."""
    published = _published()
    overview = published.overview()
    assert (overview["cases"], overview["amount_at_risk"]) == (2, 150.0)  # a and b
    assert overview["by_type"]["deceased_paid"] == {"cases": 1, "likely": 1,
                                                    "amount_at_risk": 100.0}  # fmt: skip
    assert overview["by_status"]["confirmed"] == 2 and overview["by_status"]["open"] == 2
    total, items = published.list_cases(CaseFilter(status="unclosed"), sort="risk", offset=0,
                                         limit=9)  # fmt: skip
    assert (total, sorted(item["case_id"] for item in items)) == (2, ["a", "b"])
    assert published.list_cases(CaseFilter(), sort="risk", offset=0, limit=9)[0] == 4


def test_a_months_drop_run_again_is_compared_with_last_months_run_not_with_itself():
    """October's drop run twice (a file corrected): the report after the second run still
    shows October against September (b new, c resolved, d's confirmation between September's
    run and October's first), not the second run against the first (nothing at all)."""
    again = "r-2b"
    runs = [run | {"as_of": day} for run, day in zip(RUNS, (date(2026, 9, 30), date(2026, 10, 31)),
                                                      strict=True)]  # fmt: skip
    runs.append({"run_id": again, "started_at": datetime(2026, 10, 3, 9),
                 "finished_at": datetime(2026, 10, 3, 10), "as_of": date(2026, 10, 31)})  # fmt: skip
    cases = [case | {"run_id": again} if case["run_id"] == R2 else case for case in CASES]
    by_run = [*BY_RUN, *(case | {"run_id": again} for case in CASES if case["run_id"] == R2)]
    published = Published(cases, by_run, EVENTS, [], [], runs)
    changes = published.changes()
    assert (changes["run_id"], changes["previous_run_id"]) == (again, R1)
    assert {k: changes[k] for k in ("new", "resolved", "open")} == {"new": 1, "resolved": 1,
                                                                   "open": 3}  # fmt: skip
    report = monthly_report(published, masked=False, made=MADE)
    assert (report.previous_run_id, report.confirmed, report.recovered) == (R1, 1, 20.0)


def test_the_first_months_drop_run_again_is_compared_with_its_earlier_run():
    """September's drop run twice, no earlier month: until 2026-12-06 the second run read as
    the first (previous_run_id None, every lead new, c's resolution unseen: a blind tester's
    lead made to go by a label vanished from the month's report); now it is compared with the
    earlier run of its month."""
    runs = [run | {"as_of": date(2026, 9, 30)} for run in RUNS]
    changes = Published(CASES, BY_RUN, EVENTS, [], [], runs).changes()
    assert (changes["run_id"], changes["previous_run_id"]) == (R2, R1)
    assert changes["resolved"] == _published().changes()["resolved"] > 0
