"""The synthetic county over time: monthly drops ending at the as-of month.

``synthesize(..., months=K)`` writes, besides ``out_dir/drop`` and ``out_dir/truth``, one data
drop a month for the K months ending at the as-of month, under ``out_dir/months/YYYY-MM``
(``drop/`` and ``truth/``), so that an incremental update can be measured month by month.

It is one county travelling in time, not K counties: the final county is generated (and its
drop written) once, and each month's drop is the final drop's rows *as known* on the month's
cut day (its last day; the as-of day for the last month):

- ``deaths``: a notice arrives some days after the death (0 to 75 days, most within a month,
  drawn once per notice); it is in a month's drop when it has arrived by the cut day. Late
  notices follow: a death of August first in October's drop. Every notice has arrived by the
  as-of day (the final drop holds them all).
- ``assistance``: a row is present from its start date; while its end date is after the cut
  day, its end date cell is blank (the case was still open). New enrollments and exits follow.
  A few rows whose ID is clean in the final drop carry a mistyped ID (two adjacent distinct
  digits of positions 7-16 swapped) in every month but the last, where it is corrected
  (``id_corrected_later`` in those months' ``noise.csv``).
- ``payments``: the months paid up to the month; ``disability``: the certificates issued by
  the cut day (one without an issue date always); ``hukou`` and ``poverty``: every row.

Noise and formats are applied once, to the final tables (``writing.write_drop``), and each
month selects rows of the formatted cells (blanking open end dates), with the same column
order and headers: a row that did not change between two months has the same cells in both
months' files, and the last month's drop and truth are byte-identical to ``out_dir/drop`` and
``out_dir/truth``. Other cells keep their final value, even when it was known only later (an
income assessed in September shows its September date in August's drop).

Each month's truth: ``persons.csv`` of the rows present; ``cases.jsonl`` derived by the same
rules (``truth.derive_cases``) from the clean tables cut the same way, as of the cut day;
``noise.csv`` of the rows present, with the mistyped IDs; ``controls.jsonl`` only for the last
month (the negative controls are checked against the final county alone: empty before);
``manifest.json``: the month, its cut day, the rows per registry and what changed since the
month before (new death notices and how many of them late, new enrollment rows, exits,
corrected IDs) — except the last month, whose truth is the final one, manifest included.
``out_dir/months/months.json`` lists every month's manifest, the last one's too.

The months' own draws (the notice delays, the mistyped IDs) come from a stream spawned off the
county's generator after the final drop is written: ``months=1`` writes the same bytes as
before, and the final drop does not depend on ``months``.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from resolver.synthetic.common import (
    FILES,
    NEVER,
    WINDOW_MONTHS,
    State,
    date_of,
    first_day,
    month_index,
    month_text,
)
from resolver.synthetic.truth import derive_cases
from resolver.synthetic.writing import write_columns, write_truth

log = logging.getLogger(__name__)

LAG_MAX = 75  # days from a death to its notice, at most
LAG_WITHIN_MONTH = 0.8  # share of notices that arrive within 30 days
CORRECTED_ID_SHARE = 0.005  # of the assistance rows: a mistyped ID corrected in the last month
CORRECTED_ID_MIN = 3
ID_SWAP = (6, 15)  # the digits that may be swapped: 0-based 6 to 15 (positions 7 to 16)
ALWAYS = -NEVER  # the day a row of hukou or poverty is known from: always
CORRECTED = "id_corrected_later"


@dataclass(frozen=True)
class FinalCounty:
    """The final county the months are cut from: what ``synthesize`` generated and wrote."""

    st: State
    tables: dict[str, pd.DataFrame]
    written: dict[str, dict[str, list]]  # per registry: the cells as written, in file order
    log_rows: list[tuple]
    derived: list[dict[str, Any]]
    controls: list[dict[str, Any]]
    household: np.ndarray
    hukou_of: np.ndarray
    truth_dir: Path


@dataclass(frozen=True)
class Month:
    """One month of the drops: its index, its cut day, the rows present per registry (final
    row positions), the assistance rows still open, and whether it is the last month."""

    month: int
    cut: int
    present: dict[str, np.ndarray]
    open_rows: np.ndarray  # assistance rows present whose end date is after the cut day
    last: bool


# --------------------------------------------------------------------------- when rows are known


def cut_days(as_of: int, months: int) -> list[tuple[int, int]]:
    """The months ending at the as-of month and their cut days.

    Parameters
    ----------
    as_of : int
        The day number the final drop is taken.
    months : int
        How many months (1 to ``WINDOW_MONTHS``).

    Returns
    -------
    list of tuple of int
        ``(month index, cut day)`` per month, oldest first: the last day of each month, the
        as-of day for the last.

    Raises
    ------
    ValueError
        When ``months`` is outside 1 to ``WINDOW_MONTHS``.
    """
    if not 1 <= months <= WINDOW_MONTHS:
        raise ValueError(f"months must be between 1 and {WINDOW_MONTHS}")
    last = int(month_index(as_of))
    indexes = np.arange(last - months + 1, last + 1)
    cuts = first_day(indexes + 1) - 1
    cuts[-1] = as_of
    return [(int(m), int(c)) for m, c in zip(indexes, cuts, strict=True)]


def notice_lags(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days from each death to its notice: most within a month, the rest up to ``LAG_MAX``.

    Parameters
    ----------
    rng : np.random.Generator
        The months' random generator.
    n : int
        How many notices.

    Returns
    -------
    np.ndarray
        ``n`` delays in days (int64), 0 to ``LAG_MAX``.
    """
    within = rng.random(n) < LAG_WITHIN_MONTH
    short = rng.integers(0, 31, n)
    long = rng.integers(31, LAG_MAX + 1, n)
    return np.where(within, short, long).astype(np.int64)


