"""What every part of the county generator shares.

The policy values the generator and its truth both use (the grace month, the 低保 standard,
the monthly amounts), the ``Assumptions`` that shape a county, how each registry is written
into the drop (``FILES``), day numbers and month indexes, and the generation state (``State``)
that the stages fill in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

Cols = dict[str, np.ndarray]
Key = tuple[str, int]  # (registry, internal key): hukou/poverty/disability/deaths by person
# index, assistance by row uid

NEVER = 10_000_000  # a day number meaning "no date": still alive, still active
EPOCH = date(1970, 1, 1)
WINDOW_MONTHS = 24
DEATH_GRACE_MONTHS = 1
DIBAO_STANDARD_YEAR = 4500
BENEFIT = {"A": 420, "B": 350, "C": 280, "特困": 600}  # 元 a month in BENEFIT_YEAR
BENEFIT_YEAR = 2025


@dataclass(frozen=True)
class Assumptions:
    """What the county takes for granted, each a parameter. The defaults describe the county
    of ``make demo``; ``VARIANTS`` push one assumption (or a few that go together) to an
    extreme, so that a rule fitted to the defaults shows where it breaks."""

    region: str = "dayao"
    """``dayao`` (大姚县, 云南) or ``xinganmeng`` (a banner of 兴安盟, 内蒙古: 苏木 and 嘎查); or
    the code of a county of a synthetic province (``names.PROVINCE_COUNTIES``): 大姚's
    townships under that code, every ID carrying it."""
    minority_name_share: float = 0.0
    """Households with Mongolian names: no surname, several spellings of one sound, a clan
    surname sometimes written and sometimes not."""
    given_name_pool: int = 0
    """0: every given name the tables hold; N: only the N most common of each kind, so that
    many people share their exact name with someone of their township."""
    coarse_address_share: float = 0.1
    """Households whose address stops at the village group (某村八组), with no house number."""
    courtyard_share: float = 0.04
    """Elderly households with a 户号 of their own, at the address of a younger household of
    their village (parents next door to their son): two legitimate households."""
    courtyard_phone_share: float = 0.5
    """Of those, the share that gives the son's phone as their contact."""
    split_hukou_share: float = 0.4
    """Split-off members who also moved to a 户号 of their own (分户)."""
    split_account_share: float = 0.5
    """Of those, the share still paid to the family's bank account (the rest keep a phone or
    an address in common)."""
    police_sparse_share: float = 0.25
    """Police (公安) death notices carrying only name, gender, township and an address."""
    cross_township_duplicates: float = 0.3
    """Second enrollments of a duplicate set up in another township."""
    duplicate_blank_id: float = 0.2
    """Second enrollments of a duplicate written without an ID number."""
    stale_income_share: float = 0.3
    """Ended cases whose roster rows keep the low income of when they were paid."""
    mixed_class_share: float = 0.6
    """Cases with a severely disabled or gravely ill member where only that member is class
    A (分类施保) and the others keep the case's class; the rest are class A throughout."""
    annual_rise: float = 0.05
    """Yearly rise of every monthly amount (from each January)."""
    wrong_notice_rate: float = 0.3
    """Death notices of living roster members (a namesake's notice, a mistyped ID), per
    10,000 people."""
    heaped_birth_share: float = 0.0
    """People born before 1960 whose birthday no one knew, registered as born on 1 January
    (two in three) or 1 July of their year: many namesakes share a "birth date"."""


@dataclass(frozen=True)
class FileSpec:
    """How one registry is written into the drop."""

    file: str
    fmt: str
    encoding: str | None
    header: str  # "zh" or "en"
    extras: tuple[str, ...]


