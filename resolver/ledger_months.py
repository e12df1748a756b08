"""The months of the payment ledger a month's drop must still hold.

The ledger is the payments' whole history: a death paid for months, a case paid past its
渐退 period, rest on the months it lists. A drop whose ledger lost months the last drop's
held (this month's 发放表 alone, or one month's file left out) would resolve every lead
resting on them as gone from the data, and cut the money of the others, with nothing said.
So a month the last ledger held is lost when it has no line now and is not older than both
the new ledger's first month and the last ledger's last month: a rolling export that drops
its oldest months is taken, a ledger of September alone after one ending in August is not.
A month the last ledger held only a stray line or two of (under ``STRAY_MONTH_SHARE`` of its
median month's: a month mistyped, corrected since) is neither lost nor its last month.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import duckdb

from resolver.db import table_names
from resolver.errors import InputError
from resolver.registries import REGISTRIES

STRAY_MONTH_SHARE = 0.1
"""A month of the last ledger with fewer lines than this share of its median month's is a
stray (a mistyped month), not a month of the ledger."""

Months = dict[tuple[str | None, str], int]
"""Lines per (county, month ``YYYY-MM``) of a payment ledger (county None in a county's
drop)."""


def ledger_months(con: duckdb.DuckDBPyConnection) -> Months:
    """The lines of each county and month of the stored payment ledger.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database.

    Returns
    -------
    Months
        Lines per (county, month); empty when no ledger is stored.
    """
    if "payments" not in table_names(con):
        return {}
    columns = {name for name, *_ in con.execute("SELECT * FROM payments LIMIT 0").description}
    county = "county" if "county" in columns else "NULL"
    found = con.execute(
        f"SELECT {county}, pay_month, count(*) FROM payments WHERE pay_month IS NOT NULL "
        "GROUP BY ALL"
    ).fetchall()
    return {(where, month): lines for where, month, lines in found}


def lost_ledger_months(before: Months, now: Months, files: dict[str | None, Path], drop: Path
                       ) -> list[InputError]:  # fmt: skip
    """An error for each county whose payment ledger lacks months the last drop's held (see
    the module docstring); none for a county without payments now (a registry or county
    missing is refused on its own).

    Parameters
    ----------
    before : Months
        The last drop's ledger (``ledger_months`` before this drop was stored).
    now : Months
        This drop's ledger.
    files : dict of (str or None) to Path
        Each county's ledger file, named in its error.
    drop : Path
        The drop, named instead for a county whose ledger is not one file of ``files``.

    Returns
    -------
    list of InputError
        One per county that lost months, naming them, the lines each held and both ledgers'
        spans.

    Examples
    --------
    >>> before = {(None, "2026-07"): 40, (None, "2026-08"): 41}
    >>> files = {None: Path("发放记录.csv")}
    >>> [lost] = lost_ledger_months(before, {(None, "2026-09"): 42}, files, Path("."))
    >>> lost.reason.split("。")[0]
    '发放记录中没有上次运行读取过的月份：2026-08（上次 41 条）'
    >>> lost_ledger_months(before, {(None, "2026-08"): 41, (None, "2026-09"): 42}, files, Path("."))
    []
    """
    errors = []
    for county in sorted({where for where, _ in now}, key=str):
        old = {month: lines for (where, month), lines in before.items() if where == county}
        new = sorted(month for where, month in now if where == county)
        if not old:
            continue
        stray = STRAY_MONTH_SHARE * statistics.median(old.values())
        held = sorted(month for month, lines in old.items() if lines >= stray)
        since = min(new[0], held[-1])
        lost = [month for month in held if month >= since and month not in new]
        if lost:
            reason = _lost_reason(county, lost, {month: old[month] for month in held}, new)
            errors.append(InputError(files.get(county, drop), None, None, reason))
    return errors


def _lost_reason(county: str | None, lost: list[str], held: dict[str, int], new: list[str]
                 ) -> str:  # fmt: skip
    """The clerk's message: the months lost, the two ledgers' spans (the last one's months
    ``held``, strays left out, with their lines), and what to do."""
    of = f"区县 {county} 的" if county else ""
    months = "、".join(f"{month}（上次 {held[month]:,} 条）" for month in lost)
    payments = REGISTRIES["payments"].chinese
    return (f"{of}{payments}中没有上次运行读取过的月份：{months}。本次{payments}为 {new[0]} 至 "
            f"{new[-1]}，上次为 {min(held)} 至 {max(held)}：每月的数据包须含完整的{payments}"
            "（以往各月的发放表也要放入），否则依据这些月份发放的疑点都会被当作数据中已消失而消除，"
            f"其余疑点的金额也会少算。如确需只用本次的{payments}，请加 --allow-missing {payments} "
            "再运行")  # fmt: skip
