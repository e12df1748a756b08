"""The months of the payment ledger, and the death notices, a month's drop must still hold.

The ledger is the payments' whole history: a death paid for months, a case paid past its
渐退 period, rest on the months it lists. A drop whose ledger lost months the last drop's
held (this month's 发放表 alone, or one month's file left out) would resolve every lead
resting on them as gone from the data, and cut the money of the others, with nothing said.
So a month the last ledger held is lost when the new one does not hold it, unless the new
ledger is a rolling export (``_rolled_off``: the office exports its last N months each time)
that dropped it as one of its oldest: the new ledger reaches back to the last ledger's last
month, and drops no more months before its first than it adds after that last month. A rolling
export that drops its oldest month as it adds this month's is taken; a ledger of September
alone after one ending in August is not (all the months before it lost), nor October's 发放表
alone redoing October (nine months dropped, none added). Nor is an export whose window
shrank (the last 12 months after the whole history, or after 24 months), taken once with
``--allow-missing 发放记录``. A month either ledger holds only a stray line or two of (under
``STRAY_MONTH_SHARE`` of its median month's: a month mistyped, corrected since; a 补发 of an
earlier month in this month's 发放表) is not one of its months (``months_held``): September's
发放表 alone with a 补发 line for August has lost August too, as it has without that line.

A death notice never stops being true: a drop whose 死亡人员 holds less than
``KEPT_NOTICES_SHARE`` of the notices the last drop's held (this month's new notices alone, as
公安 and 殡葬 send them) would resolve every death lead resting on the others
(``lost_death_notices``).

The month the ledger has reached (``last_paid_month``) is the drop's: the run's as-of day is
its last day (``models.graph.drop_as_of``) and ingest asks about a date of what has happened
after it. A county's last month or few (``SET_ASIDE_MONTHS``) are set aside for it
(``months_set_aside``) when they lie apart from the rest — the step from the month before them
at least twice the ledger's usual step between its paid months, and at least
``SET_ASIDE_STEP`` months (two empty months between) — and each holds only a stray line or two
(under ``STRAY_MONTH_SHARE`` of the usual month's before them, ``_usual_month``): a 发放月份 typed a year ahead
(2027-09 for 2026-09) would otherwise move the as-of day a year on, every case unpaid since
and every 渐退 ended. Such lines are still read as written, each with a finding
(``MONTH_SET_ASIDE``). A ledger cut to a twentieth (its thin months follow on: no gap), one
of quarters (two empty months between its own) or a month paid late but following on keeps
its last month.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

import duckdb
import pyarrow as pa

from resolver.db import column_names, table_names
from resolver.errors import InputError
from resolver.funds import CASE_MONEY, RAW_LINE
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
    '发放记录中没有上次运行读取过的月份：2026-07 至 2026-08（2 个月，上次每月 40 至 41 条）'
    >>> lost_ledger_months(before, {(None, "2026-08"): 41, (None, "2026-09"): 42}, files, Path("."))
    []
    >>> [lost] = lost_ledger_months(before, {(None, "2026-07"): 40, (None, "2026-09"): 42}, files,
    ...                             Path("."))  # August's file left out
    >>> lost.reason.split("。")[0]
    '发放记录中没有上次运行读取过的月份：2026-08（上次 41 条）'
    """
    errors = []
    for county in sorted({where for where, _ in now}, key=str):
        old = {month: lines for (where, month), lines in before.items() if where == county}
        new = {month: lines for (where, month), lines in now.items() if where == county}
        if not old:
            continue
        held, kept = months_held(old), months_held(new)
        lost = [month for month in held if month not in kept]
        if _rolled_off(held, kept):
            lost = [month for month in lost if month >= kept[0]]
        if lost:
            reason = _lost_reason(county, lost, old, new, (held, kept))
            errors.append(InputError(files.get(county, drop), None, None, reason))
    return errors


