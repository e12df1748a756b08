"""The months of the payment ledger, and the death notices, a month's drop must still hold.

The ledger is the payments' whole history: a death paid for months, a case paid past its
渐退 period, rest on the months it lists. A drop whose ledger lost months the last drop's
held (this month's 发放表 alone, or one month's file left out) would resolve every lead
resting on them as gone from the data, and cut the money of the others, with nothing said.
So a month the last ledger held is lost when the new one does not hold it and it is not
older than both the new ledger's first month and the last ledger's last month: a rolling
export that drops its oldest months is taken, a ledger of September alone after one ending in
August is not. A month either ledger holds only a stray line or two of (under
``STRAY_MONTH_SHARE`` of its median month's: a month mistyped, corrected since; a 补发 of an
earlier month in this month's 发放表) is not one of its months (``months_held``): September's
发放表 alone with a 补发 line for August has lost August, as it has without that line.

A death notice never stops being true: a drop whose 死亡人员 holds less than
``KEPT_NOTICES_SHARE`` of the notices the last drop's held (this month's new notices alone, as
公安 and 殡葬 send them) would resolve every death lead resting on the others
(``lost_death_notices``).
"""

from __future__ import annotations

import statistics
from pathlib import Path

import duckdb

from resolver.db import column_names
from resolver.errors import InputError
from resolver.payment_months import payment_months
from resolver.registries import REGISTRIES

STRAY_MONTH_SHARE = 0.1
"""A month of a ledger with fewer lines than this share of its median month's is a stray (a
mistyped month, a 补发 line), not a month of the ledger."""

Months = dict[tuple[str | None, str], int]
"""Lines per (county, month ``YYYY-MM``) of a payment ledger (county None in a county's
drop)."""


def ledger_months(con: duckdb.DuckDBPyConnection) -> Months:
    """The lines of each county and month of the stored payment ledger, a line of several
    months (所属月份 2024-01至2024-03) in each of them.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database.

    Returns
    -------
    Months
        Lines per (county, month); empty when no ledger is stored.
    """
    county = _county_column(con, "payments")
    if county is None:
        return {}
    found = con.execute(
        f"SELECT {county}, pay_month, count(*) FROM ({payment_months(con)}) "
        "WHERE pay_month IS NOT NULL GROUP BY ALL"
    ).fetchall()
    return {(where, month): lines for where, month, lines in found}


def _county_column(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """What a stored table's rows are counted by county as: its ``county`` column, ``NULL``
    in a county's drop; None when the table is not stored."""
    columns = column_names(con, table)
    if not columns:
        return None
    return "county" if "county" in columns else "NULL"


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
    >>> [lost] = lost_ledger_months(before, {(None, "2026-08"): 1, (None, "2026-09"): 42}, files,
    ...                             Path("."))  # a 补发 line for August
    >>> lost.reason.split("。")[0]
    '发放记录中没有上次运行读取过的月份：2026-08（上次 41 条，本次 1 条）'
    """
    errors = []
    for county in sorted({where for where, _ in now}, key=str):
        old = {month: lines for (where, month), lines in before.items() if where == county}
        new = {month: lines for (where, month), lines in now.items() if where == county}
        if not old:
            continue
        held, kept = months_held(old), months_held(new)
        since = min(kept[0], held[-1])
        lost = [month for month in held if month >= since and month not in kept]
        if lost:
            reason = _lost_reason(county, lost, old, new, (held, kept))
            errors.append(InputError(files.get(county, drop), None, None, reason))
    return errors


def months_held(lines: dict[str, int]) -> list[str]:
    """A ledger's months in order, its strays (``STRAY_MONTH_SHARE``) left out.

    Parameters
    ----------
    lines : dict of str to int
        Lines per month ``YYYY-MM`` of one county's ledger (not empty).

    Returns
    -------
    list of str
        The months holding at least the share of the median month's lines.

    Examples
    --------
    >>> months_held({"2026-08": 1, "2026-09": 400, "2026-10": 402})
    ['2026-09', '2026-10']
    """
    stray = STRAY_MONTH_SHARE * statistics.median(lines.values())
    return sorted(month for month, count in lines.items() if count >= stray)


def _lost_reason(county: str | None, lost: list[str], old: dict[str, int], new: dict[str, int],
                 spans: tuple[list[str], list[str]]) -> str:  # fmt: skip
    """The clerk's message: the months lost with their lines last time and now (a stray line
    or two), the two ledgers' spans (``months_held`` of the last and of this one), and what to
    do."""
    of = f"区县 {county} 的" if county else ""
    months = "、".join(f"{month}（上次 {old[month]:,} 条"
                       + (f"，本次 {new[month]:,} 条）" if month in new else "）")
                       for month in lost)  # fmt: skip
    (held, kept), payments = spans, REGISTRIES["payments"].chinese
    return (f"{of}{payments}中没有上次运行读取过的月份：{months}。本次{payments}为 {kept[0]} 至 "
            f"{kept[-1]}，上次为 {held[0]} 至 {held[-1]}：每月的数据包须含完整的{payments}"
            "（以往各月的发放表也要放入），否则依据这些月份发放的疑点都会被当作数据中已消失而消除，"
            f"其余疑点的金额也会少算。如确需只用本次的{payments}，请加 --allow-missing {payments} "
            "再运行")  # fmt: skip


KEPT_NOTICES_SHARE = 0.5
"""A county's death notices fewer than this share of the last drop's (at least
``LEAST_NOTICES`` then) are a month's new notices, not the registry."""
LEAST_NOTICES = 10


