"""What changed in the consumers' feed since a pull (``/api/scores/changes``): leads new,
changed and gone, each gone one with why — resolved by data or by a change of rules, naming
the run, or confirmed or dismissed — on runs made by hand, and over HTTP on two monthly runs."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from fastapi import HTTPException

from api.published import Published
from api.routers.scores import _moment
from models.cases import Case
from models.publish import CARRIED_NOTE
from tests.api.served import client

FILES = json.dumps([{"registry": "deaths", "path": "d/死亡人员.csv", "sha256": "ab", "rows": 3}])


def _run(run_id, day, policy):
    return {"run_id": run_id, "started_at": datetime(2026, 10, day, 9),
            "finished_at": datetime(2026, 10, day, 10), "as_of": date(2026, 9, 30),
            "inputs": FILES, "settings": json.dumps({"threshold": 0.9}),
            "policy": json.dumps({"name": policy, "death_grace_months": len(policy)}),
            "policy_name": policy, "policy_version": 1}  # fmt: skip


def _case(case_id, run_id, score=0.9, resolved=None, evidence=()):
    return {"case_id": case_id, "case_type": "deceased_paid", "risk_score": score,
            "amount_at_risk": 10500.0, "township": "东乡", "village": "东村",
            "person_ids": ["p1"], "run_id": run_id, "first_run": "r-1",
            "resolved_run": resolved, "records": "[]", "evidence": json.dumps(list(evidence)),
            "detail": json.dumps({"rows": [], "links": [], "graph": {}})}  # fmt: skip


def _decision(event_id, case_id, to_status, day):
    return {"event_id": event_id, "case_id": case_id, "actor": "审计员甲", "role": "auditor",
            "recorded_at": datetime(2026, 10, day, 12), "from_status": "in_review",
            "to_status": to_status, "note": None, "reason": "核实", "kind": "decision"}  # fmt: skip


def _retuned() -> Published:
    """r-1, then r-2 on the same files under a lenient policy: a scored again, b no longer
    raised (the rules), c first raised, d confirmed and e dismissed after r-2, f unchanged,
    g carried by r-2 unjudged."""
    first = [_case(name, "r-1") for name in "abdefg"]
    second = [_case("a", "r-2", 0.95), _case("c", "r-2"), *(_case(n, "r-2") for n in "def"),
              _case("g", "r-2", evidence=[CARRIED_NOTE])]  # fmt: skip
    latest = [*second, _case("b", "r-1", resolved="r-2")]
    events = [_decision(1, "d", "confirmed", 3), _decision(2, "e", "dismissed", 4)]
    runs = [_run("r-1", 1, "默认"), _run("r-2", 2, "宽松口径") | {"as_of": date(2026, 10, 31)}]
    return Published(latest, first + second, events, [], [], runs)


def test_changes_since_a_run_say_new_changed_and_gone_with_why_and_which_run():
    published = _retuned()
    found = {case["case_id"]: case for case in published.feed_changes(datetime(2026, 10, 1, 10))}
    assert {name: case["change"] for name, case in found.items()} == {
        "a": "changed", "b": "gone", "c": "new", "d": "gone", "e": "gone"}  # fmt: skip
    assert (found["a"]["previous_risk_score"], found["a"]["risk_score"]) == (0.9, 0.95)
    gone = {name: (found[name]["gone_reason"], found[name]["gone_label"], found[name]["gone_at"])
            for name in "bde"}  # fmt: skip
    assert gone == {
        "b": ("rules", "政策或阈值调整（运行 r-2）", datetime(2026, 10, 2, 10)),
        "d": ("confirmed", "核实属实", datetime(2026, 10, 3, 12)),
        "e": ("dismissed", "核实不属实", datetime(2026, 10, 4, 12)),
    }
    # after the decisions: nothing left to say of d and e
    later = published.feed_changes(datetime(2026, 10, 5))
    assert later == []


def test_an_amount_is_as_of_the_month_of_the_run_that_judged_it_not_one_that_carried_it():
    published = _retuned()
    assert published.amount_as_of(published.cases["a"]) == "2026-10"
    assert published.amount_as_of(published.cases["g"]) == "2026-09"


@pytest.mark.slow
def test_a_consumer_pulls_changes_since_the_run_it_pulled_and_since_its_last_pull(monthly_county):
    earlier, latest = monthly_county["runs"]
    expected = monthly_county["expected"]
    with client(monthly_county, "consumer") as consumer:
        export = consumer.get("/api/scores/export", params={"limit": 5}).json()
        assert export["run_id"] == latest and export["feed_at"]
        item = export["items"][0]
        assert item["amount_as_of"] and item["first_raised"]
        changes = consumer.get("/api/scores/changes", params={"since": earlier, "limit": 1})
        pages = [changes.json()]
        while pages[-1]["next_after"]:
            params = {"since": earlier, "limit": 1, "after": pages[-1]["next_after"]}
            pages.append(consumer.get("/api/scores/changes", params=params).json())
        items = [item for page in pages for item in page["items"]]
        assert pages[0]["total"] == len(items)
        new = sorted(item["case_id"] for item in items if item["change"] == "new")
        gone = [item for item in items if item["change"] == "gone"]
        assert new == sorted(expected["new_ids"])
        assert sorted(item["case_id"] for item in gone) == sorted(expected["resolved_ids"])
        assert {(item["gone_reason"], item["gone_run_id"]) for item in gone} == {("data", latest)}
        assert all("name" not in item and "id_number" not in item for item in items)
        pulled = export["feed_at"]
        decided = expected["open_ids"][1]
        with client(monthly_county, "auditor") as auditor:
            for to_status in ("in_review", "confirmed"):
                body = {"to_status": to_status, "note": "核查"}
                answer = auditor.post(f"/api/cases/{decided}/decisions", json=body)
                assert answer.status_code == 201
        since_pull = consumer.get("/api/scores/changes", params={"since": pulled}).json()
        assert [(item["case_id"], item["change"], item["gone_reason"], item["gone_label"])
                for item in since_pull["items"]] == [(decided, "gone", "confirmed", "核实属实")]  # fmt: skip
        refused = consumer.get("/api/scores/changes", params={"since": "上周"})
        assert refused.status_code == 422 and "since" in refused.json()["detail"]


def test_cases_jsonl_writes_the_score_the_api_serves_unrounded():
    case = Case("deceased_paid", [("deaths", "D1")], ["p1"], 10500.0, [])
    assert case.scored(0.9923076922213662, []).as_contract()["risk_score"] == 0.9923076922213662


def test_a_since_whose_zone_takes_it_past_any_date_is_refused_not_a_server_error():
    published = _retuned()
    for since in ("9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+14:00", "上周"):
        with pytest.raises(HTTPException) as refused:
            _moment(published, since)
        assert refused.value.status_code == 422 and "since" in refused.value.detail
    assert _moment(published, "r-2") == datetime(2026, 10, 2, 10)


def test_a_cases_detail_names_each_change_of_its_amount_from_run_to_run():
    """A colluding insider (a blind tester, 2026-12-08) moved a death date a year on in next
    month's drop: the lead stayed open, its money cut from 8,100 to 630 元, and nothing on
    the case said so. Its detail now names each change, run by run."""
    runs = [_run("r-1", 1, "默认"), _run("r-2", 2, "默认"), _run("r-3", 3, "默认")]
    first, second, third = (_case("a", run) for run in ("r-1", "r-2", "r-3"))
    second["amount_at_risk"] = third["amount_at_risk"] = 630.0
    published = Published([third, _case("b", "r-3")], [first, second, third,
                          *(_case("b", run) for run in ("r-1", "r-2", "r-3"))], [], [], [], runs)  # fmt: skip
    assert published.case("a")["amount_changes"] == [
        {"run_id": "r-2", "before": 10500.0, "after": 630.0}
    ]
    assert published.case("b")["amount_changes"] == []
