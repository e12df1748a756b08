"""Each member's own monthly amount (contract §3): the amount of the member's own 低保 class
(A, B, C) or of 特困 in a month, from the policy where it sets the amounts, otherwise
inferred from the payment ledger. Money at risk is the person's own, not a share of what
the case was paid: the members of one case may be of different classes (分类施保).

Inference from the ledger: in a month, a case whose active covered members are all of one
class was paid that class's amount once per member. The most common per-member amount of
such cases is the class's amount that month (ties: the smaller). A month with fewer than
``MIN_CASES`` such cases takes the most common amount of its year. Where the class's amounts
are not paid to at least ``MIN_SUPPORT`` of those cases, the ledger does not pay by class (a
county paying each family the gap between the standard and its income, 补差): the class has
no amount that month, and a member's own amount is their share. A county town's 城市低保 may
pay other class amounts than its townships' 农村低保 (700 and 500 for A): each area's cases
price its own 低保 classes too, and where both areas have an amount for a class in a month
and they differ beyond the tolerance, a member is owed his case's area's (none when the
roster does not say his area).

特困 is paid at several legitimate levels at once: the 基本生活费 standard plus a 照料护理费
by care level (全自理, 半护理, 全护理), and 集中供养 in an institution at other amounts than
分散供养 at home. Every amount paid to at least ``MIN_LEVEL_CASES`` 特困 cases in a month,
and to ``MIN_LEVEL_SHARE`` of them (3 %), that is no whole multiple of the most common amount (and
the most common one) is one of its levels (``tekun_levels``; a policy may declare them:
``monthly_amounts`` ``{"tekun": {"2025-01": [571, 1000]}}``); one case never sets a level of
its own, nor an error repeated in several cases (five of 70 paid twice, or 2 % of a large
county's 特困 cases paid twice in one month), and an institution's residents add their level
beside the others rather than replacing them. A 特困 member's own amount is the level nearest
what they were paid (``own_amount``'s ``share``); the class's single amount
(``ledger_amounts``) is its lowest. Where the roster states 特困 members' care level
(护理等级), each level's amount in a month is the one amount the ledger pays the 特困 cases
whose members all state it (``_care_amounts``), which ``models.detectors.payment_mismatch``
owes a member of that level.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

import duckdb
import pyarrow as pa

from models.periods import month_index, month_text
from models.policy import Policy
from resolver.db import table_names
from resolver.funds import CASE_MONEY, RAW_LINE
from resolver.normalize import CARE_LEVELS, care_level, urban_or_rural
from resolver.payment_months import payment_months
from resolver.registries import AREA_HEADERS, CARE_LEVEL_HEADERS, extra_value

MIN_CASES = 3
# A level of 特困 beside its most common amount is paid to this many cases and this share of
# the month's 特困 cases, and is no whole multiple of it (see the module docstring).
MIN_LEVEL_CASES = 5
MIN_LEVEL_SHARE = 0.03
MIN_SUPPORT = 0.5
TEKUN = "tekun"
CLASS_LABELS = {"A": "低保A类", "B": "低保B类", "C": "低保C类", TEKUN: "特困"}
AREAS = ("urban", "rural")
# SQL: whether a line's 保障金 is its money for its class: where the table writes 分类施保金
# beside it (fixed monthly extras for members who are old, disabled or children, on top of
# the class amount, which a member's own amount never includes: contract §3) and the 保障金 is
# part of what was paid. A 保障金 column alone may be the month's entitlement, beside a 停发
# line of 0 or a 补发 of two months: the amount paid is the line's money then.
BASE_APART = """(payments.base_amount > 0 AND payments.base_amount <= payments.amount
    AND coalesce(len(list_filter(map_keys(raw_line.extra), lambda k: k LIKE '%分类施保%')) > 0,
                 false))"""
# SQL: a line's money for its class.
LINE_MONEY = f"(CASE WHEN {BASE_APART} THEN payments.base_amount ELSE payments.amount END)"
# SQL (beside ``RAW_LINE``): the text of a payment line's columns beside the contract's (备注,
# 发放类型 …), which may name the months it is for (``case_parts``).
LINE_NOTE = "array_to_string(map_values(raw_line.extra), ' ')"


class OwnAmount(NamedTuple):
    """A member's amount in a month and how it was found (``policy``, ``ledger`` or
    ``share``: no class amount known, the member's share of what the case was paid)."""

    amount: float
    source: str


def class_key(program: str | None, dibao_class: str | None) -> str | None:
    """``A``/``B``/``C`` for a 低保 row of that class, ``tekun`` for 特困, else None.

    Parameters
    ----------
    program : str or None
        The row's program (``dibao`` or ``tekun``).
    dibao_class : str or None
        The row's 低保 class.

    Returns
    -------
    str or None
        The key of the row's amounts.

    Examples
    --------
    >>> class_key("dibao", "B"), class_key("tekun", None), class_key("dibao", None)
    ('B', 'tekun', None)
    """
    if program == "tekun":
        return "tekun"
    return dibao_class if program == "dibao" and dibao_class else None


def ledger_amounts(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], float]:
    """The amount of each class per month, inferred from the payments of cases whose active
    covered members that month are all of that class (see the module docstring); 特困's is
    its lowest level (``tekun_levels``).

    Complexity: one SQL pass over payments and roster rows; O(S) Python over the S distinct
    (class, month, per-member amount) samples.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database with the ``payments`` and ``assistance`` tables.

    Returns
    -------
    dict of tuple of (str, int) to float
        ``(class key, month index)``: the amount; empty without payments or roster.
    """
    return _lowest(_ledger_levels(con))


def tekun_levels(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[float, ...]]:
    """The levels 特困 is paid at per month (see the module docstring): each amount paid to
    at least ``MIN_LEVEL_CASES`` 特困 cases that month (and ``MIN_LEVEL_SHARE`` of them, no
    whole multiple of the most common), and the most common one; none in a month where they
    are not paid to ``MIN_SUPPORT`` of its 特困 cases. A month of fewer than
    ``MIN_CASES`` 特困 cases takes its year's most common amount alone (one case never sets a
    level of its own).

    Complexity: as ``ledger_amounts``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database with the ``payments`` and ``assistance`` tables.

    Returns
    -------
    dict of int to tuple of float
        Month index: the levels, smallest first; empty without payments or roster.

    Examples
    --------
    >>> from resolver.db import connect
    >>> tekun_levels(connect(":memory:"))
    {}
    """
    return _tekun_only(_ledger_levels(con))


