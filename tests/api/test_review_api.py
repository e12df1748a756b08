"""The review API over real HTTP, against a uvicorn server the tests start on a run of a
small synthetic county."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.reading import read_grids
from resolver.settings import LinkSettings
from tests.api.served import client

pytestmark = pytest.mark.slow
MASKED = re.compile(r"^\d{6}\*{8}[\dX]{4}$")


def all_cases(http: httpx.Client, **params) -> list[dict]:
    items, offset = [], 0
    while True:
        page = http.get("/api/cases", params=params | {"offset": offset, "limit": 7}).json()
        items += page["items"]
        offset += 7
        if offset >= page["total"]:
            return items


def test_filters_and_totals(county):
    with client(county, "auditor") as http:
        everything = http.get("/api/cases", params={"limit": 500}).json()
        assert everything["total"] == len(everything["items"]) > 15
        for case_type in ("deceased_paid", "duplicate_enrollment", "missed_disability"):
            page = http.get("/api/cases", params={"case_type": case_type, "limit": 500}).json()
            expected = [c for c in everything["items"] if c["case_type"] == case_type]
            assert page["total"] == len(expected) > 0
            assert {c["case_type"] for c in page["items"]} == {case_type}
        township = everything["items"][0]["township"]
        page = http.get("/api/cases", params={"township": township, "limit": 500}).json()
        assert page["total"] == sum(c["township"] == township for c in everything["items"])
        high = http.get("/api/cases", params={"min_score": 0.98, "limit": 500}).json()
        assert all(c["risk_score"] >= 0.98 for c in high["items"])
        scores = [c["risk_score"] for c in everything["items"]]
        assert scores == sorted(scores, reverse=True)


def test_pagination_covers_every_case_once(county):
    with client(county, "auditor") as http:
        total = http.get("/api/cases").json()["total"]
        paged = all_cases(http, sort="case_id")
        assert len(paged) == total == len({c["case_id"] for c in paged})
        assert [c["case_id"] for c in paged] == sorted(c["case_id"] for c in paged)


def test_detail_holds_what_a_reviewer_checks(county):
    with client(county, "auditor") as http:
        case = http.get("/api/cases", params={"case_type": "deceased_paid"}).json()["items"][0]
        detail = http.get(f"/api/cases/{case['case_id']}").json()
        registries = {row["registry"] for row in detail["rows"]}
        assert {"assistance", "deaths"} <= registries
        assert detail["evidence"] and detail["records"][0]["registry"] == "assistance"
        assert detail["graph"]["nodes"] and detail["graph"]["edges"]
        for link in detail["links"]:
            assert 0 < link["probability"] <= 1 and link["comparisons"]
        assert http.get("/api/cases/c-doesnotexist").status_code == 404


def test_decisions_follow_the_workflow_and_keep_their_history(county):
    with client(county, "auditor") as http:
        case_id = http.get("/api/cases", params={"case_type": "split_household"}).json()[
            "items"][0]["case_id"]  # fmt: skip
        post = lambda body: http.post(f"/api/cases/{case_id}/decisions", json=body)  # noqa: E731
        assert post({"to_status": "confirmed"}).status_code == 409  # not from open
        assert post({"to_status": "in_review", "note": "开始核查"}).status_code == 201
        assert post({"to_status": "dismissed"}).status_code == 422  # no reason
        stale = post({"to_status": "confirmed", "expected_status": "open"})
        assert stale.status_code == 409
        done = post({"to_status": "dismissed", "reason": "户籍已分户，属正常", "note": "入户核实"})
        assert done.status_code == 201
        history = http.get(f"/api/cases/{case_id}/history").json()
        assert [(e["from_status"], e["to_status"]) for e in history] == [
            ("open", "in_review"), ("in_review", "dismissed")]  # fmt: skip
        assert history[1]["reason"] == "户籍已分户，属正常" and history[1]["actor"] == "auditor-1"
        listed = http.get("/api/cases", params={"status": "dismissed"}).json()["items"]
        assert case_id in {c["case_id"] for c in listed}
    with client(county, "analyst") as http:
        assert http.post(f"/api/cases/{case_id}/decisions",
                         json={"to_status": "in_review"}).status_code == 403  # fmt: skip


def test_roles_and_masking(county):
    anonymous = httpx.get(f"{county['server'].url}/api/cases")
    assert anonymous.status_code == 401
    bad = httpx.get(f"{county['server'].url}/api/cases", headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401
    with client(county, "consumer") as http:
        assert http.get("/api/cases").status_code == 403
        assert http.get("/api/tokens").status_code == 403
    with client(county, "auditor") as auditor, client(county, "analyst") as analyst:
        case_id = auditor.get("/api/cases").json()["items"][0]["case_id"]
        full = [r["id_number"] for r in auditor.get(f"/api/cases/{case_id}").json()["rows"]
                if r.get("id_number") and len(r["id_number"]) == 18]  # fmt: skip
        shown = [r["id_number"] for r in analyst.get(f"/api/cases/{case_id}").json()["rows"]
                 if r.get("id_number")]  # fmt: skip
        assert full and not any(MASKED.match(value) for value in full)
        assert shown and all(MASKED.match(value) for value in shown)
        assert analyst.get("/api/runs").status_code == 200
        assert auditor.get("/api/access-log").status_code == 403


def _own_id_rows(rows: list[dict]) -> list[dict]:
    """Assistance rows whose valid ID another registry's row of the same person repeats (not
    a relative's ID typed into the row)."""
    return [
        row for row in rows
        if row["registry"] == "assistance" and row["id_number_status"] == "valid"
        and any(other["registry"] != "assistance" and other["person_id"] == row["person_id"]
                and other["id_number"] == row["id_number"] for other in rows)
    ]  # fmt: skip