def death_notices(con: duckdb.DuckDBPyConnection) -> dict[str | None, int]:
    """The stored death notices of each county (None in a county's drop).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database.

    Returns
    -------
    dict of (str or None) to int
        Notices per county; empty when none are stored.
    """
    county = _county_column(con, "deaths")
    if county is None:
        return {}
    return dict(con.execute(f"SELECT {county}, count(*) FROM deaths GROUP BY ALL").fetchall())


def lost_death_notices(before: dict[str | None, int], now: dict[str | None, int], drop: Path
                       ) -> list[InputError]:  # fmt: skip
    """An error for each county of this drop whose death notices fell below
    ``KEPT_NOTICES_SHARE`` of the last drop's: a month's new notices sent alone (a county the
    drop holds no notice of is missing, refused or taken as such on its own).

    Parameters
    ----------
    before : dict of (str or None) to int
        The last drop's notices per county (``death_notices`` before this drop was stored).
    now : dict of (str or None) to int
        This drop's.
    drop : Path
        The drop, named in the error.

    Returns
    -------
    list of InputError
        One per county that lost its notices, with both counts and what to do.

    Examples
    --------
    >>> [lost] = lost_death_notices({None: 67}, {None: 3}, Path("."))
    >>> lost.reason.split("：")[0]
    '死亡人员只有 3 条，上次运行读取了 67 条'
    >>> lost_death_notices({None: 67}, {None: 66}, Path(".")), lost_death_notices({None: 4}, {None: 1}, Path("."))
    ([], [])
    >>> lost_death_notices({"532301": 20, "532322": 17}, {"532301": 21}, Path("."))  # one left out
    []
    """
    deaths = REGISTRIES["deaths"].chinese
    errors = []
    for county, kept in sorted(now.items(), key=lambda item: str(item[0])):
        held = before.get(county, 0)  # a county left out of a province is no concern of this
        if held >= LEAST_NOTICES and kept < KEPT_NOTICES_SHARE * held:
            of = f"区县 {county} 的" if county else ""
            errors.append(InputError(drop, None, None, (
                f"{of}{deaths}只有 {kept:,} 条，上次运行读取了 {held:,} 条：死亡记录不会失效，每月的数据包须含"
                f"完整的{deaths}（以往各月的死亡记录也要放入，本月的可追加在后面），否则依据以往死亡记录的"
                f"疑点都会被当作数据中已消失而消除。如确需只用本次的{deaths}，请加 --allow-missing "
                f"{deaths} 再运行")))  # fmt: skip
    return errors
