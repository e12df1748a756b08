"""Cases against a synthetic county's truth: per type precision, recall, average precision
(cases ranked by risk score) and the share of the true amount at risk found — for Doudi and
for the same rules fed by the two linking baselines (``resolver.baselines``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from models.cases import Case
from models.detectors import DETECTORS
from models.graph import build_household_graph
from models.pipeline import detect_cases
from models.policy import Policy

CLUSTER_TABLES = {
    "doudi": "doudi_clusters",
    "exact_id": "exact_id_clusters",
    "stock_splink": "stock_splink_clusters",
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


def evaluate_cases(
    con: duckdb.DuckDBPyConnection, truth_dir: Path, policy: Policy
) -> dict[str, dict[str, CaseScores]]:
    """Per method (Doudi and the baselines whose cluster tables exist) and case type."""
    truth = [
        json.loads(line)
        for line in (truth_dir / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    results = {}
    for method, table in CLUSTER_TABLES.items():
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW method_entities AS "
            f"SELECT registry, record_id, cluster AS person_id FROM {table}"
        )
        graph = build_household_graph(con, entities="method_entities", links=method == "doudi")
        cases = detect_cases(graph, policy)
        results[method] = {name: score_cases(cases, truth, name) for name in DETECTORS}
    return results
