"""Threshold tuning measured: what each of a range of matching thresholds gives, in persons,
links and cases, with linking and case precision and recall against a synthetic county's
truth (``models.tuning`` proposes one threshold against a published run)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from models.case_types import DETECTORS
from models.evaluation.cases import load_truth_cases, score_cases
from models.evaluation.linking import load_truth, score_clusters
from models.policy import Policy
from models.risk import RiskModel
from models.tuning import cases_at
from resolver.settings import LinkSettings

SWEEP_THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)


def sweep_thresholds(
    con: duckdb.DuckDBPyConnection,
    thresholds: tuple[float, ...] = SWEEP_THRESHOLDS,
    *,
    policy: Policy,
    settings: LinkSettings,
    risk: RiskModel,
    truth_dir: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per threshold: persons, links and (with ``truth_dir``) pairwise linking precision and
    recall; per threshold and case type: cases, and with the truth precision and recall.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A linked database (with its scored pairs).
    thresholds : tuple of float, default ``SWEEP_THRESHOLDS``
        The matching thresholds to try.
    policy : Policy
        The policy profile the rules apply.
    settings : LinkSettings
        The link settings the persons are reclustered with.
    risk : RiskModel
        The model that ranks the cases.
    truth_dir : Path, optional
        A synthetic county's truth folder; without it, no precision or recall.

    Returns
    -------
    tuple of (pd.DataFrame, pd.DataFrame)
        One row per threshold, and one row per threshold and case type.
    """
    truth = load_truth_cases(truth_dir, policy) if truth_dir else None
    if truth_dir:
        load_truth(con, truth_dir)
    by_threshold, by_type = [], []
    for threshold in thresholds:
        proposal = cases_at(con, threshold, policy=policy, settings=settings, risk=risk)
        row = {"threshold": threshold, "persons": proposal.persons, "links": proposal.links}
        if truth_dir:
            row |= _linking_scores(con, proposal.reclustered.entities)
        by_threshold.append(row)
        for name in DETECTORS:
            found = sum(case.case_type == name for case in proposal.cases)
            row = {"threshold": threshold, "case_type": name, "cases": found}
            if truth is not None:
                scores = score_cases(proposal.cases, truth, name)
                row |= {"precision": scores.precision, "recall": scores.recall}
            by_type.append(row)
    return pd.DataFrame(by_threshold), pd.DataFrame(by_type)


def _linking_scores(con: duckdb.DuckDBPyConnection, entities: pa.Table) -> dict[str, float]:
    con.register("_tuning_clusters", entities.rename_columns(
        ["registry", "record_id", "cluster"]))  # fmt: skip
    try:
        scores = score_clusters(con, "_tuning_clusters", "truth_persons")
    finally:
        con.unregister("_tuning_clusters")
    return {"link_precision": scores.precision, "link_recall": scores.recall}
