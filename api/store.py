"""The run's DuckDB file as the review API opens it: one connection, a cursor per request
thread, rows as dicts. The parts of the storage (``api.storage``) share it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from resolver.db import connect
from resolver.upgrade import upgrade_stored_tables


class Store:
    """The file, opened once. The server is its one writer."""

    def __init__(self, db_path: Path) -> None:
        self.con = connect(db_path)
        upgrade_stored_tables(self.con)  # a database an earlier version wrote
        self._local = threading.local()

    def close(self) -> None:
        """Close the connection, and with it every cursor."""
        self.con.close()

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the file."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self.con.cursor()
        return cursor

    def rows(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        """A query's rows as dicts, on this thread's cursor.

        Parameters
        ----------
        sql : str
            The query.
        params : list, optional
            Its parameters.

        Returns
        -------
        list of dict
            Each row, by column name.
        """
        result = self.cursor.execute(sql, params or [])
        names = [column[0] for column in result.description]
        return [dict(zip(names, values, strict=True)) for values in result.fetchall()]

    def execute_script(self, script: str) -> None:
        """Run each statement of a script, on the connection.

        Parameters
        ----------
        script : str
            Statements separated by ``;`` (so none may contain one in a literal).
        """
        for statement in script.split(";"):
            if statement.strip():
                self.con.execute(statement)
