"""A database an earlier Doudi wrote (its tables lacking the columns added since) is screened
and served by this version before any ``doudi update`` rebuilds it: an office upgrades
between two months, and screens the next list against the last run first."""

from __future__ import annotations

import shutil

import duckdb
from typer.testing import CliRunner

from api.cli import app
from resolver.upgrade import ADDED_COLUMNS
from tests.api.served import Server, client

runner = CliRunner()


def _as_written_earlier(db) -> None:
    """Drop from ``db`` every column added since the first databases."""
    con = duckdb.connect(str(db))
    for table, columns in ADDED_COLUMNS.items():
        for column, *_ in columns:
            con.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}")
    con.close()


def test_an_earlier_versions_database_is_screened_and_served(county_run, tmp_path):
    # until 2026-12-07 (night) screening one stopped with 内部错误 (no payments.base_amount:
    # the API answered 500), and the what-if view answered 500 (no persons.started)
    made, _, tokens = county_run
    db = tmp_path / "doudi.duckdb"
    shutil.copy(made / "doudi.duckdb", db)
    _as_written_earlier(db)
    ledger = made / "run" / "county" / "drop" / "payments.csv"
    screened = runner.invoke(app, ["screen", str(ledger), "--db", str(db),
                                   "--out", str(tmp_path / f"screened{ledger.suffix}")])  # fmt: skip
    assert screened.exit_code == 0, screened.output
    assert "内部错误" not in screened.output and "已写出" in screened.output
    server = Server(db)
    server.start()
    try:
        county = {"server": server, "tokens": tokens}
        with client(county, "analyst") as http:
            assert http.get("/api/what-if", params={"threshold": 0.9}).status_code == 200
            assert http.get("/api/cases", params={"limit": 5}).status_code == 200
    finally:
        server.stop()
