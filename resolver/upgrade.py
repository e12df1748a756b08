"""Columns added to the stored tables since Doudi's first databases. An office upgrades Doudi
between two months: the database an earlier version wrote still holds the last run, which
the new version screens the next payment list against and serves before any ``doudi update``
rebuilds the tables. When the review API or a command reading that run opens it, each table
gains the columns it lacks, empty (or as the fill says), so that what reads them finds them:
until 2026-12-07 (night) a 2026-12-04 database's ledger had no 保障金 column, and screening its
next list stopped with 内部错误 (the API answered 500), as did the what-if view (no
``persons.started``). An empty column reads as the earlier version read the drop: no 保障金
apart, no month range, no birth year written alone.
"""

from __future__ import annotations

import logging

import duckdb

from resolver.db import column_names, table_names

log = logging.getLogger(__name__)

ADDED_COLUMNS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "payments": (("pay_month_last", "VARCHAR", None), ("base_amount", "DECIMAL(14,2)", None)),
    "raw_payments": (("base_amount", "VARCHAR", None),),
    "hukou": (("birth_year_only", "BIGINT", None), ("former_name", "VARCHAR", None)),
    "raw_hukou": (("former_name", "VARCHAR", None),),
    "assistance": (("birth_year_only", "BIGINT", None),),
    "deaths": (("birth_year_only", "BIGINT", None),),
    "poverty": (("birth_year_only", "BIGINT", None),),
    "persons": (("written_name", "VARCHAR", "name"), ("former_name", "VARCHAR", None),
                ("name_sound", "VARCHAR", None), ("started", "DATE", None)),
}  # fmt: skip
"""Each stored table's columns added since the first databases: (column, SQL type, the SQL
expression of its value in a table written before it, None for empty)."""


def upgrade_stored_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Add to the tables of ``con`` the columns of ``ADDED_COLUMNS`` they lack (a database an
    earlier Doudi wrote); returns them, ``table.column``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database, open for writing.

    Returns
    -------
    list of str
        The columns added; none for a database this version wrote.

    Examples
    --------
    >>> from resolver.db import connect
    >>> con = connect(":memory:")
    >>> _ = con.execute("CREATE TABLE payments (record_id VARCHAR, amount DECIMAL(14, 2))")
    >>> upgrade_stored_tables(con), upgrade_stored_tables(con)
    (['payments.pay_month_last', 'payments.base_amount'], [])
    """
    present, added = table_names(con), []
    for table, columns in ADDED_COLUMNS.items():
        held = column_names(con, table) if table in present else None
        for column, sql_type, fill in columns if held is not None else ():
            if column not in held:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
                if fill is not None:
                    con.execute(f"UPDATE {table} SET {column} = {fill}")
                added.append(f"{table}.{column}")
    if added:
        log.info("columns added to a database an earlier version wrote: %s", ", ".join(added))
    return added
