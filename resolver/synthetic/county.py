"""A synthetic county (大姚县, region 532326): a data drop with exact truth.

``synthesize`` writes ``out_dir/drop`` (one file per registry, as ``CONTRACT.md`` section 1
describes them, in mixed formats, encodings and header languages) and ``out_dir/truth``:

- ``persons.csv``: the true person of every row of the person registries;
- ``cases.jsonl``: every true anomaly, *derived* by applying the section 2 rules to the clean
  tables (so background generation can never hide an unlabelled anomaly), and checked to hold
  every anomaly that was deliberately injected;
- ``controls.jsonl``: negative controls, look-alikes of anomalies that are not anomalies;
- ``noise.csv``: every noise injection applied to the drop;
- ``manifest.json``: parameters, files, counts and the policy values used.

Generation runs in stages: a clean population (households, people, disabilities, deaths,
poverty registration, assistance enrolment that respects the rules), then injected anomalies
and controls, then clean tables, then the derived truth, then noise and formatting, then the
files. Everything is drawn from one ``numpy.random.default_rng(seed)`` in a fixed order, so a
(people, seed, noise, as_of) always gives the same bytes.

The parts live in modules of their own: ``people`` (geography, households, persons, names,
disabilities, deaths, IDs), ``enrolment`` (poverty registration and background assistance
enrolment), ``injections`` (anomalies and negative controls), ``tables`` (the clean tables),
``truth`` (the derived truth), ``noise`` (noise and formats), ``writing`` (the files) and
``monthly`` (with ``months`` above 1, the monthly drops ending at the as-of month:
``out_dir/months/YYYY-MM``); ``common`` holds what they share. This module keeps the entry
point, the variants of the assumptions, the stages in their order and the manifest.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from resolver.synthetic import names
from resolver.synthetic.common import (
    DEATH_GRACE_MONTHS,
    DIBAO_STANDARD_YEAR,
    FILES,
    NEVER,
    Assumptions,
    State,
    date_of,
    day_number,
    month_text,
    monthly_amounts,
    own_stream,
    year_month_day,
)
from resolver.synthetic.enrolment import enrol, finalize_rows, poverty, relapses, transfers
from resolver.synthetic.injections import (
    ANOMALY_RATES,
    CONTROL_RATE,
    inject_deceased,
    inject_duplicates,
    inject_exits_above_standard,
    inject_grace,
    inject_legit_single,
    inject_lookalikes,
    inject_marked_gaps,
    inject_mispaid,
    inject_missed,
    inject_mistyped,
    inject_over_standard,
    inject_separate_households,
    inject_split,
    inject_stale_incomes,
    inject_within_exit,
    inject_wrong_notices,
    inject_wrongful_exits,
    shared_contacts,
    target_count,
    twins,
)
from resolver.synthetic.monthly import FinalCounty, cut_days, write_months
from resolver.synthetic.people import (
    assign_ids,
    background_deaths,
    courtyards,
    disabilities,
    geography,
    households,
    persons,
    unique_numbers,
)
from resolver.synthetic.tables import clean_tables
from resolver.synthetic.truth import (
    CASE_TYPES,
    CONTROL_TYPES,
    POOR_STATUSES,
    check_truth,
    derive_cases,
    record_ids,
)
from resolver.synthetic.writing import write_drop, write_truth

log = logging.getLogger(__name__)


# Each variant breaks the defaults' assumptions in one direction; `doudi evaluate --matrix`
# runs them all.
VARIANTS: dict[str, Assumptions] = {
    "default": Assumptions(),
    "coarse_addresses": Assumptions(coarse_address_share=0.85, courtyard_share=0.15,
                                    courtyard_phone_share=0.8),
    "no_hukou_splits": Assumptions(split_hukou_share=0.0),
    "many_hukou_splits": Assumptions(split_hukou_share=0.9),
    "police_notices": Assumptions(police_sparse_share=0.9),
    "cross_township_duplicates": Assumptions(cross_township_duplicates=0.95,
                                             duplicate_blank_id=0.8),
    "minority_names": Assumptions(region="xinganmeng", minority_name_share=0.45),
    "stale_incomes": Assumptions(stale_income_share=1.0),
    "namesakes": Assumptions(given_name_pool=6),
    "heaped_birthdays": Assumptions(heaped_birth_share=0.6),
}  # fmt: skip
# The county the risk model is fitted on (``doudi calibrate``): wrong death notices and
# sparse police notices often enough that the model sees what they look like, true and false.
CALIBRATION = Assumptions(wrong_notice_rate=3.0, police_sparse_share=0.5)


@dataclass(frozen=True)
class SynthSummary:
    """What ``synthesize`` wrote: the two folders and the counts; with ``months`` above 1,
    each month's manifest (``monthly``), oldest first."""

    drop_dir: Path
    truth_dir: Path
    rows: dict[str, int]
    anomalies: dict[str, int]
    controls: dict[str, int]
    months: tuple[dict, ...] = ()


