"""The payment ledger month by month: a line for a range of months (所属月份 ``2024-01至2024-03``,
a quarter's 特困 line or a 补发 of several months) is its money for each month it covers.

Its amount (and 保障金) is spread evenly over those months in whole fen that add up to it
exactly, the fen left over one each to its first months (1,000.00 over three months is
333.34, 333.33, 333.33; a refund's -100.00 is -33.34, -33.33, -33.33). Every reader of the
months a case was paid reads the ledger through ``payment_months``: the household graph (and
so every detector), the amounts a class is paid, the ledger-months check, screening.
"""

from __future__ import annotations

import duckdb

# SQL: a ``YYYY-MM`` month as a count of months.
_INDEX = "(CAST(substr({m}, 1, 4) AS INTEGER) * 12 + CAST(substr({m}, 6, 2) AS INTEGER) - 1)"
# Money columns of a line spread over its months.
_MONEY = ("amount", "base_amount")


def payment_months(con: duckdb.DuckDBPyConnection, table: str = "payments") -> str:
    """SQL for ``table`` (the ``payments`` registry's lines) with a row per month each line
    covers: ``pay_month`` that month, its money that month's part (see the module
    docstring), and ``line_months`` how many months the line covers (1: a month's line, as
    it is). Use it as a table: ``FROM ({payment_months(con)}) payments``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database holding ``table`` (a table or a view, which must exist).
    table : str
        The lines: ``pay_month`` and, where a line covers several months, ``pay_month_last``
        (a database read before ranges were read has none: each line is its month's).

    Returns
    -------
    str
        A SELECT statement.
    """
    columns = {name for name, *_ in con.execute(f"SELECT * FROM {table} LIMIT 0").description}
    if "pay_month_last" not in columns:
        return f"SELECT *, 1 AS line_months FROM {table}"
    month = "printf('%04d-%02d', (first + k) // 12, (first + k) % 12 + 1)"
    spread = [f"CASE WHEN line_months = 1 THEN {name} ELSE {_part(name)} END AS {name}"
              for name in _MONEY if name in columns]  # fmt: skip
    return f"""
        SELECT * EXCLUDE (first, k) REPLACE (
            CASE WHEN line_months = 1 THEN pay_month ELSE {month} END AS pay_month,
            {", ".join(spread)})
        FROM (SELECT *, unnest(range(line_months)) AS k FROM (
            SELECT *, {_INDEX.format(m="pay_month")} AS first,
                   greatest(coalesce({_INDEX.format(m="pay_month_last")} - first + 1, 1), 1)
                       AS line_months
            FROM {table}))"""


def _part(name: str) -> str:
    """SQL: month ``k``'s part of money column ``name`` spread over ``line_months`` months, in
    whole fen, the odd fen to the first months; a refund's the same, negative."""
    fen = f"(abs({name}) * 100)::BIGINT"
    return (f"(sign({name}) * ({fen} // line_months + ({fen} % line_months > k)::INTEGER)"
            " / 100)::DECIMAL(14, 2)")  # fmt: skip