Amounts = tuple[dict[tuple[str, int], float], dict[int, tuple[float, ...]]]
"""What ``ledger_amounts`` and ``tekun_levels`` return: the classes' amounts and 特困's levels."""


AreaAmounts = dict[tuple[str | None, str], dict[tuple[str, int], float]]
"""Each (county, area)'s own 低保 class amounts (``ledger_amounts_and_levels``)."""


def ledger_amounts_and_levels(con: duckdb.DuckDBPyConnection, *, yearly: bool = True
                              ) -> tuple[Amounts, dict[str, Amounts], AreaAmounts,
                                         CareAmounts]:  # fmt: skip
    """``ledger_amounts`` and ``tekun_levels`` from one pass over the ledger (the
    graph needs both: at 650,000 people each pass takes about half a second), and for a drop
    of several counties (a province's, or a city's with a 区县 column) each county's own:
    counties set their own standards (城区 and 县 apart by more than the tolerance), and a
    member is owed his county's amount (``own_amount``'s ``county``). Also each area's own
    低保 class amounts (``_area_amounts``: a county town's 城市低保 may pay other class
    amounts than its townships' 农村低保), which ``own_amount`` uses where both areas have
    one and they differ; and each 特困 care level's amount (``_care_amounts``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database with the ``payments`` and ``assistance`` tables.
    yearly : bool
        Whether a month of fewer than ``MIN_CASES`` single-class cases of a class takes its
        year's amount; when False it has none (an area's amounts never take their year's).

    Returns
    -------
    tuple
        The drop's amounts and levels, each county's (empty for a drop of one county), each
        (county, area)'s 低保 class amounts and each (county, care level)'s 特困 amounts
        (county None in a drop of one county).

    Examples
    --------
    >>> from resolver.db import connect
    >>> ledger_amounts_and_levels(connect(":memory:"))
    (({}, {}), {}, {}, {})
    """
    samples = _samples(con)
    found = _levels_of(samples, yearly)
    counties = {county for county, *_ in samples if county is not None}
    by_county = {}
    for county in sorted(counties) if len(counties) > 1 else ():
        of_county = _levels_of([sample for sample in samples if sample[0] == county], yearly)
        by_county[county] = (_lowest(of_county), _tekun_only(of_county))
    places = sorted(counties) if len(counties) > 1 else [None]
    return ((_lowest(found), _tekun_only(found)), by_county, _area_amounts(samples, places),
            _care_amounts(samples, places))  # fmt: skip


def _area_amounts(samples: list[tuple], counties: list[str | None]) -> AreaAmounts:
    """Each (county, area)'s own amounts of the 低保 classes per month, from the samples of
    its cases whose area is known (``_SAMPLES_SQL``; a case of unknown area counts in neither
    area's), in the months the area has ``MIN_CASES`` such cases of the class: never its
    year's amount, which spans a standard raised mid-year (both areas 500, then 600 from
    July: an area of two class A cases would be priced 500 all year, the other 600 from
    July, and its cases paid 600 false leads); county None stands for the whole drop."""
    found = {}
    for county, area in ((county, area) for county in counties for area in AREAS):
        of_area = [sample for sample in samples if sample[1] == area and sample[2] != TEKUN
                   and county in (None, sample[0])]  # fmt: skip
        amounts = _lowest(_levels_of(of_area, False))
        if amounts:
            found[(county, area)] = amounts
    return found


def _lowest(found: dict[tuple[str, int], tuple[float, ...]]) -> dict[tuple[str, int], float]:
    return {key: levels[0] for key, levels in found.items()}


def _tekun_only(found: dict[tuple[str, int], tuple[float, ...]]
                ) -> dict[int, tuple[float, ...]]:  # fmt: skip
    return {month: levels for (key, month), levels in found.items() if key == TEKUN}


def _ledger_levels(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], tuple[float, ...]]:
    """Each class's levels per month: 特困's (``tekun_levels``), the one amount of the others."""
    return _levels_of(_samples(con), True)


CareAmounts = dict[tuple[str | None, str], dict[int, float]]
"""Each (county, care level)'s amount per month (``ledger_amounts_and_levels``)."""


def _care_amounts(samples: list[tuple], places: list[str | None]) -> CareAmounts:
    """Each care level's (护理等级: 全自理, 半护理, 全护理) amount of 特困 per month, in a drop of
    several counties each county's (``places``; county None for a drop of one): the one level
    (``_levels``) the ledger pays the 特困 cases whose covered members all state that level on
    the roster (``_SAMPLES_SQL``), in a month of at least ``MIN_CASES`` such cases (never the
    year's, which spans a standard raised mid-year). A month whose cases of the level are paid
    at two levels or more (集中供养 at a home's amount beside 分散供养, or many paid at another
    level) has none: which one the level is, the ledger does not say; empty where the roster
    states no level."""
    samples = [sample for sample in samples if sample[2] == TEKUN and sample[6]]
    found: CareAmounts = {}
    for county in places:
        for level in sorted({sample[6] for sample in samples}):
            by_month: dict[int, Counter] = defaultdict(Counter)
            for of_county, _, _, written, amount, cases, of_level in samples:
                if of_level == level and county in (None, of_county):
                    by_month[month_index(written)][float(amount)] += cases
            amounts = {month: levels[0] for month, counts in by_month.items()
                       if sum(counts.values()) >= MIN_CASES
                       and len(levels := _levels(counts, True)) == 1}  # fmt: skip
            if amounts:
                found[(county, level)] = amounts
    return found


def care_amount(graph, level: str | None, month: int, county: str | None) -> float | None:
    """The amount of 特困 care level ``level`` in ``month`` (``graph.graph["care_amounts"]``,
    the county's in a drop of several): None when ``level`` is None or its amount unknown.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (its ``care_amounts``).
    level : str or None
        The member's care level as his roster row states it (``resolver.normalize.care_level``).
    month : int
        A month index.
    county : str or None
        The county of his case, None in a drop of one county.

    Returns
    -------
    float or None
        The level's amount that month.

    Examples
    --------
    >>> import networkx as nx
    >>> graph = nx.MultiGraph(care_amounts={(None, "全自理"): {5: 590.0}})
    >>> care_amount(graph, "全自理", 5, None), care_amount(graph, "半护理", 5, None)
    (590.0, None)
    """
    return graph.graph.get("care_amounts", {}).get((county, level), {}).get(month)