def test_scores_for_consumers_are_masked_and_lookups_logged(county):
    with client(county, "auditor") as auditor:
        listed = auditor.get("/api/cases", params={"case_type": "deceased_paid"}).json()["items"]
        case, id_number = next(
            (case, row["id_number"])
            for case in listed
            for row in _own_id_rows(auditor.get(f"/api/cases/{case['case_id']}").json()["rows"])
        )
    with client(county, "consumer") as http:
        person = http.get(f"/api/scores/id-numbers/{id_number}")
        assert person.status_code == 200
        body = person.json()
        assert MASKED.match(body["id_number"])
        assert case["case_id"] in {c["case_id"] for c in body["cases"]}
        assert body["risk_score"] >= case["risk_score"]
        by_id = http.get(f"/api/scores/persons/{body['person_id']}").json()
        assert by_id["cases"] == body["cases"]
        assert http.get(f"/api/scores/cases/{case['case_id']}").json()["risk_score"] == case[
            "risk_score"]  # fmt: skip
        assert http.get("/api/scores/id-numbers/110105190001011234").status_code == 404
        exported, after = [], None
        while True:
            page = http.get("/api/scores/export", params={"limit": 9, "after": after}).json()
            exported += page["items"]
            after = page["next_after"]
            if after is None:
                break
        assert len(exported) == page["total"] == len({i["case_id"] for i in exported})
    with client(county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 500}).json()["items"]
        actions = {(e["actor"], e["action"], e["target"]) for e in entries}
        assert ("auditor-1", "read_case", case["case_id"]) in actions
        masked_id = id_number[:6] + "*" * 8 + id_number[-4:]
        assert ("consumer-1", "score_by_id_number", masked_id) in actions


def test_fifty_reviewers_at_once_are_all_stored(county):
    with client(county, "auditor") as http:
        open_cases = [c["case_id"] for c in all_cases(http, status="open",
                                                      case_type="missed_disability")]  # fmt: skip
        before = {cid: len(http.get(f"/api/cases/{cid}/history").json()) for cid in open_cases}

    def note(index: int) -> int:
        with client(county, "auditor2" if index % 2 else "auditor") as reviewer:
            case_id = open_cases[index % len(open_cases)]
            body = {"to_status": "open", "note": f"第{index}条备注"}
            return reviewer.post(f"/api/cases/{case_id}/decisions", json=body).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(note, range(50)))
    assert codes == [201] * 50
    with client(county, "auditor") as http:
        after = {cid: http.get(f"/api/cases/{cid}/history").json() for cid in open_cases}
    assert sum(len(events) - before[cid] for cid, events in after.items()) == 50
    notes = {e["note"] for events in after.values() for e in events}
    assert {f"第{i}条备注" for i in range(50)} <= notes


