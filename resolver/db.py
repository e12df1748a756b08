"""The one place that opens DuckDB; everything else receives the connection."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from resolver.errors import DoudiError, path_problem
from resolver.private import PRIVATE_FILE, private_folder

# What one connection may hold in memory before DuckDB spills to temporary files: a share of
# the machine's memory, unless the environment sets it (``4GB``, ``500MB``). A run holds two
# connections at once (its database and linking's scratch) beside Python's own tables, and
# DuckDB's default (80 % each) lets the two together exhaust a small machine.
MEMORY_VARIABLE = "DOUDI_MEMORY_LIMIT"
MEMORY_SHARE = 0.35


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed, owner-only) the DuckDB file at ``path``; ``":memory:"`` for a
    scratch one.

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
    new = str(path) != ":memory:" and not Path(path).exists()
    if str(path) != ":memory:":
        private_folder(Path(path).parent)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise DoudiError(_unopened(path, error)) from error
    if new and Path(path).exists():  # every registry unmasked: the office's account's alone
        os.chmod(path, PRIVATE_FILE)
    if str(path) != ":memory:":
        names = table_names(con)
        _refuse_foreign(con, path, names)
        _check_schema(con, path, names, read_only=read_only)
    _limit_memory(con, in_memory=str(path) == ":memory:")
    # In a notebook without ipywidgets DuckDB draws no progress bar, and refuses the setting.
    with suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
    return con


# A table every Doudi database has: the drop's files (ingest), the runs, or the review API's
# tokens and access log (a database the server opened first).
DOUDI_TABLES = frozenset({"ingest_files", "runs", "api_tokens", "access_log"})


def _refuse_foreign(con: duckdb.DuckDBPyConnection, path: Path | str, names: set[str]) -> None:
    """Close ``con`` and refuse a database another program made (it has tables, ``names``,
    none of them Doudi's), before anything is written into it."""
    if names and not names & DOUDI_TABLES:
        con.close()
        shown = "、".join(sorted(names)[:3]) + ("等" if len(names) > 3 else "")
        raise DoudiError(f"{path} 不是兜底的数据库（其中是其他程序的表：{shown}），兜底不会改动它："
                         "请检查数据库的路径（--db），应为 doudi run 或 doudi ingest 写出的 .duckdb 文件")  # fmt: skip


# The layout of the stored tables this version writes and reads. Raise it whenever a stored
# table changes so that an earlier version would misread it (a column added: see
# ``resolver.upgrade.ADDED_COLUMNS``). A database remembers the highest version that wrote it
# (``SCHEMA_TABLE``), and a version older than that refuses it: until 2026-12-08 nothing
# did, and a 2026-12-06 Doudi run on a database a later one had written went on silently
# over a table it did not know (its published 渐退 periods went stale).
SCHEMA_VERSION = 1
SCHEMA_TABLE = "doudi_schema"


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path | str, names: set[str], *,
                  read_only: bool) -> None:  # fmt: skip
    """Refuse (closing ``con``) a database a later version of Doudi wrote; mark a Doudi
    database (its tables ``names``) opened for writing with this version's
    ``SCHEMA_VERSION``."""
    held = (con.execute(f"SELECT max(version) FROM {SCHEMA_TABLE}").fetchall()[0][0]
            if SCHEMA_TABLE in names else None)  # fmt: skip
    if held is not None and held > SCHEMA_VERSION:
        con.close()
        raise DoudiError(f"数据库 {path} 由较新版本的兜底写入（数据结构第 {held} 版），当前使用的兜底"
                         f"只认识到第 {SCHEMA_VERSION} 版：请改用写入它的版本或更新的版本打开，"
                         "以免旧版本误读或改坏其中的数据")  # fmt: skip
    if not read_only and names & DOUDI_TABLES and (held or 0) < SCHEMA_VERSION:
        con.execute(f"CREATE OR REPLACE TABLE {SCHEMA_TABLE} AS "
                    f"SELECT {SCHEMA_VERSION} AS version, now() AS marked_at")  # fmt: skip


def _unopened(path: Path | str, error: duckdb.Error) -> str:
    """Why DuckDB could not open ``path``, in Chinese: in use by another process (the review
    server, or another run), not a database, or a disk or path problem; else DuckDB's words."""
    said = str(error)
    if "Could not set lock" in said:
        pid = re.search(r"\(PID (\d+)\)", said)
        by = f"（进程号 {pid.group(1)}）" if pid else ""
        return (f"数据库 {path} 正被另一个进程使用{by}，通常是正在运行的审核服务（doudi serve）"
                "或另一次写入同一数据库的运行：请先停止那个进程，或等它结束后再试")  # fmt: skip
    if "not a valid DuckDB database file" in said:
        return (f"{path} 不是兜底的数据库（不是 DuckDB 数据库文件）：请检查数据库的路径（--db），"
                "应为 doudi run 或 doudi ingest 写出的 .duckdb 文件")  # fmt: skip
    return path_problem(error) or f"无法打开数据库 {path}：{said}"


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


def view_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The views of the connection, temporary ones included (an Arrow table registered on it
    is one).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection to look in.

    Returns
    -------
    set[str]
        The names of its views.
    """
    rows = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    return {name for (name,) in rows}


def column_names(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns of a table of the connection's main database.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection to look in.
    table : str
        The table's name.

    Returns
    -------
    set[str]
        Its columns' names; empty when there is no such table.
    """
    if table not in table_names(con):
        return set()
    return {name for name, *_ in con.execute(f"SELECT * FROM {table} LIMIT 0").description}
