"""Stable ``person_id``: a person whose rows did not change keeps the id across re-runs and
across next month's drop.

Each row carries a fingerprint of its normalised values. A new cluster inherits the id that
most of its unchanged rows had before, or, when none of its rows is unchanged, the id most of
its rows had (a person whose one row got a new phone or a corrected ID stays the same
person); when several clusters claim one old id (a person split), the cluster with the most
unchanged rows, then the most rows, keeps it. Everyone else gets a fresh id: a keyed
hash of the cluster's first row, with a secret drawn once and kept in the run's database
(``person_id_key``, ``database_key``). Record ids are often sequential, so without the key
anyone could derive a person's id from a record id and look them up; with it, ids stay stable
in one database but cannot be guessed.
The work is one SQL query over every row, so a county of a million rows takes seconds.
"""

from __future__ import annotations

import hashlib
import secrets

import duckdb
import pyarrow as pa

from resolver.db import table_names

PREFIX = "P"
HISTORY = "person_id_history"
KEY = "person_id_key"


def assign_person_ids(con: duckdb.DuckDBPyConnection, clusters: str) -> pa.Table:
    """The ``person_id`` of every row of the table named ``clusters`` (columns unique_id,
    cluster, fingerprint), given the previous run's table ``person_id_history`` (unique_id,
    fingerprint, person_id), which is created empty when missing.

    Complexity: O(R log R) for R rows (hash joins and two window sorts in DuckDB).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection holding both tables.
    clusters : str
        Name of the table of rows with their cluster and fingerprint.

    Returns
    -------
    pa.Table
        unique_id, fingerprint and person_id of every row (the rows of the next run's
        history), ordered by unique_id.

    Examples
    --------
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE c AS SELECT * FROM (VALUES ('a', 'a', 'x'), "
    ...                 "('b', 'a', 'y')) t(unique_id, cluster, fingerprint)")
    >>> _ = con.execute("CREATE TABLE person_id_history AS SELECT 'a' AS unique_id, "
    ...                 "'x' AS fingerprint, 'P1' AS person_id")
    >>> assign_person_ids(con, "c").to_pydict()["person_id"]
    ['P1', 'P1']
    """
    if HISTORY not in table_names(con):  # checked first: a read-only file can re-cluster
        con.execute(
            f"CREATE TABLE {HISTORY} "
            "(unique_id VARCHAR PRIMARY KEY, fingerprint VARCHAR, person_id VARCHAR)"
        )
    key = database_key(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cluster_ids AS
        WITH votes AS (  -- per cluster and old id: its rows unchanged, and all its rows
            SELECT c.cluster, h.person_id, count(*) FILTER (h.fingerprint = c.fingerprint)
                   AS unchanged, count(*) AS n
            FROM {clusters} c JOIN {HISTORY} h ON h.unique_id = c.unique_id
            GROUP BY ALL
        ),
        candidate AS (  -- the old id most of a cluster's rows had (ties: smallest)
            SELECT * FROM votes QUALIFY row_number() OVER (
                PARTITION BY cluster ORDER BY unchanged DESC, n DESC, person_id) = 1
        ),
        winner AS (  -- each old id goes to the cluster claiming it with most rows
            SELECT cluster, person_id FROM candidate QUALIFY row_number() OVER (
                PARTITION BY person_id ORDER BY unchanged DESC, n DESC, cluster) = 1
        )
        SELECT cluster, person_id,  -- a fresh id drawn only where needed (a hash is slow)
               CASE WHEN person_id IS NULL THEN
                    '{PREFIX}' || upper(substr(sha256($key || first_row || '#0'), 1, 10))
               END AS fresh
        FROM (SELECT cluster, min(unique_id) AS first_row FROM {clusters} GROUP BY cluster)
        LEFT JOIN winner USING (cluster)  -- at most one a cluster: grouped once, not again
        """,
        {"key": key},
    )
    _settle_fresh_ids(con, clusters, key)
    ids = con.sql(
        f"SELECT c.unique_id, c.fingerprint, coalesce(i.person_id, i.fresh) AS person_id "
        f"FROM {clusters} c JOIN _cluster_ids i USING (cluster) ORDER BY c.unique_id"
    ).to_arrow_table()
    con.execute("DROP TABLE _cluster_ids")
    return ids


def _settle_fresh_ids(con: duckdb.DuckDBPyConnection, clusters: str, key: str) -> None:
    """A fresh id already taken (by an old person or an earlier cluster) is salted again,
    in cluster order; with ten hex digits this almost never happens."""
    clashes = con.execute(
        f"""
        SELECT cluster FROM _cluster_ids i WHERE person_id IS NULL AND (
            fresh IN (SELECT person_id FROM {HISTORY})
            OR fresh IN (SELECT person_id FROM _cluster_ids WHERE person_id IS NOT NULL)
            OR EXISTS (SELECT 1 FROM _cluster_ids o WHERE o.person_id IS NULL
                       AND o.fresh = i.fresh AND o.cluster < i.cluster))
        ORDER BY cluster
        """
    ).fetchall()
    if not clashes:
        return
    taken = {
        value
        for (value,) in con.execute(
            f"SELECT person_id FROM {HISTORY} UNION SELECT coalesce(person_id, fresh) "
            "FROM _cluster_ids"
        ).fetchall()
    }
    first_rows = dict(con.execute(
        f"SELECT cluster, min(unique_id) FROM {clusters} WHERE cluster IN "
        "(SELECT unnest($clashes)) GROUP BY cluster", {"clashes": [c for (c,) in clashes]}
    ).fetchall())  # fmt: skip
    salted = []
    for (cluster,) in clashes:
        salted.append(_salted_id(first_rows[cluster], taken, key))
        taken.add(salted[-1])
    con.register("_salted", pa.table({"cluster": [c for (c,) in clashes], "fresh": salted}))
    con.execute("UPDATE _cluster_ids i SET fresh = s.fresh FROM _salted s "
                "WHERE i.cluster = s.cluster")  # fmt: skip
    con.unregister("_salted")


def _salted_id(first_row: str, taken: set[str], key: str) -> str:
    salt = 1
    while True:
        digest = hashlib.sha256(f"{key}{first_row}#{salt}".encode()).hexdigest()[:10].upper()
        candidate = f"{PREFIX}{digest}"
        if candidate not in taken:
            return candidate
        salt += 1


def database_key(con: duckdb.DuckDBPyConnection) -> str:
    """The database's secret, drawn on first use and kept (never shown): the key of the hashes
    that stand for personal data in it (fresh person ids; the releases of screened payment
    lines, ``api.screen_file.release_key``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database (a run has drawn it: a read-only connection only reads it).

    Returns
    -------
    str
        The secret.
    """
    if KEY not in table_names(con):
        con.execute(f"CREATE TABLE {KEY} AS SELECT ?::VARCHAR AS secret", [secrets.token_hex(32)])
    return con.execute(f"SELECT secret FROM {KEY}").fetchall()[0][0]
