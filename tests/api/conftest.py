"""A run of a small synthetic county served by a real uvicorn process, one per test module
(each module's decisions and re-runs stay its own)."""

from __future__ import annotations

import pytest

from api.storage import opened
from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize
from tests.api.served import Server

ROLES = ("auditor", "analyst", "consumer", "admin")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    drop = synthesize(out / "run" / "county", people=6000, seed=5).drop_dir
    result = run_pipeline(drop, out / "run", policy=load_policy(), settings=LinkSettings(),
                          db_path=out / "doudi.duckdb")  # fmt: skip
    with opened(result.db_path) as storage:
        tokens = {role: storage.tokens.create(name=f"{role}-1", role=role) for role in ROLES}
        tokens["auditor2"] = storage.tokens.create(name="审计员乙", role="auditor")
    server = Server(result.db_path)
    server.start()
    yield {"out": out, "db": result.db_path, "run_id": result.run_id, "tokens": tokens,
           "server": server, "drop": out / "run" / "county" / "drop"}  # fmt: skip
    server.stop()
