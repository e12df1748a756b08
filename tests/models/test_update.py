"""Three monthly drops of one synthetic county taken with ``update_pipeline``: the same
persons, ids and cases as linking every row with the same stored model each month, person
ids kept for what did not change, and cases resolved by data kept in the registry."""

from __future__ import annotations

import shutil

import pytest

from models.pipeline import case_changes, detect_and_publish, run_pipeline, update_pipeline
from models.policy import load_policy
from models.publish import run_configuration, start_run, working_run
from resolver.db import connect
from resolver.ingest import ingest_drop
from resolver.link import link_persons, stored_model
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

pytestmark = pytest.mark.slow


def full_relink(drop, db, out):
    """Next month as a full run with the stored model: every row scored again."""
    con = connect(db)
    config = run_configuration(con, working_run(con))
    run_id = start_run(con, data_dir=str(drop), settings=config.settings, policy=config.policy,
                       risk=config.risk)  # fmt: skip
    ingest_drop(con, drop)
    link_persons(con, config.settings, model=stored_model(con))
    detect_and_publish(con, run_id, out, config.policy, config.settings, config.risk)
    changes = case_changes(con, run_id)
    con.close()
    return changes


def published(db):
    con = connect(db, read_only=True)
    run_id = working_run(con)
    state = {
        "entities": con.execute("SELECT * FROM entities ORDER BY ALL").fetchall(),
        "cases": con.execute(
            "SELECT case_id, case_type, risk_score, amount_at_risk, person_ids, evidence "
            "FROM published_cases WHERE run_id = ? ORDER BY case_id",
            [run_id],
        ).fetchall(),
        "registry": con.execute(
            "SELECT case_id, case_type, resolved_run IS NULL FROM case_registry ORDER BY ALL"
        ).fetchall(),
    }
    con.close()
    return state


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    folder = tmp_path_factory.mktemp("months")
    synthesize(folder, people=5000, seed=5, months=3)
    return sorted(path / "drop" for path in (folder / "months").iterdir() if path.is_dir())


def test_three_monthly_updates_equal_full_runs_with_the_stored_model(months, tmp_path):
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    run_pipeline(months[0], tmp_path / "first", policy=load_policy(), settings=LinkSettings(),
                 db_path=incremental)  # fmt: skip
    shutil.copy(incremental, full)
    first = dict(((r, i), p) for r, i, p in published(incremental)["entities"])
    changes = []
    for drop in months[1:]:
        result = update_pipeline(drop, incremental, tmp_path / "updated")
        changes.append(result.case_changes)
        assert result.link.retrain_reason is None
        assert result.link.changes.new + result.link.changes.changed > 0
        assert result.case_changes == full_relink(drop, full, tmp_path / "relinked")
        assert published(incremental) == published(full)
    last = published(incremental)
    kept = [first[(r, i)] == p for r, i, p in last["entities"] if (r, i) in first]
    assert sum(kept) / len(kept) > 0.99  # a person whose rows did not change keeps the id
    assert sum(change["new"] for change in changes) > 0, changes  # late notices, new rows
