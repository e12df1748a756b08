"""Reviewers' labels on two person rows over HTTP: the label in force on a pair (the latest,
which the next run follows) is reversed only with the authority that made it, and a label a
second auditor confirmed reads as in force."""

from __future__ import annotations

import pytest

from api.reviews import IDENTITY_LEADS
from tests.api.served import client
from tests.api.test_tuning_api import _death_case_and_link

pytestmark = pytest.mark.slow


def _post(http, path, left, right, same_person, note="核对户籍原件"):
    return http.post(path, json={"left": left, "right": right, "same_person": same_person,
                                 "note": note})  # fmt: skip


def _pending(http, path) -> dict[int, bool]:
    return {label["label_id"]: label["pending"] for label in http.get(path).json()}


def test_two_auditors_parting_one_id_are_undone_only_by_two_auditors(county):
    """The four-eyes 不是同一人 of two auditors stays in force against an analyst's 同一人,
    reads as in force once confirmed, and takes two auditors to reverse."""
    with client(county, "auditor") as http:
        case, (left, right) = _death_case_and_link(http)
    path = f"/api/cases/{case['case_id']}/link-labels"
    with client(county, "auditor") as first, client(county, "auditor2") as second:
        waiting = _post(first, path, left, right, False).json()
        assert waiting["pending"] is True
        confirming = _post(second, path, left, right, False).json()
        assert confirming["pending"] is False
        assert _pending(first, path) == {waiting["label_id"]: False,
                                         confirming["label_id"]: False}  # fmt: skip
        history = first.get(f"/api/cases/{case['case_id']}/history").json()
        assert f"确认标注 #{waiting['label_id']}，已生效" in history[-1]["note"]
    with client(county, "analyst") as http:
        refused = _post(http, path, left, right, True)
        assert refused.status_code == 403 and "审计员" in refused.json()["detail"]
    with client(county, "auditor") as first, client(county, "auditor2") as second:
        agreeing = _post(first, path, left, right, False)  # changes nothing: never waits
        assert agreeing.status_code == 201 and agreeing.json()["pending"] is False
        rejoining = _post(first, path, left, right, True).json()
        assert rejoining["pending"] is True
        assert _post(first, path, left, right, True).status_code == 409
        assert _post(second, path, left, right, True).json()["pending"] is False
        assert _pending(first, path)[rejoining["label_id"]] is False


def test_a_token_minted_after_the_first_label_cannot_be_its_second_auditor(county):
    # a blind tester's administrator minted an auditor token under another name after the
    # first auditor's label and confirmed it: until 2026-12-06 the four-eyes rule held by the
    # token's name alone, and a true duplicate lead (2,400 元) went with the next run
    with client(county, "auditor") as http:
        case, (left, right) = _death_case_and_link(http)
        path = f"/api/cases/{case['case_id']}/link-labels"
        assert _post(http, path, left, right, False, note="").status_code == 422  # no reason
        waiting = _post(http, path, left, right, False).json()
        assert waiting["pending"] is True
    with client(county, "admin") as http:
        minted = http.post("/api/tokens", json={"name": "审计员丙", "role": "auditor"}).json()
    county["tokens"]["minted"] = minted["token"]
    with client(county, "minted") as http:
        refused = _post(http, path, left, right, False)
        assert refused.status_code == 409 and "签发早于" in refused.json()["detail"]
    with client(county, "auditor2") as http:  # an auditor whose token was issued before
        assert _post(http, path, left, right, False).json()["pending"] is False


def test_an_analyst_cannot_reverse_an_auditors_label(county):
    with client(county, "auditor") as http:
        case, left, right = _two_persons_rows(http)
        path = f"/api/cases/{case}/link-labels"
        assert _post(http, path, left, right, True).status_code == 201
    with client(county, "analyst") as http:
        refused = _post(http, path, left, right, False)
        assert refused.status_code == 403 and "审计员" in refused.json()["detail"]
        assert [label["same_person"] for label in http.get(path).json()] == [True]


def _two_persons_rows(http) -> tuple[str, str, str]:
    """A case whose lead rests on no identity, with rows of two persons holding different ID
    numbers (an analyst's 不是同一人 on them changes nothing published)."""
    for summary in http.get("/api/cases", params={"limit": 500}).json()["items"]:
        if summary["case_type"] in IDENTITY_LEADS:
            continue
        rows = http.get(f"/api/cases/{summary['case_id']}").json()["rows"]
        persons = {}
        for row in rows:
            if row.get("person_id") and row.get("id_number") and "unique_id" in row:
                persons.setdefault((row["person_id"], row["id_number"]), row["unique_id"])
        ids = {person: uid for (person, _), uid in persons.items()}
        if len(ids) >= 2:
            left, right = sorted(ids.values())[:2]
            return summary["case_id"], left, right
    raise AssertionError("no case with rows of two persons")
