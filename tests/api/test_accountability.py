"""No role makes a lead disappear without a trace, over real HTTP against a served county:
a lead confirmed (属实) that next month's data resolves stays counted with its money and says
which record left; a label that agreed with the linking is not blamed for a lead a deleted
death notice ended; every decision, assignment and label keeps the token it was made with and
is written to the access log."""

from __future__ import annotations

import io
import shutil
from contextlib import closing

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.serving import log_cli_job
from api.ledgers import SUMMARY_COLUMNS
from api.published import CONFIRMED_RESOLVED_LABEL
from models.pipeline import update_pipeline
from resolver.db import connect
from tests.api.conftest import _drop_without
from tests.api.served import client

pytestmark = pytest.mark.slow


def _verify(db):
    return CliRunner().invoke(app, ["audit", "verify", "--db", str(db)])


def _death_cases(http) -> list[dict]:
    """Open 死亡后仍发放 leads with an amount, each with its death notices, no two sharing
    one."""
    listed = http.get("/api/cases", params={"case_type": "deceased_paid", "limit": 500}).json()
    chosen, seen = [], set()
    for item in listed["items"]:
        detail = http.get(f"/api/cases/{item['case_id']}").json()
        notices = {row["record_id"] for row in detail["rows"] if row["registry"] == "deaths"}
        if item["amount_at_risk"] and notices and not notices & seen:
            chosen.append(detail | {"notices": notices})
            seen |= notices
    return chosen


def _agreeing_pair(detail: dict) -> tuple[str, str]:
    """A death notice and a roster row of the case linked as one person."""
    rows = detail["rows"]
    notice = next(row for row in rows if row["registry"] == "deaths" and row["person_id"])
    roster = next(row for row in rows if row["registry"] == "assistance"
                  and row["person_id"] == notice["person_id"])  # fmt: skip
    return notice["unique_id"], roster["unique_id"]


def _summary_total(http) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(http.get("/api/ledgers/summary.xlsx").content))
    total = next(row for row in book.active.iter_rows(values_only=True) if row[0] == "合计")
    return dict(zip(SUMMARY_COLUMNS, total, strict=True))


def _ledger_statuses(http, case_type: str) -> dict[str, str]:
    """疑点编号 -> 核查状态 over every sheet of a 摸排台账."""
    book = openpyxl.load_workbook(io.BytesIO(http.get(f"/api/ledgers/{case_type}.xlsx").content))
    found = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = next((row for row in rows if row and "疑点编号" in row), None)
        if header is None:
            continue
        at, status = header.index("疑点编号"), header.index("核查状态")
        found |= {row[at]: row[status] for row in rows[rows.index(header) + 1 :] if row[at]}
    return found


