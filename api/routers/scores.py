"""Risk scores for API consumers: per person, per case, and a bulk export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, status

from api.auth import masked
from api.deps import AccessLogDep, ScoreReader, SettingsDep, StorageDep
from api.schemas import CaseScore, PersonScore, ScoreExport
from resolver.idcard import mask_id

router = APIRouter(prefix="/api/scores", tags=["scores"])


def _person(found: dict[str, Any] | None) -> dict[str, Any]:
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such person in the published run")
    scores = [case["risk_score"] for case in found["cases"] if case["risk_score"] is not None]
    return {"person_id": found["person_id"], "id_number": found["id18"], "name": found["name"],
            "risk_score": max(scores, default=None), "cases": found["cases"]}  # fmt: skip


@router.get("/persons/{person_id}", response_model=PersonScore)
def person_score(person_id: str, storage: StorageDep, principal: ScoreReader) -> dict[str, Any]:
    """A person's open cases and the highest of their scores."""
    return masked(_person(storage.person(person_id=person_id)), principal)


@router.get("/id-numbers/{id_number}", response_model=PersonScore)
def score_by_id_number(
    id_number: Annotated[str, Path(min_length=15, max_length=18)],
    storage: StorageDep,
    access: AccessLogDep,
    principal: ScoreReader,
) -> dict[str, Any]:
    """The same, looked up by an 18-digit ID number. Every lookup is logged."""
    access.record(principal.name, principal.role, "score_by_id_number", mask_id(id_number))
    return masked(_person(storage.person(id18=id_number.strip().upper())), principal)


@router.get("/cases/{case_id}", response_model=CaseScore)
def case_score(case_id: str, storage: StorageDep, _: ScoreReader) -> dict[str, Any]:
    row = storage.case(case_id)
    if row is None or row["resolved_run"] is not None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no open case {case_id}")
    return {key: row[key] for key in ("case_id", "case_type", "risk_score", "status")}


@router.get("/export", response_model=ScoreExport)
def export_scores(
    storage: StorageDep,
    settings: SettingsDep,
    _: ScoreReader,
    after: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 500,
) -> dict[str, Any]:
    """Every open case's score in case_id order, a page at a time: pass ``next_after`` back
    as ``after`` until it is null."""
    limit = min(limit, settings.max_page_size)
    total, items = storage.export_scores(after=after, limit=limit)
    next_after = items[-1]["case_id"] if len(items) == limit else None
    return {"total": total, "next_after": next_after, "items": items}
