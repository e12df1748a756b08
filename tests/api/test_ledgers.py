"""The 摸排台账 rows built from published cases held in memory (no run, no server)."""

from __future__ import annotations

import json

import pytest

from api.ledgers import LEDGER_COLUMNS, ledger_rows
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