def test_a_confirmed_lead_resolved_by_data_stays_counted_and_no_harmless_label_is_blamed(county):
    with client(county, "auditor") as http:
        confirmed, labelled = _death_cases(http)[:2]
        for to_status in ("in_review", "confirmed"):
            answer = http.post(f"/api/cases/{confirmed['case_id']}/decisions",
                               json={"to_status": to_status, "note": "入户核实已死亡"})  # fmt: skip
            assert answer.status_code == 201
        before = _summary_total(http)
    left, right = _agreeing_pair(labelled)
    with client(county, "analyst") as http:
        agreeing = http.post(f"/api/cases/{labelled['case_id']}/link-labels",
                             json={"left": left, "right": right, "same_person": True})  # fmt: skip
        assert agreeing.status_code == 201 and agreeing.json()["pending"] is False
    county["server"].stop()
    drop = _drop_without(county["drop"], county["out"] / "next-month",
                         confirmed["notices"] | labelled["notices"])  # fmt: skip
    update_pipeline(drop, county["db"], county["out"] / "updated")
    county["server"].start()
    with client(county, "auditor") as http:
        kept = http.get(f"/api/cases/{confirmed['case_id']}").json()
        assert kept["resolved_by_data"] and kept["status"] == "confirmed"
        assert kept["status_label"] == "属实（后续数据中依据已不再出现）"
        notices = "、".join(f"死亡人员 {notice}" for notice in sorted(confirmed["notices"]))
        assert kept["resolution"]["reason"] == (
            f"已核实属实；后续数据中该疑点的依据已不再出现：{notices}"
        )
        listed = http.get("/api/cases", params={"status": "confirmed", "limit": 500}).json()
        assert confirmed["case_id"] in {item["case_id"] for item in listed["items"]}
        assert http.get("/api/overview").json()["by_status"]["confirmed"] == 1
        after = _summary_total(http)
        assert after["属实"] == before["属实"] == 1
        assert after["属实疑点涉及金额（元）"] == before["属实疑点涉及金额（元）"]
        assert after["属实疑点涉及金额（元）"] == confirmed["amount_at_risk"]
        ledger = _ledger_statuses(http, "deceased_paid")
        assert ledger[confirmed["case_id"]] == CONFIRMED_RESOLVED_LABEL
        gone = http.get(f"/api/cases/{labelled['case_id']}").json()
        assert gone["resolved_by_data"] and gone["resolution"]["labels"] == []
        assert "标注" not in gone["resolution"]["reason"]
        assert all(f"死亡人员 {notice}" in gone["resolution"]["reason"]
                   for notice in labelled["notices"])  # fmt: skip
        assert labelled["case_id"] not in _ledger_statuses(http, "deceased_paid")
        # a reviewer reopening the confirmed lead lets it go with the data
        reopened = http.post(f"/api/cases/{confirmed['case_id']}/decisions",
                             json={"to_status": "in_review", "reason": "复核"})  # fmt: skip
        assert reopened.status_code == 201
        listed = http.get("/api/cases", params={"status": "confirmed", "limit": 500}).json()
        assert confirmed["case_id"] not in {item["case_id"] for item in listed["items"]}
        assert _summary_total(http)["属实"] == 0


def test_every_write_keeps_its_token_and_is_in_the_access_log(county):
    with client(county, "admin") as http:
        first, second = (http.post("/api/tokens", json={"name": "同名审计员", "role": "auditor"}
                                   ).json() for _ in range(2))  # fmt: skip
        minted = {
            token["token_id"]: token["created_by"] for token in http.get("/api/tokens").json()
        }
    assert first["name"] == second["name"] and first["token_id"] != second["token_id"]
    assert minted[second["token_id"]].startswith("admin")  # the admin who minted it, and its id
    county["tokens"]["twin"] = second["token"]
    with client(county, "auditor") as http:
        case = _death_cases(http)[0]
    path = f"/api/cases/{case['case_id']}"
    left, right = _agreeing_pair(case)
    with client(county, "twin") as http:
        decided = http.post(f"{path}/decisions", json={"to_status": "in_review"})
        dismissed = http.post(f"{path}/decisions",
                              json={"to_status": "dismissed", "reason": "经核实在世"})  # fmt: skip
        assigned = http.post(f"{path}/assignments",
                             json={"assignee": "李四", "due_date": "2099-01-01"})  # fmt: skip
        labelled = http.post(f"{path}/link-labels",
                             json={"left": left, "right": right, "same_person": True})  # fmt: skip
        assert {answer.status_code for answer in (decided, dismissed, assigned, labelled)} == {201}
        history = http.get(f"{path}/history").json()
    assert [(event["kind"], event["actor"], event["token_id"]) for event in history] == [
        ("decision", "同名审计员", second["token_id"]),
        ("decision", "同名审计员", second["token_id"]),
        ("assignment", "同名审计员", second["token_id"]),
        ("link_label", "同名审计员", second["token_id"])]  # fmt: skip
    # an admin may mint a token in an auditor's name: each event says who minted its token
    assert {event["token_created_by"] for event in history} == {minted[second["token_id"]]}
    with client(county, "admin") as http:
        log = http.get("/api/access-log", params={"limit": 500}).json()["items"]
    writes = [(entry["action"], entry["token_id"]) for entry in log
              if case["case_id"] in entry["target"] and entry["action"].startswith("record_")]  # fmt: skip
    assert sorted(writes) == sorted([("record_decision", second["token_id"])] * 2 + [
        ("record_assignment", second["token_id"]),
        ("record_link_label", second["token_id"])])  # fmt: skip
    dismissal = next(entry for entry in log if entry["action"] == "record_decision"
                     and f"事件 {dismissed.json()['event_id']}（封存 " in entry["target"])  # fmt: skip
    assert dismissal["target"].endswith("in_review→dismissed")