# --------------------------------------------------------------------------- the stages


def _place(st: State) -> None:
    """Build the population, then the injected anomalies and controls."""
    households(st)
    persons(st)
    courtyards(st)
    disabilities(st)
    background_deaths(st)
    counts = {name: target_count(rate, st.people) for name, rate in ANOMALY_RATES.items()}
    control = target_count(CONTROL_RATE, st.people)
    twins(st, control)
    poverty(st)
    st.banks = unique_numbers(st.rng, names.BANK_PREFIXES, 13, st.people // 4 + 200)
    enrol(st)
    transfers(st, target_count(2, st.people))
    inject_missed(st, counts["missed_disability"])
    inject_mistyped(st, control)
    inject_legit_single(st, control)
    inject_split(st, counts["split_household"])
    inject_separate_households(st, control)
    inject_stale_incomes(st, control)
    inject_duplicates(st, counts["duplicate_enrollment"])
    inject_deceased(st, counts["deceased_paid"])
    inject_grace(st, control)
    inject_lookalikes(st, control)
    inject_wrong_notices(st, max(1, round(st.shape.wrong_notice_rate * st.people / 10_000)))
    inject_over_standard(st, counts["over_standard"])
    inject_within_exit(st, control)
    inject_marked_gaps(st, control)
    shared_contacts(st)
    with own_stream(st):  # drawn apart: the people and the other anomalies stay as they were
        inject_wrongful_exits(st, counts["exit_without_gradual"])
        inject_exits_above_standard(st, control)
        inject_mispaid(st, counts["payment_mismatch"])
        relapses(st)
    finalize_rows(st)
    hukou_draw = st.rng.random(len(st.P["hh"]))
    st.P["in_hukou"] = (st.P["death"] == NEVER) | (hukou_draw < 0.7)


# --------------------------------------------------------------------------- the manifest


def _manifest(
    st: State, seed: int, noise: float, tables: dict, derived: list, controls: list, log_rows: list
) -> dict:
    injected = Counter(case_type for case_type, _ in st.injected)
    return {
        "generator": "resolver.synth",
        "assumptions": asdict(st.shape),
        "namesakes": _namesakes(st),
        "seed": seed,
        "people": st.people,
        "noise": noise,
        "as_of": date_of(st.as_of).isoformat(),
        "window": {"first_month": month_text(st.m_first), "last_month": month_text(st.m_last)},
        "policy": {
            "death_grace_months": DEATH_GRACE_MONTHS,
            "dibao_standard_year": DIBAO_STANDARD_YEAR,
            "monthly_benefit": {
                str(year): {
                    label: int(
                        monthly_amounts(
                            [program], [cls], [(year - 1970) * 12], st.shape.annual_rise
                        )[0]
                    )
                    for label, program, cls in (
                        ("低保A", "低保", "A"),
                        ("低保B", "低保", "B"),
                        ("低保C", "低保", "C"),
                        ("特困", "特困", ""),
                    )
                }
                for year in range(st.m_first // 12 + 1970, st.m_last // 12 + 1971)
            },
            "severely_disabled": "level 1-2 of any type, or 3-4 of 智力/精神",
            "poor_statuses": list(POOR_STATUSES),
        },
        "files": {
            registry: {
                "file": spec.file,
                "format": spec.fmt,
                "encoding": spec.encoding,
                "header_language": spec.header,
                "rows": len(tables[registry]),
            }
            for registry, spec in FILES.items()
        },
        "rows": {registry: len(tables[registry]) for registry in FILES},
        "anomalies": _counts((c["case_type"] for c in derived if "policy" not in c), CASE_TYPES),
        "anomalies_injected": _counts(injected.elements(), CASE_TYPES),
        "controls": _counts((c["control_type"] for c in controls), CONTROL_TYPES),
        "noise_rows": len(log_rows),
        "noise_kinds": dict(sorted(Counter(r[4] for r in log_rows).items())),
    }


def _namesakes(st: State) -> dict[str, float]:
    """The share of people whose exact name another person of the county holds, of their
    township, and of their township and birth year."""
    frame = pd.DataFrame({"name": st.P["surname"] + st.P["given"],
                          "town": st.H["township"][st.P["hh"]],
                          "year": year_month_day(st.P["birth"])[0]})  # fmt: skip
    return {
        label: round(float((frame.groupby(keys)["name"].transform("size") > 1).mean()), 3)
        for label, keys in (("county", ["name"]), ("township", ["name", "town"]),
                            ("township_and_birth_year", ["name", "town", "year"]))
    }  # fmt: skip


def _counts(items: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    counter = Counter(items)
    return {key: counter.get(key, 0) for key in keys}


# --------------------------------------------------------------------------- entry point


def synthesize(
    out_dir: Path, *, people: int, seed: int, noise: float = 1.0, as_of: date = date(2026, 10, 31),
    assumptions: Assumptions = VARIANTS["default"], months: int = 1,
) -> SynthSummary:  # fmt: skip
    """Write a synthetic county's data drop and its exact truth under ``out_dir``.

    ``noise`` multiplies every noise rate (0 gives a perfectly clean drop); ``assumptions``
    shape the county (``VARIANTS`` names some). The same arguments always write the same
    bytes.

    Parameters
    ----------
    out_dir : Path
        Where to write: the drop goes to ``out_dir/drop``, the truth to ``out_dir/truth``.
    people : int
        How many people the county has (at least 200).
    seed : int
        Seed of the random generator.
    noise : float, default 1.0
        Multiplier of every noise rate (not negative).
    as_of : date, default 2026-10-31
        The day the drop is taken.
    assumptions : Assumptions, default ``VARIANTS["default"]``
        What shapes the county.
    months : int, default 1
        Above 1, also write that many monthly drops ending at the as-of month under
        ``out_dir/months/YYYY-MM`` (``monthly``); ``drop`` and ``truth`` are the same bytes
        whatever ``months`` is.

    Returns
    -------
    SynthSummary
        The drop and truth folders, the rows written, the anomalies injected and the controls.

    Raises
    ------
    ValueError
        When ``people`` is below 200, ``noise`` is negative or ``months`` is outside 1 to
        ``WINDOW_MONTHS``.
    """
    if people < 200:
        raise ValueError("a synthetic county needs at least 200 people")
    if noise < 0:
        raise ValueError("noise must not be negative")
    cut_days(day_number(as_of), months)  # checks months
    out_dir = Path(out_dir)
    drop, truth = out_dir / "drop", out_dir / "truth"
    drop.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    st = State(rng, people, day_number(as_of), geography(rng, assumptions.region), assumptions)
    _place(st)
    assign_ids(st)
    tables = clean_tables(st)
    hukou_of = np.where(st.P["own_hukou"] != "", st.P["own_hukou"], st.H["hukou_no"][st.P["hh"]])
    derived = derive_cases(tables, household=st.P["hh"], hukou_of=hukou_of, as_of=st.as_of,
                           rise=assumptions.annual_rise)  # fmt: skip
    controls = check_truth(st, derived, record_ids(tables))
    written: dict[str, dict[str, list]] = {}  # the files' cells, kept for the months only
    log_rows = write_drop(st, tables, drop, noise, written if months > 1 else None)
    write_truth(truth, tables, derived, controls, log_rows)
    manifest = _manifest(st, seed, noise, tables, derived, controls, log_rows)
    (truth / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log.info("synthetic county: %d people, anomalies %s", people, manifest["anomalies"])
    final = FinalCounty(st, tables, written, log_rows, derived, controls, st.P["hh"], hukou_of,
                        truth)  # fmt: skip
    by_month = write_months(out_dir, final, months)
    return SynthSummary(drop, truth, manifest["rows"], manifest["anomalies"], manifest["controls"],
                        tuple(by_month))  # fmt: skip
