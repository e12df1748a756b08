"""Months as integers (year * 12 + month - 1) and the active months of a roster row."""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache


@lru_cache(maxsize=1 << 16)  # the detectors ask for the same few months millions of times
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


def month_end(month: str) -> date:
    """The last day of a month written ``YYYY-MM``.

    Parameters
    ----------
    month : str
        The month, e.g. ``2024-02``.

    Returns
    -------
    date
        Its last day.

    Examples
    --------
    >>> month_end("2024-02"), month_end("2025-11")
    (datetime.date(2024, 2, 29), datetime.date(2025, 11, 30))
    """
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


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


# Where a clause of a note or of a column's header：value ends; a 渐退 written over several
# parts of one clause (2025年10月起渐退，期限12个月) runs on over its commas.
_CLAUSE_BREAK = re.compile(r"[；;。\n]")
_PART_BREAK = re.compile(r"(?<=[，,])")
_HEADER_MARK = re.compile(r"[:：]")
_START_BEFORE = re.compile(rf"{_MONTH}\s*(?:起|开始)[^\d，,]*$")
# What closes a 渐退's last month in the quote: 止, 结束, a bracket.
_QUOTE_TAIL = re.compile(r"(?:为?止|结束|[)）】\]])*")


def noted_gradual_exit(note: str) -> tuple[int, str] | None:
    """The last month (index) of the 渐退 a roster row's text dates and the words it was read
    from, or None when it dates none. Only a 渐退 clause is read: from the word 渐退 (from
    the start of a column's header that names it, or from a first month …起 before it in the
    same part) on over the commas of its clause (never past ；;。 or a line break) until it
    dates an end, so neither a date of another clause (低保证有效期至2028年12月) nor what
    follows the end (a contact's phone) is taken or quoted. It dates the month it ends (至 /
    截止 / 结束 / the end of a range), else its first month (…起) and its length (N 个月);
    the latest of the clauses'. A text saying 非渐退 dates none.

    Parameters
    ----------
    note : str
        The row's text beside the contract's columns that mentions 渐退, each with its header
        where the header says it (备注：…, 渐退截止：2027-02-28).

    Returns
    -------
    tuple of (int, str) or None
        The month index of the 渐退's last month and the words it was read from.

    Examples
    --------
    >>> [month_text(noted_gradual_exit(note)[0]) for note in
    ...  ("渐退期（2026年9月起6个月）", "渐退至2027年2月", "渐退期2026.9-2027.2", "2026年9月起渐退六个月",
    ...   "渐退期（2026年9月至2027年2月）", "渐退截止日期：2027-02-28", "渐退起止时间：2026.09-2027.02",
    ...   "渐退期：202609-202702")]
    ['2027-02', '2027-02', '2027-02', '2027-02', '2027-02', '2027-02', '2027-02', '2027-02']
    >>> noted_gradual_exit("备注：渐退期至2026年3月；低保证有效期至2028年12月，联系人13812345678")
    (24314, '渐退期至2026年3月')
    >>> noted_gradual_exit("备注：2025年10月起渐退，期限12个月，联系人13812345678")
    (24320, '2025年10月起渐退，期限12个月')
    >>> noted_gradual_exit("渐退期满"), noted_gradual_exit("渐退6个月"), noted_gradual_exit("2026年9月起渐退")
    (None, None, None)
    >>> noted_gradual_exit("非渐退对象，保障期2024年1月至2029年12月") is None
    True
    """
    if "渐退" not in note or "非渐退" in note:
        return None
    return max(_gradual_clauses(note), key=lambda item: item[0], default=None)


def noted_gradual_start(clause: str) -> int | None:
    """The first month (index) of the 渐退 a clause of ``noted_gradual_exit`` dates, where
    it writes one before its end (渐退期（2025年10月至2026年9月）, 2026年9月起渐退六个月); None
    where it writes only its end.

    Parameters
    ----------
    clause : str
        A 渐退 clause, as ``noted_gradual_exit`` returns it.

    Returns
    -------
    int or None
        The month index of the 渐退's first month.

    Examples
    --------
    >>> [noted_gradual_start(clause) and month_text(noted_gradual_start(clause))
    ...  for clause in ("渐退期（2025年10月至2026年9月）", "2026年9月起渐退六个月", "渐退至2027年2月")]
    ['2025-10', '2026-09', None]
    """
    months = [month for found in re.finditer(_MONTH, clause) if (month := _month(*found.groups()))]
    return min(months) if len(months) > 1 or _GRADUAL_FROM.search(clause) else None


def _gradual_clauses(note: str) -> list[tuple[int, str]]:
    """Each 渐退 ``note`` dates, with the words it was read from: from the word 渐退 (from the
    part's start where 渐退 is in a header, header：value, or from a first month …起 before
    it) on over the parts of its clause until they date an end, up to that end."""
    dated = []
    for clause in _CLAUSE_BREAK.split(note):
        words = None
        for part in _PART_BREAK.split(clause):
            at = part.find("渐退")
            if at >= 0:
                words = part[_clause_start(part, at) :]
            elif words is None:
                continue
            else:
                words += part
            if (read := _clause_end(words)) is not None:
                dated.append(read)
                words = None
    return dated


def _clause_start(part: str, at: int) -> int:
    """Where the 渐退 whose word is at ``at`` of ``part`` is written from: the part's start
    where the word is in a header (header：value), a first month …起 before it, or the word."""
    header = _HEADER_MARK.search(part)
    if header is not None and header.start() > at:
        return 0
    start = _START_BEFORE.search(part[:at])
    return start.start() if start else at


def _clause_end(words: str) -> tuple[int, str] | None:
    """The last month a 渐退's ``words`` date, and the words up to it: the latest it ends,
    else its first month plus its length; None when they date none."""
    ends = [(end, until.end()) for until in _GRADUAL_UNTIL.finditer(words)
            if (end := _month(*until.groups()))]  # fmt: skip
    if ends:
        return max(end for end, _ in ends), _quoted(words, max(at for _, at in ends))
    start, length = _GRADUAL_FROM.search(words), _GRADUAL_LENGTH.search(words)
    first = _month(*start.groups()) if start else None
    if first is None or length is None:
        return None
    months = _count(length.group(1))
    if not months:
        return None
    return first + months - 1, _quoted(words, max(start.end(), length.end()))


def _quoted(words: str, at: int) -> str:
    """``words`` up to ``at`` and what closes the month there (止, a bracket)."""
    return words[: at + _QUOTE_TAIL.match(words, at).end() - at].strip()


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
