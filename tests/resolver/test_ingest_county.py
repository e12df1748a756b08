"""Ingest a noisy synthetic county and its clean twin (same seed, noise=0, row for row) and
check that normalisation undoes every kind of noise the contract describes."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.normalize import fuzzy_pinyin
from resolver.quality import quality_summary
from resolver.synthetic import synthesize

PEOPLE = 3000
SEED = 5
# Noise that normalisation must undo completely: the cleaned value equals the clean one.
UNDONE = {
    "id_15_digit", "id_lowercase_x", "fullwidth", "stray_space", "name_traditional",
    "name_inner_space", "township_suffix", "village_variant", "phone_format",
}  # fmt: skip
NOT_TRUSTED = {"id_typo": "invalid", "id_transposition": "invalid", "id_scientific": "damaged"}
COMPARED = {
    "hukou": ("name", "id_number", "gender", "birth_date", "township", "village", "phone"),
    "assistance": ("name", "id_number", "township", "village", "phone", "bank_account"),
    "payments": ("payee_name", "payee_id_number", "bank_account", "pay_month", "amount"),
    "poverty": ("name", "id_number", "township", "village"),
    "disability": ("name", "id_number", "disability_level", "township", "village"),
    "deaths": ("name", "id_number", "birth_date", "death_date", "township", "village"),
}


@pytest.fixture(scope="module")
def counties(tmp_path_factory):
    loaded = {}
    for noise in (1.0, 0.0):
        folder = tmp_path_factory.mktemp(f"noise{noise}")
        summary = synthesize(folder, people=PEOPLE, seed=SEED, noise=noise)
        con = connect(folder / "doudi.duckdb")
        ingest_drop(con, summary.drop_dir)
        loaded[noise] = (summary, con)
    return loaded


def _values(con, registry, column):
    rows = con.execute(f"SELECT record_id, {column} FROM {registry}").fetchall()
    return dict(rows)


def _noise(summary):
    noise = defaultdict(dict)
    with (summary.truth_dir / "noise.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            noise[(row["registry"], row["column"])][row["record_id"]] = row["noise"]
    return noise


@pytest.mark.parametrize("registry", sorted(COMPARED))
def test_normalising_undoes_the_noise(counties, registry):
    noisy_summary, noisy = counties[1.0]
    _, clean = counties[0.0]
    noise = _noise(noisy_summary)
    for column in COMPARED[registry]:
        noisy_values, clean_values = (
            _values(noisy, registry, column),
            _values(clean, registry, column),
        )
        assert noisy_values.keys() == clean_values.keys()
        applied = noise[(registry, column)]
        for record_id, value in noisy_values.items():
            kind = applied.get(record_id)
            if kind is None or kind in UNDONE:
                assert value == clean_values[record_id], (registry, column, record_id, kind)


@pytest.mark.parametrize("registry", ["hukou", "assistance", "poverty", "disability", "deaths"])
def test_damaged_and_mistyped_ids_are_not_trusted(counties, registry):
    noisy_summary, noisy = counties[1.0]
    status = _values(noisy, registry, "id_number_status")
    raw = _values(noisy, f"raw_{registry}", "id_number")
    applied = _noise(noisy_summary)[(registry, "id_number")]
    for record_id, kind in applied.items():
        if kind in NOT_TRUSTED and not raw[record_id].endswith("000"):
            assert status[record_id] == NOT_TRUSTED[kind], (record_id, kind)
        if kind == "id_zeroed_tail":
            # A zeroed tail whose check digit happens to hold (1 in 11) is a valid ID; a typo
            # that leaves "000" at the end reads as a zeroed tail.
            assert status[record_id] in {"damaged", "valid"}
        if kind in NOT_TRUSTED and raw[record_id].endswith("000"):
            assert status[record_id] == "damaged"


def test_homophones_keep_their_fuzzy_pinyin_key(counties):
    noisy_summary, noisy = counties[1.0]
    _, clean = counties[0.0]
    applied = _noise(noisy_summary)[("hukou", "name")]
    noisy_keys = _values(noisy, "hukou", "name_pinyin")
    clean_keys = _values(clean, "hukou", "name_pinyin")
    homophones = [rid for rid, kind in applied.items() if kind == "name_homophone"]
    assert homophones
    changed = [
        rid for rid in homophones if fuzzy_pinyin(noisy_keys[rid]) != fuzzy_pinyin(clean_keys[rid])
    ]
    assert changed == []


def test_clean_county_has_only_valid_ids_and_no_findings(counties):
    _, clean = counties[0.0]
    for row in quality_summary(clean):
        assert set(row.ids) == {"valid"}, row
        assert row.dates_unparsed == 0
    assert clean.execute("SELECT count(*) FROM dq_findings").fetchone() == (0,)