def _samples(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(county, area, class key, month, per-member amount, cases, care level) of the ledger's
    single-class case-months (``_SAMPLES_SQL``; the care level where all covered rows state
    one, else None); none without payments or roster."""
    if not {"payments", "assistance"} <= table_names(con):
        return []
    with _area_words(con), _care_words(con):
        return con.execute(_SAMPLES_SQL.format(months=payment_months(con))).fetchall()


@contextmanager
def _care_words(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``_CARE_WORDS`` registered while the context runs: each way the roster writes a care
    level (护理等级) and the level it says (``resolver.normalize.care_level``)."""
    written = [marker for (marker,) in con.execute(
        f"SELECT DISTINCT {extra_value(CARE_LEVEL_HEADERS)} FROM assistance t {_RAW_ROW}"
    ).fetchall()]  # fmt: skip
    con.register(_CARE_WORDS, pa.table({
        "marker": pa.array(written, pa.string()),
        "care": pa.array([care_level(marker) for marker in written], pa.string())}))  # fmt: skip
    try:
        yield
    finally:
        con.unregister(_CARE_WORDS)


def case_areas(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Each case's area as the household graph and ``ledger_amounts_and_levels`` take it:
    its first roster row by record id whose 城乡属性, else 救助类型 as written, says
    (``resolver.normalize.urban_or_rural``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database with the ``assistance`` table.

    Returns
    -------
    pa.Table
        ``case_no``, ``area`` (``urban``, ``rural``, or null when no row says).
    """
    with _area_words(con):
        return con.sql(_CASE_AREAS_SQL).to_arrow_table()


@contextmanager
def _area_words(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``_AREA_WORDS`` registered while the context runs: each way the roster writes its
    area (城乡属性, 救助类型 as written) and the area it says."""
    written = con.execute(f"SELECT DISTINCT {extra_value(AREA_HEADERS)}, r.program "
                          f"FROM assistance t {_RAW_ROW}").fetchall()  # fmt: skip
    con.register(_AREA_WORDS, pa.table({
        "marker": pa.array([marker for marker, _ in written], pa.string()),
        "program": pa.array([program for _, program in written], pa.string()),
        "area": pa.array([urban_or_rural(*pair) for pair in written], pa.string())}))  # fmt: skip
    try:
        yield
    finally:
        con.unregister(_AREA_WORDS)


def _levels_of(samples: list[tuple], yearly: bool) -> dict[tuple[str, int], tuple[float, ...]]:
    """Each class's levels per month from ``samples`` (``_samples``), whatever their county."""
    by_month: dict[tuple[str, int], Counter] = defaultdict(Counter)
    by_year: dict[tuple[str, int], Counter] = defaultdict(Counter)
    for _, _, key, written, amount, cases, _ in samples:
        month = month_index(written)
        by_month[(key, month)][float(amount)] += cases
        by_year[(key, month // 12)][float(amount)] += cases
    found = {}
    for (key, month), counts in by_month.items():
        several = key == TEKUN
        if sum(counts.values()) < MIN_CASES:
            if not yearly:
                continue
            # the year's counts are case-months: a case paid all year is no level of its own
            counts, several = by_year[(key, month // 12)], False
        levels = _levels(counts, several)
        if levels:
            found[(key, month)] = levels
    return found


def _levels(counts: Counter, several: bool) -> tuple[float, ...]:
    """The most common amount, and with ``several`` every amount paid to ``MIN_LEVEL_CASES``
    cases and ``MIN_LEVEL_SHARE`` of them that is no whole multiple of it (paid twice); none
    unless they are paid to ``MIN_SUPPORT`` of the cases."""
    common = _most_common(counts)
    chosen = {common}
    if several:
        least = max(MIN_LEVEL_CASES, MIN_LEVEL_SHARE * sum(counts.values()))
        chosen |= {amount for amount, cases in counts.items()
                   if cases >= least and not _multiple(amount, common)}  # fmt: skip
    if sum(counts[amount] for amount in chosen) < MIN_SUPPORT * sum(counts.values()):
        return ()
    return tuple(sorted(chosen))


def _multiple(amount: float, of: float) -> bool:
    """Whether ``amount`` is ``of`` paid two or more times over (to the fen): 1,260 of 630."""
    times = in_fen(amount) / in_fen(of) if of > 0 else 0
    return times >= 2 and times == int(times)


def _most_common(counts: Counter) -> float:
    return min(counts, key=lambda amount: (-counts[amount], amount))


# SQL: whether a payment line's note (its columns beside the contract's) may name months it
# pays for other than a 补发's (a quarter's 2025年1-3月, 第一季度: ``case_parts`` spreads them
# over those months): wider than what is read, as it only keeps a case-month out of the
# class amounts. A quarter's line is three months' money in one; read as a month's sample,
# a county paying all its 特困 by quarters had the level as three months' (2,160 元 for
# 720) and every quarterly case a false 发放金额与类别人数不符 lead (a blind tester's 29 of
# 38, 2026-12-07).
PERIOD_NOTED = (
    f"({LINE_NOTE} NOT LIKE '%补发%' AND regexp_matches({LINE_NOTE}, "
    "'季度|[0-9一二三四五六七八九十]+ *月? *[-－—–~～至到、，,] *([0-9]+ *年 *)?[0-9]+ *月'))"
)
_RAW_ROW = "LEFT JOIN raw_assistance r USING (source_no, row_no)"
# A table of the roster's ways of writing its area (城乡属性, 救助类型 as written) and the area
# each says (``resolver.normalize.urban_or_rural``), while ``_samples`` reads.
_AREA_WORDS = "_amounts_area_words"
# Likewise the roster's ways of writing a care level and the level each says.
_CARE_WORDS = "_amounts_care_words"
# A case's area: its first row's that says (by record id, as the household graph reads it:
# ``models.graph``), with ``_AREA_WORDS`` registered.
_CASE_AREAS_SQL = f"""
SELECT t.case_no, arg_min(w.area, t.record_id) FILTER (WHERE w.area IS NOT NULL) AS area
FROM assistance t {_RAW_ROW}
LEFT JOIN {_AREA_WORDS} w ON w.marker IS NOT DISTINCT FROM {extra_value(AREA_HEADERS)}
    AND w.program IS NOT DISTINCT FROM r.program
WHERE t.case_no IS NOT NULL AND t.program IS DISTINCT FROM 'temporary'
GROUP BY t.case_no
"""
# The ledger month by month (``resolver.payment_months``): its ``{months}``; a case-month
# with a line ``PERIOD_NOTED`` is no sample.
_SAMPLES_SQL = f"""
WITH areas AS ({_CASE_AREAS_SQL}),
paid AS (
    SELECT payments.case_no, payments.pay_month, sum({LINE_MONEY}) AS amount
    FROM ({{months}}) payments {RAW_LINE}
    WHERE payments.pay_month IS NOT NULL AND payments.amount IS NOT NULL AND {CASE_MONEY}
    GROUP BY ALL
    HAVING NOT coalesce(bool_or({PERIOD_NOTED}), false)
),
members AS (
    SELECT p.case_no, p.pay_month, p.amount, count(*) AS covered, any_value(a.county) AS county,
           any_value(areas.area) AS area,
           min(coalesce(a.key, '?')) AS key, max(coalesce(a.key, '?')) AS last_key,
           min(coalesce(a.care, '?')) AS care, max(coalesce(a.care, '?')) AS last_care
    FROM paid p LEFT JOIN areas USING (case_no)
    JOIN (SELECT t.case_no, t.start_date, t.end_date, t.county, c.care,
                 CASE WHEN t.program = 'tekun' THEN 'tekun'
                      WHEN t.program = 'dibao' THEN t.dibao_class END AS key
          FROM assistance t {_RAW_ROW}
          LEFT JOIN {_CARE_WORDS} c ON c.marker = {extra_value(CARE_LEVEL_HEADERS)}
          WHERE t.covered = 'yes' AND t.start_date IS NOT NULL) a USING (case_no)
    WHERE strftime(a.start_date, '%Y-%m') <= p.pay_month
      AND (a.end_date IS NULL OR strftime(a.end_date, '%Y-%m') >= p.pay_month)
    GROUP BY ALL
)
SELECT county, area, key, pay_month, round(amount / covered, 2) AS per_member, count(*) AS cases,
       CASE WHEN care = last_care AND care <> '?' THEN care END AS care
FROM members
WHERE key = last_key AND key <> '?'
GROUP BY ALL
"""


def fen(amount: float) -> float:
    """``amount`` rounded to the fen, halves up (四舍五入), as an inspector adding the months
    by hand rounds it (Python's ``round`` rounds halves to even, and 2.675 down).

    Parameters
    ----------
    amount : float
        Money in 元.

    Returns
    -------
    float
        The amount to the fen.

    Examples
    --------
    >>> fen(50.125), fen(2.675), fen(0.1 + 0.2), fen(1000 / 3)
    (50.13, 2.68, 0.3, 333.33)
    """
    return in_fen(amount) / 100


def yuan_text(amount: float) -> str:
    """An amount of 元 as evidence writes it: whole 元 without decimals, else to the fen, so
    that two amounts a fen apart never read alike (374.99 is not 375).

    Parameters
    ----------
    amount : float
        Money in 元.

    Returns
    -------
    str
        The amount, without a unit.

    Examples
    --------
    >>> yuan_text(375.0), yuan_text(374.99), yuan_text(374.99 * 12), yuan_text(4500)
    ('375', '374.99', '4499.88', '4500')
    """
    return f"{amount:.0f}" if fen(amount) == round(amount) else f"{fen(amount):.2f}"


@lru_cache(maxsize=1 << 16)  # a county pays few distinct amounts, each met thousands of times
def in_fen(amount: float) -> int:
    """``amount`` in whole fen, rounded halves up as ``fen`` rounds it. Money added,
    subtracted or compared in fen is exact, where floats drift: 715.30 - 515.25 is
    200.04999… in floats (200.05 rounded wrongly down to 200.04 when halved), 20005 fen here.

    Parameters
    ----------
    amount : float
        Money in 元.

    Returns
    -------
    int
        The amount in fen.

    Examples
    --------
    >>> in_fen(715.30) - in_fen(515.25), in_fen(50.125), in_fen(-1241.0)
    (20005, 5013, -124100)
    """
    return int(Decimal(repr(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


BACK_PAY_MONTHS = 3
"""At most this many months in a row without a payment line, paid together with the month
after them (补发), are read as paid in their own months."""
BACK_PAY_TOLERANCE = 0.05
"""How far a 补发 month's payment may be from k + 1 times the case's month before (a standard
raised in January: December paid at the old amount with January's at the new)."""
NOTED_BACK_PAY_MONTHS = 24
"""A 补发 line's note naming more months than this is not read as the months it is for."""
NOTED_PERIOD_MONTHS = 12
"""A line's note naming a run of months that starts or ends at the month it was paid in, or
next to it (a quarter's line, 2025年1-3月), is read as those months when they are at most
this many: more (a period such as 有效期 2020.01-2024.12) are no months one line pays; a period
of fewer written on every line is not read either (``case_parts``: other lines pay its months)."""
_YEAR = r"(?:(\d{4})\s*[年.\-/]\s*)"
_TO = r"\s*(?:-|—|–|~|～|至|到)\s*"
# The months a line's note names: 2023年7月, 2023年7-8月 (7—8月, 7至8月), 2023年11月至2024年1月,
# 2023.07-2023.08, 7-8月 (a year-less run ends in 月), a list's first month (2023年7月、8月).
_NOTED_MONTHS = re.compile(
    rf"(?<![\d.])(?:{_YEAR}?(\d{{1,2}})(\s*月)?(?:{_TO}{_YEAR}?(\d{{1,2}})(\s*月)?)?)"
)
# A quarter: 2025年第一季度, 2025年一季度, 第1季度, 第一季.
_QUARTER = re.compile(r"(?:(\d{4})\s*年\s*)?(?:第([一二三四1-4])季度?|([一二三四1-4])季度)")
# The next month of a list: 2023年7月、8月, 7、8月, 7月和8月 (a list ends in 月: ``_listed``).
_NEXT_MONTH = re.compile(r"\s*[、,，和及与]\s*(\d{1,2})(?!\d)(\s*月)?")
# What after a note's months says they are a day's (补发，2024年1月20日到账; 2024-01-20): the day
# the money came, not the months it is for.
_DAY_AFTER = re.compile(r"\s*(?:\d{1,2}\s*[日号]|[.\-/]\s*\d)")
# A date read as a run of months: 2024-01-05, 2024.1.5 (one mark between all three numbers).
_DATE = re.compile(r"\d{4}\s*([.\-/])\s*\d{1,2}\s*\1\s*\d{1,2}")
# A note's months read as the months a 补发 is for: 补发 (补发：, 补发低保) just before them.
_BACK_PAY_BEFORE = re.compile(r"补发\D{0,4}$")
# A note saying a line's months were not paid (停发2024年1-3月, 暂停, 未发, 扣, 追回, 退回, 冲减,
# 缓发, 取消): its months are none a payment is for, unless a 补发's.
_NOT_PAID = re.compile(r"停|暂|未|不|扣|追|退|冲|缓|取消")


def back_pay_parts(paid_in: str, amount: float, note: str | None) -> list[tuple[str, float]]:
    """A payment line, the only one of its case (``case_parts`` reads a case's lines), as paid
    in the months its note says it is for, evenly in whole fen that add up to it (the odd fen
    in the last month); as paid in its own month when the note names none so.

    A note names the months a line is for when it names (a run of months, a list, a quarter;
    the year may be left out: the nearest year read so) either months after 补发 (补发2023年7-8月),
    the first of them before the line's month, none after it, at most ``NOTED_BACK_PAY_MONTHS``;
    or, and saying no month unpaid (停发, 未发, 追回 …), two months or more (at most
    ``NOTED_PERIOD_MONTHS``) whose first or last month is the line's month or next to it: a
    quarter paid at its start, end or the month after (2025年1-3月, 2024年第四季度, 预发1-3月).

    Parameters
    ----------
    paid_in : str
        The month the line was paid in (``YYYY-MM``).
    amount : float
        The line's amount in 元.
    note : str or None
        The line's text beside its columns (备注, 摘要, 发放类型 …).

    Returns
    -------
    list of tuple of (str, float)
        Each month (``YYYY-MM``) and the part of the amount paid for it.

    Examples
    --------
    >>> back_pay_parts("2024-01", 1420.0, "补发2023年7-8月（银行退票）")
    [('2023-07', 710.0), ('2023-08', 710.0)]
    >>> back_pay_parts("2024-01", 1000.0, "补发2023年11月至2024年1月")
    [('2023-11', 333.33), ('2023-12', 333.33), ('2024-01', 333.34)]
    >>> back_pay_parts("2025-01", 1639.2, "2025年1-3月"), back_pay_parts("2025-01", 9.0, "10-12月")
    ([('2025-01', 546.4), ('2025-02', 546.4), ('2025-03', 546.4)], [('2024-10', 3.0), ('2024-11', 3.0), ('2024-12', 3.0)])
    >>> back_pay_parts("2024-01", 700.0, "2024年1月补发"), back_pay_parts("2024-01", 7.0, "补发2024年3月")
    ([('2024-01', 700.0)], [('2024-01', 7.0)])
    >>> back_pay_parts("2024-04", 9.0, "停发2024年1-3月"), back_pay_parts("2024-02", 9.0, "补发，2024年1月20日到账")
    ([('2024-04', 9.0)], [('2024-02', 9.0)])
    """
    return case_parts([(paid_in, amount, note)])[0]


def case_parts(lines: list[tuple[str, float, str | None]]) -> list[list[tuple[str, float]]]:
    """Each of a case's payment lines (month paid in, amount, note: None for a line whose
    所属月份 already gave its months) as paid in the months it is for (``back_pay_parts``),
    a note naming months without 补发 read only where no other line of the case is for any of
    them but the line's own month: a quarter's line (2024年1-3月 paid in March, no line in
    January or February) is spread over it, a period written on every line (有效期2024.01-2024.12,
    2024年1-12月 on each month's line) is not, each line staying in its month. A 补发 is more
    money for months however paid, spread whatever the other lines.

    Parameters
    ----------
    lines : list of tuple of (str, float, str or None)
        The case's 低保 or 特困 lines: the month paid in (``YYYY-MM``), the amount in 元 and
        the text beside the contract's columns (备注 …), None for a line not to be read so.

    Returns
    -------
    list of list of tuple of (str, float)
        For each line in order, each month (``YYYY-MM``) and the part of its amount paid for it.

    Examples
    --------
    >>> lines = [(f"2024-{m:02d}", 500.0, "有效期2024.01-2024.12") for m in range(1, 13)]
    >>> [parts for parts in case_parts(lines) if len(parts) > 1]
    []
    >>> case_parts([("2024-03", 9.0, "2024年1-3月"), ("2024-06", 9.0, "2024年4-6月")])[0]
    [('2024-01', 3.0), ('2024-02', 3.0), ('2024-03', 3.0)]
    >>> case_parts([("2024-01", 5.0, None), ("2024-02", 6.0, "补发2024年1-2月")])[1]
    [('2024-01', 3.0), ('2024-02', 3.0)]
    """
    read = [(paid_in, amount, *(_noted_months(note, month_index(paid_in)) if note else ([], False)))
            for paid_in, amount, note in lines]  # fmt: skip
    own = Counter(month_index(paid_in) for paid_in, _, months, back_pay in read
                  if not back_pay and (not months or month_index(paid_in) in months))  # fmt: skip
    return [_spread(paid_in, amount, months if back_pay or _alone(months, paid_in, own) else [])
            for paid_in, amount, months, back_pay in read]  # fmt: skip


def _alone(months: list[int], paid_in: str, own: Counter) -> bool:
    """Whether none of ``months`` but ``paid_in`` has a line of ``own`` (the months paid in of
    the case's lines, but 补发 and lines paid for other months)."""
    return not any(own[month] for month in months if month != month_index(paid_in))


def _spread(paid_in: str, amount: float, months: list[int]) -> list[tuple[str, float]]:
    """``amount`` paid in ``paid_in`` spread evenly over ``months`` in whole fen that add up
    to it (the odd fen in the last); in ``paid_in`` when none."""
    if not months:
        return [(paid_in, amount)]
    total = in_fen(amount)
    share = int(total / len(months))  # toward zero: a refund's share as a payment's
    parts = [share] * (len(months) - 1) + [total - share * (len(months) - 1)]
    return [(month_text(month), part / 100) for month, part in zip(months, parts, strict=True)]


def _noted_months(note: str, paid_in: int) -> tuple[list[int], bool]:
    """The months (indexes) the first month expression of ``note`` read so names that the line
    paid in ``paid_in`` is for (``back_pay_parts``), none when no expression names such, and
    whether they are those of a 补发."""
    found = sorted([*_NOTED_MONTHS.finditer(note), *_QUARTER.finditer(note)], key=re.Match.start)
    for match in found:
        back_pay = _BACK_PAY_BEFORE.search(note, 0, match.start()) is not None
        if not back_pay and _NOT_PAID.search(note):
            continue
        for year in _years(match, paid_in):
            months = _named(match, year, note)
            if months and _paid_for(months, paid_in, back_pay):
                return months, back_pay
    return [], False


def _years(match: re.Match, paid_in: int) -> list[int]:
    """The years a month expression is read in: its own, else the line's and those around it."""
    written = match.group(1)
    paid_year = paid_in // 12
    return [int(written)] if written else [paid_year, paid_year - 1, paid_year + 1]


def _named(match: re.Match, year: int, note: str) -> list[int]:
    """The months (indexes) a month expression names in ``year`` its first is of; none when it
    is no run, list or quarter of valid months (a day, a run backwards, a bare number)."""
    if match.re is _QUARTER:
        quarter = "一二三四1234".index(match.group(2) or match.group(3)) % 4
        return [year * 12 + quarter * 3 + offset for offset in range(3)]
    _, first, first_mark, end_year, last, last_mark = match.groups()
    numbers, marked, end = [int(first)], last_mark if last else first_mark, match.end()
    if not last and (listed := _listed(note, end))[0]:
        numbers, marked, end = [*numbers, *listed[0]], "月", listed[1]
    if not (match.group(1) or marked) or _DAY_AFTER.match(note, end) or _DATE.fullmatch(match[0]):
        return []
    if not all(1 <= number <= 12 for number in [*numbers, int(last or first)]):
        return []
    months = [year * 12 + number - 1 for number in numbers]
    if last:
        months = list(range(months[0], int(end_year or year) * 12 + int(last)))
    return months if months and months == sorted(set(months)) else []


def _listed(note: str, end: int) -> tuple[list[int], int]:
    """The months listed after a month expression ending at ``end`` (、8月, 、8、9月), to the last
    one followed by 月, and where it ends; none when none is (补发2023年7月，12元: an amount).

    >>> _listed("7月、8、9月，12元", 2), _listed("7月,1000元", 2), _listed("7月，12元", 2)
    (([8, 9], 7), ([], 2), ([], 2))
    """
    numbers, listed, listed_end = [], [], end
    while found := _NEXT_MONTH.match(note, end):
        numbers, end = [*numbers, int(found.group(1))], found.end()
        if found.group(2):
            listed, listed_end = numbers, end
    return listed, listed_end


def _paid_for(months: list[int], paid_in: int, back_pay: bool) -> bool:
    """Whether ``months`` are those a line paid in ``paid_in`` is for (``back_pay_parts``)."""
    first, last = months[0], months[-1]
    if back_pay and first < paid_in and last <= paid_in and last - first < NOTED_BACK_PAY_MONTHS:
        return True
    edges = min(abs(paid_in - first), abs(paid_in - last))
    return len(months) > 1 and last - first < NOTED_PERIOD_MONTHS and edges <= 1


def spread_back_pay(payments: dict[str, list[tuple[str, float]]]) -> None:
    """Read a 补发 as paid in the months it is for: a month paid k + 1 times what the case was
    paid the month before its gap (within ``BACK_PAY_TOLERANCE``), right after k months
    (at most ``BACK_PAY_MONTHS``) with no payment line, paid those months too. Each of its
    lines is spread evenly over the k + 1 months, in whole fen that add up to it (the odd fen
    in its own month). Only a month of payments alone is spread (no refund line in it).

    Read as one month, a 补发 was money paid twice in it (a ``payment_mismatch`` lead of
    money paid too much, the month before it nothing short) and left a month after a death
    unpaid (``deceased_paid`` short by a month's amount).

    Parameters
    ----------
    payments : dict of str to list of tuple of (str, float)
        A case's payment lines (record id, amount) by month (``YYYY-MM``), changed in place.

    Examples
    --------
    >>> paid = {"2025-03": [("F1", 480.0)], "2025-05": [("F2", 960.0)],
    ...         "2025-06": [("F3", 480.0)], "2025-08": [("F4", 700.0)]}
    >>> spread_back_pay(paid)
    >>> [(month, paid[month]) for month in sorted(paid)]  # doctest: +NORMALIZE_WHITESPACE
    [('2025-03', [('F1', 480.0)]), ('2025-04', [('F2', 480.0)]), ('2025-05', [('F2', 480.0)]),
     ('2025-06', [('F3', 480.0)]), ('2025-08', [('F4', 700.0)])]
    """
    months = sorted(month_index(text) for text in payments)
    for before, month in pairwise(months):
        gap = month - before - 1
        if not 1 <= gap <= BACK_PAY_MONTHS:  # most months follow the one before: no reads
            continue
        lines = payments[month_text(month)]
        usual = sum(in_fen(amount) for _, amount in payments[month_text(before)])
        if usual <= 0 or any(a <= 0 for _, a in lines):
            continue
        paid, expected = sum(in_fen(amount) for _, amount in lines), (gap + 1) * usual
        if abs(paid - expected) > BACK_PAY_TOLERANCE * expected:
            continue
        spread: dict[int, list[tuple[str, float]]] = {m: [] for m in range(before + 1, month + 1)}
        for record_id, amount in lines:
            share = in_fen(amount) // (gap + 1)
            for covered in range(before + 1, month):
                spread[covered].append((record_id, share / 100))
            spread[month].append((record_id, (in_fen(amount) - share * gap) / 100))
        payments.update({month_text(covered): found for covered, found in spread.items()})


def split_fen(total: int, weights: list[tuple[str, int]]) -> dict[str, int]:
    """``total`` fen split in proportion to ``weights`` ((name, weight) pairs), in whole fen
    that add up to ``total`` exactly (largest remainder): each name gets the whole fen of its
    exact share, and the fen left over go one each to the names with the largest fractions
    left (ties: the names in order). No weight at all: nothing to anyone.

    Parameters
    ----------
    total : int
        The fen to split (not below zero).
    weights : list of tuple of (str, int)
        Each name and its weight (an amount in fen).

    Returns
    -------
    dict of str to int
        Each name's fen.

    Examples
    --------
    >>> split_fen(20005, [("A2", 51525), ("A3", 51525)])  # 200.05 between two B members
    {'A2': 10003, 'A3': 10002}
    >>> split_fen(100, [("a", 1), ("b", 1), ("c", 1)])
    {'a': 34, 'b': 33, 'c': 33}
    """
    whole = sum(weight for _, weight in weights)
    if not whole:
        return {name: 0 for name, _ in weights}
    shares = {name: divmod(total * weight, whole) for name, weight in weights}
    left = total - sum(floor for floor, _ in shares.values())
    order = sorted(shares, key=lambda name: (-shares[name][1], name))
    return {name: shares[name][0] + (name in order[:left]) for name, _ in weights}


def _policy_levels(policy: Policy, key: str, month: int) -> tuple[float, ...]:
    """The amounts the policy sets for class ``key`` in ``month``: its latest entry that took
    effect by then (``monthly_amounts``: class -> {"YYYY-MM": 元, or for 特困 a list of its
    levels}); none when it sets none.

    >>> from dataclasses import replace
    >>> from models.policy import load_policy
    >>> policy = replace(load_policy(), monthly_amounts={"A": {"2025-01": 455, "2026-01": 480},
    ...                                                  "tekun": {"2025-01": [1000, 571]}})
    >>> _policy_levels(policy, "A", month_index("2025-12")), _policy_levels(policy, "B", 0)
    ((455.0,), ())
    >>> _policy_levels(policy, "tekun", month_index("2025-12"))
    (571.0, 1000.0)
    """
    starts = policy.monthly_amounts.get(key, {})
    effective = [start for start in starts if month_index(start) <= month]
    if not effective:
        return ()
    amounts = starts[max(effective)]
    return tuple(sorted(float(amount) for amount in
                        (amounts if isinstance(amounts, list) else [amounts])))  # fmt: skip


def _graph_levels(graph, key: str, month: int, county: str | None) -> tuple[float, ...]:
    """The ledger's amounts of class ``key`` in ``month``: 特困's levels
    (``graph.graph["tekun_levels"]``), else the class's amount (``class_amounts``); in a drop
    of several counties the county's own amount (``county_amounts``), and 特困's levels of
    the county and of the drop (a level few of a county's 特困 are paid at, 全护理, is one
    where more of the drop's are; the level nearest what a member was paid is his)."""
    drops = (graph.graph.get("class_amounts", {}), graph.graph.get("tekun_levels", {}))
    amounts, tekun = graph.graph.get("county_amounts", {}).get(county, drops)
    if key == TEKUN:
        levels = set(tekun.get(month, ())) | set(drops[1].get(month, ()))
        if levels:
            return tuple(sorted(levels))
    inferred = amounts.get((key, month))
    return () if inferred is None else (inferred,)


def nearest_level(levels: tuple[float, ...], paid: float) -> float:
    """The level nearest ``paid`` (ties: the smaller), compared in fen.

    Parameters
    ----------
    levels : tuple of float
        A class's amounts in a month (one, or 特困's several).
    paid : float
        What a member was paid, in 元.

    Returns
    -------
    float
        The nearest level.

    Examples
    --------
    >>> nearest_level((571.0, 1000.0), 1000.0), nearest_level((571.0, 1000.0), 0.0)
    (1000.0, 571.0)
    """
    return min(levels, key=lambda level: (abs(in_fen(level) - in_fen(paid)), level))


def own_amount(graph, policy: Policy, key: str | None, month: int, share: float,
               county: str | None = None, area: str | None = None) -> OwnAmount:  # fmt: skip
    """A member's own amount in ``month`` for class ``key``: the policy's amount, else the
    ledger's (``graph.graph["class_amounts"]``, from ``ledger_amounts``; his county's in a
    drop of several counties, ``county_amounts``; his area's where the ledger pays the
    class's 城市低保 and 农村低保 amounts apart by more than ``policy.payment_tolerance``,
    ``area_amounts``), else ``share`` (the member's share of what the case was paid that
    month). 特困 has several levels (``tekun_levels``; the policy's list): the one nearest
    ``share``.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (its ``class_amounts`` and ``tekun_levels``).
    policy : Policy
        The policy profile (its ``monthly_amounts``).
    key : str or None
        The member's class key (``class_key``); None when unknown.
    month : int
        A month index (``models.periods``: year * 12 + month - 1).
    share : float
        The member's share of what the case was paid that month.
    county : str or None
        The county of the member's case (``resolver.registries.county_of_number``), None in a
        drop of one county.
    area : str or None
        The area of the member's case (``urban``, ``rural``; None when unknown: where the
        areas' amounts differ it has none, as the amount would rest on a guess).

    Returns
    -------
    OwnAmount
        The amount and its source: ``policy``, ``ledger``, ``ledger_urban`` or
        ``ledger_rural`` (the area's own), or ``share``.

    Examples
    --------
    >>> import networkx as nx
    >>> from models.policy import load_policy
    >>> graph = nx.MultiGraph(class_amounts={("B", 0): 400.0}, area_amounts={
    ...     (None, "urban"): {("B", 0): 560.0}, (None, "rural"): {("B", 0): 400.0}})
    >>> [own_amount(graph, load_policy(), "B", 0, 400.0, area=area) for area in AREAS]
    [OwnAmount(amount=560.0, source='ledger_urban'), OwnAmount(amount=400.0, source='ledger_rural')]
    >>> own_amount(graph, load_policy(), "B", 0, 450.0)
    OwnAmount(amount=450.0, source='share')
    """
    if key is None:
        return OwnAmount(share, "share")
    levels = _policy_levels(policy, key, month)
    if levels:
        return OwnAmount(nearest_level(levels, share), "policy")
    by_area = _area_levels(graph, policy, key, month, county)
    if by_area:
        found = by_area.get(area)
        return OwnAmount(share, "share") if found is None else OwnAmount(found, f"ledger_{area}")
    levels = _graph_levels(graph, key, month, county)
    if levels:
        return OwnAmount(nearest_level(levels, share), "ledger")
    return OwnAmount(share, "share")


def _area_levels(graph, policy: Policy, key: str, month: int, county: str | None
                 ) -> dict[str, float]:  # fmt: skip
    """Each area's amount of class ``key`` in ``month`` (``graph.graph["area_amounts"]``,
    the county's), where both areas have one and they differ by more than
    ``policy.payment_tolerance`` of the smaller; else none (a county of one area, or paying
    both alike, is priced as one)."""
    found = {area: graph.graph.get("area_amounts", {}).get((county, area), {}).get((key, month))
             for area in AREAS}  # fmt: skip
    if None in found.values():
        return {}
    low, high = sorted(in_fen(amount) for amount in found.values())
    return found if high - low > policy.payment_tolerance * low else {}


PAID_PART = "paid_part"
"""The source of a dead member's month paid in part (``models.detectors.deceased_paid``): what
the payment left above the living members' amounts, less than his class amount."""

SOURCE_LABELS = {
    "policy": "按政策文件规定的类别月标准",
    "ledger": "按发放记录推算的类别月标准（同月同类别案件的人均发放额）",
    "ledger_urban": "按发放记录推算的城市低保类别月标准（同月同类别城市低保案件的人均发放额）",
    "ledger_rural": "按发放记录推算的农村低保类别月标准（同月同类别农村低保案件的人均发放额）",
    "share": "无法确定类别月标准的月份按案件当月发放额的人均份额",
    PAID_PART: "发放额不足的月份按发放额超出其他在保成员应发金额的部分计（低于本人的类别月标准）",
    **{
        f"care_{level}": f"特困按花名册护理等级（{level}）的月标准（同月花名册同为{level}的特困案件的人均发放额）"
        for level in CARE_LEVELS
    },
}


# How a 特困 member's amount was found from the ledger: the level nearest what he was paid.
TEKUN_LEDGER_LABEL = (
    "按发放记录推算的特困月标准（同月特困案件所发各档金额中与本人所领最接近的一档：{levels}）"
)


def sources_text(sources: set[str], levels: str | None = None) -> str:
    """In Chinese, how the amounts of a case were found.

    Parameters
    ----------
    sources : set of str
        The sources used (``SOURCE_LABELS``' keys).
    levels : str or None
        For a 特困 member, the level used, in words (每月 760.00 元): the ledger's label
        then names it (``TEKUN_LEDGER_LABEL``).

    Returns
    -------
    str
        Their labels, in ``SOURCE_LABELS``' order, joined by ``；``.

    Examples
    --------
    >>> sources_text({"ledger"}, "每月 760.00 元")
    '按发放记录推算的特困月标准（同月特困案件所发各档金额中与本人所领最接近的一档：每月 760.00 元）'
    """
    labels = {
        **SOURCE_LABELS,
        **({"ledger": TEKUN_LEDGER_LABEL.format(levels=levels)} if levels else {}),
    }
    return "；".join(label for source, label in labels.items() if source in sources)


FAR_FROM_LEDGER = 3.0
"""How many times what the payment ledger pays a class a policy's amount for it must be (or
its part) to be warned of: a class's amount rises a few percent a year, never threefold; an
amount mistyped (6800 for 680) or in the wrong unit is ten times off or more."""


def far_from_ledger(policy: Policy, ledger: dict[tuple[str, int], float]) -> list[str]:
    """Each class amount of ``policy.monthly_amounts`` ``FAR_FROM_LEDGER`` times or more off
    what the ledger pays the class in its period (the amount of most of those months; 特困's
    lowest level against the policy's lowest), naming both: the policy is kept, as the ledger
    may be the one wrong, but every payment lead on the class would be.

    Parameters
    ----------
    policy : Policy
        The run's policy.
    ledger : dict of tuple of (str, int) to float
        The ledger's amount per class and month (``ledger_amounts``).

    Returns
    -------
    list of str
        One Chinese warning per amount; none when every amount is near the ledger's.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from models.policy import load_policy
    >>> policy = replace(load_policy(), monthly_amounts={"A": {"2024-01": 620, "2025-07": 6800}})
    >>> ledger = {("A", month_index(f"2025-{m:02d}")): 620.0 if m < 7 else 680.0
    ...           for m in range(1, 13)}
    >>> print(far_from_ledger(policy, ledger)[0])
    monthly_amounts 中低保A类 2025-07 起的月金额 6800 元，是发放台账同期（2025-07 至 2025-12）该类多数月份所发 680 元的 10 倍：请核对是否多写或少写了 0、以万元或分为单位；按政策金额判断的发放金额疑点会因此出错
    """
    warnings = []
    for key, starts in policy.monthly_amounts.items():
        begins = sorted(month_index(start) for start in starts)
        for begin, end in zip(begins, [*begins[1:], None], strict=True):
            months = sorted(month for class_key, month in ledger
                            if class_key == key and month >= begin and (end is None or month < end))  # fmt: skip
            value = starts[month_text(begin)]
            amount = min(value) if isinstance(value, list) else value
            paid = Counter(ledger[key, month] for month in months).most_common(1)
            if not paid or not amount or not paid[0][0]:
                continue
            ratio = max(amount / paid[0][0], paid[0][0] / amount)
            if ratio >= FAR_FROM_LEDGER:
                warnings.append(
                    f"monthly_amounts 中{CLASS_LABELS.get(key, key)} {month_text(begin)} 起的月金额 "
                    f"{amount:g} 元，是发放台账同期（{month_text(months[0])} 至 "
                    f"{month_text(months[-1])}）该类多数月份所发 {paid[0][0]:g} 元的 "
                    f"{f'{ratio:.3g} 倍' if amount > paid[0][0] else f'1/{ratio:.3g}'}：请核对是否多写或少写了 0、"
                    "以万元或分为单位；按政策金额判断的发放金额疑点会因此出错"
                )  # fmt: skip
    return warnings