FILES: dict[str, FileSpec] = {
    "hukou": FileSpec("户籍人口.csv", "csv", "gb18030", "zh", ("民族", "备注")),
    "assistance": FileSpec(
        "救助对象.xlsx", "xlsx", None, "zh", ("民族", "备注", "收入核定日期", "城乡属性")
    ),
    "payments": FileSpec("payments.csv", "csv", "utf-8", "en", ("remarks",)),
    "poverty": FileSpec("建档立卡.csv", "csv", "utf-8-sig", "zh", ("民族", "扶贫低保户")),
    "disability": FileSpec("disability.xlsx", "xlsx", None, "en", ("ethnicity", "remarks")),
    "deaths": FileSpec("死亡人员.csv", "csv", "gbk", "zh", ("备注",)),
}


# --------------------------------------------------------------------------- small helpers


def day_number(value: date) -> int:
    """The day number of a date: days since 1970-01-01.

    Parameters
    ----------
    value : date
        The date.

    Returns
    -------
    int
        Days since ``EPOCH``.
    """
    return (value - EPOCH).days


def date_of(day: int) -> date:
    """The date of a day number (days since 1970-01-01).

    Parameters
    ----------
    day : int
        Days since ``EPOCH``.

    Returns
    -------
    date
        The calendar date.
    """
    return date.fromordinal(EPOCH.toordinal() + int(day))


