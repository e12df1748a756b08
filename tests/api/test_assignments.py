"""Assignments (指派: 责任人 and 整改时限) over real HTTP, on the two monthly runs of
``monthly_county``: the event in the case's history, reassignment, roles, refused input and
the overdue filter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.api.conftest import OVERDUE_ASSIGNEE, OVERDUE_DAYS
from tests.api.served import client

pytestmark = pytest.mark.slow


def _assign(http, case_id: str, assignee: str, days: int, note: str | None = None):
    body = {"assignee": assignee, "due_date": str(date.today() + timedelta(days=days))}
    return http.post(f"/api/cases/{case_id}/assignments", json=body | {"note": note})


def test_an_assignment_is_an_event_of_the_case_and_the_latest_holds(monthly_county):
    case_id = monthly_county["expected"]["new_ids"][0]
    with client(monthly_county, "auditor") as http:
        first = _assign(http, case_id, "  王五 ", 14, "请乡镇核实死亡时间")
        assert first.status_code == 201, first.text
        event = first.json()
        assert (event["kind"], event["assignee"], event["actor"]) == (
            "assignment",
            "王五",
            "auditor-1",
        )
        assert event["due_date"] == str(date.today() + timedelta(days=14))
        assert event["from_status"] == event["to_status"] == "open"
        again = _assign(http, case_id, "赵六", 0)  # today is not in the past
        assert again.status_code == 201, again.text
        history = http.get(f"/api/cases/{case_id}/history").json()
        detail = http.get(f"/api/cases/{case_id}").json()
        listed = http.get("/api/cases", params={"case_type": detail["case_type"], "limit": 500})
    assert [(e["kind"], e["assignee"]) for e in history] == [
        ("assignment", "王五"), ("assignment", "赵六")]  # fmt: skip
    assert history[0]["note"] == "请乡镇核实死亡时间"
    assert (detail["assignee"], detail["due_date"], detail["overdue"]) == (
        "赵六", str(date.today()), False)  # fmt: skip
    assert detail["status"] == "open" and detail["history"] == history
    [summary] = [c for c in listed.json()["items"] if c["case_id"] == case_id]
    assert (summary["assignee"], summary["due_date"], summary["overdue"]) == (
        "赵六", str(date.today()), False)  # fmt: skip


def test_an_assignment_moves_the_case_version_like_a_note(monthly_county):
    case_id = monthly_county["expected"]["open_ids"][1]
    with client(monthly_county, "auditor") as http:
        etag = http.get(f"/api/cases/{case_id}").headers["ETag"]
        assert _assign(http, case_id, "王五", 7).status_code == 201
        stale = http.post(f"/api/cases/{case_id}/decisions", json={"to_status": "in_review"},
                          headers={"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412


def test_only_auditors_assign_and_bad_input_is_refused(monthly_county):
    case_id = monthly_county["expected"]["open_ids"][-1]
    with client(monthly_county, "analyst") as http:
        assert _assign(http, case_id, "王五", 7).status_code == 403
        assert http.get(f"/api/cases/{case_id}/history").status_code == 200
    for role in ("consumer", "admin"):
        with client(monthly_county, role) as http:
            assert _assign(http, case_id, "王五", 7).status_code == 403
    with client(monthly_county, "admin") as http:  # each refusal is logged: who tried what
        log = http.get("/api/access-log", params={"limit": 50}).json()["items"]
    refused = {
        (entry["actor"], entry["target"]) for entry in log if entry["action"] == "role_refused"
    }
    assert {(f"{role}-1", f"POST /api/cases/{case_id}/assignments")
            for role in ("analyst", "consumer", "admin")} <= refused  # fmt: skip
    with client(monthly_county, "auditor") as http:
        past = _assign(http, case_id, "王五", -1)
        assert past.status_code == 422 and "早于今天" in past.json()["detail"]
        blank = _assign(http, case_id, "", 7)
        assert blank.status_code == 422 and _assign(http, case_id, "   ", 7).status_code == 422
        too_long = _assign(http, case_id, "王" * 101, 7)
        assert too_long.status_code == 422 and "王王王" not in too_long.text  # not echoed
        assert _assign(http, case_id, "王" * 100, 7).status_code == 201
        no_day = http.post(f"/api/cases/{case_id}/assignments", json={"assignee": "王五"})
        bad_day = http.post(f"/api/cases/{case_id}/assignments",
                            json={"assignee": "王五", "due_date": "2026-02-30"})  # fmt: skip
        # FastAPI's shape (loc, msg, type), the message in Chinese
        assert [(e["loc"], e["msg"].rsplit("（", 1)[0], e["type"]) for response in
                (too_long, no_day, bad_day) for e in response.json()["detail"]] == [
            (["body", "assignee"], "请求体 assignee：最多 100 个字符", "string_too_long"),
            (["body", "due_date"], "请求体 due_date：缺少此项", "missing"),
            (["body", "due_date"], "请求体 due_date：应为日期（年-月-日）", "date_from_datetime_parsing"),
        ]  # fmt: skip
        # and what is wrong in Chinese alone, for the page to name the field
        assert [e["reason"] for response in (blank, too_long, no_day)
                for e in response.json()["detail"]] == ["不能为空", "最多 100 个字符", "缺少此项"]  # fmt: skip
        assert _assign(http, "c-doesnotexist", "王五", 7).status_code == 404
        kinds = [e["kind"] for e in http.get(f"/api/cases/{case_id}/history").json()]
    assert kinds == ["assignment"]  # only the one accepted


def test_the_overdue_filter_lists_cases_past_their_due_date_until_closed(monthly_county):
    overdue_case = monthly_county["overdue_case"]
    with client(monthly_county, "auditor") as http:
        listed = http.get("/api/cases", params={"overdue": "true"}).json()
        assert [c["case_id"] for c in listed["items"]] == [overdue_case]
        [case] = listed["items"]
        assert (case["assignee"], case["overdue"]) == (OVERDUE_ASSIGNEE, True)
        assert case["due_date"] == str(date.today() - timedelta(days=OVERDUE_DAYS))
        others = http.get("/api/cases", params={"overdue": "false", "limit": 500}).json()
        everything = http.get("/api/cases", params={"limit": 500}).json()
        assert others["total"] == everything["total"] - 1
        assert http.get("/api/overview").json()["overdue"] == 1
        # in review is not closed; confirmed is
        decide = lambda to: http.post(f"/api/cases/{overdue_case}/decisions",  # noqa: E731
                                      json={"to_status": to, "reason": "复核"})  # fmt: skip
        assert decide("in_review").status_code == 201
        assert http.get("/api/cases", params={"overdue": "true"}).json()["total"] == 1
        assert decide("confirmed").status_code == 201
        assert http.get("/api/cases", params={"overdue": "true"}).json()["total"] == 0
        detail = http.get(f"/api/cases/{overdue_case}").json()
        assert (detail["overdue"], detail["assignee"]) == (False, OVERDUE_ASSIGNEE)
        assert http.get("/api/overview").json()["overdue"] == 0
        assert decide("in_review").status_code == 201  # reopened: overdue again
        assert http.get("/api/cases", params={"overdue": "true"}).json()["total"] == 1
        assert http.get(f"/api/cases/{overdue_case}").json()["overdue"] is True


TYPED = "李四 13812345678 532326195601016870"  # a 责任人 typed with a mobile and an ID number
TYPED_MASKED = "李四 138****5678 532326***********0"


def test_a_typed_assignee_is_masked_in_triage_below_auditor(monthly_county):
    case_id = monthly_county["expected"]["open_ids"][2]
    with client(monthly_county, "auditor") as http:
        assert _assign(http, case_id, TYPED, 7).status_code == 201
        full = http.get("/api/triage", params={"limit": 1000}).json()["items"]
    assert [item["assignee"] for item in full if item["case_id"] == case_id] == [TYPED]
    with client(monthly_county, "analyst") as http:
        items = http.get("/api/triage", params={"limit": 1000}).json()["items"]
    assert [item["assignee"] for item in items if item["case_id"] == case_id] == [TYPED_MASKED]
    with client(monthly_county, "admin") as http:  # reads no personal data: no triage at all
        assert http.get("/api/triage", params={"limit": 1000}).status_code == 403