def _rolled_off(held: list[str], kept: list[str]) -> bool:
    """Whether the months of the last ledger (``held``) older than the new one's first
    (``kept``) are a rolling export's oldest, dropped as it moved on: the new ledger reaches
    back to the last one's last month and adds at least as many months after it as it dropped.

    >>> _rolled_off(["2026-06", "2026-07", "2026-08"], ["2026-07", "2026-08", "2026-09"])
    True
    >>> _rolled_off(["2026-06", "2026-07", "2026-08"], ["2026-08"])  # August redone alone
    False
    >>> _rolled_off(["2026-07", "2026-08"], ["2026-09", "2026-10"])  # no month in common
    False
    """
    dropped = sum(month < kept[0] for month in held)
    added = sum(month > held[-1] for month in kept)
    return kept[0] <= held[-1] and dropped <= added


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


SET_ASIDE_STEP = 3
"""The least step, in months, from a ledger's other months to a last month set aside (two
empty months between: 2026-09, then 2026-12)."""
SET_ASIDE_MONTHS = 3
"""The most last months of a ledger set aside together (a few lines each typed ahead)."""
MONTH_SET_ASIDE = "month_set_aside"
"""The finding on a payment line of a month set aside (``months_set_aside``)."""
_LINES_SET_ASIDE = pa.schema([("record_id", pa.string()), ("source_no", pa.int64()),
                              ("row_no", pa.int64()), ("pay_month", pa.string()),
                              ("latest", pa.string())])  # fmt: skip


def months_set_aside(lines: dict[str, int]) -> list[str]:
    """The last months of one county's ledger that do not say how far it has reached (see
    the module docstring): the most (up to ``SET_ASIDE_MONTHS``) that lie apart from the
    months before them and each hold under ``STRAY_MONTH_SHARE`` of the lines of the usual
    month before them (``_usual_month``: not a month of a few 补发 lines). The usual step is the median step between the months before them (one month
    when there is one).

    Parameters
    ----------
    lines : dict of str to int
        Lines per month ``YYYY-MM`` of one county's ledger.

    Returns
    -------
    list of str
        The months set aside, in order; empty for most ledgers.

    Examples
    --------
    >>> months_set_aside({"2026-07": 12, "2026-08": 12, "2026-09": 11, "2027-09": 1})
    ['2027-09']
    >>> months_set_aside({"2026-01": 40, "2026-04": 40, "2026-07": 2})  # a quarter paid late
    []
    >>> months_set_aside({"2026-07": 400, "2026-08": 20, "2026-09": 20})  # a roster cut
    []
    """
    months = sorted(lines)
    for tail in range(min(SET_ASIDE_MONTHS, len(months) - 1), 0, -1):
        before, after = months[:-tail], months[-tail:]
        steps = [_index(later) - _index(earlier) for earlier, later in pairwise(before)]
        usual = statistics.median(steps) if steps else 1
        stray = STRAY_MONTH_SHARE * _usual_month(lines[month] for month in before)
        apart = _index(after[0]) - _index(before[-1]) >= max(SET_ASIDE_STEP, 2 * usual)
        if apart and all(lines[month] < stray for month in after):
            return after
    return []


def _usual_month(sizes: Iterable[int]) -> int:
    """The lines of the month the median line is in: a ledger's usual month, however many
    months of a stray line or two (补发 of old months) it holds.

    >>> _usual_month([1, 2, 1, 30, 30]), _usual_month([400, 20, 20])
    (30, 400)
    """
    ordered = sorted(sizes)
    half, counted = sum(ordered) / 2, 0
    for size in ordered:
        counted += size
        if counted >= half:
            return size
    raise ValueError("no months")


