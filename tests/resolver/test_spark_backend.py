"""The Spark backend: the comparisons' SQL translated for Spark, and clustering on Spark
against clustering on one machine."""

from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
import pytest

from resolver.clustering import LINK_SCHEMA, Row, cluster_table
from resolver.link import doudi_splink_settings
from resolver.spark_backend import cluster_on_spark, spark_model, spark_sql

DUCKDB_ONLY = ("jaro_winkler_similarity", "list_", "lambda", "date_diff", "::", "strftime")


def test_every_comparison_reads_as_spark_sql():
    model = spark_model({**doudi_splink_settings(), "sql_dialect": "duckdb"} | {
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"}
            for rule in doudi_splink_settings()["blocking_rules_to_generate_predictions"]
        ]
    })  # fmt: skip
    conditions = [level["sql_condition"] for comparison in model["comparisons"]
                  for level in comparison["comparison_levels"]]  # fmt: skip
    assert model["sql_dialect"] == "spark" and len(conditions) > 30
    for condition in conditions:
        assert not any(word in condition.lower() for word in DUCKDB_ONLY), condition
    assert any("jaro_winkler(" in condition.lower() for condition in conditions)


def test_a_month_apart_is_counted_by_calendar_months_in_spark_sql():
    assert "DATEDIFF" not in spark_sql(
        "abs((year(CAST(ended_l AS DATE)) * 12 + month(CAST(ended_l AS DATE))) - 1) <= 1"
    )


# coverage periods: open, an old one, a later one (rows of one case at different times)
PERIODS = [(None, None), (date(2020, 1, 1), date(2023, 4, 30)), (date(2023, 9, 1), None)]


def _random_county(seed: int, groups: int):
    """Many small random graphs of rows and links side by side: some with two IDs, a shared
    household, weak links or rows labelled apart, most plain."""
    rng = random.Random(seed)
    rows, links, apart = [], [], []
    for group in range(groups):
        ids = [f"g{group:02d}r{n}" for n in range(rng.randint(2, 7))]
        for uid in ids:
            rows.append((uid, rng.choice(["X", "Y", None, None, None]) and f"{group}{rng.choice('XY')}",
                         rng.choice(["h1", None, None, None]) and f"{group}h",
                         *rng.choice(PERIODS)))  # fmt: skip
        for _ in range(rng.randint(1, 8)):
            left, right = sorted(rng.sample(ids, 2))
            links.append((left, right, rng.choice([0.9, 0.96, 0.97, 0.99, 0.995, 0.9999, 1.0])))
        if rng.random() < 0.2:
            apart.append(tuple(rng.sample(ids, 2)))
    links = list({(left, right): (left, right, p) for left, right, p in links}.values())
    return (
        pa.table(dict(zip(Row._fields, zip(*rows, strict=True), strict=True))),
        pa.table(dict(zip(LINK_SCHEMA.names, zip(*links, strict=True), strict=True)),
                 schema=LINK_SCHEMA),
        apart,
    )  # fmt: skip


def _sorted(table: pa.Table) -> list[tuple]:
    return sorted(zip(*table.to_pydict().values(), strict=True))


@pytest.mark.spark
def test_clustering_on_spark_gives_what_clustering_on_one_machine_gives(spark):
    rows, links, apart = _random_county(seed=5, groups=60)
    options = {"threshold": 0.95, "bridge_threshold": 0.99, "ambiguity_margin": 5.0,
               "apart": apart}  # fmt: skip
    expected = cluster_table(rows, links, **options)
    found = cluster_on_spark(spark, rows, links, **options)
    assert len(expected.refused) > 5  # conflicts were there to resolve
    for name in ("clusters", "accepted", "refused"):
        assert _sorted(getattr(found, name)) == _sorted(getattr(expected, name)), name
