"""The ID oracle closed: below auditor, lookups by ID number that find no open lead are
capped per token and day (``--id-lookup-misses-per-day``); past the cap a 429 in Chinese
until midnight, and the refusal logged as a suspected enumeration."""

from __future__ import annotations

import pytest

from api.storage import opened
from resolver.db import connect
from resolver.idcard import check_char
from tests.api.served import Server, client

CAP = 3


def _id(sequence: int) -> str:
    first17 = f"53232619800617{sequence:03d}"
    return first17 + check_char(first17)


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    """A server on a database with no published lead, at most ``CAP`` misses a day."""
    db = tmp_path_factory.mktemp("oracle") / "doudi.duckdb"
    connect(db).close()
    with opened(db) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role)
                  for role in ("consumer", "auditor", "admin")}  # fmt: skip
        tokens["consumer2"] = storage.tokens.create(name="consumer-2", role="consumer")
    server = Server(db, "--id-lookup-misses-per-day", str(CAP))
    server.start()
    yield {"tokens": tokens, "server": server}
    server.stop()


def test_misses_past_the_days_cap_are_refused_and_logged_as_enumeration(capped):
    with client(capped, "consumer") as consumer:
        answers = [consumer.get(f"/api/scores/id-numbers/{_id(n)}") for n in range(CAP)]
        assert [answer.status_code for answer in answers] == [404] * CAP
        refused = consumer.get(f"/api/scores/id-numbers/{_id(CAP)}")
        again = consumer.get(f"/api/scores/id-numbers/{_id(CAP + 1)}")
    assert refused.status_code == again.status_code == 429
    assert "已达上限（3 次）" in refused.json()["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    with client(capped, "consumer2") as other:  # per token
        assert other.get(f"/api/scores/id-numbers/{_id(1)}").status_code == 404
    with client(capped, "auditor") as auditor:  # an auditor reads full IDs anyway
        for n in range(CAP + 2):
            assert auditor.get(f"/api/scores/id-numbers/{_id(n)}").status_code == 404
    with client(capped, "admin") as admin:
        log = admin.get("/api/access-log", params={"limit": 1000}).json()["items"]
    noted = [entry for entry in log if entry["action"] == "suspected_enumeration"]
    assert [entry["actor"] for entry in noted] == ["consumer-1"]  # once a minute, not per call
    assert "疑似逐个试号" in noted[0]["target"]


def test_an_invalid_number_counts_as_a_miss(capped):
    with client(capped, "consumer2") as consumer:
        bad = [consumer.get(f"/api/scores/id-numbers/{_id(n)[:-1]}0") for n in range(10, 14)]
    assert [answer.status_code for answer in bad][-1] == 429
