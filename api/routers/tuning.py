"""Analysts' tools: what another matching threshold would do to the case list (without
touching the published run), and the open cases re-ranked by the reviewers' decisions."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.auth import masked
from api.deps import AnalysisDep, Analyst, answered
from api.labels import CASE_LABELS
from api.schemas import Triage, WhatIf

router = APIRouter(prefix="/api", tags=["tuning"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/what-if", response_model=WhatIf)
def what_if(
    threshold: Annotated[float, Query(gt=0, le=1, description="a proposed match threshold")],
    analysis: AnalysisDep,
    principal: Analyst,
    limit: Limit = 100,
) -> dict[str, Any]:
    """How many cases of each type would appear and disappear at ``threshold``, and which.
    The first call for a threshold re-clusters and re-detects (seconds on a large county)."""
    with answered():
        found = analysis.what_if(threshold)
    appear = [{"case_id": case.case_id, "case_type": case.case_type,
               "risk_score": case.risk_score, "amount_at_risk": case.amount_at_risk,
               "evidence": case.as_contract()["evidence"]}
              for case in found.appear[:limit]]  # fmt: skip
    disappear = [{name: case[name] for name in ("case_id", "case_type", "risk_score",
                                                 "amount_at_risk")}
                 | {"evidence": json.loads(case["evidence"])}
                 for case in found.disappear[:limit]]  # fmt: skip
    return masked({
        "run_id": found.run_id, "threshold": threshold,
        "current_threshold": found.current_threshold,
        "persons": found.proposal.persons, "links": found.proposal.links,
        "counts": [{"case_type": name, "label": CASE_LABELS[name]} | counts
                   for name, counts in found.counts.items()],
        "appear": appear, "disappear": disappear,
    }, principal)  # fmt: skip


@router.get("/triage", response_model=Triage)
def triage(analysis: AnalysisDep, _: Analyst, limit: Limit = 50) -> dict[str, Any]:
    """Open cases ranked by how likely reviewers are to confirm them, learned from their
    decisions, with the model's cross-validated ROC AUC; below the minimum number of
    decisions it says so and ranks by the rule-based risk score."""
    report = analysis.triage()
    published = analysis.snapshot.published
    items = [published.summary(case) | {"triage_score": score}
             for case, score in report.ranked[:limit]]  # fmt: skip
    return {"decisions": report.decisions, "confirmed": report.confirmed,
            "dismissed": report.dismissed, "trained": report.trained,
            "message": report.message, "cv_roc_auc": report.cv_roc_auc, "items": items}  # fmt: skip
