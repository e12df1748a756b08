"""What a consumer is served: the risk of open cases only (未结). A lead reviewers closed —
dismissed (不属实) or confirmed (属实) — is no longer a risk score, nor in the export; reopened,
it is again."""

from __future__ import annotations

import pytest

from tests.api.served import client

pytestmark = pytest.mark.slow


def _decide(http, case_id, *statuses):
    for to_status in statuses:
        body = {"to_status": to_status, "reason": "已入户核实，不属实", "note": "核查"}
        assert http.post(f"/api/cases/{case_id}/decisions", json=body).status_code == 201


def _exported(http) -> set[str]:
    found, after = set(), None
    while True:
        page = http.get("/api/scores/export", params={"limit": 200, "after": after}).json()
        found |= {item["case_id"] for item in page["items"]}
        after = page["next_after"]
        if after is None:
            assert page["total"] == len(found)
            return found


def _served(http, case_id, person_id) -> tuple[int, set[str], bool]:
    person = http.get(f"/api/scores/persons/{person_id}")
    cases = {case["case_id"] for case in person.json()["cases"]} if person.is_success else set()
    case = http.get(f"/api/scores/cases/{case_id}").status_code
    return case, cases, case_id in _exported(http)


@pytest.mark.parametrize("closing", ["dismissed", "confirmed"])
def test_a_closed_lead_is_no_risk_served_to_consumers_until_it_is_reopened(county, closing):
    with client(county, "auditor") as auditor:
        listed = auditor.get("/api/cases", params={"status": "open", "limit": 500}).json()
        taken = {"dismissed": 0, "confirmed": 1}[closing]
        case = [item for item in listed["items"] if item["person_ids"]][taken]
        case_id, person_id = case["case_id"], case["person_ids"][0]
        with client(county, "consumer") as consumer:
            status, cases, exported = _served(consumer, case_id, person_id)
            assert (status, case_id in cases, exported) == (200, True, True)
            _decide(auditor, case_id, "in_review", closing)
            status, cases, exported = _served(consumer, case_id, person_id)
            assert (status, case_id in cases, exported) == (404, False, False)
            person = consumer.get(f"/api/scores/persons/{person_id}")
            if person.status_code == 200:  # the person's other open cases set the score
                scores = [item["risk_score"] for item in person.json()["cases"]]
                assert person.json()["risk_score"] == max(scores)
            else:
                assert person.status_code == 404 and "未结" in person.json()["detail"]
            _decide(auditor, case_id, "in_review")  # reopened
            status, cases, exported = _served(consumer, case_id, person_id)
            assert (status, case_id in cases, exported) == (200, True, True)


def test_a_consumer_pulls_one_township_or_type_and_a_bad_cursor_is_refused(county):
    # the export had no township, no filter, and read a cursor it never gave as the end
    with client(county, "auditor") as auditor:
        unclosed = auditor.get("/api/cases", params={"status": "unclosed", "limit": 500}).json()
    with client(county, "consumer") as consumer:
        first = consumer.get("/api/scores/export", params={"limit": 500}).json()["items"][0]
        township, case_type = first["township"], first["case_type"]
        for query, admitted in (
            ({"township": township}, lambda case: case["township"] == township),
            ({"case_type": case_type}, lambda case: case["case_type"] == case_type),
            ({"min_score": 0.9}, lambda case: case["risk_score"] >= 0.9),
        ):
            page = consumer.get("/api/scores/export", params={**query, "limit": 500}).json()
            expected = sorted(c["case_id"] for c in unclosed["items"] if admitted(c))
            assert [item["case_id"] for item in page["items"]] == expected
            assert page["total"] == len(expected) > 0
        refused = consumer.get("/api/scores/export", params={"after": "zzz"})
        assert refused.status_code == 422
        assert "next_after" in refused.json()["detail"]
