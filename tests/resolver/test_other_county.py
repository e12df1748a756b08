"""The independent county generator: determinism, and a truth that points into its drop."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from resolver.synthetic import write_other_county

PEOPLE = 2500
STEMS = {
    "hukou": "户籍人口",
    "assistance": "救助对象",
    "payments": "发放记录",
    "poverty": "建档立卡",
    "disability": "残疾人",
    "deaths": "死亡人员",
}
REQUIRED = {  # CONTRACT.md §1: required columns, English name and Chinese header
    "hukou": {"record_id": "记录编号", "hukou_no": "户号", "name": "姓名"},
    "assistance": {
        "record_id": "记录编号",
        "case_no": "救助证号",
        "name": "姓名",
        "program": "救助类型",
        "covered": "是否保障对象",
        "start_date": "纳入日期",
    },
    "payments": {
        "record_id": "记录编号",
        "case_no": "救助证号",
        "pay_month": "发放月份",
        "amount": "发放金额（元）",
    },
    "poverty": {"record_id": "记录编号", "poverty_hh_no": "户编号", "name": "姓名"},
    "disability": {
        "record_id": "记录编号",
        "name": "姓名",
        "disability_type": "残疾类别",
        "disability_level": "残疾等级",
    },
    "deaths": {"record_id": "记录编号", "name": "姓名", "death_date": "死亡日期"},
}
CASE_REGISTRY = {
    "deceased_paid": "assistance",
    "duplicate_enrollment": "assistance",
    "split_household": "assistance",
    "missed_disability": "disability",
}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _read(path: Path) -> list[dict]:
    """Rows of a drop file as dicts keyed by the header in row 1."""
    if path.suffix == ".xlsx":
        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = [["" if v is None else v for v in row] for row in sheet.values]
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        rows = list(csv.reader(io.StringIO(text)))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _tables(drop: Path) -> dict[str, list[dict]]:
    found = {}
    for path in drop.iterdir():
        for registry, zh in STEMS.items():
            if path.stem in (registry, zh):
                assert registry not in found, f"two files for {registry}"
                found[registry] = _read(path)
    return found


def _column(rows: list[dict], english: str, chinese: str) -> list:
    key = english if english in rows[0] else chinese
    return [row[key] for row in rows]


def _month(value) -> int | None:
    """Month index of a dirty ledger date (2020-03-02, 2020/3/2, 20200302, 2020年3月2日, cell)."""
    if value in ("", None):
        return None
    if isinstance(value, datetime | date):
        return value.year * 12 + value.month - 1
    text = str(value).strip()
    m = re.match(r"(\d{4})[-/年](\d{1,2})", text) or re.match(r"(\d{4})(\d{2})\d{2}$", text)
    return int(m[1]) * 12 + int(m[2]) - 1


def _money(value) -> float:
    return float(str(value).replace(",", "").replace("元", ""))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module", params=["han", "mongolian"])
def county(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    manifest = write_other_county(out, people=PEOPLE, seed=11, region=request.param)
    return request.param, out, manifest, _tables(out / "drop")


@pytest.mark.parametrize("region", ["han", "mongolian"])
def test_same_seed_gives_same_bytes(tmp_path, region):
    for name in ("a", "b"):
        write_other_county(tmp_path / name, people=PEOPLE, seed=5, region=region)
    write_other_county(tmp_path / "c", people=PEOPLE, seed=6, region=region)
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert len(files) == 10
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert any(
        (tmp_path / "a" / rel).read_bytes() != (tmp_path / "c" / rel).read_bytes() for rel in files
    )


def test_drop_has_every_registry_with_its_required_columns(county):
    _, _, _, tables = county
    assert set(tables) == set(STEMS)
    for registry, columns in REQUIRED.items():
        header = set(tables[registry][0])
        for english, chinese in columns.items():
            assert english in header or chinese in header, (registry, english)
        ids = _column(tables[registry], "record_id", "记录编号")
        assert len(ids) == len(set(ids)), f"{registry} record ids are not unique"


def test_truth_points_at_rows_of_the_drop(county):
    _, out, _, tables = county
    rids = {
        reg: {str(r) for r in _column(rows, "record_id", "记录编号")}
        for reg, rows in tables.items()
    }
    with (out / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        persons = list(csv.DictReader(fh))
    for registry in ("hukou", "assistance", "poverty", "disability", "deaths"):
        assert {p["record_id"] for p in persons if p["registry"] == registry} == rids[registry]
    for item in _jsonl(out / "truth" / "cases.jsonl") + _jsonl(out / "truth" / "controls.jsonl"):
        for rec in item["records"]:
            assert rec["record_id"] in rids[rec["registry"]], rec


def test_cases_follow_the_contract(county):
    _, out, manifest, _ = county
    cases = _jsonl(out / "truth" / "cases.jsonl")
    for case in cases:
        assert {r["registry"] for r in case["records"]} == {CASE_REGISTRY[case["case_type"]]}
        if case["case_type"] in ("deceased_paid", "duplicate_enrollment"):
            assert isinstance(case["amount_at_risk"], float)
        else:
            assert case["amount_at_risk"] is None
    assert any(c["case_type"] == "deceased_paid" and c["amount_at_risk"] > 0 for c in cases)
    for case_type in CASE_REGISTRY:
        count = sum(c["case_type"] == case_type for c in cases)
        assert count >= 3, case_type
        assert manifest["true_cases"][case_type] == count
    assert (
        len({c["records"][0]["record_id"] for c in cases if c["case_type"] == "missed_disability"})
        == manifest["true_cases"]["missed_disability"]
    )


def test_controls_never_share_a_record_with_a_case(county):
    _, out, manifest, _ = county
    in_cases = {
        (r["registry"], r["record_id"])
        for c in _jsonl(out / "truth" / "cases.jsonl")
        for r in c["records"]
    }
    controls = _jsonl(out / "truth" / "controls.jsonl")
    assert {c["control_type"] for c in controls} == set(manifest["controls"])
    for control in controls:
        own = {
            (r["registry"], r["record_id"])
            for r in control["records"]
            if r["registry"] in ("assistance", "disability")
        }
        assert not own & in_cases, control


def test_payments_belong_to_roster_cases(county):
    _, _, _, tables = county
    roster_cases = set(_column(tables["assistance"], "case_no", "救助证号"))
    paid = _column(tables["payments"], "case_no", "救助证号")
    assert set(paid) <= roster_cases
    months = _column(tables["payments"], "pay_month", "发放月份")
    assert all(len(m) == 7 and m[4] == "-" for m in months)
    amounts = _column(tables["payments"], "amount", "发放金额（元）")
    assert all(float(str(a).replace(",", "").rstrip("元")) > 0 for a in amounts)


def test_payments_are_the_sum_of_covered_active_members(county):
    _, _, manifest, tables = county
    amounts = {
        k: {int(y): v for y, v in table.items()} for k, table in manifest["monthly_amounts"].items()
    }
    members = defaultdict(list)
    for row in tables["assistance"]:
        program = _column([row], "program", "救助类型")[0]
        key = "特困" if program == "特困" else "低保" + _column([row], "dibao_class", "低保类别")[0]
        start = _month(_column([row], "start_date", "纳入日期")[0])
        end = _month(_column([row], "end_date", "退出日期")[0])
        covered = _column([row], "covered", "是否保障对象")[0] == "是"
        case = _column([row], "case_no", "救助证号")[0]
        members[case].append((key, start, 10**9 if end is None else end, covered))
    paid = defaultdict(float)
    for row in tables["payments"]:
        year, month = map(int, _column([row], "pay_month", "发放月份")[0].split("-"))
        paid[_column([row], "case_no", "救助证号")[0], year * 12 + month - 1] = _money(
            _column([row], "amount", "发放金额（元）")[0]
        )
    first, last = (int(x[:4]) * 12 + int(x[5:]) - 1 for x in manifest["payment_window"])
    for case, rows in members.items():
        for m in range(first, last + 1):
            due = sum(
                amounts[key][m // 12]
                for key, start, end, covered in rows
                if covered and start <= m <= end
            )
            assert paid.get((case, m), 0.0) == due, (case, m)


def test_clean_hukou_ids_are_valid(county):
    region, _, _, tables = county
    rows = tables["hukou"]
    ids = [str(v) for v in _column(rows, "id_number", "身份证号码")]
    genders = _column(rows, "gender", "性别")
    clean = [
        (i, g)
        for i, g in zip(ids, genders, strict=True)
        if len(i) == 18 and i[:17].isdigit() and i[17] in "0123456789X"
    ]
    assert len(clean) > 0.95 * len(rows)
    for number, gender in clean:
        total = sum(int(c) * w for c, w in zip(number[:17], WEIGHTS, strict=True))
        assert number[17] == "10X98765432"[total % 11], number
        assert (int(number[16]) % 2 == 1) == (gender == "男"), number
    prefixes = ("1522",) if region == "mongolian" else ("50", "51")
    local = [n for n, _ in clean if n.startswith(prefixes)]
    assert len(local) > 0.8 * len(clean)


def test_regions_have_their_own_places_and_names(county):
    region, _, _, tables = county
    townships = set(_column(tables["hukou"], "township", "乡镇"))
    names = [str(n) for n in _column(tables["hukou"], "name", "姓名")]
    mongolian = (
        "巴特尔",
        "额尔敦",
        "那日苏",
        "乌云",
        "其木格",
        "高娃",
        "苏和",
        "毕力格",
        "阿拉坦",
        "宝音",
        "斯琴",
        "图雅",
        "萨仁",
        "娜仁",
        "格日勒",
        "朝鲁",
        "孟和",
    )
    share = sum(any(m in n for m in mongolian) for n in names) / len(names)
    if region == "mongolian":
        assert all(t.endswith(("镇", "苏木")) for t in townships)
        assert any(t.endswith("苏木") for t in townships)
        assert 0.15 < share < 0.6
        assert any("·" in n for n in names)
    else:
        assert all(t.endswith(("镇", "乡")) for t in townships)
        assert share < 0.01
