"""Months as integers (year * 12 + month - 1) and the active months of a roster row."""

from __future__ import annotations

import re
from datetime import date


def month_index(value: date | str) -> int:
    """``date(2025, 3, 2)`` or ``"2025-03"`` -> 2025 * 12 + 2.

    Parameters
    ----------
    value : date or str
        A date, or a month as ``YYYY-MM``.

    Returns
    -------
    int
        Its month index.
    """
    if isinstance(value, str):
        year, month = value.split("-")
        return int(year) * 12 + int(month) - 1
    return value.year * 12 + value.month - 1


def month_text(index: int) -> str:
    """A month index as ``YYYY-MM``; the inverse of ``month_index`` on text.

    Parameters
    ----------
    index : int
        A month index (year * 12 + month - 1).

    Returns
    -------
    str
        The month, e.g. ``2025-03``.
    """
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def active_months(start: date | None, end: date | None, as_of: date) -> range:
    """The months a row is active: from its start month to its end month (or ``as_of``).

    Parameters
    ----------
    start : date or None
        The row's start; no months when None.
    end : date or None
        The row's end; None while active.
    as_of : date
        The day of the drop; no month after its month counts.

    Returns
    -------
    range
        The month indexes, inclusive of both ends.
    """
    if start is None:
        return range(0)
    last = min(end, as_of) if end else as_of
    return range(month_index(start), month_index(last) + 1)


# A month as offices write it: 2026年9月, 2026.9, 2026-09, 2026/09/30, or 202609 (20260930).
_MONTH = r"(\d{4})(?:\s*[年.\-/]\s*(\d{1,2})\s*月?|(0[1-9]|1[0-2])(?:[0-3]\d)?(?!\d))"
# A 渐退 a roster's note (备注) or a column of its own (渐退期, 渐退截止 …) dates: its last
# month (渐退至2027年2月, 渐退期2026.9-2027.2, 渐退截止日期：2027-02-28), or its first month
# and length (渐退期（2026年9月起6个月）, 2026年9月起渐退六个月).
_GRADUAL_UNTIL = re.compile(
    rf"(?:至|到|止|截止|结束|到期|-|—|–|~|～)(?:日期|时间|月份)?\s*[:：]?\s*{_MONTH}"
)
_GRADUAL_FROM = re.compile(rf"{_MONTH}\s*(?:起|开始)")
_GRADUAL_LENGTH = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*个月")
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}  # fmt: skip


def noted_gradual_exit(note: str) -> int | None:
    """The last month (index) of the 渐退 a roster row's text dates, or None when it dates
    none: the latest month it ends (至 / 截止 / 结束 / the end of a range), else its first
    month (…起) and its length (N 个月).

    Parameters
    ----------
    note : str
        The row's text beside the contract's columns that mentions 渐退, each with its header
        where the header says it (备注：…, 渐退截止：2027-02-28).

    Returns
    -------
    int or None
        The month index of the 渐退's last month.

    Examples
    --------
    >>> [month_text(noted_gradual_exit(note)) for note in
    ...  ("渐退期（2026年9月起6个月）", "渐退至2027年2月", "渐退期2026.9-2027.2", "2026年9月起渐退六个月",
    ...   "渐退期（2026年9月至2027年2月）", "渐退截止日期：2027-02-28", "渐退起止时间：2026.09-2027.02",
    ...   "渐退期：202609-202702")]
    ['2027-02', '2027-02', '2027-02', '2027-02', '2027-02', '2027-02', '2027-02', '2027-02']
    >>> noted_gradual_exit("渐退期满"), noted_gradual_exit("渐退6个月"), noted_gradual_exit("2026年9月起渐退")
    (None, None, None)
    """
    if "渐退" not in note:
        return None
    ends = [end for until in _GRADUAL_UNTIL.finditer(note) if (end := _month(*until.groups()))]
    if ends:
        return max(ends)
    start, length = _GRADUAL_FROM.search(note), _GRADUAL_LENGTH.search(note)
    first = _month(*start.groups()) if start else None
    if first is None or length is None:
        return None
    months = _count(length.group(1))
    return first + months - 1 if months else None


def _month(year: str, month: str | None, compact: str | None) -> int | None:
    number = int(month or compact)
    return int(year) * 12 + number - 1 if 1 <= number <= 12 else None


def _count(text: str) -> int:
    """``6``, ``六``, ``十二`` -> 6, 6, 12 (0 for what is none)."""
    if text.isdigit():
        return int(text)
    tens, ten, ones = text.partition("十")
    if not ten:
        return _NUMERALS.get(text, 0)
    return _NUMERALS.get(tens, 0 if tens else 1) * 10 + _NUMERALS.get(ones, 0)