def _index(month: str) -> int:
    """A ``YYYY-MM`` month as a count of months."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def last_paid_month(con: duckdb.DuckDBPyConnection, row_county: str | None = None
                    ) -> str | None:  # fmt: skip
    """The latest month the payment ledger paid 低保 or 特困 money in (``_counted_lines``), the
    months set aside (``months_set_aside``) aside, of any county.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database.
    row_county : str | None
        A registered table of the county each raw row names (``source_no``, ``row_no``,
        ``county``) while the stored lines do not say it yet (ingest of a county column).

    Returns
    -------
    str | None
        The month as ``YYYY-MM``; None without a ledger or a line of such money.
    """
    return _reach(_counted_months(con, row_county))[0]


def ledger_reach(con: duckdb.DuckDBPyConnection, row_county: str | None = None
                 ) -> tuple[str | None, pa.Table]:  # fmt: skip
    """``last_paid_month``, and the counted lines (``_counted_lines``) of the months set aside
    after it (``months_set_aside``: a county's month set aside but not after the month another
    county has reached moves nothing, and is no finding), in the ledger's order:
    ``record_id``, ``source_no``, ``row_no``, ``pay_month`` and ``latest``, that month.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database.
    row_county : str | None
        As for ``last_paid_month``.

    Returns
    -------
    tuple[str | None, pa.Table]
        The month (None without a ledger) and the lines; none for most ledgers.
    """
    latest, set_aside = _reach(_counted_months(con, row_county))
    aside = [(county, month) for county, months in set_aside.items()
             for month in months if month > latest]  # fmt: skip
    if not aside:  # most ledgers; also a drop of no ledger
        return latest, _LINES_SET_ASIDE.empty_table()
    con.register("_set_aside", pa.table({"county": [county for county, _ in aside],
                                         "pay_month": [month for _, month in aside]},
                                        schema=pa.schema([("county", pa.string()),
                                                          ("pay_month", pa.string())])))  # fmt: skip
    try:
        return latest, con.sql(
            "SELECT l.record_id, l.source_no, l.row_no, l.pay_month, ? AS latest "
            f"FROM ({_counted_lines(con, row_county)}) l JOIN _set_aside s "
            "ON s.county IS NOT DISTINCT FROM l.county AND s.pay_month = l.pay_month "
            "ORDER BY l.source_no, l.row_no",
            params=[latest],
        ).to_arrow_table()
    finally:
        con.unregister("_set_aside")


def _reach(counties: dict[str | None, dict[str, int]]
           ) -> tuple[str | None, dict[str | None, list[str]]]:  # fmt: skip
    """The latest month of any county's ledger not set aside, and each county's months set
    aside (``months_set_aside``)."""
    aside = {county: months_set_aside(lines) for county, lines in counties.items()}
    kept = [month for county, lines in counties.items() for month in lines
            if month not in aside[county]]  # fmt: skip
    return max(kept, default=None), aside


def _counted_months(con: duckdb.DuckDBPyConnection, row_county: str | None
                    ) -> dict[str | None, dict[str, int]]:  # fmt: skip
    """Each county's counted lines (``_counted_lines``) per month."""
    if "payments" not in table_names(con):
        return {}
    counties: dict[str | None, dict[str, int]] = {}
    for county, month, lines in con.execute(
        f"SELECT county, pay_month, count(*) FROM ({_counted_lines(con, row_county)}) GROUP BY ALL"
    ).fetchall():
        counties.setdefault(county, {})[month] = lines
    return counties


