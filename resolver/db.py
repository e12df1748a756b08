"""The one place that opens DuckDB; everything else receives the connection."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from resolver.errors import DoudiError

# What one connection may hold in memory before DuckDB spills to temporary files: a share of
# the machine's memory, unless the environment sets it (``4GB``, ``500MB``). A run holds two
# connections at once (its database and linking's scratch) beside Python's own tables, and
# DuckDB's default (80 % each) lets the two together exhaust a small machine.
MEMORY_VARIABLE = "DOUDI_MEMORY_LIMIT"
MEMORY_SHARE = 0.35


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
        raise DoudiError(f"无法打开数据库 {path}：{error}") from error
    _limit_memory(con, in_memory=str(path) == ":memory:")
    # In a notebook without ipywidgets DuckDB draws no progress bar, and refuses the setting.
    with suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
    return con


def memory_limit() -> str:
    """The memory each connection may hold before spilling: ``DOUDI_MEMORY_LIMIT`` when set,
    else ``MEMORY_SHARE`` of the machine's memory.

    Returns
    -------
    str
        A size DuckDB reads (``4GB``, ``8396MB``).
    """
    given = os.environ.get(MEMORY_VARIABLE, "").strip()
    if given:
        return given
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{int(machine * MEMORY_SHARE) // 2**20}MB"


def _limit_memory(con: duckdb.DuckDBPyConnection, *, in_memory: bool) -> None:
    """Cap the connection's memory; a database in memory spills to a folder of its own in the
    system's temporary folder (DuckDB makes it when it first spills and removes it on close),
    not to ``.tmp`` in whatever folder the command was started from."""
    limit = memory_limit()
    try:
        con.execute(f"SET memory_limit = '{limit}'")
    except duckdb.Error as error:
        con.close()
        raise DoudiError(f"环境变量 {MEMORY_VARIABLE} 的值 {limit!r} 不是有效的内存大小"
                         "（应如 4GB、500MB）") from error  # fmt: skip
    if in_memory:
        spill = Path(tempfile.gettempdir()) / f"doudi-spill-{uuid.uuid4().hex}"
        con.execute(f"SET temp_directory = '{spill.as_posix()}'")


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
