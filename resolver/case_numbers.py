"""A 救助证号 a payment list writes otherwise than the roster: one case, two spellings.

Normalisation (``resolver.normalize.normalize_code``) folds what no office means by a case
number: spaces, letter case, full-width forms. Two more differences come from systems, not
clerks: a workbook stores the roster's ``000121`` as the number 121, its zeros gone, and a
ledger or a bank's list groups ``DB5323260001`` as ``DB-5323260001``. A payment's number that
differs from one of the roster's only so (``case_keys``) is taken as the roster writes it
(``as_on_roster``). The roster is never rewritten: two of its numbers alike but for these
(``0121`` and ``121``, ``1-23`` and ``12-3``) stay two cases (``alike_on_roster``), and a
payment's number alike to both is matched to neither.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from resolver.idcard import GROUP_DASHES, mask_typed

# How the note on a payments table whose numbers were taken as the roster writes them begins
# (``respelled_note``): such a table depends on the roster, and is read again at the next
# ingest (``resolver.ingest``).
RESPELLED = "救助证号与救助对象名册的写法只差数字前补位的 0 或连字符"
# The zeros padding an all-digit number, or the all-digit part after its last slash (a
# province's ``<county>/<number>``, ``resolver.ingest.numbered_in``); one digit stays.
_PADDED = r"^(.*/)?0+([0-9]+)$"


def case_keys(numbers: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Each normalised case number without its dashes and, where what is left is all digits,
    without the zeros padding it: numbers of one key are one case written two ways.

    Parameters
    ----------
    numbers : pa.Array or pa.ChunkedArray
        Normalised case numbers (nulls stay null).

    Returns
    -------
    pa.Array or pa.ChunkedArray
        Their keys.

    Examples
    --------
    >>> case_keys(pa.array(["000121", "DB-5323260001", "DB000121", "0", "532301/0007"])).to_pylist()
    ['121', 'DB5323260001', 'DB000121', '0', '532301/7']
    """
    undashed = pc.replace_substring_regex(numbers, GROUP_DASHES.pattern, "")
    return pc.replace_substring_regex(undashed, _PADDED, r"\1\2")


def roster_spellings(numbers: pa.Array | pa.ChunkedArray) -> dict[str, tuple[str, ...]]:
    """The roster's case numbers by their key (``case_keys``).

    Parameters
    ----------
    numbers : pa.Array or pa.ChunkedArray
        The roster's normalised case numbers.

    Returns
    -------
    dict of str to tuple of str
        Key -> the roster's distinct numbers of that key, sorted.

    Examples
    --------
    >>> roster_spellings(pa.array(["000121", "000121", "0121", "DB01", None]))
    {'121': ('000121', '0121'), 'DB01': ('DB01',)}
    """
    distinct = pc.unique(numbers).drop_null()
    found: dict[str, list[str]] = {}
    for key, number in zip(case_keys(distinct).to_pylist(), distinct.to_pylist(), strict=True):
        found.setdefault(key, []).append(number)
    return {key: tuple(sorted(alike)) for key, alike in found.items()}


def alike_on_roster(numbers: pa.Array, spellings: dict[str, tuple[str, ...]]) -> pa.Array:
    """Which of a roster's numbers share their key with another number of the roster: two
    cases a payment written a third way cannot tell apart.

    Parameters
    ----------
    numbers : pa.Array
        Case numbers of the roster.
    spellings : dict of str to tuple of str
        The whole roster's (``roster_spellings``).

    Returns
    -------
    pa.Array
        True where another number of the roster has the same key (False for a null).

    Examples
    --------
    >>> spellings = roster_spellings(pa.array(["0121", "121", "DB01"]))
    >>> alike_on_roster(pa.array(["0121", "DB01", None]), spellings).to_pylist()
    [True, False, False]
    """
    alike = pa.array(sorted(key for key, found in spellings.items() if len(found) > 1), pa.string())
    return pc.fill_null(pc.is_in(case_keys(numbers), alike), False)


def as_on_roster(numbers: pa.Array, spellings: dict[str, tuple[str, ...]]
                 ) -> tuple[pa.Array, pa.Array]:  # fmt: skip
    """Payments' case numbers as the roster writes them: a number the roster holds stays;
    one whose key (``case_keys``) is one roster number's becomes that number; one whose key
    two or more roster numbers share stays as written, matched to none.

    Parameters
    ----------
    numbers : pa.Array
        Normalised case numbers of payments.
    spellings : dict of str to tuple of str
        The roster's (``roster_spellings``).

    Returns
    -------
    tuple[pa.Array, pa.Array]
        The numbers as the roster writes them, and whether each is one that two or more of
        the roster's are alike to (False for a null).

    Examples
    --------
    >>> spellings = roster_spellings(pa.array(["000121", "DB5323260001", "0007", "7"]))
    >>> spelled, ambiguous = as_on_roster(pa.array(["121", "DB-5323260001", "007", "7", "X9"]),
    ...                                   spellings)
    >>> spelled.to_pylist(), ambiguous.to_pylist()
    (['000121', 'DB5323260001', '007', '7', 'X9'], [False, False, True, False, False])
    """
    distinct = pc.unique(numbers).drop_null()
    held = {number for alike in spellings.values() for number in alike}
    spelled, ambiguous = [], []
    for number, key in zip(distinct.to_pylist(), case_keys(distinct).to_pylist(), strict=True):
        alike = () if number in held else spellings.get(key, ())
        spelled.append(alike[0] if len(alike) == 1 else number)
        ambiguous.append(len(alike) > 1)
    at = pc.index_in(numbers, distinct)
    return (pa.array(spelled, pa.string()).take(at),
            pc.fill_null(pa.array(ambiguous, pa.bool_()).take(at), False))  # fmt: skip


def respelled_note(written: pa.Array, spelled: pa.Array) -> str | None:
    """The note saying how many payments' numbers were taken as the roster writes them
    (``as_on_roster``), with the first for an example (an ID in it masked).

    Parameters
    ----------
    written : pa.Array
        The numbers as the payments write them.
    spelled : pa.Array
        The same as the roster writes them.

    Returns
    -------
    str or None
        The note; None when none differ.

    Examples
    --------
    >>> respelled_note(pa.array(["121", "DB01", "7"]), pa.array(["000121", "DB01", "0007"]))
    '救助证号与救助对象名册的写法只差数字前补位的 0 或连字符：2 行（如 121 即名册的 000121），已按名册的写法对应'
    """
    changed = pc.fill_null(pc.not_equal(written, spelled), False)
    count = pc.sum(changed).as_py()
    if not count:
        return None
    first = pc.index(changed, True).as_py()
    number, on_roster = (mask_typed(values[first].as_py()) for values in (written, spelled))
    return f"{RESPELLED}：{count:,} 行（如 {number} 即名册的 {on_roster}），已按名册的写法对应"
