"""Reviewers' labels on identity links: two rows are "the same person" or "not the same person".

Labels live in the run's DuckDB file, table ``link_labels``, append-only. A label names its
two rows by ``registry:record_id``, which stays the same across re-runs and next month's
drop, and no run drops or rewrites the table: a label is never lost. The latest label of a
pair is the one in force; a ``pending`` label (one reviewer's, waiting for a second) is kept
but not in force, and once a second auditor records the same, his label is in force and the
first is read as confirmed (``labels_history``).

Linking reads the labels in force (``resolver.link``): a pair labelled the same person is
linked whatever its score (unless the rows hold two different IDs or one household), a pair
labelled not the same person is never put in one person, not even through other rows; and
with enough "same person" labels Splink re-estimates its m values from them.
"""

from __future__ import annotations

from datetime import datetime
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
);
ALTER TABLE link_labels ADD COLUMN IF NOT EXISTS pending BOOLEAN DEFAULT false;
ALTER TABLE link_labels ADD COLUMN IF NOT EXISTS token_id VARCHAR
"""
COLUMNS = (
    "label_id, unique_id_l, unique_id_r, same_person, actor, role, recorded_at, case_id, note, "
    "pending, token_id"
)
LABELS_SCHEMA = pa.schema(
    [("unique_id_l", pa.string()), ("unique_id_r", pa.string()), ("same_person", pa.bool_())]
)


def ensure_labels_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``link_labels`` table and its id sequence if they do not exist yet.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    """
    for statement in SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)


def record_label(
    con: duckdb.DuckDBPyConnection, left: str, right: str, *, same_person: bool, actor: str,
    role: str, case_id: str | None = None, note: str | None = None, pending: bool = False,
    token_id: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Append a label on the rows ``left`` and ``right`` (``registry:record_id``, in either
    order); returns the stored label.

    The table must exist (``ensure_labels_table``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    left : str
        One row, as ``registry:record_id``.
    right : str
        The other row, as ``registry:record_id``.
    same_person : bool
        True for "the same person", False for "not the same person".
    actor : str
        Who labelled the pair.
    role : str
        The labeller's role.
    case_id : str | None
        The case the label was made from, if any.
    note : str | None
        The reviewer's note, if any.
    pending : bool
        True for a label that waits for a second reviewer: it is kept, but not in force.
    token_id : str | None
        The id of the API token the label was recorded with, if any (who the reviewer is,
        whatever name the token carries).

    Returns
    -------
    dict[str, Any]
        The stored row, column name to value (its two rows in sorted order).

    Raises
    ------
    DoudiError
        If ``left`` and ``right`` are the same row.
    """
    if left == right:
        raise DoudiError("关联标注需要两条不同的记录")
    first, second = sorted((left, right))
    result = con.execute(
        "INSERT INTO link_labels (unique_id_l, unique_id_r, same_person, actor, role, "
        "recorded_at, case_id, note, pending, token_id) "
        f"VALUES (?, ?, ?, ?, ?, now(), ?, ?, ?, ?) RETURNING {COLUMNS}",
        [first, second, same_person, actor, role, case_id, note, pending, token_id],
    )
    names = [column[0] for column in result.description]
    return dict(zip(names, result.fetchone(), strict=True))


def labels_history(
    con: duckdb.DuckDBPyConnection, unique_ids: list[str] | None
) -> list[dict[str, Any]]:
    """Every label on pairs of the given rows (of all rows for None), oldest first.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.
    unique_ids : list[str] or None
        Rows as ``registry:record_id``; a label counts when both its rows are among them.
        None: every label.

    Returns
    -------
    list[dict[str, Any]]
        Each label as column name to value, ``pending`` false for one a second auditor has
        since confirmed; empty when there is no labels table.
    """
    if "link_labels" not in table_names(con):
        return []
    result = con.execute(
        f"SELECT {COLUMNS} FROM link_labels WHERE $ids IS NULL OR "
        "(list_contains($ids, unique_id_l) AND list_contains($ids, unique_id_r)) "
        "ORDER BY label_id",
        {"ids": unique_ids},
    )
    names = [column[0] for column in result.description]
    return _confirmed([dict(zip(names, values, strict=True)) for values in result.fetchall()])


def _confirmed(labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``labels`` (oldest first), each pending one that a later label confirmed (another
    auditor's of the same verdict on the pair, in force) shown as no longer pending: it is
    kept as stored, and the confirming label is the one in force."""
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for label in labels:
        by_pair.setdefault((label["unique_id_l"], label["unique_id_r"]), []).append(label)
    for pair in by_pair.values():
        for position, label in enumerate(pair):
            label["pending"] = label["pending"] and not any(
                not later["pending"] and later["same_person"] == label["same_person"]
                and later["role"] == "auditor" and later["actor"] != label["actor"]
                for later in pair[position + 1 :]
            )  # fmt: skip
    return labels


def current_labels(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The label in force on each labelled pair: ``unique_id_l``, ``unique_id_r``,
    ``same_person`` (empty when nobody has labelled anything). Pending labels are not.
    Only reads, so a read-only connection will do; a file without the table has no labels.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database.

    Returns
    -------
    pa.Table
        One row per labelled pair (``LABELS_SCHEMA``), the latest label of each.
    """
    if "link_labels" not in table_names(con):
        return LABELS_SCHEMA.empty_table()
    in_force = "NOT pending" if _has_pending_column(con) else "true"
    return (
        con.sql(
            f"SELECT unique_id_l, unique_id_r, same_person FROM link_labels WHERE {in_force} "
            "QUALIFY row_number() OVER (PARTITION BY unique_id_l, unique_id_r "
            "ORDER BY label_id DESC) = 1 ORDER BY ALL"
        )
        .to_arrow_table()
        .cast(LABELS_SCHEMA)
    )


def labelled_since(con: duckdb.DuckDBPyConnection, moment: datetime) -> bool:
    """Whether any link label (in force or pending) was recorded at or after ``moment``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database (a file without the table has no labels).
    moment : datetime
        When a run started, say.

    Returns
    -------
    bool
        True when a label may have changed who is the same person since then.
    """
    if "link_labels" not in table_names(con):
        return False
    found = con.execute("SELECT count(*) FROM link_labels WHERE recorded_at >= ?", [moment])
    return bool(found.fetchone()[0])


def _has_pending_column(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``link_labels`` has its ``pending`` column (a file of an earlier version has
    none: every label in it is in force). Read, never added: the connection may be read-only."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'link_labels' "
        "AND column_name = 'pending' AND database_name = current_database()"
    ).fetchall()
    return bool(rows)


def splink_labels(labels: pa.Table) -> pa.Table:
    """Labels in force as Splink's labels table: ``clerical_match_score`` 1 for the same
    person, 0 for not.

    Parameters
    ----------
    labels : pa.Table
        Labels in force, as ``current_labels`` gives them.

    Returns
    -------
    pa.Table
        ``unique_id_l``, ``unique_id_r`` and ``clerical_match_score``.
    """
    score = pc.cast(labels["same_person"], pa.int32())
    return labels.select(["unique_id_l", "unique_id_r"]).append_column(
        "clerical_match_score", score
    )
