"""Splink 5 on DuckDB behind one narrow interface: ``score_pairs_with_splink``.

Splink works in a scratch in-memory DuckDB (its many intermediate tables never touch the
run's file); rows go in and scored pairs come out as Arrow tables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator

from resolver.db import connect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Training:
    """How to train a model without labels: the prior from deterministic rules, u by random
    sampling, m by expectation maximisation on each of ``em_rules``."""

    prior_rules: list[str]
    prior_recall: float
    em_rules: list[str]
    u_max_pairs: float
    em_max_pairs: float
    seed: int


@dataclass
class Scored:
    """Scored pairs (``unique_id_l``, ``unique_id_r``, ``match_probability``,
    ``match_weight``, and per comparison its ``gamma_`` level and ``mw_`` weight), the trained
    model as Splink's JSON dict, and the comparisons each blocking rule adds (when counted)."""

    pairs: pa.Table
    model: dict[str, Any]
    blocking_counts: list[tuple[str, int]] = field(default_factory=list)


def score_pairs_with_splink(
    rows: pa.Table,
    settings: dict[str, Any],
    *,
    threshold: float,
    training: Training | None = None,
    count_comparisons: bool = False,
) -> Scored:
    """Deduplicate ``rows`` (a ``unique_id`` column and the columns the comparisons use):
    train when ``training`` is given (else ``settings`` must be a trained model), then score
    every blocked pair at or above ``threshold``. ``count_comparisons``: also count the
    comparisons each blocking rule adds (a diagnostic that costs about as much as training)."""
    scratch = connect(":memory:")
    try:
        scratch.register("_rows", rows)
        scratch.execute("CREATE TABLE input_rows AS SELECT * FROM _rows")
        scratch.unregister("_rows")
        db_api = DuckDBAPI(connection=scratch)
        model_settings = _settings_creator(settings)
        linker = Linker(db_api.register("input_rows"), model_settings, log_level=None)
        counts = _blocking_counts(linker) if count_comparisons else []
        if training is not None:
            _train(linker, training)
        predictions = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        pairs = scratch.sql(f"SELECT * FROM {predictions.physical_name}").to_arrow_table()
        model = linker.misc.save_model_to_json()
    finally:
        scratch.close()
    return Scored(pairs, model, counts)


def _settings_creator(settings: dict[str, Any]) -> SettingsCreator | dict[str, Any]:
    if "comparisons" in settings and settings.get("linker_uid") is None:
        return SettingsCreator(**settings)
    return settings


def _train(linker: Linker, training: Training) -> None:
    linker.training.estimate_probability_two_random_records_match(
        training.prior_rules, recall=training.prior_recall
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=training.u_max_pairs, seed=training.seed
    )
    for rule in training.em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=training.em_max_pairs
        )


def _blocking_counts(linker: Linker) -> list[tuple[str, int]]:
    """The comparisons each prediction blocking rule adds to those before it."""
    records = linker.blocking_analysis.count_comparisons_from_blocking_rules(
        record_sample_proportion=1.0
    )
    counts = [
        (record["blocking_rule"], int(record["marginal_comparison_count"])) for record in records
    ]
    for rule, count in counts:
        log.info("blocking rule %s: %d comparisons", rule, count)
    return counts
