"""Paging the case list while reviewers decide, and searching one run's cases, on published
cases made by hand (no run, no server)."""

from __future__ import annotations

import json
from datetime import datetime

from api.published import CaseFilter, Published

R1, R2 = "r-1", "r-2"
RUNS = [
    {"run_id": R1, "started_at": datetime(2026, 9, 1, 9), "finished_at": datetime(2026, 9, 1, 10)},
    {"run_id": R2, "started_at": datetime(2026, 10, 1, 9), "finished_at": datetime(2026, 10, 1, 10)},
]  # fmt: skip


def _case(case_id, score, name, run_id=R2):
    rows = [{"unique_id": f"roster:{case_id}", "registry": "roster", "record_id": case_id,
             "name": name, "case_no": None}]  # fmt: skip
    return {"case_id": case_id, "case_type": "deceased_paid", "risk_score": score,
            "amount_at_risk": 10.0, "township": "东乡", "village": "东村", "person_ids": [],
            "run_id": run_id, "first_run": R1, "resolved_run": None, "records": "[]",
            "evidence": "[]", "detail": json.dumps({"rows": rows})}  # fmt: skip


CASES = [_case(f"c{index}", 0.9 - index / 100, f"人{index}") for index in range(7)]
# each run's snapshots, as ``api.snapshot`` loads them: without the rows (``detail``)
BY_RUN = [{key: value for key, value in case.items() if key != "detail"} | {"run_id": run_id}
          for case in CASES for run_id in (R1, R2)]  # fmt: skip


def _closed(case_id, event_id):
    return {"event_id": event_id, "case_id": case_id, "actor": "审计员甲", "role": "auditor",
            "recorded_at": datetime(2026, 10, 2), "from_status": "in_review",
            "to_status": "confirmed", "note": None, "reason": None, "kind": "decision",
            "assignee": None, "due_date": None}  # fmt: skip


def _ids(items):
    return [item["case_id"] for item in items]


def test_paging_after_the_last_case_skips_none_when_a_case_on_the_page_is_closed():
    published = Published(CASES, BY_RUN, [], [], [], RUNS)
    unclosed = CaseFilter(status="unclosed")
    total, first = published.list_cases(unclosed, sort="risk", offset=0, limit=3)
    assert (total, _ids(first)) == (7, ["c0", "c1", "c2"])
    published.add_event(_closed("c1", 1))  # a colleague confirms a case of the first page
    total, second = published.list_cases(unclosed, sort="risk", offset=0, limit=3, after="c2")
    assert (total, _ids(second)) == (6, ["c3", "c4", "c5"])
    # the cursor keeps its place when its own case leaves the filter, in every order
    published.add_event(_closed("c5", 2))
    for sort, expected in [("risk", ["c6"]), ("-risk", ["c4", "c3", "c2"]),
                           ("case_id", ["c6"]), ("amount", ["c6"])]:  # fmt: skip
        _, page = published.list_cases(unclosed, sort=sort, offset=0, limit=3, after="c5")
        assert _ids(page) == expected


def test_a_runs_cases_are_sought_by_name_on_their_rows():
    published = Published(CASES, BY_RUN, [], [], [], RUNS)
    for run_id in (R1, R2):
        total, items = published.list_cases(CaseFilter(run_id=run_id, who="人3"), sort="risk",
                                            offset=0, limit=9)  # fmt: skip
        assert (total, _ids(items), items[0]["run_id"]) == (1, ["c3"], run_id)
