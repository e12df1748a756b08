"""Cases: the list with filters, the detail a reviewer decides on, decisions and history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status

from api.auth import Principal, masked
from api.deps import AccessLogDep, Auditor, Reviewer, SettingsDep, StorageDep
from api.schemas import CaseDetail, CaseList, CaseType, DecisionEvent, DecisionIn
from api.storage import SORTS, STATUSES, CaseFilter, DecisionError, loads

router = APIRouter(prefix="/api/cases", tags=["cases"])


def summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_id": row["case_id"], "case_type": row["case_type"],
        "risk_score": row["risk_score"], "amount_at_risk": row["amount_at_risk"],
        "township": row["township"], "village": row["village"],
        "person_ids": row["person_ids"], "status": row["status"],
        "status_label": STATUSES[row["status"]],
        "resolved_by_data": row["resolved_run"] is not None, "run_id": row["run_id"],
    }  # fmt: skip


@router.get("", response_model=CaseList)
def list_cases(
    storage: StorageDep,
    settings: SettingsDep,
    _: Reviewer,
    case_type: CaseType | None = None,
    township: str | None = None,
    village: str | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    status_: Annotated[
        Literal["open", "in_review", "confirmed", "dismissed", "field_check", "resolved"] | None,
        Query(alias="status", description="a review status, or resolved (by data)"),
    ] = None,
    run_id: str | None = None,
    sort: Literal[tuple(SORTS)] = "risk",  # type: ignore[valid-type]
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> dict[str, Any]:
    """Cases, highest risk first by default; counts are totals over all pages."""
    limit = min(limit, settings.max_page_size)
    where = CaseFilter(case_type, township, village, min_score, max_score, status_, run_id)
    total, rows = storage.list_cases(where, sort=sort, offset=offset, limit=limit)
    return {"total": total, "offset": offset, "limit": limit, "items": [summary(r) for r in rows]}


@router.get("/{case_id}", response_model=CaseDetail)
def case_detail(
    case_id: str, storage: StorageDep, access: AccessLogDep, principal: Reviewer
) -> dict[str, Any]:
    """A case with its evidence, the rows of every registry involved, the identity links and
    the household subgraph, and its decision history. Every read is logged."""
    row = storage.case(case_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no case {case_id}")
    access.record(principal.name, principal.role, "read_case", case_id)
    detail = loads(row["detail"])
    body = summary(row) | {
        "records": loads(row["records"]), "evidence": loads(row["evidence"]),
        "rows": detail["rows"], "links": detail["links"], "graph": detail["graph"],
        "history": storage.history(case_id),
    }  # fmt: skip
    return masked(body, principal)


@router.get("/{case_id}/history", response_model=list[DecisionEvent])
def case_history(case_id: str, storage: StorageDep, _: Reviewer) -> list[dict[str, Any]]:
    """Every decision event of the case, oldest first (append-only)."""
    if storage.case(case_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no case {case_id}")
    return storage.history(case_id)


@router.post(
    "/{case_id}/decisions", response_model=DecisionEvent, status_code=status.HTTP_201_CREATED
)
def record_decision(
    case_id: str, decision: DecisionIn, storage: StorageDep, principal: Auditor
) -> dict[str, Any]:
    """Move the case to a status (or stay, to add a note). 不属实 needs a reason; a stale
    ``expected_status`` or a transition the workflow does not allow is a 409."""
    return _decide(storage, case_id, decision, principal)


def _decide(storage, case_id: str, decision: DecisionIn, principal: Principal) -> dict:
    try:
        return storage.record_decision(
            case_id, actor=principal.name, role=principal.role, to_status=decision.to_status,
            note=decision.note, reason=decision.reason, expected_status=decision.expected_status,
        )  # fmt: skip
    except DecisionError as error:
        raise HTTPException(error.status, error.message) from error
