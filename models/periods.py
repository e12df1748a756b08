"""Months as integers (year * 12 + month - 1) and the active months of a roster row."""

from __future__ import annotations

from datetime import date


def month_index(value: date | str) -> int:
    """``date(2025, 3, 2)`` or ``"2025-03"`` -> 2025 * 12 + 2."""
    if isinstance(value, str):
        year, month = value.split("-")
        return int(year) * 12 + int(month) - 1
    return value.year * 12 + value.month - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def active_months(start: date | None, end: date | None, as_of: date) -> range:
    """The months a row is active: from its start month to its end month (or ``as_of``)."""
    if start is None:
        return range(0)
    last = min(end, as_of) if end else as_of
    return range(month_index(start), month_index(last) + 1)


def overlap(first: range, second: range) -> range:
    return range(max(first.start, second.start), min(first.stop, second.stop))
