"""Next month's rows linked incrementally: only new and changed rows are scored, and the
result is the result of scoring every row with the same stored model."""

from __future__ import annotations

import re

import pytest

from resolver.comparisons import BLOCKING_RULES
from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.link import (
    RemovedRow,
    _partner_conditions,
    _removed_rows,
    _sided,
    _store_removed_rows,
    link_persons,
    stored_model,
    update_links,
)
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


def test_the_removed_rows_named_are_the_first_few_with_their_published_names(tmp_path):
    # until 2026-12-07 every removed row was read into Python to name five: a drop whose
    # record ids all changed (650,000 persons) built millions of them
    con = connect(tmp_path / "doudi.duckdb")
    con.execute(
        "CREATE TABLE entities AS SELECT CASE WHEN i < 4 THEN 'disability' ELSE 'assistance' "
        "END AS registry, 'R' || i AS record_id, 'P' || i AS person_id FROM range(10) t(i)"
    )
    con.execute("CREATE TABLE scored_rows AS SELECT registry || ':' || record_id AS unique_id "
                "FROM entities")  # fmt: skip
    con.execute("CREATE TABLE _row_state AS SELECT * FROM scored_rows "
                "WHERE unique_id IN ('assistance:R5', 'disability:R1')")  # fmt: skip
    con.execute("CREATE TABLE published_persons AS SELECT 'run-1' AS run_id, 'P4' AS person_id, "
                "'110101194001010011' AS id18, '张三' AS name")  # fmt: skip
    _store_removed_rows(con)
    assert _removed_rows(con) == [  # 8 removed: the first five by registry and record id
        RemovedRow("assistance", "R4", "张三"),
        *(RemovedRow("assistance", f"R{i}", None) for i in (6, 7, 8, 9)),
    ]


def test_an_update_equals_scoring_every_row_with_the_stored_model(linked):
    model = stored_model(linked)
    [(deleted,)] = linked.execute("SELECT min(record_id) FROM disability").fetchall()
    next_month(linked)
    report = update_links(linked, LinkSettings())
    assert report.retrain_reason is None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (2, 1, 1)
    # the row removed is named (until 2026-12-07 only counted); no published run: no name
    assert report.changes.removed_rows == [RemovedRow("disability", deleted, None)]
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


def test_a_model_trained_on_names_with_the_dot_is_retrained_and_says_why(linked):
    # Doudi before 2026-12-06 trained on names as written (吐尔洪·买买提); it now compares
    # them without the dot, and a model stored by it still loads but is trained again
    record_id, name = linked.execute(
        "SELECT record_id, name FROM hukou ORDER BY record_id LIMIT 1").fetchall()[0]  # fmt: skip
    dotted = f"{name[0]}·{name[1:]}"
    linked.execute("UPDATE hukou SET name = ? WHERE record_id = ?", [dotted, record_id])
    linked.execute("INSERT INTO link_term_frequencies VALUES ('name', ?, 1e-5)", [dotted])
    assert "·" in "".join(stored_model(linked).term_frequencies["name"]["name"].to_pylist())
    report = update_links(linked, LinkSettings())
    assert report.retrain_reason.startswith("模型训练时姓名仍带间隔号（·）")
    names = stored_model(linked).term_frequencies["name"]["name"].to_pylist()
    assert name in names and dotted not in names
    assert update_links(linked, LinkSettings()).retrain_reason is None


@pytest.mark.parametrize(
    "rules",
    [
        BLOCKING_RULES,
        [
            "l.dob = r.dob AND l.id18 IS NULL",
            "l.phone_rare = r.phone_rare OR l.township = r.township",
        ],
    ],
    ids=["doudi", "one-sided"],
)
def test_partners_are_the_rows_a_blocking_rule_pairs_either_way_round(rules):
    """An update scores the changed rows against the unchanged rows some rule pairs with one
    of them; on rows where every rule's columns agree, differ or are blank at random, that
    is exactly the rows some rule pairs (one side or the other)."""
    columns = sorted(set(re.findall(r"\bl\.(\w+)", " ".join(rules))))
    two_values = {"registry": ("'deaths'", "'hukou'")}
    values = ", ".join(
        "CASE WHEN random() < 0.3 THEN NULL WHEN random() < 0.5 THEN {} ELSE {} END AS {}".format(
            *two_values.get(column, ("'1'", "'2'")), column
        )
        for column in columns
    )
    con = connect(":memory:")
    con.execute("SELECT setseed(0.42)")
    con.execute(f"CREATE TABLE p AS SELECT range AS row, {values} FROM range(120)")
    con.execute("CREATE TABLE c AS SELECT * FROM p")
    by_rules = " OR ".join(f"({_sided(rule, *sides)})" for rule in rules
                           for sides in (("p", "c"), ("c", "p")))  # fmt: skip
    by_conditions = " OR ".join(f"({condition})" for condition in
                                _partner_conditions(rules))  # fmt: skip
    pairs = con.execute(
        f"SELECT coalesce({by_rules}, false), coalesce({by_conditions}, false), count(*) "
        "FROM p, c WHERE p.row < c.row GROUP BY ALL"
    ).fetchall()
    counts = {(rules, conditions): count for rules, conditions, count in pairs}
    assert counts.get((True, True), 0) > 500
    assert counts.get((False, False), 0) > 500
    assert set(counts) == {(True, True), (False, False)}


def test_a_county_whose_rows_carry_no_phone_updates_with_its_stored_model(tmp_path):
    # No row has a phone: the phone's term frequencies are empty, and stored as no rows.
    summary = synthesize(tmp_path, people=1200, seed=12)
    con = connect(tmp_path / "doudi.duckdb")
    ingest_drop(con, summary.drop_dir)
    for (table,) in con.execute(
        "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'phone'"
    ).fetchall():
        con.execute(f"UPDATE {table} SET phone = NULL")
    link_persons(con, LinkSettings())
    model = stored_model(con)
    assert model.term_frequencies["phone_rare"].num_rows == 0
    before = snapshot(con)
    report = update_links(con, LinkSettings())
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
    assert snapshot(con) == before
