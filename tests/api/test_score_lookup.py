"""A consumer looks a person up by ID number as registries write it: the old 15 digits,
full-width or in groups find the person with a lead; a number that is no valid ID is refused
as such, never answered "no open lead". One hand-made case in a tiny database, served by
the app itself."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings
from api.storage import opened
from resolver.idcard import check_char

FIRST17 = "53232619560723735"
ID18 = FIRST17 + check_char(FIRST17)
ID15 = ID18[:6] + ID18[8:17]
WRONG_CHECK = FIRST17 + ("0" if ID18[-1] != "0" else "1")


@pytest.fixture()
def consumer(tmp_path):
    db = tmp_path / "doudi.duckdb"
    with opened(db) as storage:
        con = storage.store.con
        con.execute("INSERT INTO runs (run_id, status, started_at, finished_at) "
                    "VALUES ('r-1', 'published', now(), now())")  # fmt: skip
        con.execute(
            "INSERT INTO published_cases (run_id, case_id, case_type, risk_score, "
            "amount_at_risk, township, village, person_ids, records, evidence, detail) "
            "VALUES ('r-1', 'c-1', 'deceased_paid', 0.9, 630.0, '东乡', '东村', ['P1'], "
            "'[]', '[]', ?)",
            [json.dumps({"rows": []})],
        )
        con.execute("INSERT INTO case_registry (case_id, case_type, first_run, last_run) "
                    "VALUES ('c-1', 'deceased_paid', 'r-1', 'r-1')")  # fmt: skip
        con.execute("INSERT INTO published_persons VALUES ('r-1', 'P1', ?, '张三')", [ID18])
        tokens = {
            role: storage.tokens.create(name=role, role=role) for role in ("consumer", "admin")
        }
    with TestClient(create_app(ApiSettings(db_path=db))) as client:
        client.headers["Authorization"] = f"Bearer {tokens['consumer']}"
        client.admin_token = tokens["admin"]
        yield client


@pytest.mark.parametrize(
    "written",
    [ID18, ID15, ID18[:-1] + ID18[-1].lower(),
     "".join(chr(ord(char) + 0xFEE0) for char in ID18),  # full-width
     f"{ID18[:6]} {ID18[6:14]} {ID18[14:]}"],
)  # fmt: skip
def test_the_person_is_found_however_the_number_is_written(consumer, written):
    found = consumer.get(f"/api/scores/id-numbers/{written}")
    assert found.status_code == 200
    assert (found.json()["person_id"], found.json()["cases"][0]["case_id"]) == ("P1", "c-1")


def test_a_number_that_is_no_valid_id_is_refused_not_answered_no_lead(consumer):
    refused = consumer.get(f"/api/scores/id-numbers/{WRONG_CHECK}")
    assert refused.status_code == 422
    assert "校验位错误" in refused.json()["detail"] and WRONG_CHECK not in refused.text
    other = FIRST17[:-1] + "1"  # a valid number of nobody with a lead
    nobody = consumer.get(f"/api/scores/id-numbers/{other}{check_char(other)}")
    assert (nobody.status_code, nobody.json()["detail"]) == (404, "该人员没有未结的疑点")
    admin = {"Authorization": f"Bearer {consumer.admin_token}"}
    logged = consumer.get("/api/access-log", headers=admin).json()["items"]
    lookups = [entry["target"] for entry in logged if entry["action"] == "score_by_id_number"]
    assert lookups == [f"{other[:6]}{'*' * 11}{check_char(other)} -> 无疑点",
                       f"{FIRST17[:6]}{'*' * 11}{WRONG_CHECK[-1]} -> 无效号码"]  # fmt: skip
