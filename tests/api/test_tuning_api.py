"""Analysts' tools over HTTP: the what-if of a threshold, reviewers' link labels (kept across
re-runs and followed by the next run), and triage learned from decisions."""

from __future__ import annotations

import pytest

from api.reviews import label_may_end_lead
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.settings import LinkSettings
from tests.api.served import client

RUN_THRESHOLD = LinkSettings().threshold


def _death_case_and_link(http):
    """A deceased_paid case resting on one death notice, and one of its links between the
    notice and another row with the same valid ID number."""
    cases = http.get("/api/cases", params={"case_type": "deceased_paid", "limit": 500}).json()
    for summary in cases["items"]:
        detail = http.get(f"/api/cases/{summary['case_id']}").json()
        if sum(row["registry"] == "deaths" for row in detail["rows"]) != 1:
            continue
        ids = {row["unique_id"]: row for row in detail["rows"]
               if row.get("id_number_status") == "valid"}  # fmt: skip
        for link in detail["links"]:
            ends = (link["left"], link["right"])
            if (sum(end.startswith("deaths:") for end in ends) == 1 and set(ends) <= set(ids)
                    and ids[ends[0]]["id_number"] == ids[ends[1]]["id_number"]):  # fmt: skip
                return detail, ends
    raise AssertionError("no death case with a link to its death notice")


def test_what_if_at_the_runs_own_threshold_changes_nothing(county):
    with client(county, "analyst") as http:
        found = http.get("/api/what-if", params={"threshold": RUN_THRESHOLD}).json()
        assert found["run_id"] == county["run_id"]
        assert found["current_threshold"] == RUN_THRESHOLD
        counts = {row["case_type"]: row for row in found["counts"]}
        total = http.get("/api/cases").json()["total"]
        assert sum(row["current"] for row in counts.values()) == total
        assert all(row["proposed"] == row["current"] for row in counts.values())
        assert found["appear"] == [] and found["disappear"] == []
        too_low = http.get("/api/what-if", params={"threshold": 0.2})
        assert too_low.status_code == 422 and "0.5" in too_low.json()["detail"]
    with client(county, "consumer") as http:
        assert http.get("/api/what-if", params={"threshold": 0.9}).status_code == 403
    with client(county, "admin") as http:
        entries = http.get("/api/access-log", params={"limit": 500}).json()["items"]
    assert ("analyst-1", "what_if", f"threshold={RUN_THRESHOLD}") in {
        (e["actor"], e["action"], e["target"]) for e in entries}  # fmt: skip


def test_a_strict_what_if_is_answered_at_the_threshold_asked(county):
    with client(county, "analyst") as http:
        strict = http.get("/api/what-if", params={"threshold": 0.999}).json()
    assert strict["threshold"] == 0.999
    assert len(strict["disappear"]) < sum(row["current"] for row in strict["counts"])