def test_verify_finds_events_labels_and_leads_changed_in_the_file(county, tmp_path):
    with client(county, "auditor") as http:
        case = _death_cases(http)[1]
        path = f"/api/cases/{case['case_id']}"
        left, right = _agreeing_pair(case)
        for body in ({"to_status": "in_review"}, {"to_status": "confirmed", "note": "已核实"}):
            assert http.post(f"{path}/decisions", json=body).status_code == 201
        assert http.post(f"{path}/link-labels",
                         json={"left": left, "right": right, "same_person": True}
                         ).status_code == 201  # fmt: skip
    county["server"].stop()
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(county["db"], copy)
    county["server"].start()
    with closing(connect(copy)) as con:  # this module's earlier tests may have run another
        runs = [run for (run,) in con.execute("SELECT run_id FROM runs WHERE status = "
                                              "'published' ORDER BY finished_at").fetchall()]  # fmt: skip
    for run in runs:
        log_cli_job(copy, "run_drop", "drop", run_id=run)  # as `doudi run` logs its run
    verified = _verify(copy)
    assert verified.exit_code == 0, verified.output
    assert (
        "均与访问日志中的封存相符" in verified.output and f"{len(runs)} 次运行" in verified.output
    )
    con = connect(copy)
    events = [row[0] for row in con.execute("SELECT event_id FROM case_events WHERE case_id = ? "
                                            "ORDER BY event_id", [case["case_id"]]).fetchall()]  # fmt: skip
    label = con.execute("SELECT max(label_id) FROM link_labels").fetchone()[0]
    con.execute("UPDATE case_events SET note = '经核实在世' WHERE event_id = ?", [events[1]])
    con.execute("DELETE FROM case_events WHERE event_id = ?", [events[0]])
    con.execute("UPDATE link_labels SET same_person = false WHERE label_id = ?", [label])
    con.execute("INSERT INTO case_events (case_id, actor, role, recorded_at, from_status, "
                "to_status, reason, kind) VALUES (?, 'auditor-1', 'auditor', now(), "
                "'confirmed', 'dismissed', '伪造', 'decision')", [case["case_id"]])  # fmt: skip
    forged = con.execute("SELECT max(event_id) FROM case_events").fetchone()[0]
    con.execute("DELETE FROM published_cases WHERE run_id = ? AND case_id = ?",
                [county["run_id"], case["case_id"]])  # fmt: skip
    # a run published after the sealed one that the log never sealed (a command killed right
    # after publishing, or a run written past Doudi): until 2026-12-07 (night) unseen
    con.execute("INSERT INTO runs (run_id, status, started_at, finished_at) "
                "VALUES ('r-unsealed', 'published', now(), now() + INTERVAL 1 MINUTE)")  # fmt: skip
    con.close()
    verified = _verify(copy)
    assert verified.exit_code == 1
    problems = {line.split("：", 1)[1] for line in verified.output.splitlines()
                if line.startswith("核查记录被改动")}  # fmt: skip
    assert problems == {
        f"核查事件 {events[1]} 与访问日志记下的封存不符（被改动）",
        f"访问日志记下的核查事件 {events[0]} 已不在数据库中（被删除）",
        f"关联标注 {label} 与访问日志记下的封存不符（被改动）",
        f"核查事件 {forged} 不见于访问日志（未经服务写入数据库，或服务在记入日志前中断，如强制结束、断电）",
        f"运行 {county['run_id']} 发布的疑点与发布时的封存不符（疑点被删除、添加或改动）",
        "运行 r-unsealed 已发布，但访问日志中没有其封存（发布后中断，或未经兜底写入）：疑点无法核对",
    }
    assert "访问日志完好" in verified.output  # the log itself was not touched
