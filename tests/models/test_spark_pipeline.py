"""The whole job on Spark gives the persons and cases the job on DuckDB gives."""

from __future__ import annotations

import shutil

import pytest

from models.pipeline import run_pipeline
from models.policy import load_policy
from resolver.db import connect
from resolver.settings import LinkSettings
from resolver.synthetic import synthesize


@pytest.mark.slow
@pytest.mark.spark
def test_a_county_run_on_spark_gives_the_persons_and_cases_of_duckdb(spark, tmp_path):
    drop = synthesize(tmp_path / "county", people=2_000, seed=21).drop_dir
    options = {"policy": load_policy(), "settings": LinkSettings()}
    on_duckdb = run_pipeline(drop, tmp_path / "duckdb", **options)
    # the Spark run on a copy of the database: person and case ids are drawn from the
    # database's own key and history, so the same persons get the same ids
    (tmp_path / "spark").mkdir()
    shutil.copy(on_duckdb.db_path, tmp_path / "spark" / "doudi.duckdb")
    on_spark = run_pipeline(drop, tmp_path / "spark", spark=spark, **options)
    assert "predict" in on_spark.link.seconds  # scored on Spark
    assert sum(on_duckdb.cases_by_type.values()) > 10
    assert on_spark.cases_by_type == on_duckdb.cases_by_type
    for name in ("entities.csv", "cases.jsonl"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "duckdb" / name).read_bytes()
    pairs = "SELECT unique_id_l, unique_id_r, round(match_probability, 12) FROM scored_pairs"
    scored = [sorted(connect(result.db_path).execute(pairs).fetchall())
              for result in (on_duckdb, on_spark)]  # fmt: skip
    assert scored[0] == scored[1]
    ends = "SELECT * EXCLUDE (run_id) FROM published_gradual_ends ORDER BY case_no"
    published = [
        connect(result.db_path).execute(ends).fetchall() for result in (on_duckdb, on_spark)
    ]
    assert published[0] == published[1]
