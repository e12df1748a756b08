"""The 摸排台账 rows built from published cases held in memory (no run, no server)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from api.ledgers import LEDGER_COLUMNS, ledger_rows, ledger_workbook
from api.published import Published

PROGRAM = LEDGER_COLUMNS.index("目前享受救助类型")
AS_OF = "2026-10-31"


def _roster_row(record_id: str, program: str | None, covered: str, end: str | None) -> dict:
    return {"registry": "assistance", "unique_id": f"assistance:{record_id}", "person_id": "p1",
            "record_id": record_id, "name": "张三", "program": program, "covered": covered,
            "start_date": "2020-01-01", "end_date": end}  # fmt: skip


def _published(rows: list[dict], as_of: str | None = AS_OF) -> Published:
    """One open deceased_paid case of person p1 resting on its first row, with these rows."""
    records = [{"registry": "assistance", "record_id": rows[0]["record_id"]}]
    detail = {"rows": rows, "links": [], "graph": {}} | ({"as_of": as_of} if as_of else {})
    case = {"case_id": "deceased_paid:1", "case_type": "deceased_paid", "risk_score": 0.9,
            "amount_at_risk": 100.0, "township": "石羊", "village": "小村", "person_ids": ["p1"],
            "run_id": "r-1", "resolved_run": None, "records": json.dumps(records),
            "evidence": "[]", "detail": json.dumps(detail)}  # fmt: skip
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
    assert row[at : at + 2] == ["李四 13812345678", "2026-12-20"]
    book = load_workbook(io.BytesIO(ledger_workbook(published, "deceased_paid", masked=True)))
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "李四 138****5678" in cells and "李四 13812345678" not in cells
