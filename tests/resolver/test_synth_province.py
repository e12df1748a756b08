"""The synthetic province: one drop per county, namespaced truth, and the cases that span two
counties (a person enrolled in both, a death registered in the other, namesakes)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from resolver.idcard import parse_id
from resolver.reading import read_grids
from resolver.registries import PERSON_REGISTRIES, REGISTRIES
from resolver.synthetic import FILES, ProvinceSummary, synthesize_province
from resolver.synthetic.province import _Sheet

COUNTIES, PEOPLE, SEED = 3, 900, 5
_MONTH = re.compile(r"(\d{4})[-/年](\d{1,2})月?")
_DATE = re.compile(r"(\d{4})[-/年]?(\d{1,2})[-/月]?(\d{1,2})")


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> ProvinceSummary:
    out = tmp_path_factory.mktemp("province")
    return synthesize_province(out, counties=COUNTIES, people=PEOPLE, seed=SEED)


def _rows(drop: Path, registry: str) -> list[dict[str, str]]:
    """A registry file as dicts keyed by English column name (extras keep their header)."""
    [grid] = read_grids(drop / FILES[registry].file)
    header, *records = zip(*(column.to_pylist() for column in grid.columns), strict=True)
    names = {column.header: column.name for column in REGISTRIES[registry].columns}
    return [dict(zip([names.get(h, h) for h in header], row, strict=True)) for row in records]


def _by_id(province: ProvinceSummary) -> dict[str, dict[str, dict[str, str]]]:
    """Every row of every county, per registry, under its namespaced record id."""
    out: dict[str, dict[str, dict[str, str]]] = {registry: {} for registry in FILES}
    for county in province.counties:
        for registry in FILES:
            for row in _rows(county.folder, registry):
                out[registry][f"{county.code}/{row['record_id']}"] = row
    return out


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _county(record_id: str) -> str:
    return record_id.split("/", 1)[0]


def test_every_county_has_a_complete_drop(province: ProvinceSummary) -> None:
    folders = sorted(path.name for path in province.drop_dir.iterdir())
    assert folders == ["532301楚雄市", "532322双柏县", "532323牟定县"]
    for county in province.counties:
        assert sorted(p.name for p in county.folder.iterdir()) == sorted(
            spec.file for spec in FILES.values()
        )
        assert county.people == PEOPLE // COUNTIES
    names = {"cases.jsonl", "controls.jsonl", "persons.csv", "manifest.json", "noise.csv"}
    assert {path.name for path in province.truth_dir.iterdir()} == names
    manifest = json.loads((province.truth_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [c["code"] for c in manifest["counties"]] == ["532301", "532322", "532323"]
    assert manifest["cross_county"] == province.cross_county


def test_truth_records_name_rows_of_their_county(province: ProvinceSummary) -> None:
    rows = _by_id(province)
    items = _jsonl(province.truth_dir / "cases.jsonl")
    items += _jsonl(province.truth_dir / "controls.jsonl")
    for item in items:
        for record in item["records"] + item.get("death_records", []):
            assert record["record_id"] in rows[record["registry"]], record
        if "person_id" in item:
            assert re.fullmatch(r"\d{6}/P\d{7}", item["person_id"])
    with (province.truth_dir / "persons.csv").open(encoding="utf-8", newline="") as handle:
        persons = Counter((r["registry"], r["record_id"]) for r in csv.DictReader(handle))
    expected = Counter((registry, rid) for registry in PERSON_REGISTRIES for rid in rows[registry])
    assert persons == expected
    noise = (province.truth_dir / "noise.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert all(line.split(",")[1] in rows[line.split(",")[0]] for line in noise)


def test_ids_carry_their_county_code(province: ProvinceSummary) -> None:
    for county in province.counties:
        parsed = [parse_id(row["id_number"]) for row in _rows(county.folder, "hukou")]
        valid = [p.value for p in parsed if p.status == "valid"]
        assert valid
        share = sum(value.startswith(county.code) for value in valid) / len(valid)
        assert share > 0.97, county.code  # all but a typo in the region digits


def test_a_person_enrolled_in_two_counties(province: ProvinceSummary) -> None:
    rows = _by_id(province)
    cases = _jsonl(province.truth_dir / "cases.jsonl")
    cross = [c for c in cases if c["case_type"] == "duplicate_enrollment"
             and len({_county(r["record_id"]) for r in c["records"]}) == 2]  # fmt: skip
    assert len(cross) == province.cross_county["duplicate_enrollment"] >= 3
    for case in cross:
        first, second = (rows["assistance"][r["record_id"]] for r in case["records"])
        assert first["birth_date"] and first["gender"] == second["gender"]
        assert first["case_no"] != second["case_no"]
        assert case["amount_at_risk"] == _paid_in_both(rows, case), case


def _paid_in_both(rows: dict, case: dict) -> float:
    """In each month both rows were active and both cases paid: the smaller payment (the
    new single-person case pays the member's own amount, the home case at least that)."""
    paid: list[dict[int, float]] = []
    for record in case["records"]:
        code, row = _county(record["record_id"]), rows["assistance"][record["record_id"]]
        year, month = _DATE.match(str(row["start_date"])).groups()[:2]
        months: dict[int, float] = {}
        for rid, payment in rows["payments"].items():
            if _county(rid) == code and payment["case_no"] == row["case_no"]:
                key = _month(payment["pay_month"])
                if key >= int(year) * 12 + int(month):
                    months[key] = float(re.sub(r"[,元]", "", payment["amount"]))
        paid.append(months)
    first, second = paid
    return float(sum(min(first[m], second[m]) for m in set(first) & set(second)))


def _month(text: str) -> int:
    year, month = _MONTH.fullmatch(text).groups()
    return int(year) * 12 + int(month)


def test_a_death_registered_in_another_county(province: ProvinceSummary) -> None:
    cases = _jsonl(province.truth_dir / "cases.jsonl")
    with (province.truth_dir / "persons.csv").open(encoding="utf-8", newline="") as handle:
        person_of = {r["record_id"]: r["person_id"] for r in csv.DictReader(handle)}
    moved = [c for c in cases if c["case_type"] == "deceased_paid"
             and {_county(r["record_id"]) for r in c["death_records"]}
             != {_county(c["records"][0]["record_id"])}]  # fmt: skip
    assert len(moved) == province.cross_county["deceased_paid"] >= 1
    for case in moved:
        for record in case["death_records"]:
            assert person_of[record["record_id"]] == case["person_id"]


def test_namesakes_across_counties_are_controls(province: ProvinceSummary) -> None:
    rows = _by_id(province)
    controls = [c for c in _jsonl(province.truth_dir / "controls.jsonl")
                if c["control_type"] == "cross_county_namesake"]  # fmt: skip
    assert len(controls) == province.cross_county["cross_county_namesake"] >= 3
    flagged = {r["record_id"] for c in _jsonl(province.truth_dir / "cases.jsonl")
               if "policy" not in c for r in c["records"]}  # fmt: skip
    for control in controls:
        member, notice = control["records"]
        alive, dead = rows["assistance"][member["record_id"]], rows["deaths"][notice["record_id"]]
        assert _county(member["record_id"]) != _county(notice["record_id"])
        assert (alive["name"], alive["gender"]) == (dead["name"], dead["gender"])
        assert alive["id_number"] != dead["id_number"]
        assert control["must_not_raise"] == "deceased_paid"
        assert member["record_id"] not in flagged


def test_same_arguments_write_the_same_bytes(province: ProvinceSummary, tmp_path: Path) -> None:
    again = synthesize_province(tmp_path, counties=COUNTIES, people=PEOPLE, seed=SEED)
    assert _files(again.drop_dir) == _files(province.drop_dir)
    assert _files(again.truth_dir) == _files(province.truth_dir)
    assert not [p for p in tmp_path.iterdir() if p.name not in ("drop", "truth")]


def test_files_read_back_write_the_same_bytes(province: ProvinceSummary, tmp_path: Path) -> None:
    for registry, spec in FILES.items():
        sheet = _Sheet(province.counties[0].folder / spec.file, registry)
        sheet.path = tmp_path / spec.file
        sheet.write()
        assert sheet.path.read_bytes() == (province.counties[0].folder / spec.file).read_bytes()


@pytest.mark.parametrize(("counties", "people"), [(1, 900), (21, 9000), (3, 599)])
def test_bad_provinces_are_refused(tmp_path: Path, counties: int, people: int) -> None:
    with pytest.raises(ValueError):
        synthesize_province(tmp_path, counties=counties, people=people, seed=1)


def test_cli_refuses_months_for_a_province(tmp_path: Path) -> None:
    args = ["synth", str(tmp_path), "--counties", "2", "--people", "400", "--months", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--months" in result.output