def known_days(tables: dict[str, pd.DataFrame], as_of: int, lags: np.ndarray
               ) -> dict[str, np.ndarray]:  # fmt: skip
    """The day each row is first known (in a drop taken that day or later).

    Parameters
    ----------
    tables : dict of str to pd.DataFrame
        The final clean tables.
    as_of : int
        The day number of the final drop: every row is known by then.
    lags : np.ndarray
        Days from each death to its notice, one per ``deaths`` row.

    Returns
    -------
    dict of str to np.ndarray
        Per registry, each row's day number (``ALWAYS`` for hukou and poverty rows and for
        certificates without an issue date).
    """
    issue = tables["disability"]["issue_date"].to_numpy()
    days = {
        "hukou": np.full(len(tables["hukou"]), ALWAYS, dtype=np.int64),
        "poverty": np.full(len(tables["poverty"]), ALWAYS, dtype=np.int64),
        "assistance": tables["assistance"]["start_date"].to_numpy(),
        "payments": first_day(tables["payments"]["pay_month"].to_numpy()),
        "disability": np.where(issue == NEVER, ALWAYS, issue),
        "deaths": tables["deaths"]["death_date"].to_numpy() + lags,
    }
    return {registry: np.minimum(days[registry], as_of).astype(np.int64) for registry in FILES}


def end_days(tables: dict[str, pd.DataFrame], as_of: int) -> np.ndarray:
    """The day each assistance row's end date is known from (``NEVER`` for an open row).

    Parameters
    ----------
    tables : dict of str to pd.DataFrame
        The final clean tables.
    as_of : int
        The day number of the final drop: every end date of it is known by then.

    Returns
    -------
    np.ndarray
        One day number per assistance row.
    """
    end = tables["assistance"]["end_date"].to_numpy()
    return np.where(end == NEVER, NEVER, np.minimum(end, as_of)).astype(np.int64)


def _months(known: dict[str, np.ndarray], ends: np.ndarray, as_of: int, months: int
            ) -> list[Month]:  # fmt: skip
    out = []
    for month, cut in cut_days(as_of, months):
        present = {registry: days <= cut for registry, days in known.items()}
        open_rows = present["assistance"] & (ends != NEVER) & (ends > cut)
        out.append(Month(month, cut, present, open_rows, cut == as_of))
    return out


# --------------------------------------------------------------------------- mistyped IDs


