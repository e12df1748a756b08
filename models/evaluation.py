"""Cases against a synthetic county's truth: per type precision, recall, average precision
(cases ranked by risk score) and the share of the true amount at risk found — for Doudi and
for the same rules fed by the two linking baselines (``resolver.baselines``); the calibration
of the risk score; and fitting the risk model on a county's labelled cases."""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from models.cases import Case
from models.detectors import DETECTORS
from models.graph import build_household_graph
from models.pipeline import find_cases, rank_cases
from models.policy import Policy
from models.risk import RiskModel, feature_vector
from resolver.memory import collector_paused

# Each method's persons as (registry, record_id, person_id); the baselines' tables are made by
# ``resolver.evaluation.evaluate_linking``.
METHOD_ENTITIES = {
    "doudi": "SELECT registry, record_id, person_id FROM entities",
    "exact_id": "SELECT registry, record_id, cluster AS person_id FROM exact_id_clusters",
    "stock_splink": "SELECT registry, record_id, cluster AS person_id FROM stock_splink_clusters",
}


@dataclass(frozen=True)
class CaseScores:
    found: int
    true: int
    precision: float
    recall: float
    average_precision: float
    amount_found: float
    amount_true: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CalibrationBin:
    """Cases whose risk score fell in [low, high): how many, how many true, mean score."""

    low: float
    high: float
    cases: int
    true: int
    mean_score: float

    def as_dict(self) -> dict:
        return asdict(self)


CALIBRATION_EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


def _key(records) -> tuple:
    return tuple(
        sorted((r["registry"], r["record_id"]) if isinstance(r, dict) else r for r in records)
    )


def score_cases(cases: list[Case], truth: list[dict], case_type: str) -> CaseScores:
    """Scores of one type: a found case is true when its records are a true case's records."""
    true = {_key(item["records"]): item for item in truth if item["case_type"] == case_type}
    ranked = sorted(
        (case for case in cases if case.case_type == case_type),
        key=lambda case: -(case.risk_score or 0.0),
    )
    hits, precision_sum, amount = 0, 0.0, 0.0
    for rank, case in enumerate(ranked, start=1):
        match = true.get(_key(case.records))
        if match is not None:
            hits += 1
            precision_sum += hits / rank
            amount += match["amount_at_risk"] or 0.0
    return CaseScores(
        found=len(ranked),
        true=len(true),
        precision=hits / len(ranked) if ranked else 1.0,
        recall=hits / len(true) if true else 1.0,
        average_precision=precision_sum / len(true) if true else 1.0,
        amount_found=amount,
        amount_true=sum(item["amount_at_risk"] or 0.0 for item in true.values()),
    )


def load_truth_cases(truth_dir: Path, policy: Policy) -> list[dict]:
    """The true cases under ``policy``: those of the contract's rules, and those the truth
    marks as true under this profile only (``"policy"``: its name)."""
    lines = (truth_dir / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines]
    return [case for case in cases if case.get("policy", policy.name) == policy.name]


def case_labels(cases: list[Case], truth: list[dict]) -> list[int]:
    """1 for a case whose type and records are a true case's, else 0."""
    true = {(item["case_type"], _key(item["records"])) for item in truth}
    return [int((case.case_type, _key(case.records)) in true) for case in cases]


@collector_paused()  # the graph lives only here: no collector scans its objects
def method_cases(con: duckdb.DuckDBPyConnection, method: str, policy: Policy) -> list[Case]:
    """The cases the rules raise on the persons of one linking method (not yet scored)."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW method_entities AS {METHOD_ENTITIES[method]}")
    graph = build_household_graph(
        con, entities="method_entities", links="person_links" if method == "doudi" else None
    )
    return find_cases(graph, policy)


def evaluate_cases(
    con: duckdb.DuckDBPyConnection, truth_dir: Path, policy: Policy, risk: RiskModel
) -> tuple[dict[str, dict[str, CaseScores]], list[CalibrationBin]]:
    """Per method (Doudi and the two baselines) and case type; and the calibration of Doudi's risk scores."""
    truth = load_truth_cases(truth_dir, policy)
    results, calibration = {}, []
    for method in METHOD_ENTITIES:
        cases = rank_cases(method_cases(con, method, policy), risk)
        results[method] = {name: score_cases(cases, truth, name) for name in DETECTORS}
        if method == "doudi":
            calibration = calibration_bins(cases, case_labels(cases, truth))
    return results, calibration


def calibration_bins(cases: list[Case], labels: list[int]) -> list[CalibrationBin]:
    """Cases grouped by risk score: in a calibrated model each bin's share of true cases is
    close to its mean score."""
    bins = []
    scored = [(case.risk_score or 0.0, label) for case, label in zip(cases, labels, strict=True)]
    for low, high in itertools.pairwise(CALIBRATION_EDGES):
        chosen = [(score, label) for score, label in scored
                  if low <= score < high or score == high == 1.0]  # fmt: skip
        if chosen:
            scores = [score for score, _ in chosen]
            bins.append(CalibrationBin(low, high, len(chosen), sum(lab for _, lab in chosen),
                                       sum(scores) / len(scores)))  # fmt: skip
    return bins


def fit_risk_model(
    con: duckdb.DuckDBPyConnection, truth_dir: Path, policy: Policy, model: RiskModel
) -> tuple[RiskModel, list[CalibrationBin]]:
    """Fit ``model`` on the cases Doudi raises on a synthetic county, labelled by its truth;
    returns it and the calibration of its scores on those cases."""
    cases = method_cases(con, "doudi", policy)
    labels = case_labels(cases, load_truth_cases(truth_dir, policy))
    model.fit([(case.case_type, feature_vector(case)) for case in cases], labels)
    return model, calibration_bins(rank_cases(cases, model), labels)
