"""The access log and the tokens: a read answered is a read logged, even across a SIGKILL;
the log is a hash chain that ``doudi audit verify`` checks; failed sign-ins, token changes and
reads of the log are logged; tokens have ids, an expiry, and the last admin stays."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import datetime, timedelta

import httpx
import pytest
from typer.testing import CliRunner

from api.audit import AccessLog
from api.cli import app
from api.store import Store
from api.tokens import CACHE_SIZE, Actor, TokenStore
from resolver.db import connect
from tests.api.served import client

runner = CliRunner()
ADMIN = Actor("admin-1", "admin", "a1b2c3d4")


class SlowTokens(TokenStore):
    """A real token store whose first append of the access log is slow, as under load, and
    which counts its transactions."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writing = threading.Event()
        self.appends: list[int] = []

    def append_access(self, entries):
        if not self.appends:
            self.writing.set()
            time.sleep(0.3)
        self.appends.append(len(entries))
        return super().append_access(entries)


class BrokenTokens(TokenStore):
    """A real token store whose log cannot be written (a full disk, say)."""

    def append_access(self, entries):
        raise OSError("No space left on device")


def _verify(db):
    return runner.invoke(app, ["audit", "verify", "--db", str(db)])


def test_concurrent_records_share_a_commit_and_each_returns_committed(tmp_path):
    store = Store(tmp_path / "run.duckdb")
    tokens = SlowTokens(store)
    access = AccessLog(tokens)
    access.start()
    try:
        first = threading.Thread(target=access.record, args=("a", "auditor", "read_case", "C0"))
        first.start()
        assert tokens.writing.wait(5)  # the writer holds the first entry mid-commit
        seqs = [None] * 20

        def read(index: int) -> None:
            seqs[index] = access.record("a", "auditor", "read_case", f"C{index + 1}").result(0)

        readers = [threading.Thread(target=read, args=(i,)) for i in range(20)]
        for reader in readers:
            reader.start()
        for thread in (first, *readers):
            thread.join(10)
        assert sorted(seqs) == list(range(2, 22))
        assert tokens.appends[0] == 1 and sum(tokens.appends) == 21
        assert len(tokens.appends) <= 3  # the twenty waited for one commit (or two), not twenty
        total, items = tokens.access_log(offset=0, limit=50)
        assert total == 21 and [item["seq"] for item in items] == list(range(21, 0, -1))
    finally:
        access.stop()
        store.close()


def test_a_read_that_cannot_be_logged_fails(tmp_path):
    store = Store(tmp_path / "run.duckdb")
    access = AccessLog(BrokenTokens(store))
    access.start()
    try:
        with pytest.raises(OSError, match="No space"):
            access.record("a", "auditor", "read_case", "C1")
    finally:
        access.stop()
        store.close()


def test_verify_names_the_entry_changed_deleted_or_rechained(tmp_path):
    db = tmp_path / "run.duckdb"
    store = Store(db)
    tokens = TokenStore(store)
    access = AccessLog(tokens)  # not started: each entry is written as it is recorded
    for index in range(1, 7):
        access.record("consumer-1", "consumer", "score_by_person", f"P{index}")
    store.close()
    verified = _verify(db)
    assert verified.exit_code == 0, verified.output
    assert "访问日志完好：共 6 条" in verified.output

    con = connect(db)
    con.execute("UPDATE access_log SET target = 'P9' WHERE seq = 3")
    con.close()
    verified = _verify(db)
    assert verified.exit_code == 1
    assert "序号 3" in verified.output and "内容与哈希不符" in verified.output
    assert "此前 2 条完好" in verified.output

    con = connect(db)  # hide the change: recompute the entry's own hash; the next one notices
    con.execute("UPDATE access_log SET target = 'P3' WHERE seq = 3")
    con.execute("UPDATE access_log SET entry_hash = repeat('0', 64) WHERE seq = 4")
    con.close()
    verified = _verify(db)
    assert verified.exit_code == 1 and "序号 4" in verified.output

    con = connect(db)
    con.execute("DELETE FROM access_log WHERE seq >= 4")
    con.execute("DELETE FROM access_log WHERE seq = 2")
    con.close()
    verified = _verify(db)
    assert verified.exit_code == 1
    assert "序号 3" in verified.output and "第 2 条被删除" in verified.output


def test_a_file_of_an_older_version_opens_with_ids_expiries_and_a_chain(tmp_path):
    db = tmp_path / "old.duckdb"
    con = connect(db)
    con.execute("CREATE TABLE api_tokens (token_hash VARCHAR PRIMARY KEY, name VARCHAR, "
                "role VARCHAR, created_at TIMESTAMP, revoked_at TIMESTAMP)")  # fmt: skip
    con.execute("CREATE TABLE access_log (accessed_at TIMESTAMP, actor VARCHAR, role VARCHAR, "
                "action VARCHAR, target VARCHAR)")  # fmt: skip
    con.execute("INSERT INTO api_tokens VALUES ('h1', '张三', 'admin', now(), NULL), "
                "('h2', '张三', 'auditor', now(), NULL)")  # fmt: skip
    con.execute("INSERT INTO access_log VALUES (now(), '张三', 'auditor', 'read_case', 'C1'), "
                "(now(), '张三', 'auditor', 'read_case', 'C2')")  # fmt: skip
    con.close()
    store = Store(db)
    tokens = TokenStore(store)
    listed = tokens.listed()
    assert len({token["token_id"] for token in listed}) == 2
    assert all(token["status"] == "active" and token["expires_at"] > datetime.now()
               for token in listed)  # fmt: skip
    assert tokens.verify_access_log().count == 2
    store.close()
    assert _verify(db).exit_code == 0


