"""The two ways Doudi is measured against, on the same ingested rows.

- ``exact_id_clusters``: what county staff do today, a join on the ID number as written
  (trimmed, nothing more); rows without one stand alone.
- ``stock_splink_clusters``: a Splink 5 model built only from Splink's own comparison
  library (Levenshtein on the ID, Jaro-Winkler on the name, its date-of-birth comparison,
  exact village), without Doudi's Chinese-specific cleaning, clustered by connected
  components. It is the peer to beat.

Each writes a table ``(registry, record_id, cluster)``.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from resolver.clustering import components
from resolver.db import table_names
from resolver.registries import PERSON_REGISTRIES
from resolver.splink_backend import score_pairs_with_splink, stock_model

STOCK_THRESHOLD = 0.95


def _raw_union(
    con: duckdb.DuckDBPyConnection, columns: str, *, without_birth_date: tuple[str, ...] = ()
) -> str:
    """The person registries' rows, raw (``r``) beside normalised (``n``)."""
    present = table_names(con)
    selects = []
    for name in PERSON_REGISTRIES:
        if name in present:
            chosen = columns.replace("n.birth_date", "NULL::DATE AS birth_date")
            chosen = chosen if name in without_birth_date else columns
            selects.append(
                f"SELECT '{name}' AS registry, {chosen} FROM raw_{name} r "
                f"JOIN {name} n USING (source_no, row_no)"
            )
    return " UNION ALL BY NAME ".join(selects)


def exact_id_clusters(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Rows joined on the ID number as written (spaces trimmed); text that is not 15 or 18
    characters long (blank, ``5.32326E+17``) joins nothing.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database holding the ingested registries (``raw_<registry>`` beside ``<registry>``).
    table : str
        The table to write ``(registry, record_id, cluster)`` to (replaced).
    """
    union = _raw_union(
        con,
        "n.record_id, CASE WHEN length(trim(r.id_number)) IN (15, 18) THEN trim(r.id_number) END "
        "AS raw_id",
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT registry, record_id, "
        f"coalesce('id:' || raw_id, registry || ':' || record_id) AS cluster FROM ({union})"
    )


def stock_splink_clusters(con: duckdb.DuckDBPyConnection, table: str, *, seed: int) -> None:
    """Rows clustered by a stock Splink model (see the module docstring).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database holding the ingested registries (``raw_<registry>`` beside ``<registry>``).
    table : str
        The table to write ``(registry, record_id, cluster)`` to (replaced).
    seed : int
        Seed of the model's training.
    """
    union = _raw_union(
        con,
        "n.record_id, nullif(trim(r.id_number), '') AS id_number, nullif(trim(r.name), '') AS "
        "name, n.birth_date, nullif(trim(r.village), '') AS village",
        without_birth_date=("disability",),
    )
    rows = con.sql(
        f"SELECT registry || ':' || record_id AS unique_id, * EXCLUDE (registry, record_id) "
        f"FROM ({union})"
    ).to_arrow_table()
    settings, training = stock_model(seed)
    scored = score_pairs_with_splink(rows, settings, threshold=STOCK_THRESHOLD, training=training)
    pairs = scored.pairs.select(["unique_id_l", "unique_id_r"]).to_pydict()
    cluster_of = components(rows.column("unique_id").to_pylist(), zip(*pairs.values(), strict=True))
    registry, record_id = zip(*(uid.split(":", 1) for uid in cluster_of), strict=True)
    clusters = pa.table(
        {"registry": registry, "record_id": record_id, "cluster": list(cluster_of.values())}
    )
    con.register("_stock_clusters", clusters)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _stock_clusters")
    con.unregister("_stock_clusters")
