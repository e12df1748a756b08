"""Reading reviewers' labels never writes to the run's database."""

from __future__ import annotations

import duckdb

from resolver.db import connect
from resolver.labels import current_labels, ensure_labels_table, record_label


def doudi_database(path):
    """A file ``connect`` takes for Doudi's (it holds a ``runs`` table), with no labels."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE runs (run_id VARCHAR)")
    return con


def test_labels_read_on_a_served_database_opened_read_only(tmp_path):
    path = tmp_path / "doudi.duckdb"
    con = doudi_database(path)
    ensure_labels_table(con)  # as the review server does when it opens a run
    con.close()
    with connect(path, read_only=True) as con:
        assert current_labels(con).num_rows == 0
    con = connect(path)
    record_label(con, "hukou:H1", "deaths:E1", same_person=False, actor="甲", role="auditor")
    record_label(con, "hukou:H2", "deaths:E2", same_person=True, actor="甲", role="auditor",
                 pending=True)  # fmt: skip
    con.close()
    with connect(path, read_only=True) as con:
        labels = current_labels(con).to_pylist()
    assert labels == [{"unique_id_l": "deaths:E1", "unique_id_r": "hukou:H1", "same_person": False}]


def test_a_database_without_labels_reads_as_none_and_stays_unchanged(tmp_path):
    path = tmp_path / "doudi.duckdb"
    doudi_database(path).close()
    with connect(path, read_only=True) as con:
        assert current_labels(con).num_rows == 0


def test_labels_of_a_file_without_the_pending_column_are_all_in_force(tmp_path):
    path = tmp_path / "doudi.duckdb"
    con = doudi_database(path)
    con.execute(
        "CREATE TABLE link_labels (label_id BIGINT, unique_id_l VARCHAR, unique_id_r VARCHAR, "
        "same_person BOOLEAN)"
    )
    con.execute("INSERT INTO link_labels VALUES (1, 'deaths:E1', 'hukou:H1', true)")
    con.close()
    with connect(path, read_only=True) as con:
        assert current_labels(con).num_rows == 1
