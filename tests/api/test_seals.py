"""Seals read back against the tables: what a log entry of another kind says names nothing,
and rows recorded before the seals are checked by number only."""

from __future__ import annotations

import duckdb

from api.reviews import SCHEMA
from api.seals import check_seals, row_seal, sealed


def _events(count: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(SCHEMA)
    for _ in range(count):
        con.execute("INSERT INTO case_events (case_id, actor, role, recorded_at, from_status, "
                    "to_status) VALUES ('c-1', 'a', 'auditor', now(), 'open', 'in_review')")  # fmt: skip
    return con


def test_rows_before_the_first_seal_are_counted_not_called_forged():
    # a database of an earlier version: events 1 and 2 never logged, event 3 sealed; until the
    # review of 2026-12-06 verify called 1 and 2 written past the service (exit 1)
    con = _events(3)
    entries = [
        ("record_decision", f"c-1 {sealed('event', 3, row_seal(con, 'event', 3))} open→in_review")
    ]
    check = check_seals(con, entries)
    assert check.ok and check.unsealed == 2 and check.events == 3


def test_a_search_naming_an_event_neither_claims_it_nor_unseals_it():
    # an analyst's search 事件 1 before the decision was logged left event 1 unchecked: a
    # forged change of it verified clean; a search 标注 7 was a label "deleted"
    con = _events(1)
    entries = [("search_cases", "事件 1"), ("search_cases", "标注 7"),
               ("record_decision", f"c-1 {sealed('event', 1, row_seal(con, 'event', 1))} open→in_review")]  # fmt: skip
    assert check_seals(con, entries).ok
    con.execute("UPDATE case_events SET to_status = 'confirmed' WHERE event_id = 1")
    assert check_seals(con, entries).problems == ["核查事件 1 与访问日志记下的封存不符（被改动）"]