def test_tokens_have_ids_expiry_and_a_bounded_cache(tmp_path):
    store = Store(tmp_path / "run.duckdb")
    tokens = TokenStore(store)
    try:
        one = tokens.mint(name="审计员甲", role="auditor", by=ADMIN)
        two = tokens.mint(name="审计员甲", role="auditor", by=ADMIN, days=1)
        assert one["token_id"] != two["token_id"]
        assert one["expires_at"] - datetime.now() > timedelta(days=89)
        for _ in range(CACHE_SIZE + 50):  # guesses are looked up, never cached
            assert tokens.find(f"guess-{time.perf_counter_ns()}") is None
        assert len(tokens._cache) == 0
        cached = tokens.find(two["token"])
        assert cached.problem(datetime.now()) is None
        assert cached.problem(datetime.now() + timedelta(days=2)) == "expired"
        tokens.revoke(one["token_id"], by=ADMIN)
        assert tokens.find(one["token"]).problem(datetime.now()) == "revoked"
        assert tokens.find(two["token"]).problem(datetime.now()) is None  # same name, kept
        renewed = tokens.renew(two["token_id"], by=ADMIN, days=30)
        assert tokens.find(two["token"]).expires_at == renewed["expires_at"]
        actions = [e["action"] for e in tokens.access_log(offset=0, limit=10)[1]]
        assert actions == ["token_renewed", "token_revoked", "token_created", "token_created"]
    finally:
        store.close()


def test_an_answered_read_survives_a_sigkill(county):
    url = county["server"].url
    with client(county, "auditor") as auditor:
        case_id = auditor.get("/api/cases").json()["items"][0]["case_id"]
        assert httpx.get(f"{url}/api/cases", headers={"Authorization": "Bearer kill-9"}
                         ).status_code == 401  # fmt: skip
        assert auditor.get(f"/api/cases/{case_id}").status_code == 200
    server = county["server"]
    server.process.kill()  # SIGKILL, right after the response: no shutdown, no flush
    server.process.wait(timeout=30)
    server.process = None
    server.start()
    with client(county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 50}).json()["items"]
    logged = [(e["actor"], e["action"], e["target"]) for e in entries]
    assert ("auditor-1", "read_case", case_id) in logged
    assert any(actor == "anonymous" and action == "sign_in_failed" for actor, action, _ in logged)


def test_sign_ins_token_changes_and_log_reads_are_logged(county):
    url = county["server"].url
    assert (
        httpx.get(f"{url}/api/cases", headers={"Authorization": "Bearer guess"}).status_code == 401
    )
    with client(county, "admin") as admin:
        minted = [admin.post("/api/tokens", json={"name": "接口甲", "role": "consumer"}).json()
                  for _ in range(2)]  # fmt: skip
        assert minted[0]["token_id"] != minted[1]["token_id"]
        listed = {token["token_id"]: token for token in admin.get("/api/tokens").json()}
        admin_id = next(t["token_id"] for t in listed.values() if t["name"] == "admin-1")
        assert listed[minted[0]["token_id"]]["created_by"] == f"admin-1 ({admin_id})"
        assert admin.delete(f"/api/tokens/{minted[0]['token_id']}").status_code == 204
        assert admin.delete(f"/api/tokens/{minted[0]['token_id']}").status_code == 409
        assert admin.delete("/api/tokens/nosuchid").status_code == 404
        renewed = admin.post(f"/api/tokens/{minted[1]['token_id']}/renew", json={"days": 10})
        assert renewed.status_code == 200 and renewed.json()["status"] == "active"
        assert admin.post("/api/tokens", json={"name": " ", "role": "admin"}).status_code == 422
        assert (
            admin.post("/api/tokens", json={"name": "x" * 101, "role": "admin"}).status_code == 422
        )
        second = admin.post("/api/tokens", json={"name": "管理员乙", "role": "admin"}).json()
        assert admin.delete(f"/api/tokens/{second['token_id']}").status_code == 204
        last = admin.delete(f"/api/tokens/{admin_id}")
        assert last.status_code == 409 and "最后一个有效的管理员令牌" in last.json()["detail"]
    codes = [httpx.get(f"{url}/api/scores/export", headers={"Authorization": f"Bearer {m['token']}"}).status_code
             for m in minted]  # fmt: skip
    assert codes == [401, 200]  # revoking one of two same-named tokens left the other
    with client(county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 100}).json()["items"]
        again = admin.get("/api/access-log", params={"limit": 1}).json()["items"]
    logged = [(e["actor"], e["role"], e["action"], e["target"], e["token_id"]) for e in entries]
    failed = [entry for entry in logged if entry[2] == "sign_in_failed"]
    assert any(actor == "anonymous" and "reason=unknown" in target and "client=127.0.0.1" in target
               and "token_hash=" in target and "guess" not in target
               for actor, _, _, target, _ in failed)  # fmt: skip
    assert ("接口甲", "consumer", "sign_in_failed") in {e[:3] for e in failed}  # the revoked one
    for action, token_id in (("token_created", minted[0]["token_id"]),
                             ("token_revoked", minted[0]["token_id"]),
                             ("token_renewed", minted[1]["token_id"])):  # fmt: skip
        assert any(e[0] == "admin-1" and e[2] == action and f"token_id={token_id}" in e[3]
                   and e[4] == admin_id for e in logged), action  # fmt: skip
    assert logged[0][2] == "read_access_log"  # the read sees itself, newest first
    assert again[0]["action"] == "read_access_log" and again[0]["seq"] == entries[0]["seq"] + 1


