"""Threshold tuning on a small synthetic county: a sweep and a what-if, nothing written."""

from __future__ import annotations

import pytest

from models.evaluation.sweep import sweep_thresholds
from models.pipeline import run_pipeline
from models.policy import load_policy
from models.risk import RiskModel
from models.tuning import cases_at, what_if
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize

TOOLS = {"policy": load_policy(), "settings": LinkSettings(), "risk": RiskModel.load()}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tuning")
    drop = synthesize(out / "county", people=3000, seed=11).drop_dir
    result = run_pipeline(drop, out, policy=TOOLS["policy"], settings=TOOLS["settings"])
    con = connect(result.db_path)
    yield con, result
    con.close()


def _tables(con):
    return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            for name in ("entities", "published_cases", "person_links")}  # fmt: skip


@pytest.mark.slow
def test_a_sweep_counts_persons_links_and_cases_and_scores_them_against_the_truth(run):
    con, result = run
    before = _tables(con)
    by_threshold, by_type = sweep_thresholds(
        con, (0.5, 0.95, 0.999), truth_dir=result.out_dir / "county/truth", **TOOLS
    )
    assert list(by_threshold["threshold"]) == [0.5, 0.95, 0.999]
    assert by_threshold["persons"].is_monotonic_increasing
    assert by_threshold["links"].is_monotonic_decreasing
    at_run = by_threshold.set_index("threshold").loc[0.95]
    assert at_run["persons"] == con.execute(
        "SELECT count(DISTINCT person_id) FROM entities").fetchall()[0][0]  # fmt: skip
    assert at_run["link_precision"] > 0.99 and at_run["link_recall"] > 0.99
    counted = by_type[by_type["threshold"] == 0.95].set_index("case_type")["cases"]
    assert counted.to_dict() == result.cases_by_type
    assert {"precision", "recall"} <= set(by_type.columns)
    assert _tables(con) == before  # nothing written


@pytest.mark.slow
def test_what_if_compares_a_threshold_with_the_published_run(run):
    con, result = run
    same = what_if(con, result.run_id, 0.95, **TOOLS)
    assert same.appear == [] and same.disappear == []
    strict = what_if(con, result.run_id, 0.9999, **TOOLS)
    for name, counts in strict.counts.items():
        assert counts["proposed"] == counts["current"] + counts["appear"] - counts["disappear"]
        assert counts["current"] == result.cases_by_type[name]
    with pytest.raises(DoudiError, match="threshold"):
        cases_at(con, 0.3, **TOOLS)
