"""A payment line's 救助证号 written otherwise than the roster writes its case, and when such
a line may count as that case's.

A bank's workbook stores the roster's ``000121`` as the number 121; a ledger groups the
roster's ``DB5323260001`` as ``DB-5323260001``. Normalisation (``resolver.normalize``) folds
spaces, letter case and full-width forms only, so such a line names no case. Its canonical
form (``canonical_sql``) drops what systems add or take away: the ``.0`` of a whole number a
spreadsheet wrote as a decimal, then dashes of any width, underscores, dots and spaces, then
the zeros leading each run of digits (kept where the run is all zeros: one digit stays).
Zeros are dropped per run of the number as it is left without separators, never per group
the separators made: ``1-016`` and ``11-6`` stay two numbers (``1016``, ``116``).

Dropping separators makes distinct numbers alike (``DB-1-16`` and ``DB-11-6`` are both
``DB116``), and a number absent from the roster is often a case closed and deleted from it,
its lines still paid. So a line is joined through its canonical form (``joined_otherwise``)
only when all of these hold:

- its number as written is not on the roster (in its county);
- its canonical form is one roster case's alone (no two roster numbers of its county share it);
- its payee (领款人) agrees with that case: the line's payee ID is the ID of one of the case's
  roster rows, or, when the line gives no payee ID, its payee name is the name of one of the
  case's covered members or of its head (户主).

Any other line stays unjoined (救助证号不在救助对象名册中). The same rule joins a run's
payments (``resolver.ingest``) and a list screened before the bank (``models.screening``), so
both take a line for the same case.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from resolver.idcard import mask_typed

# How the note on a table whose lines were joined through their canonical form begins
# (``joined_note``): such a table's rows depend on the roster, and it is read again at the
# next ingest (``resolver.ingest``).
JOINED_NOTE = "救助证号的写法与救助对象名册不同（去掉了数字前的 0，或加减了连字符、空格等）"

# A whole number a spreadsheet wrote as a decimal (121.0).
_AS_DECIMAL = r"^([0-9]+)\.0+$"
# What a system adds to or takes from a number: spaces, dashes of any width, underscores and
# dots (middle dots and full-width dots too).
_SEPARATORS = r"[\s\-‐‑‒–—―_.·・．]"
# The zeros leading a run of digits, its last digit kept.
_LEADING_ZEROS = r"(^|[^0-9])0+([0-9])"


def canonical_sql(column: str) -> str:
    """SQL of the canonical form of a case number (see the module docstring).

    Parameters
    ----------
    column : str
        SQL of a normalised case number (``resolver.normalize.normalize_code``).

    Returns
    -------
    str
        SQL of its canonical form (null for a null).

    Examples
    --------
    >>> import duckdb
    >>> written = ["000121", "DB-5323260001", "db_0012.3", "121.0", "DB-1-16", "DB-11-6", "1-016",
    ...            "000", "532301/0007"]
    >>> [found for (found,) in duckdb.sql(f"SELECT {canonical_sql('x')} FROM unnest(?) t(x)",
    ...                                   params=[written]).fetchall()]
    ['121', 'DB5323260001', 'DB123', '121', 'DB116', 'DB116', '1016', '0', '532301/7']
    """
    undecimal = f"regexp_replace({column}, '{_AS_DECIMAL}', '\\1')"
    bare = f"upper(regexp_replace({undecimal}, '{_SEPARATORS}', '', 'g'))"
    return f"regexp_replace({bare}, '{_LEADING_ZEROS}', '\\1\\2', 'g')"


def joined_otherwise(con: duckdb.DuckDBPyConnection, lines: str, roster: str) -> pa.Table:
    """The payment lines whose 救助证号 the roster writes otherwise, each with the roster's
    case it counts for (the rule of the module docstring).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database holding both relations.
    lines : str
        SQL of the payment lines: ``line`` (any key of a line), ``scope`` (the county a
        number is of, '' when one), ``case_no``, ``payee_name``, ``payee_id_number``.
    roster : str
        SQL of the roster's rows: ``scope``, ``case_no``, ``name``, ``id_number``,
        ``covered`` (``yes``) and ``relation`` (``head``).

    Returns
    -------
    pa.Table
        ``line``, ``written`` (its 救助证号) and ``on_roster`` (the roster's), in line order.
    """
    return con.sql(f"""
        WITH roster AS (
            SELECT *, {canonical_sql("case_no")} AS canonical FROM ({roster}) r
            WHERE case_no IS NOT NULL
        ),
        alone AS (  -- canonical forms of one roster number each
            SELECT scope, canonical, any_value(case_no) AS on_roster FROM roster
            GROUP BY ALL HAVING count(DISTINCT case_no) = 1
        ),
        unlisted AS (
            SELECT l.*, {canonical_sql("l.case_no")} AS canonical FROM ({lines}) l
            WHERE l.case_no IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM roster r WHERE r.scope = l.scope AND r.case_no = l.case_no)
        )
        SELECT u.line, u.case_no AS written, a.on_roster
        FROM unlisted u JOIN alone a USING (scope, canonical)
        WHERE EXISTS (
            SELECT 1 FROM roster r WHERE r.scope = a.scope AND r.case_no = a.on_roster AND (
                u.payee_id_number = r.id_number
                OR (u.payee_id_number IS NULL AND u.payee_name = r.name
                    AND (r.covered = 'yes' OR r.relation = 'head'))))
        ORDER BY u.line""").to_arrow_table()  # fmt: skip


def joined_note(joined: list[tuple[str, str]]) -> str | None:
    """The note on a table some of whose lines were joined through their canonical form:
    how many, with the first for an example (an ID in it masked).

    Parameters
    ----------
    joined : list of (str, str)
        Per line so joined (``joined_otherwise``), its 救助证号 as written and the roster's.

    Returns
    -------
    str or None
        The note (Chinese); None when none were.

    Examples
    --------
    >>> joined_note([("121", "000121"), ("DB-01", "DB01")])
    '救助证号的写法与救助对象名册不同（去掉了数字前的 0，或加减了连字符、空格等）：2 行按名册中写法相同、领款人也相符的唯一案件对应（如 121 即名册的 000121），原值不变，请核对'
    """
    if not joined:
        return None
    written, on_roster = (mask_typed(number) for number in joined[0])
    return (
        f"{JOINED_NOTE}：{len(joined):,} 行按名册中写法相同、领款人也相符的唯一案件对应"
        f"（如 {written} 即名册的 {on_roster}），原值不变，请核对"
    )