def swap_digits(value: str, rng: np.random.Generator) -> str | None:
    """An ID with two adjacent distinct digits of positions 7-16 swapped.

    Parameters
    ----------
    value : str
        An 18-character ID number.
    rng : np.random.Generator
        The months' random generator.

    Returns
    -------
    str or None
        The mistyped ID, or None when no two adjacent digits there differ.
    """
    first, last = ID_SWAP
    spots = [i for i in range(first, last) if value[i] != value[i + 1]]
    if not spots:
        return None
    i = spots[int(rng.integers(0, len(spots)))]
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def mistyped_ids(final: FinalCounty, present: np.ndarray, rng: np.random.Generator
                 ) -> dict[int, str]:  # fmt: skip
    """Assistance rows whose ID is clean in the final drop, given a mistyped ID before.

    Parameters
    ----------
    final : FinalCounty
        The final county.
    present : np.ndarray
        The assistance rows present in the first month (they carry the typo there).
    rng : np.random.Generator
        The months' random generator.

    Returns
    -------
    dict of int to str
        Row position -> the ID written in every month but the last.
    """
    clean = final.tables["assistance"]["id_number"].to_numpy(dtype=object)
    cells = np.asarray(final.written["assistance"]["id_number"], dtype=object)
    noisy = {p for r, p, _, column, _ in final.log_rows
             if r == "assistance" and column == "id_number"}  # fmt: skip
    digits = pd.Series(clean, dtype=object).str.fullmatch(r"\d{17}[\dX]").fillna(False)
    candidates = np.flatnonzero(present & (cells == clean) & digits.to_numpy(dtype=bool))
    candidates = np.array([p for p in candidates if p not in noisy], dtype=np.int64)
    k = min(len(candidates), max(CORRECTED_ID_MIN, round(CORRECTED_ID_SHARE * len(clean))))
    picked = np.sort(rng.choice(candidates, size=k, replace=False)) if k else candidates
    typos = {int(p): swap_digits(str(clean[p]), rng) for p in picked}
    return {p: typo for p, typo in typos.items() if typo is not None}


# --------------------------------------------------------------------------- one month


def month_drop(final: FinalCounty, month: Month, typos: dict[int, str]
               ) -> dict[str, dict[str, list]]:  # fmt: skip
    """A month's cells: the final drop's rows present, open end dates blank, IDs mistyped.

    Parameters
    ----------
    final : FinalCounty
        The final county.
    month : Month
        The month.
    typos : dict of int to str
        Assistance row position -> the mistyped ID (written unless it is the last month).

    Returns
    -------
    dict of str to dict of str to list
        Per registry, the cells per column in file order (what ``write_columns`` takes).
    """
    out = {}
    for registry, columns in final.written.items():
        rows = np.flatnonzero(month.present[registry])
        cells = {name: _take(values, rows) for name, values in columns.items()}
        if registry == "assistance":
            replaced = {"end_date": {int(p): "" for p in np.flatnonzero(month.open_rows)}}
            replaced["id_number"] = {} if month.last else typos
            at = {int(p): i for i, p in enumerate(rows)}
            for name, values in replaced.items():
                for position, value in values.items():
                    cells[name][at[position]] = value
        out[registry] = cells
    return out


def _take(values: list, rows: np.ndarray) -> list:
    """The cells of ``rows``, as the same Python objects."""
    if len(rows) == len(values):
        return list(values)
    return [values[i] for i in rows]


def month_tables(final: FinalCounty, month: Month) -> dict[str, pd.DataFrame]:
    """The clean tables as known on the month's cut day: open end dates ``NEVER``.

    Parameters
    ----------
    final : FinalCounty
        The final county.
    month : Month
        The month.

    Returns
    -------
    dict of str to pd.DataFrame
        One table per registry, rows in the final order, record ids unchanged.
    """
    out = {}
    for registry, frame in final.tables.items():
        table = frame[month.present[registry]].copy()
        if registry == "assistance":
            table.loc[month.open_rows[month.present[registry]], "end_date"] = NEVER
        out[registry] = table.reset_index(drop=True)
    return out


def month_noise(final: FinalCounty, month: Month, typos: dict[int, str]) -> list[tuple]:
    """The noise log of a month: the final drop's, of the rows present, and the mistyped IDs.

    Parameters
    ----------
    final : FinalCounty
        The final county.
    month : Month
        The month.
    typos : dict of int to str
        Assistance row position -> the mistyped ID.

    Returns
    -------
    list of tuple
        ``(registry, final row position, record_id, column, noise kind)`` per injection.
    """
    rows = [row for row in final.log_rows if month.present[row[0]][row[1]]]
    if not month.last:
        record_ids = final.tables["assistance"]["record_id"].to_numpy(dtype=object)
        rows += [("assistance", p, record_ids[p], "id_number", CORRECTED) for p in typos]
    return rows