def month_index(days: np.ndarray | int) -> np.ndarray:
    """Month index (months since 1970-01) of day numbers.

    Parameters
    ----------
    days : np.ndarray or int
        Day numbers (days since 1970-01-01).

    Returns
    -------
    np.ndarray
        Months since 1970-01, one per day number (a 0-d array for an int).
    """
    return (
        np.asarray(days, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )


def first_day(months: np.ndarray | int) -> np.ndarray:
    """The day number of the first day of month indexes.

    Parameters
    ----------
    months : np.ndarray or int
        Month indexes (months since 1970-01).

    Returns
    -------
    np.ndarray
        Day numbers of the first day of each month.
    """
    return (
        np.asarray(months, dtype=np.int64)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def year_month_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day-of-month arrays of day numbers.

    Parameters
    ----------
    days : np.ndarray
        Day numbers (days since 1970-01-01).

    Returns
    -------
    tuple of np.ndarray
        Years, months of the year (1-12) and days of the month (1-31).
    """
    as_days = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = as_days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month_of_year = months.astype(np.int64) % 12 + 1
    day_of_month = (as_days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return years, month_of_year, day_of_month


def month_text(month: int) -> str:
    """A month index as ``YYYY-MM`` text.

    Parameters
    ----------
    month : int
        Months since 1970-01.

    Returns
    -------
    str
        The month, e.g. ``2025-12``.
    """
    return f"{month // 12 + 1970:04d}-{month % 12 + 1:02d}"


def monthly_amounts(programs: np.ndarray, classes: np.ndarray, months: np.ndarray, rise: float
                    ) -> np.ndarray:  # fmt: skip
    """The monthly amount of each row's 低保 class (or 特困) in its month (months since
    1970-01): ``BENEFIT`` in ``BENEFIT_YEAR``, rising by ``rise`` each January.

    Parameters
    ----------
    programs : np.ndarray
        Each row's program (``特困`` or a 低保 program).
    classes : np.ndarray
        Each row's 低保 class (``A``, ``B``, ``C``); ignored for 特困 rows.
    months : np.ndarray
        Each row's month (months since 1970-01).
    rise : float
        Yearly rise of the amounts, from each January.

    Returns
    -------
    np.ndarray
        Whole-元 monthly amounts (int64), one per row.
    """
    keys = np.where(np.asarray(programs, dtype=object) == "特困", "特困",
                    np.asarray(classes, dtype=object))  # fmt: skip
    base = np.array([BENEFIT[key] for key in keys], dtype=np.float64)
    years = np.asarray(months, dtype=np.int64) // 12 + 1970 - BENEFIT_YEAR
    return np.rint(base * (1 + rise) ** years).astype(np.int64)


def random_day(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, n: int
) -> np.ndarray:
    """Uniform day numbers in [low, high] (inclusive).

    Parameters
    ----------
    rng : np.random.Generator
        The random generator.
    low : np.ndarray or int
        Earliest day numbers.
    high : np.ndarray or int
        Latest day numbers.
    n : int
        How many days to draw.

    Returns
    -------
    np.ndarray
        ``n`` day numbers (int64).
    """
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    return low + (rng.random(n) * (high - low + 1)).astype(np.int64)


# --------------------------------------------------------------------------- the state


class Table:
    """Columns as numpy arrays that can grow by single records (appended lazily)."""

    def __init__(self, columns: Cols) -> None:
        self._cols = columns
        self._pending: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(next(iter(self._cols.values()))) + len(self._pending)

    def add(self, **values: Any) -> int:
        """Append one record; returns its index.

        Parameters
        ----------
        **values : Any
            The record's value for each column.

        Returns
        -------
        int
            The index of the new record.
        """
        index = len(self)
        self._pending.append(values)
        return index

    def __getitem__(self, key: str) -> np.ndarray:
        self._flush()
        return self._cols[key]

    def _flush(self) -> None:
        if not self._pending:
            return
        for key, column in self._cols.items():
            new = np.array([record[key] for record in self._pending], dtype=column.dtype)
            self._cols[key] = np.concatenate([column, new])
        self._pending = []


@dataclass(frozen=True)
class Geography:
    """The county's region code and the codes of IDs issued elsewhere; its townships (full
    names) with their shares of households, and their villages (``X村``, ``X嘎查``)."""

    code: str
    other_regions: tuple[str, ...]
    townships: tuple[str, ...]
    shares: tuple[float, ...]
    villages: tuple[tuple[str, ...], ...]


@dataclass
class State:
    """Everything generated so far; the stages (``county``) fill it in order."""

    rng: np.random.Generator
    people: int
    as_of: int
    geo: Geography
    shape: Assumptions
    H: Cols = field(default_factory=dict)  # households
    P: Cols = field(default_factory=dict)  # persons
    cases: Table = field(default_factory=lambda: Table({}))
    rows: Table = field(default_factory=lambda: Table({}))
    used_hh: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    injected: list[tuple[str, tuple[Key, ...]]] = field(default_factory=list)
    controls: list[tuple[str, tuple[Key, ...], str]] = field(default_factory=list)
    forced: dict[tuple[str, int, str], str] = field(default_factory=dict)
    protected: set[tuple[str, int, str]] = field(default_factory=set)
    banks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    bank_next: int = 0
    relative_ids: pd.Series | None = None
    false_notices: list[tuple[int, int]] = field(default_factory=list)  # (pid, day): alive
    # case -> (first month, 元 a month): paid that much more (or less) from that month on
    mispaid: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def m_last(self) -> int:
        """The month index of the as-of day: the last month of the window."""
        return int(month_index(self.as_of))

    @property
    def m_first(self) -> int:
        """The month index of the first month of the ``WINDOW_MONTHS`` window."""
        return self.m_last - WINDOW_MONTHS + 1

    @property
    def w0(self) -> int:
        """The day number of the first day of the window."""
        return int(first_day(self.m_first))

    def age(self, pids: np.ndarray | None = None) -> np.ndarray:
        """Ages in years on the as-of day.

        Parameters
        ----------
        pids : np.ndarray, optional
            Person indexes; all persons when None.

        Returns
        -------
        np.ndarray
            Ages in (fractional) years.
        """
        birth = self.P["birth"] if pids is None else self.P["birth"][pids]
        return (self.as_of - birth) / 365.25


@contextmanager
def own_stream(st: State) -> Iterator[None]:
    """Draw from a stream spawned off the state's generator for the duration: the parent
    stream does not advance, so later stages draw the same numbers (though what they draw
    them for may change with what was made inside: fewer payments, other noise cells).

    Parameters
    ----------
    st : State
        The generation state; its generator is restored on leaving.

    Yields
    ------
    None
        While the spawned stream is the state's generator.
    """
    main = st.rng
    st.rng = main.spawn(1)[0]
    try:
        yield
    finally:
        st.rng = main
