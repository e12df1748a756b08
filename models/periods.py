"""Months as integers (year * 12 + month - 1) and the active months of a roster row."""

from __future__ import annotations

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
