"""Reviewers' labels on identity links: two rows are "the same person" or "not the same person".

Labels live in the run's DuckDB file, table ``link_labels``, append-only. A label names its
two rows by ``registry:record_id``, which stays the same across re-runs and next month's
drop, and no run drops or rewrites the table: a label is never lost. The latest label of a
pair is the one in force.

Linking reads the labels in force (``resolver.link``): a pair labelled the same person is
linked whatever its score (unless the rows hold two different IDs or one household), a pair
labelled not the same person is never put in one person, not even through other rows; and
with enough "same person" labels Splink re-estimates its m values from them.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from resolver.db import table_names
from resolver.errors import DoudiError

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS link_label_ids;
CREATE TABLE IF NOT EXISTS link_labels (
    label_id BIGINT DEFAULT nextval('link_label_ids') PRIMARY KEY, unique_id_l VARCHAR,
    unique_id_r VARCHAR, same_person BOOLEAN, actor VARCHAR, role VARCHAR,
    recorded_at TIMESTAMP, case_id VARCHAR, note VARCHAR
)
"""
COLUMNS = "label_id, unique_id_l, unique_id_r, same_person, actor, role, recorded_at, case_id, note"
LABELS_SCHEMA = pa.schema(
    [("unique_id_l", pa.string()), ("unique_id_r", pa.string()), ("same_person", pa.bool_())]
)


def ensure_labels_table(con: duckdb.DuckDBPyConnection) -> None:
    for statement in SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)


def record_label(
    con: duckdb.DuckDBPyConnection, left: str, right: str, *, same_person: bool, actor: str,
    role: str, case_id: str | None = None, note: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Append a label on the rows ``left`` and ``right`` (``registry:record_id``, in either
    order); returns the stored label."""
    if left == right:
        raise DoudiError("a link label needs two different rows")
    first, second = sorted((left, right))
    result = con.execute(
        "INSERT INTO link_labels (unique_id_l, unique_id_r, same_person, actor, role, "
        f"recorded_at, case_id, note) VALUES (?, ?, ?, ?, ?, now(), ?, ?) RETURNING {COLUMNS}",
        [first, second, same_person, actor, role, case_id, note],
    )
    names = [column[0] for column in result.description]
    return dict(zip(names, result.fetchone(), strict=True))


def labels_history(con: duckdb.DuckDBPyConnection, unique_ids: list[str]) -> list[dict[str, Any]]:
    """Every label on pairs of the given rows, oldest first."""
    if "link_labels" not in table_names(con):
        return []
    result = con.execute(
        f"SELECT {COLUMNS} FROM link_labels WHERE list_contains(?, unique_id_l) "
        "AND list_contains(?, unique_id_r) ORDER BY label_id",
        [unique_ids, unique_ids],
    )
    names = [column[0] for column in result.description]
    return [dict(zip(names, values, strict=True)) for values in result.fetchall()]


def current_labels(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The label in force on each labelled pair: ``unique_id_l``, ``unique_id_r``,
    ``same_person`` (empty when nobody has labelled anything)."""
    if "link_labels" not in table_names(con):
        return LABELS_SCHEMA.empty_table()
    return (
        con.sql(
            "SELECT unique_id_l, unique_id_r, same_person FROM link_labels "
            "QUALIFY row_number() OVER (PARTITION BY unique_id_l, unique_id_r "
            "ORDER BY label_id DESC) = 1 ORDER BY ALL"
        )
        .to_arrow_table()
        .cast(LABELS_SCHEMA)
    )


def splink_labels(labels: pa.Table) -> pa.Table:
    """Labels in force as Splink's labels table: ``clerical_match_score`` 1 for the same
    person, 0 for not."""
    score = pc.cast(labels["same_person"], pa.int32())
    return labels.select(["unique_id_l", "unique_id_r"]).append_column(
        "clerical_match_score", score
    )