def _remove_death_notice(drop: Path, record_id: str) -> None:
    """Rewrite the deaths file without one notice (as UTF-8 CSV with the same headers)."""
    [path] = [p for p in drop.iterdir() if p.stem in ("deaths", "死亡人员")]
    [grid] = read_grids(path)
    header, *rows = zip(*(column.to_pylist() for column in grid.columns), strict=True)
    position = header.index(next(h for h in header if h in ("记录编号", "record_id")))
    kept = [row for row in rows if row[position] != record_id]
    path.unlink()
    with (drop / "deaths.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *kept])


def test_decisions_carry_over_a_new_run_and_data_resolves_a_case(county):
    with client(county, "auditor") as http:
        deaths = http.get("/api/cases", params={"case_type": "deceased_paid", "limit": 500}
                          ).json()["items"]  # fmt: skip
        kept, gone = deaths[0]["case_id"], deaths[1]["case_id"]
        for case_id in (kept, gone):
            http.post(f"/api/cases/{case_id}/decisions", json={"to_status": "in_review"})
        gone_rows = http.get(f"/api/cases/{gone}").json()["rows"]
    notices = [row["record_id"] for row in gone_rows if row["registry"] == "deaths"]
    county["server"].stop()
    for record_id in notices:
        _remove_death_notice(county["drop"], record_id)
    second = run_pipeline(county["drop"], county["out"] / "run2", policy=load_policy(),
                          settings=LinkSettings(), db_path=county["db"])  # fmt: skip
    county["server"].start()
    with client(county, "auditor") as http:
        assert http.get("/api/health").json()["published_run"] == second.run_id
        carried = http.get(f"/api/cases/{kept}").json()
        assert carried["status"] == "in_review" and carried["run_id"] == second.run_id
        resolved = http.get(f"/api/cases/{gone}").json()
        assert resolved["resolved_by_data"] and resolved["status"] == "in_review"
        assert [e["to_status"] for e in resolved["history"]] == ["in_review"]
        listed = {c["case_id"] for c in all_cases(http, status="resolved")}
        assert gone in listed and kept not in listed
        assert gone not in {c["case_id"] for c in all_cases(http)}


def test_a_run_killed_halfway_leaves_the_published_run_intact(county):
    with client(county, "auditor") as http:
        published = http.get("/api/health").json()["published_run"]
        total = http.get("/api/cases").json()["total"]
    county["server"].stop()
    command = [sys.executable, "-m", "api", "-v", "run", str(county["drop"]),
               "--out", str(county["out"] / "killed"), "--db", str(county["db"])]  # fmt: skip
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                           env=os.environ | {"PYTHONUNBUFFERED": "1"})  # fmt: skip
    for line in run.stderr:
        if ": link" in line:  # ingest has replaced the drop's tables: kill it mid-run
            run.kill()
            break
    assert run.wait(timeout=60) == -signal.SIGKILL
    county["server"].start()
    with client(county, "auditor") as http:
        assert http.get("/api/health").json()["published_run"] == published
        assert http.get("/api/cases").json()["total"] == total
        case_id = http.get("/api/cases").json()["items"][0]["case_id"]
        assert http.get(f"/api/cases/{case_id}").json()["rows"]
        statuses = {r["run_id"]: r["status"] for r in http.get("/api/runs").json()}
    assert statuses[published] == "published"
    assert list(statuses.values()).count("running") == 1


def test_fuzzing_the_schema_finds_no_server_error(county):
    """Schemathesis generates requests for every operation of the OpenAPI schema; none may
    get a 5xx, whichever role asks."""
    schema = schemathesis.openapi.from_url(f"{county['server'].url}/openapi.json")
    headers = [{"Authorization": f"Bearer {county['tokens'][role]}"}
               for role in ("auditor", "admin", "consumer")]  # fmt: skip
    failures, calls = [], []

    @given(data=st.data())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    def exercise(operation, data):
        case = data.draw(operation.as_strategy())
        for header in headers:
            response = case.call(base_url=county["server"].url, headers=header)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, response.text[:200]))

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        exercise(operation)
    assert not failures
    assert len(calls) > 100 and any(code < 300 for code in calls)
