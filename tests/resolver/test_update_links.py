"""Next month's rows linked incrementally: only new and changed rows are scored, and the
result is the result of scoring every row with the same stored model."""

from __future__ import annotations

import pytest

from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.link import link_persons, stored_model, update_links
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

TABLES = {
    "entities": "SELECT * FROM entities ORDER BY ALL",
    "person_links": "SELECT unique_id_l, unique_id_r, match_probability FROM person_links "
    "ORDER BY ALL",
    "possible_matches": "SELECT * FROM possible_matches ORDER BY ALL",
    "scored_pairs": "SELECT unique_id_l, unique_id_r, round(match_probability, 12) "
    "FROM scored_pairs ORDER BY ALL",
}


def snapshot(con) -> dict[str, list[tuple]]:
    return {name: con.execute(query).fetchall() for name, query in TABLES.items()}


def next_month(con) -> None:
    """A changed row, a late death notice of a living roster member, his second enrollment
    in a new case, and a disability row removed."""
    con.execute(
        "UPDATE assistance SET name = name || '华', name_pinyin = name_pinyin || ' hua', "
        "name_fuzzy = name_fuzzy || ' hua' "
        "WHERE record_id = (SELECT min(record_id) FROM assistance)"
    )
    con.execute(
        "INSERT INTO deaths BY NAME SELECT 'LATE-1' AS record_id, name, name_pinyin, name_fuzzy, "
        "id_number, id_number_status, id_number_prefix, id_number_birth_date, id_number_gender, "
        "gender, birth_date, township, village_key, DATE '2026-10-02' AS death_date "
        "FROM assistance WHERE record_id = (SELECT max(record_id) FROM assistance)"
    )
    con.execute(
        "INSERT INTO assistance BY NAME SELECT 'NEW-1' AS record_id, 'NEW-CASE' AS case_no, "
        "* EXCLUDE (record_id, case_no) "
        "FROM assistance WHERE record_id = (SELECT max(record_id) FROM assistance)"
    )
    con.execute("DELETE FROM disability WHERE record_id = (SELECT min(record_id) FROM disability)")


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    summary = synthesize(folder, people=1500, seed=11)
    con = connect(folder / "doudi.duckdb")
    ingest_drop(con, summary.drop_dir)
    link_persons(con, LinkSettings())
    return con


def test_an_unchanged_drop_changes_nothing(linked):
    before = snapshot(linked)
    report = update_links(linked, LinkSettings())
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
    assert report.retrain_reason is None
    assert snapshot(linked) == before


def test_an_update_equals_scoring_every_row_with_the_stored_model(linked):
    model = stored_model(linked)
    next_month(linked)
    report = update_links(linked, LinkSettings())
    assert report.retrain_reason is None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (2, 1, 1)
    updated = snapshot(linked)
    late = linked.execute(
        "SELECT count(DISTINCT person_id) FROM entities WHERE record_id IN "
        "('LATE-1', 'NEW-1', (SELECT max(record_id) FROM assistance WHERE record_id <> 'NEW-1'))"
    ).fetchall()[0][0]
    assert late == 1  # the late notice and the new case's row joined the existing person
    link_persons(linked, LinkSettings(), model=model)
    assert snapshot(linked) == updated


def test_too_many_changes_retrain(linked):
    linked.execute("UPDATE hukou SET phone = NULL")
    report = update_links(linked, LinkSettings(retrain_share=0.01))
    assert report.retrain_reason.startswith("新增或变动记录占")