def month_counts(month: Month, before: Month | None, typos: dict[int, str],
                 tables: dict[str, pd.DataFrame]) -> dict[str, Any]:  # fmt: skip
    """What changed since the month before: new and late death notices, new enrollment rows,
    exits and corrected IDs (None for the first month: nothing to compare with).

    Parameters
    ----------
    month : Month
        The month.
    before : Month or None
        The month before, or None for the first month.
    typos : dict of int to str
        Assistance row position -> the mistyped ID.
    tables : dict of str to pd.DataFrame
        The final clean tables.

    Returns
    -------
    dict
        ``new_death_notices``, ``late_death_notices`` (of them, deaths of an earlier month),
        ``new_enrollments``, ``exits``, ``ids_corrected`` and ``ids_mistyped``.
    """
    mistyped = 0 if month.last else len(typos)  # picked among the rows of the first month
    if before is None:
        return {"new_death_notices": None, "late_death_notices": None, "new_enrollments": None,
                "exits": None, "ids_corrected": None, "ids_mistyped": mistyped}  # fmt: skip
    deaths = month.present["deaths"] & ~before.present["deaths"]
    died = month_index(tables["deaths"]["death_date"].to_numpy())
    dated = month.present["assistance"] & ~month.open_rows
    was_dated = before.present["assistance"] & ~before.open_rows
    ended = (tables["assistance"]["end_date"] != NEVER).to_numpy()
    return {
        "new_death_notices": int(deaths.sum()),
        "late_death_notices": int((deaths & (died < month.month)).sum()),
        "new_enrollments": int((month.present["assistance"] & ~before.present["assistance"]).sum()),
        "exits": int((dated & ~was_dated & ended).sum()),
        "ids_corrected": len(typos) if month.last else 0,
        "ids_mistyped": mistyped,
    }


def _manifest(month: Month, counts: dict[str, Any], derived: list[dict[str, Any]]
              ) -> dict[str, Any]:  # fmt: skip
    anomalies = Counter(c["case_type"] for c in derived if "policy" not in c)
    return {
        "month": month_text(month.month),
        "cut_day": date_of(month.cut).isoformat(),
        "last": month.last,
        "rows": {registry: int(present.sum()) for registry, present in month.present.items()},
        **counts,
        "anomalies": dict(sorted(anomalies.items())),
    }


def write_month(folder: Path, final: FinalCounty, month: Month, typos: dict[int, str]
                ) -> list[dict[str, Any]]:  # fmt: skip
    """Write one month's drop and truth (all but the manifest) under ``folder``.

    Parameters
    ----------
    folder : Path
        The month's folder (``drop/`` and ``truth/`` go in it).
    final : FinalCounty
        The final county.
    month : Month
        The month.
    typos : dict of int to str
        Assistance row position -> the mistyped ID.

    Returns
    -------
    list of dict
        The month's true cases.
    """
    drop, truth = folder / "drop", folder / "truth"
    drop.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    for registry, cells in month_drop(final, month, typos).items():
        write_columns(drop / FILES[registry].file, registry, cells)
    tables = month_tables(final, month)
    if month.last:
        derived, controls = final.derived, final.controls
    else:
        derived = derive_cases(tables, household=final.household, hukou_of=final.hukou_of,
                               as_of=month.cut, rise=final.st.shape.annual_rise)  # fmt: skip
        controls = []
    write_truth(truth, tables, derived, controls, month_noise(final, month, typos))
    return derived


def write_months(out_dir: Path, final: FinalCounty, months: int) -> list[dict[str, Any]]:
    """Write the monthly drops ending at the as-of month under ``out_dir/months``.

    Parameters
    ----------
    out_dir : Path
        The county's folder; the months go to ``out_dir/months/YYYY-MM``.
    final : FinalCounty
        The final county, its drop and truth already written.
    months : int
        How many months (2 to ``WINDOW_MONTHS``; 1 writes nothing).

    Returns
    -------
    list of dict
        Each month's manifest (month, cut day, rows, changes, anomalies), oldest first.
    """
    if months == 1:
        return []
    st, tables = final.st, final.tables
    rng = st.rng.spawn(1)[0]
    known = known_days(tables, st.as_of, notice_lags(rng, len(tables["deaths"])))
    plan = _months(known, end_days(tables, st.as_of), st.as_of, months)
    typos = mistyped_ids(final, plan[0].present["assistance"], rng)
    manifests = []
    for i, month in enumerate(plan):
        folder = Path(out_dir) / "months" / month_text(month.month)
        derived = write_month(folder, final, month, typos)
        counts = month_counts(month, plan[i - 1] if i else None, typos, tables)
        manifest = _manifest(month, counts, derived)
        manifests.append(manifest)
        target = folder / "truth" / "manifest.json"
        if month.last:
            target.write_bytes((final.truth_dir / "manifest.json").read_bytes())
        else:
            _write_json(target, manifest)
        log.info("month %s: %s", manifest["month"], counts)
    _write_json(Path(out_dir) / "months" / "months.json", manifests)
    return manifests


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
