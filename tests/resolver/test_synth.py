"""The synthetic county: files, determinism, noise log and, above all, exact truth.

The strongest test re-derives every true anomaly from the *written* clean drop (noise=0),
independently of the generator's own derivation, and compares it with ``cases.jsonl``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from resolver.idcard import check_char, parse_id
from resolver.reading import read_grids
from resolver.registries import PERSON_REGISTRIES, REGISTRIES
from resolver.synthetic import (
    CASE_TYPES,
    CONTROL_TYPES,
    FILES,
    SynthSummary,
    synthesize,
)

PEOPLE = 2000
SEED = 11
AS_OF = date(2026, 10, 31)
ROOT = Path(__file__).resolve().parents[2]
LEVELS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@pytest.fixture(scope="module")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return synthesize(tmp_path_factory.mktemp("noisy"), people=PEOPLE, seed=SEED)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return synthesize(tmp_path_factory.mktemp("clean"), people=PEOPLE, seed=SEED, noise=0)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _rows(drop: Path, registry: str) -> list[dict[str, str]]:
    """A registry file as dicts keyed by English column name (extras keep their header)."""
    [grid] = read_grids(drop / FILES[registry].file)
    header, *records = zip(*(column.to_pylist() for column in grid.columns), strict=True)
    names = {}
    for column in REGISTRIES[registry].columns:
        names[column.header] = column.name
        names[column.name] = column.name
    headers = [names.get(h, h) for h in header]
    return [dict(zip(headers, row, strict=True)) for row in records]


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _noise_log(truth: Path) -> list[dict[str, str]]:
    with (truth / "noise.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes(noisy: SynthSummary, tmp_path: Path) -> None:
    again = synthesize(tmp_path, people=PEOPLE, seed=SEED)
    assert (again.rows, again.anomalies, again.controls) == (
        noisy.rows,
        noisy.anomalies,
        noisy.controls,
    )
    first = _files(noisy.drop_dir.parent)
    second = _files(tmp_path)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_bytes_do_not_depend_on_the_process_hash_seed(noisy: SynthSummary, tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from resolver.synthetic import synthesize; "
        f"synthesize(Path(sys.argv[1]), people={PEOPLE}, seed={SEED})"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env, cwd=ROOT)
    assert _files(tmp_path) == _files(noisy.drop_dir.parent)


def test_different_seed_gives_a_different_county(noisy: SynthSummary, tmp_path: Path) -> None:
    other = synthesize(tmp_path, people=PEOPLE, seed=SEED + 1)
    for registry, spec in FILES.items():
        assert (other.drop_dir / spec.file).read_bytes() != (
            noisy.drop_dir / spec.file
        ).read_bytes(), registry
    assert (other.truth_dir / "cases.jsonl").read_bytes() != (
        noisy.truth_dir / "cases.jsonl"
    ).read_bytes()


def test_truth_does_not_depend_on_noise(noisy: SynthSummary, clean: SynthSummary) -> None:
    for name in ("persons.csv", "cases.jsonl", "controls.jsonl"):
        assert (noisy.truth_dir / name).read_bytes() == (clean.truth_dir / name).read_bytes(), name
    for registry in FILES:
        noisy_ids = [row["record_id"] for row in _rows(noisy.drop_dir, registry)]
        clean_ids = [row["record_id"] for row in _rows(clean.drop_dir, registry)]
        assert noisy_ids == clean_ids, registry


# ----------------------------------------------------------------------------- files


def test_every_registry_file_is_written_as_declared(noisy: SynthSummary) -> None:
    manifest = json.loads((noisy.truth_dir / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(path.name for path in noisy.drop_dir.iterdir()) == sorted(
        s.file for s in FILES.values()
    )
    for registry, spec in FILES.items():
        declared = manifest["files"][registry]
        assert (declared["file"], declared["format"], declared["encoding"]) == (
            spec.file,
            spec.fmt,
            spec.encoding,
        )
        headers, count = _raw_headers(noisy.drop_dir / spec.file, spec.fmt, spec.encoding)
        expected = {  # but 曾用名 (no one in the synthetic county changed their name) and
            # 保障金 (its ledger pays no 分类施保 beside the class amount)
            c.header if spec.header == "zh" else c.name
            for c in REGISTRIES[registry].columns
            if c.name not in ("former_name", "base_amount")
        }
        assert expected <= set(headers), registry
        other_language = {
            c.name if spec.header == "zh" else c.header for c in REGISTRIES[registry].columns
        }
        assert not other_language & set(headers) - {"record_id"}, registry
        assert set(headers) - expected, f"{registry} has no extra column"
        assert count == declared["rows"] == noisy.rows[registry] > 0


def _raw_headers(path: Path, fmt: str, encoding: str | None) -> tuple[list[str], int]:
    if fmt == "xlsx":
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return [str(h) for h in sheet[0]], len(sheet) - 1
    content = path.read_bytes()
    if encoding == "utf-8-sig":
        assert content.startswith(b"\xef\xbb\xbf")
    if encoding in ("gb18030", "gbk"):
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    text = content.decode(encoding or "utf-8")
    records = list(csv.reader(text.splitlines()))
    return records[0], len(records) - 1


def test_column_order_is_shuffled_per_file(noisy: SynthSummary) -> None:
    orders = []
    for registry, spec in FILES.items():
        headers, _ = _raw_headers(noisy.drop_dir / spec.file, spec.fmt, spec.encoding)
        contract = [
            c.header if spec.header == "zh" else c.name for c in REGISTRIES[registry].columns
        ]
        orders.append([h for h in headers if h in contract] == contract)
    assert not all(orders)


def test_disability_file_has_no_birth_date(noisy: SynthSummary) -> None:
    headers, _ = _raw_headers(noisy.drop_dir / FILES["disability"].file, "xlsx", None)
    assert "birth_date" not in headers and "出生日期" not in headers


def test_payments_have_no_person_columns_but_the_payee(noisy: SynthSummary) -> None:
    row = _rows(noisy.drop_dir, "payments")[0]
    assert not {"name", "id_number", "birth_date", "gender", "village"} & row.keys()


def test_damaged_ids_are_numeric_cells_in_spreadsheets(noisy: SynthSummary) -> None:
    damaged = {
        row["record_id"]
        for row in _noise_log(noisy.truth_dir)
        if row["registry"] in ("assistance", "disability")
        and row["noise"] in ("id_scientific", "id_zeroed_tail")
    }
    assert damaged
    for registry in ("assistance", "disability"):
        sheet = CalamineWorkbook.from_path(str(noisy.drop_dir / FILES[registry].file))
        rows = sheet.get_sheet_by_index(0).to_python()
        header = [str(h) for h in rows[0]]
        id_col = header.index(
            REGISTRIES[registry].column("id_number").header
            if FILES[registry].header == "zh"
            else "id_number"
        )
        rid_col = header.index("记录编号" if FILES[registry].header == "zh" else "record_id")
        for row in rows[1:]:
            numeric = isinstance(row[id_col], float)
            assert numeric == (row[rid_col] in damaged), row[rid_col]


# ----------------------------------------------------------------------------- truth files


def test_persons_cover_every_person_row_exactly_once(noisy: SynthSummary) -> None:
    with (noisy.truth_dir / "persons.csv").open(encoding="utf-8", newline="") as handle:
        persons = list(csv.DictReader(handle))
    seen = [(row["registry"], row["record_id"]) for row in persons]
    assert len(seen) == len(set(seen))
    for registry in PERSON_REGISTRIES:
        drop_ids = sorted(row["record_id"] for row in _rows(noisy.drop_dir, registry))
        assert sorted(rid for reg, rid in seen if reg == registry) == drop_ids
    assert {row["registry"] for row in persons} == set(PERSON_REGISTRIES)


def test_every_anomaly_and_control_type_is_present(noisy: SynthSummary) -> None:
    cases = _jsonl(noisy.truth_dir / "cases.jsonl")
    controls = _jsonl(noisy.truth_dir / "controls.jsonl")
    for case_type in CASE_TYPES:
        default = [c for c in cases if "policy" not in c]  # a profile's own cases aside
        assert sum(c["case_type"] == case_type for c in default) == noisy.anomalies[case_type] >= 1
    for control_type in CONTROL_TYPES:
        assert (
            sum(c["control_type"] == control_type for c in controls)
            == noisy.controls[control_type]
            >= 1
        )
    manifest = json.loads((noisy.truth_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["anomalies"] == manifest["anomalies_injected"] == noisy.anomalies
    assert manifest["policy"]["death_grace_months"] == 1
    assert manifest["policy"]["dibao_standard_year"] == 4500


def test_truth_records_exist_in_the_drop(noisy: SynthSummary) -> None:
    ids = {
        registry: {row["record_id"] for row in _rows(noisy.drop_dir, registry)}
        for registry in FILES
    }
    items = _jsonl(noisy.truth_dir / "cases.jsonl") + _jsonl(noisy.truth_dir / "controls.jsonl")
    for item in items:
        assert item["records"]
        for record in item["records"] + item.get("death_records", []):
            assert record["record_id"] in ids[record["registry"]], record
    registry_of = {  # the registries a case's records may come from
        "deceased_paid": ("assistance",),
        "duplicate_enrollment": ("assistance",),
        "split_household": ("assistance",),
        "suspected_split": ("assistance",),
        "missed_disability": ("disability",),
        "over_standard": ("assistance",),
        "payment_mismatch": ("assistance",),
        "single_covered_member": ("assistance",),
        "roster_gap": ("assistance", "poverty"),  # either direction, never both
        "unenrolled_key_person": ("poverty",),
        "exit_without_gradual": ("assistance",),
        "a_class_partial": ("assistance",),
        "tekun_eligible": ("poverty",),
    }
    for case in _jsonl(noisy.truth_dir / "cases.jsonl"):
        (registry,) = {r["registry"] for r in case["records"]}
        assert registry in registry_of[case["case_type"]]


def test_controls_are_not_anomalies(noisy: SynthSummary) -> None:
    """Controls imitate what the contract's rules flag; a profile's own cases may hold them."""
    flagged = {
        r["record_id"]
        for case in _jsonl(noisy.truth_dir / "cases.jsonl")
        if "policy" not in case
        for r in case["records"]
    }
    for control in _jsonl(noisy.truth_dir / "controls.jsonl"):
        assert not {r["record_id"] for r in control["records"]} & flagged, control


# ----------------------------------------------------------------------------- noise


def test_clean_drop_has_no_noise_and_only_valid_ids(clean: SynthSummary) -> None:
    assert _noise_log(clean.truth_dir) == []
    for registry in FILES:
        for row in _rows(clean.drop_dir, registry):
            for column in ("id_number", "payee_id_number"):
                if column in row:
                    value = row[column]
                    assert len(value) == 18 and value[:17].isdigit(), (registry, value)
                    assert check_char(value[:17]) == value[17]
                    assert parse_id(value).status == "valid"
            for column in ("birth_date", "start_date", "death_date", "issue_date"):
                if row.get(column):
                    date.fromisoformat(row[column])


def test_noise_log_names_exactly_the_changed_cells(
    noisy: SynthSummary, clean: SynthSummary
) -> None:
    logged = {(r["registry"], r["record_id"], r["column"]) for r in _noise_log(noisy.truth_dir)}
    compared = (
        "id_number",
        "payee_id_number",
        "name",
        "payee_name",
        "gender",
        "township",
        "village",
        "phone",
    )
    changed = 0
    for registry in FILES:
        clean_rows = {row["record_id"]: row for row in _rows(clean.drop_dir, registry)}
        for row in _rows(noisy.drop_dir, registry):
            for column in compared:
                if column not in row:
                    continue
                differs = row[column] != clean_rows[row["record_id"]][column]
                changed += differs
                assert differs == ((registry, row["record_id"], column) in logged), (
                    registry,
                    row,
                    column,
                )
    assert changed > 100


def test_noise_kinds_and_rates_at_noise_one(noisy: SynthSummary) -> None:
    log = _noise_log(noisy.truth_dir)
    kinds = {row["noise"] for row in log}
    expected = {"id_typo", "id_transposition", "id_15_digit", "id_blank", "fullwidth", "stray_space",
                "name_homophone", "name_traditional", "name_inner_space", "township_suffix",
                "village_variant", "phone_format", "id_lowercase_x"}  # fmt: skip
    assert expected <= kinds
    hukou = [row for row in log if row["registry"] == "hukou" and row["column"] == "id_number"]
    assert 0.06 < len(hukou) / noisy.rows["hukou"] < 0.2


def test_noise_scales_with_the_noise_factor(noisy: SynthSummary, tmp_path: Path) -> None:
    half = synthesize(tmp_path, people=PEOPLE, seed=SEED, noise=0.5)
    assert 0.3 < len(_noise_log(half.truth_dir)) / len(_noise_log(noisy.truth_dir)) < 0.7


# ----------------------------------------------------------------------------- controls


def test_twins_share_birth_date_and_differ_by_one_character(clean: SynthSummary) -> None:
    hukou = {row["record_id"]: row for row in _rows(clean.drop_dir, "hukou")}
    twins = [c for c in _jsonl(clean.truth_dir / "controls.jsonl") if c["control_type"] == "twins"]
    for control in twins:
        one, two = (hukou[r["record_id"]] for r in control["records"])
        assert one["birth_date"] == two["birth_date"] and one["hukou_no"] == two["hukou_no"]
        assert one["name"][0] == two["name"][0] and len(one["name"]) == len(two["name"])
        assert sum(a != b for a, b in zip(one["name"], two["name"], strict=True)) == 1
        assert one["id_number"] != two["id_number"]


def test_lookalikes_share_name_birth_year_and_township(clean: SynthSummary) -> None:
    assistance = {row["record_id"]: row for row in _rows(clean.drop_dir, "assistance")}
    deaths = {row["record_id"]: row for row in _rows(clean.drop_dir, "deaths")}
    for control in _jsonl(clean.truth_dir / "controls.jsonl"):
        if control["control_type"] != "lookalike":
            continue
        alive = assistance[control["records"][0]["record_id"]]
        dead = deaths[control["records"][1]["record_id"]]
        assert alive["name"] == dead["name"] and alive["id_number"] != dead["id_number"]
        assert alive["birth_date"][:4] == dead["birth_date"][:4]
        assert alive["end_date"] == "" and alive["covered"] == "是"


# ----------------------------------------------------------------------------- exact truth


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _month(value: date) -> int:
    return value.year * 12 + value.month - 1


def test_truth_equals_rules_applied_to_the_clean_drop(clean: SynthSummary) -> None:
    """Re-derive every anomaly from the written clean files (IDs are exact keys there)."""
    drop = clean.drop_dir
    assistance = _rows(drop, "assistance")
    manifest = json.loads((clean.truth_dir / "manifest.json").read_text(encoding="utf-8"))
    rates = manifest["policy"]["monthly_benefit"]  # year -> 低保A/B/C, 特困 -> 元 a month
    payments = defaultdict(set)
    paid = defaultdict(float)  # (case_no, month) -> amount
    for row in _rows(drop, "payments"):
        month = int(row["pay_month"][:4]) * 12 + int(row["pay_month"][5:]) - 1
        payments[row["case_no"]].add(month)
        paid[(row["case_no"], month)] += float(row["amount"])
    wrong = {r["record_id"] for c in _jsonl(clean.truth_dir / "controls.jsonl")
             if c["control_type"] == "wrong_death_notice" for r in c["records"]}  # fmt: skip
    deaths: dict[str, date] = {}
    for row in _rows(drop, "deaths"):
        if row["record_id"] not in wrong:  # a notice of a living person is no death
            deaths[row["id_number"]] = min(
                deaths.get(row["id_number"], date.max), _day(row["death_date"])
            )
    expected = (
        _rederive_deceased(assistance, payments, deaths, rates)
        | _rederive_duplicates(assistance, payments, rates)
        | _rederive_payment_mismatch(assistance, paid, rates)
        | _rederive_splits(drop, assistance)
        | _rederive_suspected_splits(drop, assistance)
        | _rederive_missed(drop, assistance, deaths)
        | _rederive_over_standard(assistance, paid)
        | _rederive_single_covered(drop, assistance)
        | _rederive_a_class_partial(assistance)
        | _rederive_roster_gaps(drop, assistance)
        | _rederive_key_persons(drop, assistance, deaths)
        | _rederive_wrongful_exits(drop, assistance, deaths)
        | _rederive_tekun_eligible(drop, assistance, deaths)
    )
    actual = {
        (c["case_type"], tuple(sorted(r["record_id"] for r in c["records"])), c["amount_at_risk"])
        for c in _jsonl(clean.truth_dir / "cases.jsonl")
        # not re-derived here (yet): a profile's narrower 单人户 rule and 大姚's group 三
        if not ("policy" in c and c["case_type"] in CASE_TYPES)
    }
    assert actual == expected


def _rederive_over_standard(assistance: list, paid: dict[tuple[str, int], float]) -> set:
    """Active covered 低保 rows of a case whose income per person is above the standard,
    paid after six months (the default 渐退) from its 收入核定日期, else its latest start."""
    found = set()
    for case_no, rows in _active_covered(assistance).items():
        if rows[0]["program"] != "低保":
            continue
        if max(float(row["income_per_capita"]) for row in rows) * 12 <= 4500:
            continue
        assessed = [_day(row["收入核定日期"]) for row in rows if row["收入核定日期"]]
        since = max(assessed) if assessed else max(_day(row["start_date"]) for row in rows)
        after = [amount for (case, month), amount in paid.items()
                 if case == case_no and month > _month(since) + 6]  # fmt: skip
        if after:
            records = tuple(sorted(row["record_id"] for row in rows))
            found.add(("over_standard", records, sum(after)))
    return found


def _rate(row: dict[str, str], month: int, rates: dict) -> int:
    """The member's own amount in ``month``: that year's amount of the row's class."""
    label = "特困" if row["program"] == "特困" else f"低保{row['dibao_class']}"
    return rates[str(month // 12)][label]


def _active_months(row: dict[str, str]) -> tuple[int, int]:
    end = _day(row["end_date"])
    return _month(_day(row["start_date"])), _month(end) if end else _month(AS_OF)


def _rederive_deceased(assistance: list, payments: dict, deaths: dict, rates: dict) -> set:
    found = set()
    for row in assistance:
        if row["covered"] != "是" or row["id_number"] not in deaths:
            continue
        first, last = _active_months(row)
        died = _month(deaths[row["id_number"]])
        months = [m for m in payments[row["case_no"]] if m > died + 1 and first <= m <= last]
        if months:
            amount = float(sum(_rate(row, month, rates) for month in months))
            found.add(("deceased_paid", (row["record_id"],), amount))
    return found


def _rederive_duplicates(assistance: list, payments: dict, rates: dict) -> set:
    """Rows of one person in different cases active at once; the money: in each month paid
    by two or more cases, all but the largest amount."""
    by_person = defaultdict(list)
    for row in assistance:
        by_person[row["id_number"]].append(row)
    found = set()
    for rows in by_person.values():
        involved = set()
        for one in rows:
            for two in rows:
                if (
                    one["case_no"] < two["case_no"]
                    and _day(one["start_date"]) <= (_day(two["end_date"]) or AS_OF)
                    and _day(two["start_date"]) <= (_day(one["end_date"]) or AS_OF)
                ):
                    involved |= {one["record_id"], two["record_id"]}
        received = defaultdict(dict)  # month -> case -> amount
        for row in rows:
            if row["record_id"] in involved and row["covered"] == "是":
                first, last = _active_months(row)
                for month in payments[row["case_no"]]:
                    if first <= month <= last:
                        received[month][row["case_no"]] = _rate(row, month, rates)
        amount = sum(sum(by_case.values()) - max(by_case.values())
                     for by_case in received.values() if len(by_case) > 1)  # fmt: skip
        if involved:
            found.add(("duplicate_enrollment", tuple(sorted(involved)), float(amount)))
    return found


def _rederive_payment_mismatch(assistance: list, paid: dict, rates: dict) -> set:
    """Cases paid, in three months or more, more than a tenth off their covered members'
    own amounts; what was paid above them."""
    covered = defaultdict(list)
    for row in assistance:
        if row["covered"] == "是":
            covered[row["case_no"]].append(row)
    months = defaultdict(list)
    for (case_no, month), amount in paid.items():
        months[case_no].append((month, amount))
    found = set()
    for case_no, paid_months in months.items():
        amiss, records, over = 0, set(), 0.0
        for month, amount in paid_months:
            active = [row for row in covered[case_no]
                      if _active_months(row)[0] <= month <= _active_months(row)[1]]  # fmt: skip
            owed = sum(_rate(row, month, rates) for row in active)
            if abs(amount - owed) > 0.1 * owed:
                amiss, over = amiss + 1, over + max(amount - owed, 0)
                records |= {row["record_id"] for row in active}
        if amiss >= 3:
            found.add(("payment_mismatch", tuple(sorted(records)), over or None))
    return found


def _roster_and_legit(drop: Path, assistance: list) -> tuple[dict, list]:
    """The roster by case, and its 低保 rows outside legitimate 单人户 cases."""
    severe = {row["id_number"] for row in _rows(drop, "disability") if _is_severe(row)}
    roster = defaultdict(list)
    for row in assistance:
        roster[row["case_no"]].append(row)
    legit = {
        case for case, rows in roster.items()
        if len(rows) == 1 and (rows[0]["id_number"] in severe or rows[0]["health"] == "患有大病")
    }  # fmt: skip
    return roster, [r for r in assistance if r["program"] == "低保" and r["case_no"] not in legit]


def _rederive_splits(drop: Path, assistance: list) -> set:
    """One 户号 in two or more concurrent 低保 cases, each holding members the other lacks."""
    household = {row["id_number"]: row["hukou_no"] for row in _rows(drop, "hukou")}
    _, dibao = _roster_and_legit(drop, assistance)
    families = defaultdict(list)
    for row in dibao:
        if row["id_number"] in household:
            families[household[row["id_number"]]].append(row)
    found = set()
    for rows in families.values():
        involved, records = _split_involved(rows)
        if involved:
            found.add(("split_household", tuple(sorted(records)), None))
    return found


def _rederive_suspected_splits(drop: Path, assistance: list) -> set:
    """低保 cases of different 户号 paid to one account (of at most eight cases), each
    holding members the other lacks: all rows of the cases so tied."""
    household = {row["id_number"]: row["hukou_no"] for row in _rows(drop, "hukou")}
    roster, dibao = _roster_and_legit(drop, assistance)
    cases_of = defaultdict(set)
    for row in assistance:
        cases_of[row["bank_account"]].add(row["case_no"])
    eligible = {row["case_no"] for row in dibao}
    found = set()
    for cases in cases_of.values():
        tied = sorted(cases & eligible)
        families = {case: {household[r["id_number"]] for r in roster[case]
                           if r["id_number"] in household} for case in tied}  # fmt: skip
        if not 2 <= len(cases) <= 8 or len(tied) < 2 or not all(families.values()):
            continue
        if any(families[one] & families[two] for one in tied for two in tied if one < two):
            continue
        involved, records = _split_involved([r for r in dibao if r["case_no"] in tied])
        if len(involved) >= 2:
            found.add(("suspected_split", tuple(sorted(records)), None))
    return found


def _split_involved(rows: list) -> tuple[set[str], set[str]]:
    """The cases that at some moment each hold members another case of the rows lacks, and
    the record ids of the rows active at such a moment."""
    involved, records = set(), set()
    times = {_day(r["start_date"]) for r in rows}
    times |= {_day(r["end_date"]) + timedelta(days=1) for r in rows if r["end_date"]}
    for t in sorted(times):
        active = [r for r in rows if _day(r["start_date"]) <= t <= (_day(r["end_date"]) or AS_OF)]
        members = defaultdict(set)
        for r in active:
            members[r["case_no"]].add(r["id_number"])
        holding = {case for one in members for two in members if one < two
                   and members[one] - members[two] and members[two] - members[one]
                   for case in (one, two)}  # fmt: skip
        involved |= holding
        records |= {r["record_id"] for r in active if r["case_no"] in holding}
    return involved, records


def _is_severe(row: dict[str, str]) -> bool:
    return LEVELS[row["disability_level"]] <= 2 or row["disability_type"] in ("智力", "精神")


def _active_covered(assistance: list) -> dict[str, list]:
    cases = defaultdict(list)
    for row in assistance:
        if row["covered"] == "是" and not row["end_date"]:
            cases[row["case_no"]].append(row)
    return cases


def _rederive_single_covered(drop: Path, assistance: list) -> set:
    """沙坡头区: rural B/C class 低保 cases of two or more covering one, who may not be alone
    (severely disabled, or gravely ill by the roster or the 建档立卡 registry)."""
    alone = {row["id_number"] for row in _rows(drop, "disability") if _is_severe(row)}
    alone |= {row["id_number"] for row in assistance if row["health"] == "患有大病"}
    alone |= {row["id_number"] for row in _rows(drop, "poverty") if row["health"] == "患有大病"}
    listed = defaultdict(list)
    for row in assistance:
        if row["program"] == "低保" and not row["end_date"] and row["城乡属性"] != "城市":
            listed[row["case_no"]].append(row)
    found = set()
    for rows in listed.values():
        covered = [row for row in rows if row["covered"] == "是"]
        if any(row["dibao_class"] not in ("B", "C") for row in covered):
            continue  # the class is the 对象's; a case covering a class A member is an A case
        size = max(len({row["id_number"] for row in rows}),
                   *(int(row["household_size"]) for row in rows))  # fmt: skip
        if size >= 2 and len(covered) == 1 and covered[0]["id_number"] not in alone:
            found.add(("single_covered_member", (covered[0]["record_id"],), None))
    return found


def _rederive_roster_gaps(drop: Path, assistance: list) -> set:
    """沙坡头区: 低保/特困 cases none of whose active covered members is in 建档立卡, and
    建档立卡 households marked 扶贫低保户 none of whose members is on an active roster."""
    poverty = _rows(drop, "poverty")
    registered = {row["id_number"] for row in poverty}
    active = _active_covered(assistance)
    enrolled = {row["id_number"] for rows in active.values() for row in rows}
    marked = defaultdict(list)
    for row in poverty:
        if row["扶贫低保户"] == "是":
            marked[row["poverty_hh_no"]].append(row)
    return {
        ("roster_gap", tuple(sorted(row["record_id"] for row in rows)), None)
        for rows in active.values()
        if not {row["id_number"] for row in rows} & registered
        and all(row["城乡属性"] != "城市" for row in rows)  # 农村 cases, and those not said
    } | {
        ("roster_gap", tuple(sorted(row["record_id"] for row in rows)), None)
        for rows in marked.values()
        if not {row["id_number"] for row in rows} & enrolled
    }


def _rederive_key_persons(drop: Path, assistance: list, deaths: dict) -> set:
    """大姚县: key-group members of 建档立卡 on no active roster, living, not severely disabled."""
    poverty = _rows(drop, "poverty")
    households = defaultdict(list)
    for row in poverty:
        households[row["poverty_hh_no"]].append(row)
    excluded = {row["id_number"] for row in _rows(drop, "disability") if _is_severe(row)}
    excluded |= set(deaths) | {row["id_number"] for rows in _active_covered(assistance).values()
                               for row in rows}  # fmt: skip
    found = set()
    for members in households.values():
        zero_labor = all(m["labor_capacity"] in ("丧失劳动力", "无劳动力") for m in members)
        for row in members:
            lifted_low = (
                row["poverty_status"] == "已脱贫" and float(row["income_per_capita_year"]) < 4500
            )
            key = (
                zero_labor
                or lifted_low
                or row["poverty_status"] in ("未脱贫", "返贫", "脱贫监测户", "边缘户")
            )
            if key and row["id_number"] not in excluded:
                found.add(("unenrolled_key_person", (row["record_id"],), None))
    return found


def _rederive_a_class_partial(assistance: list) -> set:
    """沙坡头区: an active 低保 case with a covered class A member covering fewer members than
    it lists or than its household size."""
    cases = defaultdict(list)
    for row in assistance:
        if row["program"] == "低保" and not row["end_date"]:
            cases[row["case_no"]].append(row)
    found = set()
    for rows in cases.values():
        covered = [row for row in rows if row["covered"] == "是"]
        size = max([len({row["id_number"] for row in rows})]
                   + [int(row["household_size"]) for row in rows])  # fmt: skip
        urban = any(row["城乡属性"] == "城市" for row in rows)
        if any(row["dibao_class"] == "A" for row in covered) and len(covered) < size and not urban:
            found.add(("a_class_partial", tuple(sorted(row["record_id"] for row in rows)), None))
    return found


def _rederive_tekun_eligible(drop: Path, assistance: list, deaths: dict) -> set:
    """兴安盟, 大姚: 建档立卡 households where no one can work and that are poor; their living
    members on no active covered 特困 row."""
    households = defaultdict(list)
    for row in _rows(drop, "poverty"):
        households[row["poverty_hh_no"]].append(row)
    in_tekun = {row["id_number"] for rows in _active_covered(assistance).values()
                for row in rows if row["program"] == "特困"}  # fmt: skip
    found = set()
    for members in households.values():
        no_labor = all(m["labor_capacity"] in ("丧失劳动力", "无劳动力") for m in members)
        poor = any(m["poverty_status"] in ("未脱贫", "返贫", "脱贫监测户", "边缘户")
                   or float(m["income_per_capita_year"]) < 4500 for m in members)  # fmt: skip
        records = [m["record_id"] for m in members
                   if m["id_number"] not in in_tekun and m["id_number"] not in deaths]  # fmt: skip
        if no_labor and poor and records:
            found.add(("tekun_eligible", tuple(sorted(records)), None))
    return found


def _rederive_wrongful_exits(drop: Path, assistance: list, deaths: dict) -> set:
    """大姚, 梁平, 兴安盟: a 低保 case none of whose covered rows is active, with living members
    of an 已脱贫 household under the standard who are on no active covered row."""
    still_poor = {row["id_number"] for row in _rows(drop, "poverty")
                  if row["poverty_status"] == "已脱贫"
                  and float(row["income_per_capita_year"]) < 4500}  # fmt: skip
    active = _active_covered(assistance)
    excluded = set(deaths) | {row["id_number"] for rows in active.values() for row in rows}
    closed = defaultdict(list)
    for row in assistance:
        if row["covered"] == "是" and row["program"] == "低保" and row["case_no"] not in active:
            closed[row["case_no"]].append(row)
    found = set()
    for rows in closed.values():
        records = [row["record_id"] for row in rows
                   if row["id_number"] in still_poor and row["id_number"] not in excluded]  # fmt: skip
        if records:
            found.add(("exit_without_gradual", tuple(sorted(records)), None))
    return found


def _rederive_missed(drop: Path, assistance: list, deaths: dict) -> set:
    """Severely disabled, alive, of a poor household (建档立卡, or a low income on the
    household's active roster: a case they are listed on, or one covering someone of their
    户号), on no active covered row."""
    poor = {
        row["id_number"] for row in _rows(drop, "poverty")
        if row["poverty_status"] in ("未脱贫", "返贫", "脱贫监测户", "边缘户") or float(row["income_per_capita_year"]) < 4500
    }  # fmt: skip
    current = [row for row in assistance if row["covered"] == "是" and not row["end_date"]]
    low = {row["case_no"] for row in current if float(row["income_per_capita"]) * 12 < 4500}
    poor |= {
        row["id_number"] for row in assistance if row["case_no"] in low and not row["end_date"]
    }
    hukou_no = {row["id_number"]: row["hukou_no"] for row in _rows(drop, "hukou")}
    families = {hukou_no.get(row["id_number"]) for row in current if row["case_no"] in low}
    poor |= {person for person, family in hukou_no.items() if family in families}
    enrolled = {row["id_number"] for row in current}
    return {
        ("missed_disability", (row["record_id"],), None)
        for row in _rows(drop, "disability")
        if _is_severe(row) and row["id_number"] in poor and row["id_number"] not in enrolled
        and row["id_number"] not in deaths
    }  # fmt: skip


def test_deceased_paid_cases_are_paid_two_months_past_grace(clean: SynthSummary) -> None:
    for case in _jsonl(clean.truth_dir / "cases.jsonl"):
        if case["case_type"] == "deceased_paid":
            assert len(case["paid_months"]) >= 2 and case["amount_at_risk"] > 0
            assert case["death_records"]


def test_shared_contacts_span_unrelated_households(clean: SynthSummary) -> None:
    """A village office phone and an agent's account serve dozens of unrelated households;
    none of those cases is part of a split household."""
    assistance = _rows(clean.drop_dir, "assistance")
    household = {row["id_number"]: row["hukou_no"] for row in _rows(clean.drop_dir, "hukou")}
    split_rows = {
        r["record_id"]
        for case in _jsonl(clean.truth_dir / "cases.jsonl")
        if case["case_type"] == "split_household"
        for r in case["records"]
    }
    for column in ("phone", "bank_account"):
        rows_per_value = defaultdict(list)
        for row in assistance:
            if row[column]:
                rows_per_value[row[column]].append(row)
        shared = max(rows_per_value.values(), key=len)
        households = {household.get(row["id_number"]) for row in shared}
        assert len(households) >= 20, column
        assert not {row["record_id"] for row in shared} & split_rows


def test_small_county_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        synthesize(tmp_path, people=10, seed=1)
