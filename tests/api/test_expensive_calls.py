"""Expensive calls on demand (issue 18): a what-if's threshold is rounded to 0.0001 and its
answer kept, triage is kept until the next decision, and one computation runs at a time:
the others get 429 with ``Retry-After`` at once instead of queueing; kept answers are given
even while a computation runs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.analysis import BusyError, OneAtATime, quantised
from tests.api.served import client

pytestmark = pytest.mark.slow


def _blocked(gate: OneAtATime, kind: str, pool: ThreadPoolExecutor):
    """A computation of ``kind`` running in ``pool`` until the returned event is set."""
    entered, release = threading.Event(), threading.Event()

    def slow() -> str:
        entered.set()
        assert release.wait(10)
        return kind

    running = pool.submit(gate.run, kind, slow)
    assert entered.wait(10) and gate.busy
    return running, release


def test_one_computation_at_a_time_the_others_told_when_to_come_back():
    now = [100.0]
    gate = OneAtATime(first_guess=5.0, clock=lambda: now[0])
    assert gate.run("what_if", lambda: now.__setitem__(0, now[0] + 10.0) or "first") == "first"
    with ThreadPoolExecutor(1) as pool:
        running, release = _blocked(gate, "what_if", pool)
        now[0] += 3.0  # 3 s into a what-if, which took 10 s last time
        for kind in ("what_if", "triage"):
            with pytest.raises(BusyError) as busy:
                gate.run(kind, lambda: "refused")
            assert (busy.value.kind, busy.value.retry_after) == ("busy", 7)
        release.set()
        assert running.result(10) == "what_if"
        assert gate.run("what_if", lambda: "free again") == "free again"

        running, release = _blocked(gate, "triage", pool)  # never timed: the first guess
        now[0] += 3.0
        with pytest.raises(BusyError) as busy:
            gate.run("what_if", lambda: "refused")
        assert busy.value.retry_after == 2
        now[0] += 30.0  # running longer than expected: "soon", never 0
        with pytest.raises(BusyError) as late:
            gate.run("what_if", lambda: "refused")
        assert late.value.retry_after == 1
        release.set()
        assert running.result(10) == "triage"
    assert not gate.busy


def test_a_failed_computation_frees_the_gate():
    gate = OneAtATime()
    with pytest.raises(ZeroDivisionError):
        gate.run("what_if", lambda: 1 / 0)
    assert not gate.busy and gate.run("what_if", lambda: 2) == 2


def _burst(http, thresholds: list[float]) -> list:
    """Ask what-ifs at ``thresholds`` all at once (each caller released together)."""
    start = threading.Barrier(len(thresholds))

    def ask(threshold: float):
        start.wait()
        return http.get("/api/what-if", params={"threshold": threshold, "limit": 1})

    with ThreadPoolExecutor(len(thresholds)) as pool:
        return list(pool.map(ask, thresholds))


def test_what_ifs_are_rounded_kept_and_computed_one_at_a_time(county):
    with client(county, "analyst") as http:
        first = http.get("/api/what-if", params={"threshold": 0.93491})
        assert first.status_code == 200 and first.json()["threshold"] == 0.9349
        same = http.get("/api/what-if", params={"threshold": 0.9349})
        assert same.json() == first.json()
        # While an uncached threshold is computed, a kept one is answered, the rest are told
        # to come back; the burst is repeated (at new thresholds) should the scheduler let
        # one computation finish before the others arrive.
        for attempt in range(3):
            fresh = [0.70 + attempt * 0.05 + step * 0.01 for step in range(4)]
            answers = _burst(http, [0.93489, *fresh])
            assert answers[0].status_code == 200 and answers[0].json() == first.json()
            codes = [answer.status_code for answer in answers[1:]]
            assert set(codes) <= {200, 429} and 200 in codes
            if 429 in codes:
                break
        else:
            pytest.fail("no what-if was refused while another was computed")
        for answer in answers[1:]:
            if answer.status_code == 429:
                assert int(answer.headers["retry-after"]) >= 1
                assert "detail" in answer.json()
        # a refused threshold is computed when asked again
        refused = next(t for t, a in zip(fresh, answers[1:], strict=True) if a.status_code == 429)
        again = http.get("/api/what-if", params={"threshold": refused})
        assert again.status_code == 200 and again.json()["threshold"] == quantised(refused)
        documented = http.get("/openapi.json").json()["paths"]["/api/what-if"]["get"]
    assert "429" in documented["responses"]
    threshold = next(p for p in documented["parameters"] if p["name"] == "threshold")
    assert "0.0001" in threshold["description"]


def test_triage_is_kept_until_the_next_decision(county):
    with client(county, "analyst") as http:
        before = http.get("/api/triage").json()
        assert http.get("/api/triage").json() == before
    with client(county, "auditor") as http:
        case_id = before["items"][0]["case_id"]
        path = f"/api/cases/{case_id}/decisions"
        assert http.post(path, json={"to_status": "in_review"}).status_code == 201
        assert http.post(path, json={"to_status": "confirmed"}).status_code == 201
    with client(county, "analyst") as http:
        after = http.get("/api/triage").json()
    assert after["decisions"] == before["decisions"] + 1 and after["confirmed"] == 1
    assert case_id not in {item["case_id"] for item in after["items"]}
