"""The one place that opens DuckDB; everything else receives the connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from resolver.errors import DoudiError


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the DuckDB file at ``path``; ``":memory:"`` for a scratch one.

    Parameters
    ----------
    path : Path | str
        The database file (its folder is created if missing), or ``":memory:"``.
    read_only : bool
        Open the file read-only.

    Returns
    -------
    duckdb.DuckDBPyConnection
        The open connection, with DuckDB's progress bar off.

    Raises
    ------
    DoudiError
        If DuckDB cannot open the file.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise DoudiError(f"cannot open the database {path}: {error}") from error
    # In a notebook without ipywidgets DuckDB draws no progress bar, and refuses the setting.
    with suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends, roll back if it raises.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection to run the transaction on.

    Yields
    ------
    duckdb.DuckDBPyConnection
        The same connection, inside the transaction.
    """
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    con.commit()


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the connection's main database.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection to look in.

    Returns
    -------
    set[str]
        The names of its tables, temporary tables left out.
    """
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    return {name for (name,) in rows}
