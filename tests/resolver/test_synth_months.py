"""The synthetic county over time (``synthesize(..., months=K)``): K monthly drops of one
county, the last one the drop of ``months=1`` byte for byte, rows appearing as they become
known, open cases closing, mistyped IDs corrected, and unchanged rows unchanged."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from api.cli import app
from resolver.ingest import check_drop
from resolver.reading import read_grids
from resolver.registries import PERSON_REGISTRIES, REGISTRIES
from resolver.synthetic import FILES, SynthSummary, synthesize
from resolver.synthetic.common import day_number
from resolver.synthetic.monthly import cut_days, swap_digits

PEOPLE = 600
SEED = 7
MONTHS = ("2026-08", "2026-09", "2026-10")
GROWING = ("deaths", "assistance", "payments", "disability")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return synthesize(tmp_path_factory.mktemp("months"), people=PEOPLE, seed=SEED, months=3)


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return synthesize(tmp_path_factory.mktemp("single"), people=PEOPLE, seed=SEED)


def _root(summary: SynthSummary) -> Path:
    return summary.drop_dir.parent


def _month(summary: SynthSummary, month: str) -> Path:
    return _root(summary) / "months" / month


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _table(drop: Path, registry: str) -> tuple[list[str], dict[str, dict[str, object]]]:
    """A registry file's headers, and its rows by record id (cells keyed by English name)."""
    [grid] = read_grids(drop / FILES[registry].file)
    header, *records = zip(*(column.to_pylist() for column in grid.columns), strict=True)
    english = {c.header: c.name for c in REGISTRIES[registry].columns}
    names = [english.get(h, h) for h in header]
    rows = {}
    for record in records:
        row = dict(zip(names, record, strict=True))
        rows[str(row["record_id"])] = row
    return list(header), rows


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _day(text: object) -> date:
    """A date cell in any of the drop's styles (ISO, slashes, compact, Chinese)."""
    if isinstance(text, date):
        return text
    year, month, day = re.fullmatch(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?", str(text)).groups()
    return date(int(year), int(month), int(day))


def _blank(value: object) -> bool:
    return value is None or value == ""


def _swapped(typo: str, right: str) -> bool:
    """Whether ``typo`` is ``right`` with two adjacent distinct digits of positions 7-16
    swapped."""
    spots = [i for i in range(18) if typo[i] != right[i]]
    return (len(spots) == 2 and spots[1] == spots[0] + 1 and 6 <= spots[0] < spots[1] <= 15
            and typo[spots[0]] == right[spots[1]] and typo[spots[1]] == right[spots[0]])  # fmt: skip


# ----------------------------------------------------------------------------- layout


def test_three_months_are_written_in_their_folders(county: SynthSummary) -> None:
    assert sorted(p.name for p in (_root(county) / "months").iterdir()) == [*MONTHS, "months.json"]
    for month in MONTHS:
        assert sorted(p.name for p in (_month(county, month) / "drop").iterdir()) == sorted(
            spec.file for spec in FILES.values()
        )
        assert sorted(p.name for p in (_month(county, month) / "truth").iterdir()) == [
            "cases.jsonl", "controls.jsonl", "manifest.json", "noise.csv", "persons.csv"
        ]  # fmt: skip
    listed = json.loads((_root(county) / "months" / "months.json").read_text(encoding="utf-8"))
    assert [m["month"] for m in listed] == list(MONTHS) == [m["month"] for m in county.months]
    assert [m["cut_day"] for m in listed] == ["2026-08-31", "2026-09-30", "2026-10-31"]


def test_one_month_writes_no_months(single: SynthSummary) -> None:
    assert single.months == ()
    assert not (_root(single) / "months").exists()


def test_the_last_month_is_the_drop_of_one_month_byte_for_byte(
    county: SynthSummary, single: SynthSummary
) -> None:
    last = _month(county, MONTHS[-1])
    for folder in ("drop", "truth"):
        expected = _files(_root(single) / folder)
        assert _files(last / folder) == expected, folder
        assert _files(_root(county) / folder) == expected, folder


def test_every_month_passes_the_check(county: SynthSummary) -> None:
    for month in MONTHS[:-1]:
        _, errors = check_drop(_month(county, month) / "drop")
        assert errors == [], month


# ----------------------------------------------------------------------------- time travel


def test_rows_only_accumulate(county: SynthSummary) -> None:
    for registry in GROWING:
        counts = [len(_table(_month(county, m) / "drop", registry)[1]) for m in MONTHS]
        assert counts == sorted(counts), registry
        assert counts == [m["rows"][registry] for m in county.months], registry
        earlier = [set(_table(_month(county, m) / "drop", registry)[1]) for m in MONTHS]
        assert earlier[0] <= earlier[1] <= earlier[2], registry
    for registry in ("hukou", "poverty"):
        counts = {len(_table(_month(county, m) / "drop", registry)[1]) for m in MONTHS}
        assert counts == {county.rows[registry]}, registry
    payments = [len(_table(_month(county, m) / "drop", "payments")[1]) for m in MONTHS]
    assert payments[0] < payments[1] < payments[2]  # a month of payments each month


def test_a_death_notice_arrives_late(county: SynthSummary) -> None:
    drops = [_table(_month(county, m) / "drop", "deaths")[1] for m in MONTHS]
    late = []
    for index, rows in enumerate(drops[1:], start=1):
        for record, row in rows.items():
            died = _day(row["death_date"])
            if record not in drops[index - 1] and f"{died:%Y-%m}" < MONTHS[index]:
                late.append(record)
    assert late
    assert sum(m["late_death_notices"] or 0 for m in county.months) == len(late)
    for rows, month in zip(drops, MONTHS, strict=True):  # no notice of a later death
        assert all(f"{_day(row['death_date']):%Y-%m}" <= month for row in rows.values())


def test_an_open_case_closes_in_a_later_month(county: SynthSummary) -> None:
    first = _table(_month(county, MONTHS[0]) / "drop", "assistance")[1]
    last = _table(_month(county, MONTHS[-1]) / "drop", "assistance")[1]
    closed = [r for r, row in first.items()
              if _blank(row["end_date"]) and not _blank(last[r]["end_date"])]  # fmt: skip
    assert closed
    for record in closed:
        assert f"{_day(last[record]['end_date']):%Y-%m}" > MONTHS[0]
    for record, row in first.items():  # an end date shown is never after the cut day
        if not _blank(row["end_date"]):
            assert _day(row["end_date"]) <= date(2026, 8, 31), record
    assert sum(m["exits"] or 0 for m in county.months) == len(closed)


def test_a_mistyped_id_is_corrected_in_the_last_month(
    county: SynthSummary, single: SynthSummary
) -> None:
    noise = [_csv(_month(county, m) / "truth" / "noise.csv") for m in MONTHS]
    corrected = [r["record_id"] for r in noise[0] if r["noise"] == "id_corrected_later"]
    assert len(corrected) >= 3
    assert [r["record_id"] for r in noise[1] if r["noise"] == "id_corrected_later"] == corrected
    assert not [r for r in noise[2] if r["noise"] == "id_corrected_later"]
    first = _table(_month(county, MONTHS[0]) / "drop", "assistance")[1]
    last = _table(_month(county, MONTHS[-1]) / "drop", "assistance")[1]
    final = _table(single.drop_dir, "assistance")[1]
    for record in corrected:
        typo, right = str(first[record]["id_number"]), str(last[record]["id_number"])
        assert right == final[record]["id_number"]
        assert _swapped(typo, right), (record, typo, right)
    assert county.months[-1]["ids_corrected"] == len(corrected)


def test_rows_that_did_not_change_are_the_same_text(county: SynthSummary) -> None:
    corrected = {r["record_id"] for r in _csv(_month(county, MONTHS[0]) / "truth" / "noise.csv")
                 if r["noise"] == "id_corrected_later"}  # fmt: skip
    for registry in FILES:
        tables = [_table(_month(county, m) / "drop", registry) for m in MONTHS]
        assert len({tuple(header) for header, _ in tables}) == 1, registry
        for (_, before), (_, after) in pairwise(tables):
            for record, row in before.items():
                changed = {c for c in row if row[c] != after[record][c]}
                allowed = set()
                if registry == "assistance":
                    allowed = {"end_date"} if _blank(row["end_date"]) else set()
                    allowed |= {"id_number"} if record in corrected else set()
                assert changed <= allowed, (registry, record, changed)


# ----------------------------------------------------------------------------- the truth


def test_each_month_has_the_truth_of_its_rows(county: SynthSummary) -> None:
    for index, month in enumerate(MONTHS):
        folder = _month(county, month)
        present = {r: set(_table(folder / "drop", r)[1]) for r in FILES}
        persons = _csv(folder / "truth" / "persons.csv")
        for registry in PERSON_REGISTRIES:
            assert {p["record_id"] for p in persons if p["registry"] == registry} == present[
                registry
            ], (month, registry)
        for row in _csv(folder / "truth" / "noise.csv"):
            assert row["record_id"] in present[row["registry"]], (month, row)
        for line in (folder / "truth" / "cases.jsonl").read_text(encoding="utf-8").splitlines():
            for record in json.loads(line)["records"]:
                assert record["record_id"] in present[record["registry"]], (month, record)
        controls = (folder / "truth" / "controls.jsonl").read_text(encoding="utf-8")
        assert (controls == "") == (index < len(MONTHS) - 1)
    manifest = json.loads((_month(county, MONTHS[0]) / "truth" / "manifest.json").read_text())
    assert manifest == county.months[0]
    assert manifest["new_death_notices"] is None and manifest["ids_mistyped"] >= 3


def test_a_death_is_a_case_only_once_its_notice_is_in(county: SynthSummary) -> None:
    """A member paid after death and grace is a case of the months whose drop has a notice."""
    for month in MONTHS:
        truth = _month(county, month) / "truth"
        person = {(p["registry"], p["record_id"]): p["person_id"]
                  for p in _csv(truth / "persons.csv")}  # fmt: skip
        noticed = {pid for (registry, _), pid in person.items() if registry == "deaths"}
        lines = (truth / "cases.jsonl").read_text(encoding="utf-8").splitlines()
        paid = [case for case in map(json.loads, lines) if case["case_type"] == "deceased_paid"]
        assert paid, month
        for case in paid:
            assert {person[r["registry"], r["record_id"]] for r in case["records"]} <= noticed


# ----------------------------------------------------------------------------- the parts


def test_cut_days_end_each_month_and_the_last_at_the_as_of_day() -> None:
    as_of = day_number(date(2026, 10, 15))
    cuts = cut_days(as_of, 3)
    assert [c for _, c in cuts] == [day_number(date(2026, 8, 31)),
                                    day_number(date(2026, 9, 30)), as_of]  # fmt: skip
    assert np.diff([m for m, _ in cuts]).tolist() == [1, 1]
    with pytest.raises(ValueError, match="months"):
        cut_days(as_of, 0)
    with pytest.raises(ValueError, match="months"):
        synthesize(Path("/nonexistent/never-written"), people=300, seed=1, months=25)


def test_swap_digits_swaps_two_adjacent_distinct_digits() -> None:
    rng = np.random.default_rng(0)
    value = "53232619800101123X"
    for _ in range(20):
        assert _swapped(swap_digits(value, rng), value)
    assert swap_digits("532326" + "1" * 11 + "X", rng) is None


def test_the_command_prints_each_month(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["synth", str(tmp_path / "county"), "--people", "300", "--seed", "3", "--months", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "2026-09: 基准月份" in result.output
    assert re.search(r"2026-10: 新增死亡通报 \d+ 条 \(其中迟报 \d+ 条\), 新纳入 \d+ 行, 退出 \d+ 行, "
                     r"更正身份证号 [3-9] 条", result.output)  # fmt: skip
    assert (tmp_path / "county" / "months" / "2026-09" / "drop").is_dir()
