"""Analysts' tools: what another matching threshold would do to the case list (without
touching the published run), and the open cases re-ranked by the reviewers' decisions. Both
name people (evidence, case numbers, a 责任人), so an admin, who reads no personal data, may
not ask for them."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import AccessLogDep, AnalysisDep, Reviewer, answered
from api.labels import CASE_LABELS
from api.masking import masked
from api.schemas import Triage, WhatIf

router = APIRouter(prefix="/api", tags=["tuning"])
Limit = Annotated[int, Query(ge=1, le=1000)]
BUSY = {429: {"description": "another what-if or triage is being computed: ask again after "
                             "the `Retry-After` header's seconds"}}  # fmt: skip


@router.get("/what-if", response_model=WhatIf, responses=BUSY)
def what_if(
    threshold: Annotated[
        float,
        Query(
            gt=0,
            le=1,
            description="a proposed match threshold, rounded to 0.0001 (0.99951 → 0.9995)",
        ),
    ],
    analysis: AnalysisDep,
    access: AccessLogDep,
    principal: Reviewer,
    limit: Limit = 100,
) -> dict[str, Any]:
    """How many cases of each type would appear and disappear at ``threshold``, and which.

    The threshold is rounded to 0.0001; the answer's ``threshold`` is the one used. The first
    call for a threshold re-clusters and re-detects (seconds on a large county); the last 8
    answers are kept, so asking again is immediate. One what-if or triage is computed at a
    time: while one runs, a call that needs another computation gets 429 with
    ``Retry-After`` (an estimate in seconds). Every answer is logged (its evidence may name
    people)."""
    with answered():
        found = analysis.what_if(threshold)
    access.record(
        principal.name, principal.role, "what_if", f"threshold={found.proposal.threshold}"
    )
    appear = [{"case_id": case.case_id, "case_type": case.case_type,
               "risk_score": case.risk_score, "amount_at_risk": case.amount_at_risk,
               "evidence": case.as_contract()["evidence"]}
              for case in found.appear[:limit]]  # fmt: skip
    disappear = [{name: case[name] for name in ("case_id", "case_type", "risk_score",
                                                 "amount_at_risk")}
                 | {"evidence": json.loads(case["evidence"])}
                 for case in found.disappear[:limit]]  # fmt: skip
    return masked({
        "run_id": found.run_id, "threshold": found.proposal.threshold,
        "current_threshold": found.current_threshold,
        "persons": found.proposal.persons, "links": found.proposal.links,
        "counts": [{"case_type": name, "label": CASE_LABELS[name]} | counts
                   for name, counts in found.counts.items()],
        "appear": appear, "disappear": disappear,
    }, principal)  # fmt: skip


@router.get("/triage", response_model=Triage, responses=BUSY)
def triage(
    analysis: AnalysisDep, access: AccessLogDep, principal: Reviewer, limit: Limit = 50
) -> dict[str, Any]:
    """Open cases ranked by how likely reviewers are to confirm them, learned from their
    decisions, with the model's cross-validated ROC AUC; below the minimum number of
    decisions it says so and ranks by the rule-based risk score. The answer is kept until the
    next decision; one what-if or triage is computed at a time (429 with ``Retry-After``
    while another runs). Masked below auditor as the case list is (a 责任人 typed with an ID
    or a mobile number)."""
    with answered():
        report = analysis.triage()
    published = analysis.snapshot.published
    items = [published.summary(case) | {"triage_score": score}
             for case, score in report.ranked[:limit]]  # fmt: skip
    access.record(principal.name, principal.role, "read_triage", f"{len(items)}条")
    return {"decisions": report.decisions, "confirmed": report.confirmed,
            "dismissed": report.dismissed, "trained": report.trained,
            "message": report.message, "cv_roc_auc": report.cv_roc_auc,
            "items": masked(items, principal)}  # fmt: skip