def test_a_label_parting_an_open_case_needs_two_auditors_and_the_case_says_why_it_went(county):
    """The issue's attack: an analyst labels the rows of a deceased_paid case "not the same
    person" so that the next run drops it. An analyst may not; two rows with one valid ID
    need two auditors; and the case, once resolved, names the label and who made it."""
    with client(county, "auditor") as http:
        case, (left, right) = _death_case_and_link(http)
    path = f"/api/cases/{case['case_id']}/link-labels"
    with client(county, "analyst") as http:
        refused = http.post(path, json={"left": left, "right": right, "same_person": False})
        assert refused.status_code == 403 and "审计员" in refused.json()["detail"]
        agreeing = http.post(path, json={"left": left, "right": right, "same_person": True})
        assert agreeing.status_code == 201 and agreeing.json()["pending"] is False
    with client(county, "auditor") as http:
        outsider = http.post(path, json={"left": left, "right": "hukou:nobody",
                                         "same_person": False})  # fmt: skip
        assert outsider.status_code == 422
        first = http.post(path, json={"left": right, "right": left, "same_person": False,
                                      "note": "死亡人员与低保对象出生日期不同"})  # fmt: skip
        assert first.status_code == 201
        stored = first.json()
        assert (stored["unique_id_l"], stored["unique_id_r"]) == tuple(sorted((left, right)))
        assert stored["actor"] == "auditor-1" and stored["pending"] is True
        again = http.post(path, json={"left": left, "right": right, "same_person": False,
                                      "note": "同一审计员再次标注"})  # fmt: skip
        assert again.status_code == 409
    with client(county, "analyst") as http:
        found = http.get("/api/what-if", params={"threshold": RUN_THRESHOLD}).json()
        assert case["case_id"] not in {item["case_id"] for item in found["disappear"]}
    with client(county, "auditor2") as http:
        second = http.post(path, json={"left": left, "right": right, "same_person": False,
                                       "note": "核对户籍原件，确为两人"})  # fmt: skip
        assert second.status_code == 201 and second.json()["pending"] is False
    with client(county, "analyst") as http:
        found = http.get("/api/what-if", params={"threshold": RUN_THRESHOLD}).json()
        assert case["case_id"] in {item["case_id"] for item in found["disappear"]}
        # the published run is not touched by a what-if
        detail = http.get(f"/api/cases/{case['case_id']}").json()
        assert detail["resolved_by_data"] is False and detail["resolution"] is None
        assert [e["actor"] for e in detail["history"] if e["kind"] == "link_label"] == [
            "analyst-1", "auditor-1", "审计员乙"]  # fmt: skip
    county["server"].stop()
    rerun = run_pipeline(county["drop"], county["out"] / "labelled", policy=load_policy(),
                         settings=LinkSettings(), db_path=county["db"])  # fmt: skip
    county["server"].start()
    with client(county, "auditor") as http:
        assert http.get("/api/health").json()["published_run"] == rerun.run_id
        labels = http.get(path).json()
        assert [item["label_id"] for item in labels][-2:] == [stored["label_id"],
                                                              second.json()["label_id"]]  # fmt: skip
        detail = http.get(f"/api/cases/{case['case_id']}").json()
        assert detail["resolved_by_data"] is True
        assert detail["resolution"]["run_id"] == rerun.run_id
        [why] = detail["resolution"]["labels"]
        assert (why["actor"], why["same_person"]) == ("审计员乙", False)
        assert any("待另一位审计员确认" in (e["note"] or "") for e in detail["history"])
    with client(county, "analyst") as http:  # a resolved case's label holds in later runs too
        for same_person in (True, False):
            body = {"left": left, "right": right, "same_person": same_person}
            assert http.post(path, json=body).status_code == 403


@pytest.mark.parametrize(
    ("case_type", "persons", "same_person", "auditor_only"),
    [("deceased_paid", ("p1", "p1"), True, False),  # agrees with the link
     ("deceased_paid", ("p1", "p2"), False, True),  # an uncertain lead's two persons: ends it
     ("duplicate_enrollment", ("p1", "p2"), False, True),
     ("deceased_paid", (None, "p2"), False, True),  # a notice linked to no one
     ("split_household", ("p1", "p2"), False, False),  # two members of a family are two
     ("split_household", ("p1", "p1"), False, True),
     ("missed_disability", ("p1", "p2"), True, True)],
)  # fmt: skip
def test_a_label_that_may_end_a_lead_needs_an_auditor(case_type, persons, same_person,
                                                      auditor_only):  # fmt: skip
    assert label_may_end_lead(case_type, persons, same_person) is auditor_only


def test_triage_waits_for_enough_decisions_then_learns_from_them(county):
    with client(county, "analyst") as http:
        before = http.get("/api/triage", params={"limit": 1000}).json()
    assert not before["trained"] and before["cv_roc_auc"] is None
    assert "不足" in before["message"]
    scores = [item["risk_score"] for item in before["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all(item["triage_score"] is None for item in before["items"])
    # Reviewers confirm the higher-risk half and dismiss the rest: a signal to learn.
    ranked = before["items"]
    assert len(ranked) >= 30, "the county must hold enough cases to decide some"
    middle = ranked[len(ranked) // 2]["risk_score"]
    decided = ranked[:12] + ranked[-12:]
    with client(county, "auditor") as http:
        for item in decided:
            path = f"/api/cases/{item['case_id']}/decisions"
            assert http.post(path, json={"to_status": "in_review"}).status_code == 201
            verdict = ({"to_status": "confirmed"} if item["risk_score"] > middle
                       else {"to_status": "dismissed", "reason": "入户核实不符"})  # fmt: skip
            assert http.post(path, json=verdict).status_code == 201
    with client(county, "analyst") as http:
        after = http.get("/api/triage", params={"limit": 1000}).json()
    assert after["trained"] and after["decisions"] == len(decided)
    assert after["cv_roc_auc"] > 0.8
    decided_ids = {item["case_id"] for item in decided}
    assert not decided_ids & {item["case_id"] for item in after["items"]}
    triage_scores = [item["triage_score"] for item in after["items"]]
    assert triage_scores == sorted(triage_scores, reverse=True)