def _counted_lines(con: duckdb.DuckDBPyConnection, row_county: str | None = None) -> str:
    """SQL: the lines of the stored ledger that say how far it has reached: a case's 低保 or
    特困 money (``resolver.funds.CASE_MONEY``: not 取暖费 …) of one month, the month each is
    for. A line of several months (所属月份 2024-07至2024-09) may pay months the ledger has not
    reached, its first one too (a quarter paid ahead), and counts only in a ledger of no other
    lines, by its first month. Columns ``record_id``, ``source_no``, ``row_no``, ``pay_month``
    and ``county`` (null in a county's drop).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database holding ``payments`` and ``raw_payments``.
    row_county : str | None
        As for ``last_paid_month``.

    Returns
    -------
    str
        A SELECT statement.
    """
    columns = column_names(con, "payments")
    one_month = ("payments.pay_month_last IS NULL OR payments.pay_month_last = payments.pay_month"
                 if "pay_month_last" in columns else "true")  # fmt: skip
    county = "payments.county" if "county" in columns else "NULL"
    joined = ""
    if row_county:
        county = f"coalesce({county}, c.county)"
        joined = (f"LEFT JOIN {row_county} c "
                  "ON c.source_no = payments.source_no AND c.row_no = payments.row_no")  # fmt: skip
    return f"""
        WITH lines AS (
            SELECT payments.record_id, payments.source_no, payments.row_no, payments.pay_month,
                   {county} AS county, {one_month} AS one_month
            FROM payments {RAW_LINE} {joined}
            WHERE payments.pay_month IS NOT NULL AND {CASE_MONEY})
        SELECT * EXCLUDE (one_month) FROM lines
        WHERE one_month OR NOT coalesce((SELECT bool_or(one_month) FROM lines), false)"""


def _lost_reason(county: str | None, lost: list[str], old: dict[str, int], new: dict[str, int],
                 spans: tuple[list[str], list[str]]) -> str:  # fmt: skip
    """The clerk's message: the months lost with their lines last time and now (a stray line
    or two), the two ledgers' spans (``months_held`` of the last and of this one), and what to
    do."""
    of = f"区县 {county} 的" if county else ""
    (held, kept), payments = spans, REGISTRIES["payments"].chinese
    months = "、".join(_lost_run(run, old, new) for run in _runs(lost, held))
    return (f"{of}{payments}中没有上次运行读取过的月份：{months}。本次{payments}为 {kept[0]} 至 "
            f"{kept[-1]}，上次为 {held[0]} 至 {held[-1]}：每月的数据包须含完整的{payments}"
            "（以往各月的发放表也要放入），否则依据这些月份发放的疑点都会被当作数据中已消失而消除，"
            f"其余疑点的金额也会少算。如确需只用本次的{payments}，请加 --allow-missing {payments} "
            "再运行")  # fmt: skip


def _runs(lost: list[str], held: list[str]) -> list[list[str]]:
    """The months lost in runs of months that follow each other in the last ledger.

    >>> _runs(["2026-01", "2026-02", "2026-04"], ["2026-01", "2026-02", "2026-03", "2026-04"])
    [['2026-01', '2026-02'], ['2026-04']]
    """
    runs: list[list[str]] = []
    for month in lost:
        if runs and held.index(month) == held.index(runs[-1][-1]) + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def _lost_run(run: list[str], old: dict[str, int], new: dict[str, int]) -> str:
    """One run of months lost with their lines last time, and the stray lines this time.

    >>> _lost_run(["2026-08"], {"2026-08": 41}, {})
    '2026-08（上次 41 条）'
    >>> _lost_run(["2026-07", "2026-08"], {"2026-07": 40, "2026-08": 41}, {"2026-08": 1})
    '2026-07 至 2026-08（2 个月，上次每月 40 至 41 条，本次只有 2026-08 1 条）'
    """
    if len(run) == 1:
        [month] = run
        return f"{month}（上次 {old[month]:,} 条" + (
            f"，本次 {new[month]:,} 条）" if month in new else "）"
        )
    least, most = min(old[month] for month in run), max(old[month] for month in run)
    each = f"{least:,}" if least == most else f"{least:,} 至 {most:,}"
    strays = "、".join(f"{month} {new[month]:,} 条" for month in run if month in new)
    return (f"{run[0]} 至 {run[-1]}（{len(run)} 个月，上次每月 {each} 条"
            + (f"，本次只有 {strays}）" if strays else "）"))  # fmt: skip


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