def test_an_expired_token_is_refused_and_the_served_log_verifies(county, tmp_path):
    server = county["server"]
    server.stop()
    store = Store(county["db"])
    tokens = TokenStore(store)
    stale = tokens.mint(name="过期的", role="auditor", by=ADMIN)
    store.cursor.execute("UPDATE api_tokens SET expires_at = ? WHERE token_id = ?",
                         [datetime.now() - timedelta(minutes=1), stale["token_id"]])  # fmt: skip
    store.close()
    server.start()
    headers = {"Authorization": f"Bearer {stale['token']}"}
    refused = httpx.get(f"{server.url}/api/cases", headers=headers)
    assert refused.status_code == 401 and "过期" in refused.json()["detail"]
    with client(county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 5}).json()["items"]
        assert any(e["action"] == "sign_in_failed" and "reason=expired" in e["target"]
                   and e["token_id"] == stale["token_id"] for e in entries)  # fmt: skip
        assert admin.post(f"/api/tokens/{stale['token_id']}/renew").status_code == 200
    assert httpx.get(f"{server.url}/api/cases", headers=headers).status_code == 200
    server.stop()
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(county["db"], copy)
    server.start()
    verified = _verify(copy)
    assert verified.exit_code == 0, verified.output
    con = connect(copy)
    con.execute("UPDATE access_log SET actor = '别人' WHERE seq = 2")
    con.close()
    verified = _verify(copy)
    assert verified.exit_code == 1 and "序号 2" in verified.output


def test_the_command_line_mints_lists_renews_and_revokes_by_id(tmp_path):
    db = tmp_path / "run.duckdb"
    Store(db).close()
    created = runner.invoke(app, ["token", "create", "--db", str(db), "--role", "auditor",
                                  "--name", "演示审计员"])  # fmt: skip
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert len(token) >= 40
    store = Store(db)
    tokens = TokenStore(store)
    (listed,) = tokens.listed()
    assert listed["created_by"].startswith("cli") and tokens.principal(token) == ("演示审计员",
                                                                                  "auditor")  # fmt: skip
    store.close()
    token_id = listed["token_id"]
    shown = runner.invoke(app, ["token", "list", "--db", str(db)])
    assert shown.exit_code == 0 and token_id in shown.output and "有效" in shown.output
    renewed = runner.invoke(app, ["token", "renew", token_id, "--db", str(db), "--days", "7"])
    assert renewed.exit_code == 0 and "已续期至" in renewed.output
    revoked = runner.invoke(app, ["token", "revoke", token_id, "--db", str(db)])
    assert revoked.exit_code == 0 and "已吊销" in revoked.output
    again = runner.invoke(app, ["token", "revoke", token_id, "--db", str(db)])
    assert again.exit_code == 2 and "已于" in again.output
    missing = runner.invoke(app, ["token", "list", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "没有数据库" in missing.output
    verified = _verify(db)
    assert verified.exit_code == 0 and "共 3 条" in verified.output


def test_made_up_tokens_cannot_flood_the_access_log(county):
    """Refused sign-ins are logged up to ``failed_sign_ins_per_minute`` per address; past it,
    429 and no entry. (Last in the module: its address stays refused for a minute.)"""
    url = county["server"].url
    with client(county, "admin") as admin:
        before = admin.get("/api/access-log", params={"limit": 1}).json()["items"][0]["seq"]
    codes = [httpx.get(f"{url}/api/cases", headers={"Authorization": f"Bearer made-up-{n}"}
                       ).status_code for n in range(40)]  # fmt: skip
    assert 401 in codes and codes[-1] == 429 and codes.count(401) <= 30
    with client(county, "admin") as admin:
        entries = admin.get("/api/access-log", params={"limit": 100}).json()["items"]
    failed = [e for e in entries if e["seq"] > before and e["action"] == "sign_in_failed"]
    assert len(failed) == codes.count(401)
    flood = [e for e in entries if e["seq"] > before and e["action"] == "sign_in_flood"]
    assert len(flood) == 1 and "client=127.0.0.1" in flood[0]["target"]  # once, not each time
