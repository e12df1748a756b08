"""A payment line's 救助证号 written otherwise than the roster writes its case, and when such
a line may count as that case's.

A bank's workbook stores the roster's ``000121`` as the number 121; a ledger groups the
roster's ``DB5323260001`` as ``DB-5323260001``. Normalisation (``resolver.normalize``) folds
spaces, letter case and full-width forms only, so such a line names no case. Its canonical
form (``canonical_sql``) drops what systems add or take away: the ``.0`` of a whole number a
spreadsheet wrote as a decimal, then dashes of any width, underscores and dots, then the
zeros leading each run of digits (kept where the run is all zeros: one digit stays). Zeros
are dropped per run of the number as it is left without separators, never per group the
separators made: ``1-016`` and ``11-6`` stay two numbers (``1016``, ``116``). Separators are
dropped only in a county whose roster writes none: where the roster writes ``DB-2-15``, its
groups are the county's scheme (乡镇-村-序号), ``DB-21-5`` is another case, and a separator
of any kind is read as a dash.

A number absent from the roster is often a case closed and deleted from it, or a new case
not yet on it (a household split off), its lines still paid. So a line is joined through its
canonical form (``joined_otherwise``) only when all of these hold:

- its number as written is not on the roster (in its county);
- its canonical form is one roster case's alone (no two roster numbers of its county share it);
- no line of its file writes that canonical form otherwise (``121`` and ``0121``, or the
  roster's ``000121``, in one file: two cases, or one written two ways, either way unsure);
- no line of another file written otherwise has that canonical form in a month it pays
  (the roster's ``000121`` in the ledger and ``121`` in a bank's workbook of the same month
  are the same money, or two cases: it is never counted twice);
- its payee (领款人) agrees with that case: the line's payee ID, or when it gives none its
  payee name, is that of a covered member or the head (户主) of the case who was in it by the
  line's month (纳入日期) and had not exited (退出日期) before its last month.

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
JOINED_NOTE = "救助证号的写法与救助对象名册不同（去掉了数字前的 0，或增删了连字符、空格等）"

# A whole number a spreadsheet wrote as a decimal (121.0).
_AS_DECIMAL = r"^([0-9]+)\.0+$"
# What a system adds to or takes from a number: spaces, dashes of any width, underscores and
# dots (middle dots and full-width dots too).
_SEPARATORS = r"[\s\-‐‑‒–—―_.·・．]"
# The zeros leading a run of digits, its last digit kept.
_LEADING_ZEROS = r"(^|[^0-9])0+([0-9])"


def canonical_sql(column: str, separated: str = "false") -> str:
    """SQL of the canonical form of a case number (see the module docstring).

    Parameters
    ----------
    column : str
        SQL of a normalised case number (``resolver.normalize.normalize_code``).
    separated : str
        SQL, true where the county's roster writes separators: they are kept, as dashes.

    Returns
    -------
    str
        SQL of its canonical form (null for a null).

    Examples
    --------
    >>> import duckdb
    >>> written = ["000121", "DB-5323260001", "db_0012.3", "121.0", "DB-1-16", "DB-11-6", "1-016",
    ...            "000", "532301/0007"]
    >>> def canonical(separated):
    ...     return [found for (found,) in duckdb.sql(
    ...         f"SELECT {canonical_sql('x', separated)} FROM unnest(?) t(x)", params=[written]
    ...     ).fetchall()]
    >>> canonical("false")
    ['121', 'DB5323260001', 'DB123', '121', 'DB116', 'DB116', '1016', '0', '532301/7']
    >>> canonical("true")
    ['121', 'DB-5323260001', 'DB-12-3', '121', 'DB-1-16', 'DB-11-6', '1-16', '0', '532301/7']
    """
    undecimal = f"regexp_replace({column}, '{_AS_DECIMAL}', '\\1')"
    dash = f"CASE WHEN {separated} THEN '-' ELSE '' END"
    bare = f"upper(regexp_replace({undecimal}, '{_SEPARATORS}', {dash}, 'g'))"
    return f"regexp_replace({bare}, '{_LEADING_ZEROS}', '\\1\\2', 'g')"


def joined_otherwise(con: duckdb.DuckDBPyConnection, lines: str, roster: str) -> pa.Table:
    """The payment lines whose 救助证号 the roster writes otherwise, each with the roster's
    case it counts for (the rule of the module docstring).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A database holding both relations.
    lines : str
        SQL of every payment line (those on the roster too): ``line`` (any key of a line),
        ``file`` (the file it is in), ``scope`` (the county a number is of, '' when one),
        ``case_no``, ``pay_month`` and ``pay_month_last`` ('YYYY-MM'; the last null for a
        month's line), ``payee_name``, ``payee_id_number``.
    roster : str
        SQL of the roster's rows: ``scope``, ``case_no``, ``name``, ``id_number``,
        ``covered`` (``yes``), ``relation`` (``head``), ``start_date`` and ``end_date``.

    Returns
    -------
    pa.Table
        ``line``, ``written`` (its 救助证号) and ``on_roster`` (the roster's), in line order.
    """
    if not _off_roster(con, lines, roster):  # nothing to join: the lines are not read whole
        return pa.table({"line": [], "written": [], "on_roster": []})
    return con.sql(f"""
        WITH roster AS (SELECT * FROM ({roster}) r WHERE case_no IS NOT NULL),
        scopes AS (  -- whether a county's roster writes separators
            SELECT scope, bool_or(regexp_matches(case_no, '{_SEPARATORS}')) AS separated
            FROM roster GROUP BY ALL
        ),
        alone AS (  -- canonical forms of one roster number each
            SELECT scope, {canonical_sql("case_no", "separated")} AS canonical,
                   any_value(case_no) AS on_roster
            FROM roster JOIN scopes USING (scope) GROUP BY ALL HAVING count(DISTINCT case_no) = 1
        ),
        lines AS (SELECT * FROM ({lines}) l WHERE case_no IS NOT NULL),
        forms AS (  -- each number as the lines write it, its canonical form
            SELECT scope, case_no, {canonical_sql("case_no", "separated")} AS canonical,
                   EXISTS (SELECT 1 FROM roster r WHERE r.scope = f.scope AND r.case_no = f.case_no)
                       AS listed
            FROM (SELECT DISTINCT scope, case_no FROM lines) f JOIN scopes USING (scope)
        ),
        paid AS (
            SELECT l.*, f.canonical, f.listed, coalesce(pay_month_last, pay_month) AS month_last
            FROM lines l JOIN forms f USING (scope, case_no)
        ),
        mixed AS (  -- the lines of a canonical form written two ways
            SELECT * FROM paid WHERE (scope, canonical) IN (
                SELECT (scope, canonical) FROM forms GROUP BY ALL HAVING count(*) > 1)
        ),
        in_file AS (  -- a file's canonical forms it writes two ways
            SELECT file, scope, canonical FROM mixed GROUP BY ALL HAVING count(DISTINCT case_no) > 1
        ),
        unlisted AS (
            SELECT u.*, a.on_roster FROM paid u JOIN alone a USING (scope, canonical)
            WHERE NOT u.listed AND NOT EXISTS (
                SELECT 1 FROM in_file w
                WHERE w.file = u.file AND w.scope = u.scope AND w.canonical = u.canonical)
        )
        SELECT u.line, u.case_no AS written, u.on_roster FROM unlisted u
        WHERE NOT EXISTS (  -- the case paid in a month of the line under another writing
            SELECT 1 FROM mixed p WHERE p.scope = u.scope AND p.canonical = u.canonical
                AND p.case_no <> u.case_no AND (u.pay_month IS NULL OR p.pay_month IS NULL
                    OR (p.pay_month <= u.month_last AND u.pay_month <= p.month_last)))
          AND EXISTS (  -- the payee a covered member or the head, in the case by then
            SELECT 1 FROM roster r WHERE r.scope = u.scope AND r.case_no = u.on_roster
                AND (r.covered = 'yes' OR r.relation = 'head')
                AND (r.start_date IS NULL OR strftime(r.start_date, '%Y-%m') <= u.pay_month)
                AND (r.end_date IS NULL OR strftime(r.end_date, '%Y-%m') >= u.month_last)
                AND (u.payee_id_number = r.id_number
                     OR (u.payee_id_number IS NULL AND u.payee_name = r.name)))
        ORDER BY u.line""").to_arrow_table()  # fmt: skip


def _off_roster(con: duckdb.DuckDBPyConnection, lines: str, roster: str) -> bool:
    """Whether some line's 救助证号 is on no roster row of its county (only such a line may
    join: a drop whose numbers all are is answered from its distinct numbers alone, without
    the whole ledger's joins held in memory, 0.5 GB at 700,000 lines)."""
    return bool(con.execute(f"""
        SELECT 1 FROM (SELECT DISTINCT scope, case_no FROM ({lines}) l WHERE case_no IS NOT NULL) f
        WHERE NOT EXISTS (SELECT 1 FROM ({roster}) r
                          WHERE r.scope = f.scope AND r.case_no = f.case_no)
        LIMIT 1""").fetchall())  # fmt: skip


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
    '救助证号的写法与救助对象名册不同（去掉了数字前的 0，或增删了连字符、空格等）：2 条发放记录与名册中唯一一个案件去掉前导 0、连字符等后相同、领款人也相符，按该案件读取（如 121 即名册的 000121），原值不变，请核对'
    """
    if not joined:
        return None
    written, on_roster = (mask_typed(number) for number in joined[0])
    return (
        f"{JOINED_NOTE}：{len(joined):,} 条发放记录与名册中唯一一个案件去掉前导 0、连字符等后相同、"
        f"领款人也相符，按该案件读取（如 {written} 即名册的 {on_roster}），原值不变，请核对"
    )
